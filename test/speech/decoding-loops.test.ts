// Issue 18: the decoder must not loop. Real dev-set speech spliced out of order (test/helpers/
// speech-splices.ts) is speech the model cannot follow; before the loop guard, tiny answered 4 of
// these 16 clips (seed 7) with a loop to the token budget: "It's a bit different. It's a bit
// different. …", "7. 7. 7. …", "10-10-10-…". Pre-recorded, through a real server and the real engine.
// (The 7.9 s file of the issue is not in the repository; these loop the same way.)
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServer, type TestServer } from '../helpers/server.js';
import { repeatedFourGram, speechSplices } from '../helpers/speech-splices.js';

const RATE = 16000;
const SEED = 7;
const FUZZ_CLIPS = 16;
/** The clip of SEED that looped on a sentence, and that sentence. */
const LOOPING = 11;
const LOOPED_PHRASE = "it's a bit different";
let server: TestServer;
let http: string;

before(async () => {
  server = await startServer();
  http = server.url.replace('ws://', 'http://');
});
after(() => server.stop());

async function transcribe(pcm: Buffer): Promise<string> {
  const res = await fetch(`${http}/v1/listen?encoding=linear16&sample_rate=${RATE}&punctuate=true`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: Uint8Array.from(pcm) });
  assert.equal(res.status, 200);
  return (await res.json()).results.channels[0].alternatives[0].transcript;
}

test('the clip that looped comes out with its phrase once', async () => {
  const transcript = await transcribe(speechSplices(LOOPING + 1, SEED)[LOOPING]);
  assert.equal(repeatedFourGram(transcript), undefined, transcript);
  assert.equal(transcript.match(new RegExp(LOOPED_PHRASE, 'gi'))?.length, 1, transcript);
});

test('no spliced speech yields a 4-gram three times in a row', async () => {
  const clips = speechSplices(FUZZ_CLIPS, SEED);
  for (const [i, clip] of clips.entries()) {
    const transcript = await transcribe(clip);
    assert.equal(repeatedFourGram(transcript), undefined, `clip ${i}: ${transcript}`);
  }
});
