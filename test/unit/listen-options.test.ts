import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HandshakeError } from '../../src/protocol/failure-codes.js';
import { parseListenOptions } from '../../src/protocol/listen-options.js';

const parse = (query: string) => parseListenOptions(new URLSearchParams(query));

test('defaults follow Deepgram: endpointing 10 ms, no interims, mono, no punctuation', () => {
  const o = parse('');
  assert.equal(o.endpointingMs, 10);
  assert.equal(o.interimResults, false);
  assert.equal(o.channels, 1);
  assert.equal(o.punctuate, false);
  assert.equal(o.encoding, undefined);
});

test('LiveKit JS default query parses, with its no-effect options listed', () => {
  const o = parse('model=nova-3&punctuate=true&smart_format=true&dictation=false&diarize=false&numerals=false&no_delay=true&interim_results=true&encoding=linear16&vad_events=true&sample_rate=16000&channels=1&endpointing=25&filler_words=false&profanity_filter=false&language=en-US&mip_opt_out=false');
  assert.equal(o.encoding, 'linear16');
  assert.equal(o.sampleRate, 16000);
  assert.equal(o.endpointingMs, 25);
  assert.equal(o.vadEvents, true);
  assert.equal(o.punctuate, true);
  assert.deepEqual(o.noEffect, ['no_delay']);
});

test('old LiveKit-Python lower-cased the whole query: still valid', () => {
  const o = parse('model=nova-2&language=en-us&interim_results=true&encoding=linear16&sample_rate=16000&endpointing=false');
  assert.equal(o.endpointingMs, false);
  assert.equal(o.language, 'en-us');
});

test('smart_format alone means punctuated text; repeated extra keys become metadata', () => {
  const o = parse('smart_format=true&extra=a:1&extra=b:x:y');
  assert.equal(o.punctuate, true);
  assert.deepEqual(o.extra, { a: '1', b: 'x:y' });
});

test('sample_rate and channels are ignored without encoding (containers carry their own)', () => {
  const o = parse('sample_rate=8000&channels=2');
  assert.equal(o.sampleRate, undefined);
  assert.equal(o.channels, 1);
});

test("refusals carry Deepgram's sentence", () => {
  assert.throws(() => parse('utterance_end_ms=999'), (e: HandshakeError) => e.status === 400 && e.message.startsWith("Invalid 'utterance_end_ms' value of '999'."));
  assert.throws(() => parse('encoding=mulaw'), /Missing 'sample_rate'/);
  assert.throws(() => parse('endpointing=soon'), /Invalid 'endpointing' value of 'soon'/);
  assert.throws(() => parse('keyterm=Earshot'), /keyterm is not supported/);
});
