// `callback=<url>`: the result (or the error) of a pre-recorded request is sent there when ready,
// retried on failure as Deepgram does (by default 10 attempts, 30 s apart).
import { outboundRequest, type OutboundLimits } from './outbound-http.js';

export interface CallbackTarget {
  url: URL;
  method: 'POST' | 'PUT';
}

export interface CallbackPolicy {
  attempts: number;
  retryMs: number;
  allowPrivate: boolean;
}

const CALLBACK_LIMITS: Omit<OutboundLimits, 'allowPrivate'> = { timeoutMs: 30_000, maxBytes: 64 * 1024 };

/** Resolves with whether a 2xx answer came; `onFailedAttempt` hears why each attempt failed. */
export async function deliverCallback(target: CallbackTarget, payload: object, requestId: string, policy: CallbackPolicy, onFailedAttempt: (attempt: number, why: string) => void): Promise<boolean> {
  const body = JSON.stringify(payload);
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    try {
      const { status } = await outboundRequest(target.url, { method: target.method, headers: { 'content-type': 'application/json', 'dg-request-id': requestId }, body }, { ...CALLBACK_LIMITS, allowPrivate: policy.allowPrivate });
      if (status >= 200 && status < 300) return true;
      onFailedAttempt(attempt, `answered ${status}`);
    } catch (err) {
      onFailedAttempt(attempt, (err as Error).message);
    }
    if (attempt < policy.attempts) await new Promise((r) => setTimeout(r, policy.retryMs));
  }
  return false;
}
