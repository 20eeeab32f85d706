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
  assert.deepEqual(o.text, { punctuate: false, numerals: false, smartFormat: false, replacements: [], measurements: false, dictation: false, profanityFilter: false, redact: [], search: [] });
  assert.equal(o.encoding, undefined);
});

test('LiveKit JS default query parses, with its no-effect options listed', () => {
  const o = parse('model=nova-3&punctuate=true&smart_format=true&dictation=false&diarize=false&numerals=false&no_delay=true&interim_results=true&encoding=linear16&vad_events=true&sample_rate=16000&channels=1&endpointing=25&filler_words=false&profanity_filter=false&language=en-US&mip_opt_out=false');
  assert.equal(o.encoding, 'linear16');
  assert.equal(o.sampleRate, 16000);
  assert.equal(o.endpointingMs, 25);
  assert.equal(o.vadEvents, true);
  assert.equal(o.text.punctuate, true);
  assert.deepEqual(o.noEffect, ['no_delay']);
  assert.equal(o.text.profanityFilter, false);
});

test('old LiveKit-Python lower-cased the whole query: still valid', () => {
  const o = parse('model=nova-2&language=en-us&interim_results=true&encoding=linear16&sample_rate=16000&endpointing=false');
  assert.equal(o.endpointingMs, false);
  assert.equal(o.language, 'en-us');
});

test('smart_format alone means punctuated text with numerals; repeated extra keys become metadata', () => {
  const o = parse('smart_format=true&extra=a:1&extra=b:x:y');
  assert.deepEqual(o.text, { punctuate: true, numerals: true, smartFormat: true, replacements: [], measurements: false, dictation: false, profanityFilter: false, redact: [], search: [] });
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
  assert.throws(() => parse('diarize_model=latest'), /diarize_model is not supported/);
});

test('numerals alone: digits, no punctuation; it is acted on, so not listed as without effect', () => {
  const o = parse('numerals=true');
  assert.deepEqual(o.text, { punctuate: false, numerals: true, smartFormat: false, replacements: [], measurements: false, dictation: false, profanityFilter: false, redact: [], search: [] });
  assert.deepEqual(o.noEffect, []);
});

test('replace is repeatable: find:replacement, phrases lower-cased, an empty replacement removes', () => {
  const o = parse('replace=Earth:Mars&replace=New%20York:NYC&replace=um:');
  assert.deepEqual(o.text.replacements, [
    { find: ['earth'], replacement: 'Mars' },
    { find: ['new', 'york'], replacement: 'NYC' },
    { find: ['um'], replacement: '' },
  ]);
});

test('replace refuses nothing to find, overlong terms and more than 200 values, naming the limit', () => {
  assert.throws(() => parse('replace=:x'), /Invalid 'replace' value of ':x'\. Expected find:replacement/);
  assert.throws(() => parse(`replace=${'a'.repeat(101)}:b`), /at most 100 characters/);
  assert.throws(() => parse(Array.from({ length: 201 }, (_, i) => `replace=w${i}:x`).join('&')), /Too many 'replace' values \(201\): at most 200/);
});

test('keyterm (repeatable) and positively boosted keywords are one list of favoured terms', () => {
  assert.deepEqual(parse('keyterm=Claflin&keyterm=Rachel%20Lynde&keywords=Avonlea:2&keywords=Abbie&keywords=ignored:0').keyterms, ['Claflin', 'Rachel Lynde', 'Avonlea', 'Abbie']);
  assert.deepEqual(parse('').keyterms, []);
});

test('keyterms over the limits, and suppressing keywords, are refused with what to do instead', () => {
  assert.throws(() => parse(Array.from({ length: 101 }, (_, i) => `keyterm=t${i}`).join('&')), /Too many keyterms \(101 terms/);
  assert.throws(() => parse(`keyterm=${'x'.repeat(2001)}`), /at most 100 terms and 2000 characters/);
  assert.throws(() => parse('keywords=um:-5'), /cannot suppress them: use a positive intensifier, or replace=um: to remove the word/);
  assert.throws(() => parse('keywords=word:lots'), /Invalid 'keywords' value of 'word:lots'/);
  assert.throws(() => parse('keyterm='), /Invalid 'keyterm' value of ''/);
});

test('search is repeatable, within limits', () => {
  assert.deepEqual(parse('search=Claflin&search=call%20me').text.search, ['Claflin', 'call me']);
  assert.throws(() => parse(Array.from({ length: 26 }, (_, i) => `search=t${i}`).join('&')), /Too many 'search' values \(26\): at most 25/);
  assert.throws(() => parse('search=%20'), /Invalid 'search' value/);
});

test('redact takes Deepgram\'s number redactions, repeated or comma-separated; entity kinds are refused, saying why', () => {
  assert.deepEqual(parse('redact=pci&redact=ssn').text.redact, ['pci', 'ssn']);
  assert.deepEqual(parse('redact=true').text.redact, ['numbers']);
  assert.deepEqual(parse('redact=pci,numbers').text.redact, ['pci', 'numbers']);
  assert.deepEqual(parse('redact=false').text.redact, []);
  assert.throws(() => parse('redact=pii'), /Invalid 'redact' value of 'pii'\. Earshot redacts numbers \(numbers, true, aggressive_numbers\), ssn and pci; 'pii' needs an entity model/);
});
