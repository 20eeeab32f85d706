// Requests Earshot makes on a client's behalf: fetching `{"url": …}` audio, and POSTing results to a
// `callback`. Either could be aimed at the server's own network (SSRF), so unless allowed, every
// address a name resolves to is checked at connect time (no DNS-rebinding gap), literal addresses
// too, and each redirect is checked again. Sizes and times are bounded.
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { lookup as dnsLookup } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface OutboundLimits {
  /** Allow loopback, private, link-local and other non-public addresses. */
  allowPrivate: boolean;
  timeoutMs: number;
  maxBytes: number;
}

export interface OutboundResponse {
  status: number;
  contentType?: string;
  body: Buffer;
}

/** Why an outbound request did not complete; the message is written for the client. */
export class OutboundError extends Error {
  constructor(
    message: string,
    readonly kind: 'refused' | 'failed' | 'too-large' | 'timeout',
  ) {
    super(message);
  }
}

const MAX_REDIRECTS = 5;

const NON_PUBLIC = new BlockList();
for (const [net, bits] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 3]] as const) {
  NON_PUBLIC.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [['::', 127], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) NON_PUBLIC.addSubnet(net, bits, 'ipv6');

export function isNonPublic(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return NON_PUBLIC.check(mapped[1], 'ipv4');
  return NON_PUBLIC.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
}

function refusedAddress(host: string, address: string): OutboundError {
  return new OutboundError(`${host} resolves to ${address}, a private or local address; the server is not allowed to reach it (--allow-private-urls permits it).`, 'refused');
}

/** dns.lookup that fails for non-public addresses, in both of its answer forms. */
function guardedLookup(host: string): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, options, (err, address, family) => {
      if (err) return callback(err, address as string, family);
      const addresses = Array.isArray(address) ? address.map((a) => a.address) : [address];
      const blocked = addresses.find(isNonPublic);
      if (blocked) return callback(refusedAddress(host, blocked), '', 0);
      callback(null, address as string, family);
    });
  };
}

/**
 * Whether the server may reach `url` at all, checked before any work is accepted for it (a
 * callback): refused for a host that does not resolve or resolves to a non-public address. The
 * delivery itself is guarded again, since a name may resolve differently later.
 */
export async function checkReachable(url: URL, limits: Pick<OutboundLimits, 'allowPrivate'>): Promise<void> {
  if (limits.allowPrivate) return;
  const host = bareHost(url);
  const addresses = isIP(host) ? [host] : await dnsLookupAll(host);
  const blocked = addresses.find(isNonPublic);
  if (blocked) throw refusedAddress(host, blocked);
}

/** The host without an IPv6 literal's brackets. */
const bareHost = (url: URL): string => url.hostname.replace(/^\[|\]$/g, '');

function dnsLookupAll(host: string): Promise<string[]> {
  return new Promise((resolve, reject) =>
    dnsLookup(host, { all: true }, (err, addresses) => {
      if (err) reject(new OutboundError(`${host} does not resolve (${err.code ?? err.message}).`, 'failed'));
      else resolve(addresses.map((a) => a.address));
    }),
  );
}

export async function outboundRequest(url: URL, init: { method?: string; headers?: Record<string, string>; body?: string }, limits: OutboundLimits): Promise<OutboundResponse> {
  const deadline = Date.now() + limits.timeoutMs;
  let target = url;
  for (let redirects = 0; ; redirects++) {
    const response = await requestOnce(target, init, limits, deadline);
    const location = response.redirect;
    if (!location) return response;
    if (redirects === MAX_REDIRECTS) throw new OutboundError(`${redactCredentials(url.href)} redirected more than ${MAX_REDIRECTS} times.`, 'failed');
    target = new URL(location, target);
    if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new OutboundError(`${redactCredentials(url.href)} redirected to a ${target.protocol} URL.`, 'failed');
  }
}

function requestOnce(url: URL, init: { method?: string; headers?: Record<string, string>; body?: string }, limits: OutboundLimits, deadline: number): Promise<OutboundResponse & { redirect?: string }> {
  return new Promise((resolve, reject) => {
    const host = bareHost(url);
    // Literal addresses never pass through lookup.
    if (!limits.allowPrivate && isIP(host) && isNonPublic(host)) return reject(refusedAddress(host, host));
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, {
      method: init.method ?? 'GET',
      headers: init.headers,
      lookup: limits.allowPrivate ? undefined : guardedLookup(host),
    });
    const timer = setTimeout(() => req.destroy(new OutboundError(`${url.origin} did not answer within ${limits.timeoutMs} ms.`, 'timeout')), Math.max(1, deadline - Date.now()));
    const fail = (err: Error) => {
      clearTimeout(timer);
      reject(err instanceof OutboundError ? err : new OutboundError(`${url.origin} could not be reached: ${err.message}`, 'failed'));
    };
    req.on('error', fail);
    req.on('response', (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        clearTimeout(timer);
        return resolve({ status, body: Buffer.alloc(0), redirect: res.headers.location });
      }
      const declared = Number(res.headers['content-length'] ?? 0);
      if (declared > limits.maxBytes) return req.destroy(tooLarge(url, limits));
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limits.maxBytes) req.destroy(tooLarge(url, limits));
        else chunks.push(chunk);
      });
      res.on('error', fail);
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status, contentType: res.headers['content-type'], body: Buffer.concat(chunks) });
      });
    });
    req.end(init.body);
  });
}

function tooLarge(url: URL, limits: OutboundLimits): OutboundError {
  return new OutboundError(`${redactCredentials(url.href)} is larger than the ${limits.maxBytes} bytes allowed.`, 'too-large');
}

const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/)[^/?#@\s]*@/gi;

/** `text` with the user:password of any URL in it replaced: URLs from clients are logged and stored without them. */
export function redactCredentials(text: string): string {
  return text.replace(URL_CREDENTIALS, '$1***@');
}
