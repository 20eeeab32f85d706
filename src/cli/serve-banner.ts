// What `earshot serve` tells the person who started it, once it listens: where clients connect (by
// an address they can reach, not 0.0.0.0), the page, whether a key is needed, and a first command.
import { networkInterfaces } from 'node:os';
import type { RunningEarshot } from '../server/start.js';

/** Addresses a client can use for a server listening on `address`: every interface's for a wildcard. */
function reachable(address: string): string[] {
  if (address !== '0.0.0.0' && address !== '::') return [address.includes(':') ? `[${address}]` : address];
  const lan = Object.values(networkInterfaces()).flat().filter((i) => i && i.family === 'IPv4' && !i.internal).map((i) => i!.address);
  return ['127.0.0.1', ...lan];
}

export function serveBanner(running: RunningEarshot): string {
  const { port, address } = running.address;
  const [here, ...others] = reachable(address).map((host) => `${host}:${port}`);
  const lines = [
    `earshot: listening on ws://${here}/v1/listen`,
    ...others.map((o) => `         and on ws://${o}/v1/listen`),
    `  page:  http://${here}/ (live captions from the microphone)`,
    running.authRequired
      ? `  auth:  on; clients send a key (Authorization: Token …), the page takes a link from \`earshot token --page --server http://${here} --api-key <key>\``
      : '  auth:  off (no API key set), so only this machine can connect; --api-keys opens it to others',
    `  try:   earshot stream <file.wav> --server http://${here}${running.authRequired ? ' --api-key <key>' : ''}`,
  ];
  return lines.join('\n');
}
