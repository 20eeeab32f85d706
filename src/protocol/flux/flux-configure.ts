// Flux's `Configure` on /v2/listen: new end-of-turn thresholds, keyterms or numerals for an open
// stream. Each is answered by exactly one ConfigureSuccess (the thresholds and keyterms now in
// effect) or ConfigureFailure; a failure changes nothing. A threshold left out keeps its value;
// `keyterms` replaces the whole list ([] clears it), as on /v1/listen.
import type { TurnThresholds } from '../../turns/turn-tracker.js';
import { configuredKeyterms } from '../configure.js';
import { EAGER_EOT_THRESHOLD, EOT_THRESHOLD, EOT_TIMEOUT_MS } from './flux-options.js';

export interface FluxConfigurable {
  thresholds: TurnThresholds;
  keyterms: readonly string[];
  numerals: boolean;
}

export type FluxConfigurePlan = { ok: true; next: FluxConfigurable; keytermsReplaced: boolean } | { ok: false; description: string };

const FIELDS = ['type', 'thresholds', 'keyterms', 'numerals', 'language_hints'];
const THRESHOLDS = ['eot_threshold', 'eager_eot_threshold', 'eot_timeout_ms'];

function inRange(value: unknown, range: { min: number; max: number }): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= range.min && value <= range.max;
}

/** `message`: the client's JSON, known only to have type Configure; `keytermsSupported`: the recognizer's capability. */
export function planFluxConfigure(message: Record<string, unknown>, current: FluxConfigurable, keytermsSupported: boolean): FluxConfigurePlan {
  const fail = (description: string): FluxConfigurePlan => ({ ok: false, description: `Configure not applied: ${description}` });
  const unknown = Object.keys(message).find((k) => !FIELDS.includes(k));
  if (unknown !== undefined) return fail(`unknown field '${unknown.slice(0, 40)}'; a Configure may carry thresholds, keyterms and numerals`);
  if (message.language_hints !== undefined) return fail('language_hints need flux-general-multi, which this server does not have');

  const thresholds = { ...current.thresholds };
  const given = message.thresholds;
  if (given !== undefined) {
    if (typeof given !== 'object' || given === null || Array.isArray(given)) return fail('thresholds must be an object, such as {"eot_threshold": 0.8}');
    const fields = given as Record<string, unknown>;
    const stray = Object.keys(fields).find((k) => !THRESHOLDS.includes(k));
    if (stray !== undefined) return fail(`unknown threshold '${stray.slice(0, 40)}'; the thresholds are ${THRESHOLDS.join(', ')}`);
    const { eot_threshold: eot, eager_eot_threshold: eager, eot_timeout_ms: timeout } = fields;
    if (eot !== undefined) {
      if (!inRange(eot, EOT_THRESHOLD)) return fail(`eot_threshold must be a number from ${EOT_THRESHOLD.min} to ${EOT_THRESHOLD.max}`);
      thresholds.eotThreshold = eot;
    }
    if (eager !== undefined) {
      if (!inRange(eager, EAGER_EOT_THRESHOLD)) return fail(`eager_eot_threshold must be a number from ${EAGER_EOT_THRESHOLD.min} to ${EAGER_EOT_THRESHOLD.max}`);
      thresholds.eagerEotThreshold = eager;
    }
    if (timeout !== undefined) {
      if (!inRange(timeout, EOT_TIMEOUT_MS) || !Number.isInteger(timeout)) return fail(`eot_timeout_ms must be a whole number from ${EOT_TIMEOUT_MS.min} to ${EOT_TIMEOUT_MS.max}`);
      thresholds.eotTimeoutMs = timeout;
    }
    if (thresholds.eagerEotThreshold !== undefined && thresholds.eagerEotThreshold > thresholds.eotThreshold) {
      return fail(`eager_eot_threshold (${thresholds.eagerEotThreshold}) must not be above eot_threshold (${thresholds.eotThreshold})`);
    }
  }

  let keyterms = current.keyterms;
  if (message.keyterms !== undefined) {
    // The SDK's type allows one term as a string.
    const checked = configuredKeyterms(typeof message.keyterms === 'string' ? [message.keyterms] : message.keyterms, keytermsSupported);
    if (typeof checked === 'string') return fail(checked);
    keyterms = checked;
  }

  let { numerals } = current;
  if (message.numerals !== undefined) {
    if (typeof message.numerals !== 'boolean') return fail('numerals must be true or false');
    numerals = message.numerals;
  }
  return { ok: true, next: { thresholds, keyterms, numerals }, keytermsReplaced: keyterms !== current.keyterms };
}
