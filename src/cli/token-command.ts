// `earshot token`: asks a server's POST /v1/auth/grant for a short-lived access token, so a browser
// (the page at `/`, or an app's own) can open /v1/listen without ever holding the API key.
import { earshotApi } from '../client/earshot-api.js';

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
