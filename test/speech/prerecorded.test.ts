// Issue 7: pre-recorded POST /v1/listen with the real engine: Deepgram's REST schema through the
// official SDK's file and URL calls, and the options that shape it (refusals, callbacks, the request
// log and `earshot transcribe` are in test/integration/prerecorded-requests.test.ts).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { JFK_TEXT, jfkWav, PASSAGE, speechWav } from '../helpers/fixtures.js';
import { peer, postListen, UUID } from '../helpers/http-peer.js';
import { sdkClient } from '../helpers/sdk.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { wer } from '../helpers/wer.js';

const KEY = 'prerecorded-test-key';
let server: TestServer;
let http: string;
let jfk: Uint8Array<ArrayBuffer>;

before(async () => {
  jfk = Uint8Array.from(readFileSync(jfkWav()));
  server = await startServer({ apiKeys: [KEY], allowPrivateUrls: true });
  http = server.url.replace('ws://', 'http://');
});
after(() => server.stop());

const post = (query: string, body: BodyInit | Buffer, headers: Record<string, string> = {}) => postListen(http, KEY, query, body, headers);

describe('the official @deepgram/sdk, pointed at Earshot', () => {
  test('transcribeFile: the words, with Deepgram\'s metadata and results', async () => {
    const response: any = await sdkClient(server, { apiKey: KEY }).listen.v1.media.transcribeFile(jfk, { model: 'nova-3', punctuate: true });
    assert.match(response.metadata.request_id, UUID);
    assert.equal(response.metadata.duration, 11);
    assert.equal(response.metadata.channels, 1);
    assert.match(response.metadata.sha256, /^[0-9a-f]{64}$/);
    assert.ok(response.metadata.model_info[response.metadata.models[0]], 'model_info describes each model');
    const alternative = response.results.channels[0].alternatives[0];
    assert.ok(wer(JFK_TEXT, alternative.transcript) <= 0.15, alternative.transcript);
    assert.match(alternative.transcript, /^And so/, 'punctuate=true keeps case and punctuation');
    assert.ok(alternative.confidence > 0 && alternative.confidence <= 1);
    assert.equal(alternative.words.length, alternative.transcript.split(' ').length);
    for (const w of alternative.words) {
      assert.ok(w.start < w.end && w.end <= 11, JSON.stringify(w));
      assert.equal(w.word, w.word.toLowerCase());
    }
    assert.equal(response.results.utterances, undefined, 'utterances only when asked for');
  });

  test('transcribeUrl: audio fetched from a URL (a loopback file host)', async () => {
    const host = await peer(() => ({ status: 200, body: Buffer.from(jfk), type: 'audio/wav' }));
    try {
      const response: any = await sdkClient(server, { apiKey: KEY }).listen.v1.media.transcribeUrl({ url: `${host.url}/jfk.wav`, model: 'nova-3' });
      assert.ok(wer(JFK_TEXT, response.results.channels[0].alternatives[0].transcript) <= 0.15);
      assert.equal(host.received.length, 1);
    } finally {
      await host.close();
    }
  });
});

describe('options', () => {
  test('utterances split at utt_split pauses; paragraphs of sentences; unsupported features named in warnings', async () => {
    const res = await post('?punctuate=true&utterances=true&utt_split=0.3&paragraphs=true&summarize=v2&diarize=true&topics=false', jfk);
    assert.equal(res.status, 200);
    const { metadata, results } = await res.json();
    assert.deepEqual(metadata.warnings.map((w: any) => w.parameter), ['summarize', 'diarize'], 'false is not asking');
    assert.match(metadata.warnings[0].message, /does not provide summaries/);
    const words = results.channels[0].alternatives[0].words;
    assert.ok(results.utterances.length >= 2, 'jfk.wav has pauses longer than 0.3 s');
    assert.deepEqual(results.utterances.flatMap((u: any) => u.words), words, 'utterances partition the words');
    for (const [i, u] of results.utterances.entries()) {
      assert.match(u.id, UUID);
      assert.equal(u.channel, 0);
      assert.equal(u.start, u.words[0].start);
      assert.equal(u.end, u.words.at(-1).end);
      if (i > 0) assert.ok(u.start - results.utterances[i - 1].end >= 0.3, 'split only at pauses of utt_split');
    }
    const { paragraphs } = results.channels[0].alternatives[0];
    assert.match(paragraphs.transcript, /^\nAnd so/);
    const sentences = paragraphs.paragraphs.flatMap((p: any) => p.sentences);
    assert.ok(sentences.length >= 2);
    for (const s of sentences) assert.match(s.text, /[.?!]$/);
    assert.equal(paragraphs.paragraphs.reduce((n: number, p: any) => n + p.num_words, 0), words.length);
  });

  test('without punctuate: lower case, no punctuation; live-only options are ignored', async () => {
    const res = await post('?interim_results=true&endpointing=300&vad_events=true', jfk);
    assert.equal(res.status, 200);
    const { transcript } = (await res.json()).results.channels[0].alternatives[0];
    assert.equal(transcript, transcript.toLowerCase());
    assert.doesNotMatch(transcript, /[.,?!]/);
  });

  test('raw audio with encoding and sample_rate, and other containers, as on the live path', async () => {
    const pcm = readFileSync(speechWav(PASSAGE[0])).subarray(44);
    const raw = await post('?encoding=linear16&sample_rate=16000', pcm, { 'content-type': 'application/octet-stream' });
    assert.equal(raw.status, 200);
    assert.ok(wer(PASSAGE[0], (await raw.json()).results.channels[0].alternatives[0].transcript) <= 0.2);
  });
});
