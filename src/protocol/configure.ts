// Deepgram's `Configure` message on /v1/listen: new keyterms and formatting features for an open
// stream, without reconnecting. Each Configure is answered by exactly one ConfigureSuccess or
// ConfigureFailure; a failure changes nothing. `keyterms` replaces the whole list (the query's
// `keyterm`s included; [] clears it; absent or null keeps it); `features` turns formatting on or
// off, of which `numerals` is what Deepgram documents (smart_format keeps numbers written as
// digits whatever it says, as at the handshake).
import { bounded } from './bounded-text.js';
import { keytermProblem } from './listen-options.js';
import type { ConfigureFailureMessage } from './server-messages.js';
import type { DialectContext } from './stream-dialect.js';

/** What a stream's Configure may change. */
export interface Configurable {
  keyterms: readonly string[];
  numerals: boolean;
}

export type ConfigurePlan = { ok: true; next: Configurable; keytermsReplaced: boolean } | { ok: false; description: string };

const FEATURES = ['numerals'];

/** A Configure's keyterms (on either endpoint), trimmed, or what is wrong with them. */
export function configuredKeyterms(given: unknown, keytermsSupported: boolean): string[] | string {
  if (!Array.isArray(given) || !given.every((t) => typeof t === 'string')) return 'keyterms must be an array of strings ([] clears them)';
  if (!keytermsSupported) return "this stream's model does not take keyterms";
  return keytermProblem(given) ?? given.map((t) => t.trim());
}

/** `message`: the client's JSON, known only to have type Configure (its `type` is ignored); `keytermsSupported`: the recognizer's capability. */
export function planConfigure(message: Record<string, unknown>, current: Configurable, keytermsSupported: boolean): ConfigurePlan {
  const fail = (description: string): ConfigurePlan => ({ ok: false, description: `Configure not applied: ${description}` });
  const unknown = Object.keys(message).filter((k) => k !== 'type' && k !== 'keyterms' && k !== 'features');
  if (unknown.length > 0) return fail(`unknown field '${unknown[0].slice(0, 40)}'; a Configure may carry keyterms and features`);
  let keyterms = current.keyterms;
  const given = message.keyterms;
  if (given !== undefined && given !== null) {
    const checked = configuredKeyterms(given, keytermsSupported);
    if (typeof checked === 'string') return fail(checked);
    keyterms = checked;
  }
  let { numerals } = current;
  const features = message.features;
  if (features !== undefined && features !== null) {
    if (typeof features !== 'object' || Array.isArray(features)) return fail('features must be an object, such as {"numerals": true}');
    for (const [name, value] of Object.entries(features)) {
      if (!FEATURES.includes(name)) return fail(`the feature '${name.slice(0, 40)}' cannot be changed mid-stream; ${FEATURES.join(', ')} can`);
      if (typeof value !== 'boolean') return fail(`features.${name} must be true or false`);
      numerals = value;
    }
  }
  return { ok: true, next: { keyterms, numerals }, keytermsReplaced: keyterms !== current.keyterms };
}

/** A Configure refused, on either endpoint: logged, and answered with what is wrong; nothing changes. */
export function refuseConfigure(context: Pick<DialectContext, 'requestId' | 'log'>, send: (answer: ConfigureFailureMessage) => void, fields: Record<string, unknown>, description: string): void {
  context.log.warn({ configure: bounded(JSON.stringify(fields)), reason: description }, 'Configure refused');
  send({ type: 'ConfigureFailure', request_id: context.requestId, description });
}
