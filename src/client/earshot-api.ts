// Earshot's HTTP endpoints (the request log, access tokens) as the CLI calls them: an API key in,
// JSON out, and any refusal turned into an ExplainedError that says what it means and the fix.
import { explainRefusal } from '../protocol/explain.js';

/** A failure whose message is already written for the user: the CLI prints it as it is. */
export class ExplainedError extends Error {}

export interface ApiCall {
  method?: 'GET' | 'POST';
  body?: object;
  /** Answer undefined for a 404 instead of failing (a record that is not in the log). */
  missingOk?: boolean;
}

export type EarshotApi = (path: string, call?: ApiCall) => Promise<any>;

/** `server` is the server's base URL, http(s):// or ws(s)://. */
export function earshotApi(server: string, apiKey?: string): EarshotApi {
  const base = new URL(server.replace(/^ws/, 'http'));
  return async (path, { method = 'GET', body, missingOk = false } = {}) => {
    const headers: Record<string, string> = apiKey ? { authorization: `Token ${apiKey}` } : {};
    if (body) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(new URL(path, base), { method, headers, body: body && JSON.stringify(body) });
    } catch (err) {
      throw new ExplainedError(`cannot reach ${base.origin}: ${(err as Error).cause ?? (err as Error).message}\nIs the server running there? (\`earshot doctor --server ${base.origin}\` checks each step.)`);
    }
    if (missingOk && response.status === 404) return undefined;
    if (!response.ok) {
      const { what, fix } = explainRefusal(response.status, response.headers.get('dg-error') ?? undefined, 'cli');
      throw new ExplainedError(`${what}${fix ? `\n${fix}` : ''}`);
    }
    return response.json();
  };
}
