// What the request log and the server log keep of a client's query: every record is written before
// the client is known to be anyone, so what it stores is bounded (an unauthenticated client cannot
// fill the disk with long queries) and credentials in URLs (callback=https://user:pw@…) are redacted.
import { redactCredentials } from '../prerecorded/outbound-http.js';
import { bounded } from '../protocol/bounded-text.js';

/** Parameters kept per record; more are counted, not stored. */
const MAX_PARAMETERS = 32;
/** Characters kept of a parameter's name and of its value. */
const MAX_NAME = 64;
const MAX_VALUE = 256;
/** Characters kept of a path. */
export const MAX_PATH = 256;

/** The query as the request log keeps it. */
export function storedQuery(params: URLSearchParams): Record<string, string> {
  const query: Record<string, string> = {};
  let dropped = 0;
  for (const [name, value] of params) {
    const key = bounded(name, MAX_NAME);
    if (!(key in query) && Object.keys(query).length >= MAX_PARAMETERS) {
      dropped++;
      continue;
    }
    query[key] = bounded(redactCredentials(value), MAX_VALUE);
  }
  if (dropped > 0) query['…'] = `${dropped} more parameters not kept`;
  return query;
}
