// Issue 18: transcripts that read like Deepgram's — numbers as words by default, digits with
// `numerals`, Deepgram's written forms with `smart_format`, `replace` — through real WebSocket frames
// and the official SDK, on real speech: AN4's spoken phone numbers and dates from the dev set (which
// the model writes as "683-6027" and "January 7th, 1967", and on some files not at all) and JFK.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { connect, listenUrl, transcriptOf } from '../helpers/client.js';
import { DEVSET } from '../helpers/devset.js';
import { jfkWav, speechWav, wavData } from '../helpers/fixtures.js';
import { sdkClient, streamWithSdk } from '../helpers/sdk.js';
import { startServer, type TestServer } from '../helpers/server.js';

const KEY = 'text-options-key';
const LINEAR16 = { encoding: 'linear16', sample_rate: 16000 };
/** Spoken digits the model used to end at once (an empty transcript); its reference, and as digits. */
const PHONE = { file: `${DEVSET}audio/an4_cen7-mdms2-b.wav`, words: 'seven one six two four four six seven one four', digits: '7162446714', smart: '716-244-6714' };
/** Written by the model as "683-6027". */
const SEVEN_DIGITS = { file: `${DEVSET}audio/an4_cen7-marh-b.wav`, words: 'six eight three six zero two seven', smart: '683-6027' };
/** Written by the model as "January 7th, 1967." */
const DATE = { file: `${DEVSET}audio/an4_cen8-miry-b.wav`, words: 'january seventh nineteen sixty seven', digits: 'january 7th 1967' };

let server: TestServer;
let http: string;

before(async () => {
  server = await startServer({ apiKeys: [KEY] });
  http = server.url.replace('ws://', 'http://');
});
after(() => server.stop());

async function prerecorded(file: string, query = ''): Promise<string> {
  const res = await fetch(`${http}/v1/listen${query}`, { method: 'POST', headers: { authorization: `Token ${KEY}`, 'content-type': 'audio/wav' }, body: Uint8Array.from(readFileSync(file)) });
  assert.equal(res.status, 200);
  return (await res.json()).results.channels[0].alternatives[0].transcript;
}

async function live(file: string, query: Record<string, string | boolean>): Promise<any[]> {
  const c = await connect(listenUrl(server.url, { ...LINEAR16, ...query }), { headers: { authorization: `Token ${KEY}` } });
  await c.stream(wavData(file), 640);
  c.send({ type: 'CloseStream' });
  assert.equal((await c.closed).code, 1000);
  return c.messages;
}

describe('numbers', () => {
  test('by default numbers are words, as the speaker said them, pre-recorded and live', async () => {
    assert.equal(await prerecorded(PHONE.file), PHONE.words);
    assert.equal(await prerecorded(SEVEN_DIGITS.file), SEVEN_DIGITS.words);
    assert.equal(await prerecorded(DATE.file), DATE.words);
    assert.equal(transcriptOf(await live(DATE.file, {})), DATE.words);
  });

  test('numerals=true writes digits; each merged word spans the words it replaces', async () => {
    assert.equal(await prerecorded(PHONE.file, '?numerals=true'), PHONE.digits);
    const messages = await live(DATE.file, { numerals: 'true' });
    assert.equal(transcriptOf(messages), DATE.digits);
    const words = messages.filter((m) => m.is_final).flatMap((m) => m.channel.alternatives[0].words);
    const year = words.find((w: any) => w.word === '1967');
    assert.ok(year && year.end - year.start > 0.3, `"1967" covers the three words said for it: ${JSON.stringify(year)}`);
    for (let i = 1; i < words.length; i++) assert.ok(words[i].start >= words[i - 1].end - 1e-6, 'words stay in order, not overlapping');
  });

  test('smart_format writes phone numbers and dates the way Deepgram does, through the SDK', async () => {
    const client = sdkClient(server, { apiKey: KEY });
    const file = Uint8Array.from(readFileSync(SEVEN_DIGITS.file));
    const response: any = await client.listen.v1.media.transcribeFile(file, { model: 'nova-3', smart_format: true });
    assert.match(response.results.channels[0].alternatives[0].transcript, new RegExp(`^${SEVEN_DIGITS.smart}\\.?$`));
    // Live, numbers are formatted within a final: an endpointing that waits out the pauses between digits keeps them in one.
    const stream = await streamWithSdk(client, { model: 'nova-3', encoding: 'linear16', sample_rate: 16000, numerals: 'true', smart_format: 'true', endpointing: 800 } as any, wavData(SEVEN_DIGITS.file), { chunkBytes: 3200 });
    assert.equal(stream.closeCode, 1000);
    assert.match(transcriptOf(stream.messages), new RegExp(SEVEN_DIGITS.smart));
  });
});

describe('replace', () => {
  test('replaces words and phrases, live and pre-recorded, through the SDK', async () => {
    const client = sdkClient(server, { apiKey: KEY });
    const jfk = Uint8Array.from(readFileSync(jfkWav()));
    const response: any = await client.listen.v1.media.transcribeFile(jfk, { model: 'nova-3', punctuate: true, replace: ['country:nation', 'for you:for us'] });
    const transcript: string = response.results.channels[0].alternatives[0].transcript;
    assert.match(transcript, /can do for us, ask/, 'the phrase replaced, its comma kept');
    assert.equal(transcript.match(/\bnation\b/g)?.length, 2);
    assert.doesNotMatch(transcript, /country|\bfor you\b/i);
    const stream = await streamWithSdk(client, { model: 'nova-3', encoding: 'linear16', sample_rate: 16000, replace: 'country:nation' } as any, wavData(jfkWav()), { chunkBytes: 3200 });
    assert.match(transcriptOf(stream.messages), /your nation/);
    assert.doesNotMatch(transcriptOf(stream.messages), /country/);
  });

  test('an empty replacement removes the word, its time with it', async () => {
    const messages = await live(jfkWav(), { replace: 'ask:' });
    const words = messages.filter((m) => m.is_final).flatMap((m) => m.channel.alternatives[0].words.map((w: any) => w.word));
    assert.ok(words.length > 10);
    assert.ok(!words.includes('ask'));
  });
});

describe('search', () => {
  test("each term's hits with times and confidence, pre-recorded through the SDK and live", async () => {
    const client = sdkClient(server, { apiKey: KEY });
    const jfk = Uint8Array.from(readFileSync(jfkWav()));
    const response: any = await client.listen.v1.media.transcribeFile(jfk, { model: 'nova-3', search: ['country', 'fellow americans', 'zebra'] });
    const [country, fellow, zebra] = response.results.channels[0].search;
    assert.equal(country.query, 'country');
    assert.equal(country.hits.length, 2, 'said twice');
    for (const hit of country.hits) {
      assert.equal(hit.snippet, 'country');
      assert.ok(hit.start > 3 && hit.end <= 11 && hit.end > hit.start, JSON.stringify(hit));
      assert.ok(hit.confidence > 0.5 && hit.confidence <= 1);
    }
    assert.ok(country.hits[0].confidence >= country.hits[1].confidence, 'best first');
    assert.equal(fellow.hits[0].snippet, 'fellow american', 'the model writes "fellow-American"');
    assert.ok(fellow.hits[0].start < 3, 'near the start');
    assert.deepEqual(zebra, { query: 'zebra', hits: [] });
    const messages = await live(jfkWav(), { search: 'country' });
    const hits = messages.filter((m) => m.is_final).flatMap((m) => m.channel.search[0].hits);
    assert.equal(hits.length, 2);
  });
});

describe('profanity_filter', () => {
  test('masks a profane word with asterisks and leaves the rest, through the SDK', async () => {
    const file = speechWav('He said the plan was bullshit and walked out of the room.');
    const client = sdkClient(server, { apiKey: KEY });
    const plain: any = await client.listen.v1.media.transcribeFile(Uint8Array.from(readFileSync(file)), { model: 'nova-3' });
    assert.match(plain.results.channels[0].alternatives[0].transcript, /bullshit/, 'the model hears the word');
    const filtered: any = await client.listen.v1.media.transcribeFile(Uint8Array.from(readFileSync(file)), { model: 'nova-3', profanity_filter: true });
    const { transcript, words } = filtered.results.channels[0].alternatives[0];
    assert.match(transcript, /was \*{8} and walked/);
    assert.ok(words.some((w: any) => w.word === '********'), 'the masked word keeps its place and time');
    assert.match(transcriptOf(await live(file, { profanity_filter: 'true' })), /was \*{8} and walked/, 'live');
  });
});

describe('keyterm and keywords', () => {
  // The model writes "Jean" for the name Kathleen reads as "Jeanne", and "the ducal" for "MacDougall".
  const JEANNE = `${DEVSET}audio/kathleen_arctic_a0164.wav`;
  const MACDOUGALL = `${DEVSET}audio/kathleen_arctic_a0151.wav`;
  const WITHOUT = `${DEVSET}audio/kathleen_arctic_a0121.wav`;

  test('a keyterm the model misspells comes out as written, through the SDK, live and pre-recorded', async () => {
    assert.match(await prerecorded(JEANNE), /\bjean$/, 'unbiased, the model writes "jean"');
    const client = sdkClient(server, { apiKey: KEY });
    const response: any = await client.listen.v1.media.transcribeFile(Uint8Array.from(readFileSync(MACDOUGALL)), { model: 'nova-3', keyterm: ['MacDougall'] });
    assert.match(response.results.channels[0].alternatives[0].transcript, /^and macdougall was beyond the trail/);
    const stream = await streamWithSdk(client, { model: 'nova-3', encoding: 'linear16', sample_rate: 16000, keyterm: 'Jeanne' } as any, wavData(JEANNE), { chunkBytes: 3200 });
    assert.match(transcriptOf(stream.messages), /revealed himself to jeanne$/);
  });

  test('keywords (older models) favour a word the same way; a term never said is not inserted', async () => {
    assert.match(transcriptOf(await live(JEANNE, { keywords: 'Jeanne:2' })), /to jeanne$/);
    const unbiased = await prerecorded(WITHOUT);
    assert.equal(await prerecorded(WITHOUT, '?keyterm=Jeanne&keyterm=MacDougall&keyterm=Kubernetes'), unbiased);
  });
});

describe('redact', () => {
  test('a card number and its code are masked digit for digit, through the SDK, live and pre-recorded', async () => {
    const file = speechWav('Card number four five three two, seven eight one six, two two nine zero, one four eight three. The CVV is seven three one.');
    const client = sdkClient(server, { apiKey: KEY });
    const plain: any = await client.listen.v1.media.transcribeFile(Uint8Array.from(readFileSync(file)), { model: 'nova-3' });
    assert.match(plain.results.channels[0].alternatives[0].transcript, /four five three two seven eight one six/, 'the model hears the digits');
    const response: any = await client.listen.v1.media.transcribeFile(Uint8Array.from(readFileSync(file)), { model: 'nova-3', redact: 'pci' });
    const transcript: string = response.results.channels[0].alternatives[0].transcript;
    assert.doesNotMatch(transcript, /\b(one|two|three|four|five|six|seven|eight|nine|zero)\b|\d/, transcript);
    assert.match(transcript, /card number \*{16}/);
    assert.match(transcript, /\*{16} .*v.* \*{3}$/, 'the code after "CVV" (which the model spells "C V V")');
    const stream = await streamWithSdk(client, { model: 'nova-3', encoding: 'linear16', sample_rate: 16000, redact: 'numbers', endpointing: 800 } as any, wavData(file), { chunkBytes: 3200 });
    assert.doesNotMatch(transcriptOf(stream.messages), /\b(one|two|three|four|five|six|seven|eight|nine|zero)\b|\d/);
  });
});

describe('dictation', () => {
  test('spoken punctuation becomes marks with punctuate on, through the SDK; without punctuate the words stay', async () => {
    // The model hears festival's "comma" as "Kama" or "komu", but its "period" as the word.
    const file = Uint8Array.from(readFileSync(speechWav('Send the report today period Thank you period')));
    const client = sdkClient(server, { apiKey: KEY });
    const dictated: any = await client.listen.v1.media.transcribeFile(file, { model: 'nova-3', dictation: true, punctuate: true });
    assert.match(dictated.results.channels[0].alternatives[0].transcript, /^Send the report to ?day\. Thank you\.$/);
    const plain: any = await client.listen.v1.media.transcribeFile(file, { model: 'nova-3', dictation: true });
    assert.match(plain.results.channels[0].alternatives[0].transcript, /day period thank you period/, 'Deepgram acts on dictation only with punctuate');
    const speech = speechWav('Send the report today period Thank you period');
    assert.match(transcriptOf(await live(speech, { dictation: 'true', punctuate: 'true', endpointing: '800' })), /day\. Thank you\.$/, 'live');
  });
});

describe('measurements', () => {
  test('units after numbers are abbreviated, through the SDK', async () => {
    const file = Uint8Array.from(readFileSync(speechWav('Take fifty milligrams twice a day.')));
    const client = sdkClient(server, { apiKey: KEY });
    const plain: any = await client.listen.v1.media.transcribeFile(file, { model: 'nova-3', numerals: true });
    assert.match(plain.results.channels[0].alternatives[0].transcript, /50 milligrams/);
    const response: any = await client.listen.v1.media.transcribeFile(file, { model: 'nova-3', numerals: true, measurements: true });
    assert.match(response.results.channels[0].alternatives[0].transcript, /take 50 mg twice a day/);
    assert.match(transcriptOf(await live(speechWav('Take fifty milligrams twice a day.'), { measurements: 'true' })), /take fifty mg twice a day/, 'live, numbers as words');
  });
});

describe('smart_format addresses', () => {
  test('an email is said in words by default and written as one with smart_format, through the SDK', async () => {
    // The model itself writes "jane@exampoel.com".
    const file = Uint8Array.from(readFileSync(speechWav('Please write to jane at example dot com today.')));
    const client = sdkClient(server, { apiKey: KEY });
    const plain: any = await client.listen.v1.media.transcribeFile(file, { model: 'nova-3' });
    assert.match(plain.results.channels[0].alternatives[0].transcript, /write to jane at \w+ dot com/);
    const response: any = await client.listen.v1.media.transcribeFile(file, { model: 'nova-3', smart_format: true });
    assert.match(response.results.channels[0].alternatives[0].transcript, /write to jane@\w+\.com/i);
  });
});
