// Query parameters of pre-recorded POST /v1/listen.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePrerecordedOptions } from '../../src/prerecorded/prerecorded-options.js';
import { HandshakeError } from '../../src/protocol/failure-codes.js';

const parse = (query: string) => parsePrerecordedOptions(new URLSearchParams(query));

test('defaults: no utterances or paragraphs, utt_split 0.8 s, no callback, segments cut at pauses', () => {
  const o = parse('');
  assert.equal(o.utterances, false);
  assert.equal(o.paragraphs, false);
  assert.equal(o.uttSplitSeconds, 0.8);
  assert.equal(o.callback, undefined);
  assert.equal(o.listen.endpointingMs, false);
  assert.deepEqual(o.warnings, []);
});

test('callback: an http(s) URL, method POST unless PUT in any case', () => {
  assert.deepEqual(parse('callback=https://example.com/hook&callback_method=put').callback, { url: new URL('https://example.com/hook'), method: 'PUT' });
  assert.equal(parse('callback=http://example.com/hook').callback?.method, 'POST');
  for (const bad of ['callback=ftp://example.com/x', 'callback=not-a-url', 'callback=https://example.com&callback_method=GET']) {
    assert.throws(() => parse(bad), (err: unknown) => err instanceof HandshakeError && err.status === 400 && /^Invalid 'callback(_method)?' value/.test(err.message), bad);
  }
});

test('shared options are parsed as on the live path; live-only ones are ignored, not refused', () => {
  const o = parse('punctuate=TRUE&multichannel=true&encoding=mulaw&sample_rate=8000&interim_results=maybe&endpointing=soon');
  assert.equal(o.listen.text.punctuate, true);
  assert.equal(o.listen.multichannel, true);
  assert.equal(o.listen.encoding, 'mulaw');
  assert.equal(o.listen.interimResults, false);
  assert.throws(() => parse('encoding=mp5'), /Invalid 'encoding' value of 'mp5'/);
});

test('each unsupported analysis feature is one warning, and false asks for nothing', () => {
  const o = parse('summarize=v2&summarize=true&topics=true&sentiment=false&diarize=TRUE');
  assert.deepEqual(o.warnings.map((w) => w.parameter), ['summarize', 'topics', 'diarize']);
  assert.ok(o.warnings.every((w) => w.type === 'unsupported_feature' && /was ignored\.$/.test(w.message)));
});
