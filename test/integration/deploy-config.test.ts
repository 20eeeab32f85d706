// The shipped deployment files (Dockerfile, deploy/kubernetes/) agree with the server they deploy:
// the probes' paths answer as the manifests expect, the autoscaler's metric is exported with its
// label, `earshot serve` accepts the manifest's arguments, the drain fits in the termination grace
// period, and every file the Dockerfile copies exists. (No Docker engine or cluster runs here; the
// nginx config is run for real by scale-out.test.ts.)
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { earshot } from '../helpers/cli.js';
import { startFakeServer } from '../helpers/server.js';

const repo = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, repo), 'utf8');
const manifests = parseAllDocuments(read('deploy/kubernetes/earshot.yaml')).map((d) => d.toJS());
const byKind = (kind: string) => manifests.find((m) => m.kind === kind);
const container = byKind('Deployment').spec.template.spec.containers[0];
const arg = (name: string) => (container.args as string[]).find((a) => a.startsWith(`--${name}=`))?.split('=')[1];

test('the manifest\'s serve arguments are ones `earshot serve` takes', async () => {
  // No key in this environment: serve stops at the loopback rule, which it checks after parsing every option.
  const run = await earshot(container.args, { EARSHOT_API_KEYS: '', EARSHOT_DATABASE_URL: '', EARSHOT_REQUEST_LOG: ':memory:' });
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /no API key is configured, so Earshot only listens on loopback/);
});

test('the drain fits in the termination grace period; probes and ports point at what the server serves', async () => {
  const spec = byKind('Deployment').spec.template.spec;
  const preStopSeconds = Number(container.lifecycle.preStop.exec.command.at(-1));
  assert.ok(spec.terminationGracePeriodSeconds > preStopSeconds + Number(arg('drain-grace-ms')) / 1000 + 10, 'time to finalize the streams after the grace period');
  assert.equal(container.ports[0].containerPort, Number(arg('port')));
  assert.equal(container.readinessProbe.httpGet.path, '/readyz');
  assert.equal(container.livenessProbe.httpGet.path, '/healthz');
  const secret = parseAllDocuments(read('deploy/kubernetes/secret.example.yaml'))[0].toJS();
  for (const env of container.env.filter((e: any) => e.valueFrom)) assert.ok(env.valueFrom.secretKeyRef.key in secret.stringData, `${env.name} is in the example secret`);
  const service = byKind('Service');
  assert.equal(service.spec.ports[0].targetPort, container.ports[0].name);
});

test('the autoscaler\'s metric is exported with the label it selects, and /readyz answers as the probe expects', async () => {
  const server = await startFakeServer();
  try {
    const http = server.url.replace('ws://', 'http://');
    const metric = byKind('HorizontalPodAutoscaler').spec.metrics[0].pods.metric;
    const text = await (await fetch(`${http}/metrics`)).text();
    // A selector matches every series carrying its labels (the adapter sums them: both APIs' live streams).
    const series = [...text.matchAll(new RegExp(`^${metric.name}\\{([^}]*)\\} \\d+$`, 'gm'))].map((m) => m[1].split(','));
    const selected = series.filter((labels) => Object.entries(metric.selector.matchLabels).every(([k, v]) => labels.includes(`${k}="${v}"`)));
    assert.deepEqual(selected, [['mode="live"', 'api="v1"'], ['mode="live"', 'api="v2"']]);
    assert.equal((await fetch(`${http}${container.readinessProbe.httpGet.path}`)).status, 200);
  } finally {
    await server.stop();
  }
});

test('the prometheus-adapter rule serves the metric the HPA asks for', () => {
  const metric = byKind('HorizontalPodAutoscaler').spec.metrics[0].pods.metric.name;
  const values = parseAllDocuments(read('deploy/kubernetes/prometheus-adapter-values.yaml'))[0].toJS();
  const rule = values.rules.custom.find((r: any) => r.name.as === metric);
  assert.ok(rule, `a rule exposes ${metric}`);
  assert.match(rule.seriesQuery, new RegExp(`^${metric}\\{`));
  assert.deepEqual(Object.keys(rule.resources.overrides).sort(), ['namespace', 'pod']);
});

test('every file the Dockerfile copies from the repository exists, and it runs the package\'s own bin', () => {
  const dockerfile = read('Dockerfile');
  const copies = [...dockerfile.matchAll(/^COPY (?!--from)(.+)$/gm)].map((m) => m[1].split(/\s+/).slice(0, -1)).flat();
  assert.ok(copies.length > 0);
  for (const path of copies) assert.ok(existsSync(new URL(path, repo)), `${path} exists`);
  const bin = JSON.parse(read('package.json')).bin.earshot;
  assert.match(dockerfile, new RegExp(`ENTRYPOINT \\["node", "${bin}"\\]`));
});
