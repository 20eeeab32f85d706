// Text frames a client may send on /v1/listen and /v2/listen (each endpoint takes its own set).
// Anything else is answered by the endpoint's dialect: on /v1/listen Deepgram's `Error`/`SchemaError`
// message, the stream staying open.
import { z } from 'zod';
import { bounded } from './bounded-text.js';

const controlMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('KeepAlive') }),
  z.object({ type: z.literal('Finalize'), channel: z.number().int().min(0).optional() }),
  z.object({ type: z.literal('CloseStream') }),
  // Its fields are checked by the dialect, so that every Configure is answered by a ConfigureFailure that says what is wrong.
  z.looseObject({ type: z.literal('Configure') }),
  z.object({ type: z.literal('ForceEndTurn') }),
]);

export type ControlMessage = z.infer<typeof controlMessage>;
export type ControlType = ControlMessage['type'];

export type ParsedTextFrame = { ok: true; message: ControlMessage } | { ok: false; description: string };

/** `accepted`: the message types of the endpoint the frame came on. */
export function parseTextFrame(text: string, accepted: readonly ControlType[]): ParsedTextFrame {
  const expected = accepted.join(', ');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, description: `Could not deserialize last text message: not valid JSON. Expected {"type": one of ${expected}}; send audio as binary frames.` };
  }
  const parsed = controlMessage.safeParse(json);
  if (parsed.success && accepted.includes(parsed.data.type)) return { ok: true, message: parsed.data };
  // The type is the client's: quoted only in part, so an error never repeats a huge frame.
  const type = typeof json === 'object' && json !== null && 'type' in json ? bounded(JSON.stringify((json as { type: unknown }).type) ?? 'undefined') : 'missing';
  return { ok: false, description: `Could not deserialize last text message: unknown or malformed message (type ${type}). Expected one of ${expected}.` };
}
