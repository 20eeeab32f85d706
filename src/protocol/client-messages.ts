// Text frames a client may send on /v1/listen. Anything else is answered with Deepgram's
// `Error`/`SchemaError` message and the stream stays open.
import { z } from 'zod';
import { bounded } from './bounded-text.js';

const controlMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('KeepAlive') }),
  z.object({ type: z.literal('Finalize'), channel: z.number().int().min(0).optional() }),
  z.object({ type: z.literal('CloseStream') }),
  // Its fields are checked by planConfigure, so that every Configure is answered by a ConfigureFailure that says what is wrong.
  z.looseObject({ type: z.literal('Configure') }),
]);

export type ControlMessage = z.infer<typeof controlMessage>;

export type ParsedTextFrame = { ok: true; message: ControlMessage } | { ok: false; description: string };

export function parseTextFrame(text: string): ParsedTextFrame {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, description: 'Could not deserialize last text message: not valid JSON. Expected {"type":"KeepAlive"|"Finalize"|"CloseStream"|"Configure"}; send audio as binary frames.' };
  }
  const parsed = controlMessage.safeParse(json);
  if (parsed.success) return { ok: true, message: parsed.data };
  // The type is the client's: quoted only in part, so an error never repeats a huge frame.
  const type = typeof json === 'object' && json !== null && 'type' in json ? bounded(JSON.stringify((json as { type: unknown }).type) ?? 'undefined') : 'missing';
  return { ok: false, description: `Could not deserialize last text message: unknown or malformed message (type ${type}). Expected one of KeepAlive, Finalize, CloseStream, Configure.` };
}
