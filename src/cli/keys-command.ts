// `earshot keys create|list|revoke`: API keys in the server's state store (its --request-log file, or
// the PostgreSQL database replicas share), stored
// as hashes with their scopes. A server reads them at every handshake, so a revocation counts at
// once, and no restart is needed for a new key.
import { SCOPES, type KeyStore, type Scope, type StoredKey } from '../store/api-keys.js';
import { ExplainedError } from '../client/earshot-api.js';
import { painter } from './terminal.js';

export async function createKey(store: KeyStore, label: string, scopes: string[], json: boolean): Promise<string> {
  const unknown = scopes.filter((s) => !SCOPES.includes(s as Scope));
  if (unknown.length > 0) throw new ExplainedError(`unknown scope ${unknown.join(', ')}: the scopes are ${SCOPES.join(', ')}`);
  const { key, secret } = await store.create(label, scopes.length > 0 ? [...new Set(scopes as Scope[])] : ['listen']);
  if (json) return JSON.stringify({ ...key, secret });
  return [`${secret}`, ``, `key ${key.id}${key.label ? ` (${key.label})` : ''}, scopes ${key.scopes.join(', ')}.`, `The secret is shown this once: the server keeps only its hash.`].join('\n');
}

export async function listKeys(store: KeyStore, json: boolean, stream: NodeJS.WriteStream): Promise<string> {
  const keys = await store.list();
  if (json) return JSON.stringify(keys, null, 2);
  if (keys.length === 0) return 'no keys yet: `earshot keys create` makes one';
  const paint = painter(stream);
  return keys.map((k: StoredKey) => `${k.id}  ${k.revokedAt ? paint('red', `revoked ${k.revokedAt}`) : paint('green', 'live')}  ${k.scopes.join(',').padEnd(16)} ${k.createdAt}  ${k.label}`).join('\n');
}

export async function revokeKey(store: KeyStore, id: string): Promise<string> {
  if (!(await store.revoke(id))) throw new ExplainedError(`no live key ${id} (\`earshot keys list\` shows the ids)`);
  return `revoked ${id}: the next handshake with it is refused`;
}
