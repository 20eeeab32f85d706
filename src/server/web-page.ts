// The browser page at `/`: web/ built by Vite into dist/web (`npm run build`, run by `npm install`).
// Static files only; the page talks to this server through the same /v1/listen and
// /v1/auth/grant any other client uses.
import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import sirv from 'sirv';

/** The same folder from src/ under tsx and from dist/. */
const WEB_ROOT = fileURLToPath(new URL('../../dist/web', import.meta.url));
/** The page talks only to this server: its own scripts, styles, worklet and WebSocket. */
const PAGE_POLICY = "default-src 'self'; connect-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/** `notFound`: answers for a path that is no file of the page; `why` is set when the page itself is missing. */
export type PageHandler = (req: IncomingMessage, res: ServerResponse, notFound: (why?: string) => void) => void;

export function webPage(): PageHandler {
  // sirv lists its folder up front, so a server started before the page was built serves none.
  if (!existsSync(WEB_ROOT)) return (_req, _res, notFound) => notFound('The browser page is not built: run `npm run build`.');
  const files = sirv(WEB_ROOT, { etag: true, setHeaders: (res) => res.setHeader('content-security-policy', PAGE_POLICY) });
  return (req, res, notFound) => files(req, res, () => notFound());
}
