// Colour only for a terminal that wants it (NO_COLOR and FORCE_COLOR respected), so piped output and
// logs stay plain.
import { styleText } from 'node:util';

type Style = Parameters<typeof styleText>[0];

export function colourWanted(stream: NodeJS.WriteStream): boolean {
  if (process.env.NO_COLOR) return false;
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}

export function painter(stream: NodeJS.WriteStream): (style: Style, text: string) => string {
  const colour = colourWanted(stream);
  return (style, text) => (colour ? styleText(style, text) : text);
}
