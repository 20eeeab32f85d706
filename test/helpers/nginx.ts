// nginx from Debian's package, in the foreground in a temporary folder, serving a site config (the
// one shipped in deploy/nginx/, with its addresses replaced) on a loopback port.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const NGINX = '/usr/sbin/nginx';

export interface TestNginx {
  /** What nginx wrote to its error log so far. */
  errors(): string;
  stop(): Promise<void>;
}

export async function startNginx(site: string, port: number): Promise<TestNginx> {
  if (!existsSync(NGINX)) throw new Error('nginx is not installed: scripts/install-system-packages.sh --test installs it');
  const dir = mkdtempSync(join(tmpdir(), 'earshot-nginx-'));
  // Workers run as an unprivileged user when the master is root: they must be able to use the temp folders.
  chmodSync(dir, 0o755);
  for (const sub of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) {
    mkdirSync(join(dir, sub));
    chmodSync(join(dir, sub), 0o777);
  }
  writeFileSync(join(dir, 'site.conf'), site);
  writeFileSync(
    join(dir, 'nginx.conf'),
    `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 512; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  include ${dir}/site.conf;
}
`,
  );
  const child = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const errors = () => output + (existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : '');
  const stop = async () => {
    child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  for (let attempt = 0; ; attempt++) {
    try {
      await fetch(`http://127.0.0.1:${port}/healthz`);
      return { errors, stop };
    } catch {
      if (attempt >= 100 || child.exitCode !== null) {
        const why = errors();
        await stop();
        throw new Error(`nginx did not start:\n${why}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
