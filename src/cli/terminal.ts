// Colour only for a terminal that wants it (NO_COLOR and FORCE_COLOR respected), so piped output and
// logs stay plain; and the progress line the streaming and transcribing commands redraw.
import { execFileSync } from 'node:child_process';
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

const BAR = 24;

/** `[#####.....]  42% 12.6/30.0 s`, or just the seconds done when the total is unknown. */
export function progressLine(done: number, total?: number): string {
  const share = total ? Math.min(1, done / total) : undefined;
  const bar = share === undefined ? '' : `[${'#'.repeat(Math.round(share * BAR)).padEnd(BAR, '.')}] ${(share * 100).toFixed(0).padStart(3)}% `;
  return `${bar}${done.toFixed(1)}${total ? `/${total.toFixed(1)}` : ''} s`;
}

/** A media file's duration in seconds (ffprobe), if it can tell; ffprobe's own complaints are not the user's to read. */
export function mediaSeconds(file: string): number | undefined {
  try {
    const seconds = Number(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
    return seconds > 0 ? seconds : undefined;
  } catch {
    return undefined;
  }
}

/** Said when the server could not decode a file: the likely cause is raw audio with no header, and `flags` say how to declare it. */
export const rawAudioHint = (flags: string): string => `if the file is raw audio (no WAV or other header), say how it is encoded: ${flags}`;
