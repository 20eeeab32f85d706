// Pre-recorded POST /v1/listen from Earshot's CLI. Made with node:http rather than fetch, because
// fetch hides 1xx responses, and Earshot reports progress in 103s to a client that asks for them.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface PrerecordedRequest {
  /** Server base URL, http(s):// or ws(s)://. */
  server: string;
  apiKey?: string;
  query: Record<string, string>;
  audio: Buffer;
  /** Seconds of audio transcribed so far, as the server reports them. */
  onProgress?: (seconds: number) => void;
}

export interface PrerecordedAnswer {
  status: number;
  requestId?: string;
  dgError?: string;
  body: any;
}

export function postPrerecorded({ server, apiKey, query, audio, onProgress }: PrerecordedRequest): Promise<PrerecordedAnswer> {
  const url = new URL('/v1/listen', server.replace(/^ws/, 'http'));
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  const headers: Record<string, string> = { 'content-type': 'application/octet-stream', 'content-length': String(audio.length), 'earshot-progress': 'true' };
  if (apiKey) headers.authorization = `Token ${apiKey}`;
  return new Promise((resolve, reject) => {
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { method: 'POST', headers });
    req.on('information', (info) => {
      const seconds = Number(info.headers['earshot-progress']);
      if (info.statusCode === 103 && Number.isFinite(seconds)) onProgress?.(seconds);
    });
    req.on('error', reject);
    req.on('response', async (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      for await (const chunk of res) chunks.push(chunk as Buffer);
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // Not JSON (a proxy's error page, say): kept as text for the message.
      }
      const header = (name: string) => (res.headers[name] as string | undefined) ?? undefined;
      resolve({ status: res.statusCode ?? 0, requestId: header('dg-request-id'), dgError: header('dg-error'), body });
    });
    req.end(audio);
  });
}
