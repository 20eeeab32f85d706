// `earshot token`: asks a server's POST /v1/auth/grant for a short-lived access token, so a browser
// (the page at `/`, or an app's own) can open /v1/listen without ever holding the API key.
import { earshotApi } from '../client/earshot-api.js';
import { isLoopback } from '../server/config.js';

/**
 * A page link is read by a person, who may open it, read the page and only then press Start (when
 * the token is checked): 30 s, right for a backend handing a token to its own page, is too short.
 */
export const PAGE_TTL_SECONDS = 900;

export interface TokenOptions {
  server: string;
  apiKey?: string;
  ttlSeconds?: number;
}

export interface GrantedToken {
  access_token: string;
  expires_in: number;
}

export function grantToken({ server, apiKey, ttlSeconds }: TokenOptions): Promise<GrantedToken> {
  return earshotApi(server, apiKey)('/v1/auth/grant', { method: 'POST', body: ttlSeconds === undefined ? {} : { ttl_seconds: ttlSeconds } });
}

/**
 * The page's address with the token in its fragment: browsers never send a fragment to the server,
 * and the page moves the token out of the address bar as it loads.
 */
export function pageLink(server: string, token: string): string {
  const page = new URL('/', server.replace(/^ws/, 'http'));
  page.hash = new URLSearchParams({ access_token: token }).toString();
  return page.toString();
}

/** What the person opening the link needs to know: how long it works, and from where. */
export function pageNote(server: string, expiresIn: number): string {
  const { hostname } = new URL(server.replace(/^ws/, 'http'));
  const lasts = expiresIn % 60 === 0 ? `${expiresIn / 60} minutes` : `${expiresIn} s`;
  const where = isLoopback(hostname.replace(/^\[|\]$/g, ''))
    ? `; it opens on this machine only (${hostname} is loopback): for another machine, give --server with this machine's address as that machine reaches it`
    : '';
  return `earshot: press Start within ${lasts} of making this link (its token is checked when a stream opens; run \`earshot token --page\` again for a new one)${where}`;
}
