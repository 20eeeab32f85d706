// Issue 6: the live-captions page at `/`, in real (Debian) Chromium, with festival speech as the
// microphone. The server has an API key, so the page can only connect with the access token it is
// handed in its address's fragment — sent as the "bearer" subprotocol, since browsers cannot set headers.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchWithMicrophone } from '../helpers/browser.js';
import { paddedSpeechWav } from '../helpers/fixtures.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { wer } from '../helpers/wer.js';

const KEY = 'page-test-key';
const SPOKEN = 'Captions appear on the page while the speaker is still talking about the weather.';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** From clicking Start to the spoken sentence in the finals: 1 s of leading silence, ~5 s of speech, the endpoint. */
const CAPTION_DEADLINE_MS = 30_000;

let server: TestServer;
let http: string;
let browser: Browser;

before(async () => {
  server = await startServer({ apiKeys: [KEY] });
  http = server.url.replace('ws://', 'http://');
  // 48 kHz, as microphones capture; 4 s of trailing silence before Chromium loops the file.
  browser = await launchWithMicrophone(paddedSpeechWav(SPOKEN, 48000, 1, 4));
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function grantToken(): Promise<string> {
  const res = await fetch(`${http}/v1/auth/grant`, { method: 'POST', headers: { authorization: `Token ${KEY}`, 'content-type': 'application/json' }, body: '{"ttl_seconds": 120}' });
  assert.equal(res.status, 200);
  return (await res.json()).access_token;
}

/** The server's request-log record of a request id. */
async function requestRecord(id: string): Promise<any> {
  const res = await fetch(`${http}/v1/requests/${id}`, { headers: { authorization: `Token ${KEY}` } });
  assert.equal(res.status, 200, `request ${id} is in the log`);
  return res.json();
}

async function openPage(token: string): Promise<Page> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  // Before the page's own scripts: every message its WebSocket receives (so a failure can say what
  // the server sent), and every interim text it shows, however briefly.
  await page.addInitScript(() => {
    const seen: string[] = ((window as any).interimsSeen = []);
    document.addEventListener('DOMContentLoaded', () => {
      const interim = document.getElementById('interim')!;
      new MutationObserver(() => interim.textContent && seen.push(interim.textContent)).observe(interim, { childList: true, characterData: true, subtree: true });
    });
    const received: string[] = ((window as any).wsReceived = []);
    const Native = WebSocket;
    (window as any).WebSocket = class extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        this.addEventListener('message', (e) => {
          const m = JSON.parse(e.data);
          received.push(m.type === 'Results' ? `${m.is_final ? 'final' : 'interim'}:${m.channel.alternatives[0].transcript}` : m.type);
        });
      }
    };
  });
  await page.goto(`${http}/#access_token=${token}`);
  assert.deepEqual(errors, [], 'the page loads without script errors');
  return page;
}

const text = (page: Page, selector: string) => page.locator(selector).innerText();

/** Polls until the finals hold the spoken sentence (WER ≤ 15 %), or the deadline passes. */
async function waitForCaptions(page: Page): Promise<string> {
  const deadline = Date.now() + CAPTION_DEADLINE_MS;
  let finals = '';
  while (Date.now() < deadline) {
    finals = await text(page, '#finals');
    if (wer(SPOKEN, finals) <= 0.15) return finals;
    await page.waitForTimeout(200);
  }
  assert.fail(`the spoken words did not appear as finals within ${CAPTION_DEADLINE_MS} ms; finals: "${finals}"`);
}

for (const mode of [{ label: /linear16 from an AudioWorklet/, format: /^linear16, 16000 Hz, 1 channel$/ }, { label: /WebM\/Opus from MediaRecorder/, format: /^WebM\/Matroska/ }]) {
  test(`speech from the microphone appears as finals: ${mode.label.source}`, async () => {
    const page = await openPage(await grantToken());
    assert.ok(!page.url().includes('access_token'), 'the token is taken out of the address bar');
    await page.getByLabel(mode.label).check();
    await page.getByRole('button', { name: 'Start listening' }).click();

    const finals = await waitForCaptions(page);
    assert.ok(wer(SPOKEN, finals) <= 0.15, finals);
    const requestId = await text(page, '#request-id');
    assert.match(requestId, UUID);

    // The file goes on with 4 s of silence: 1 s of it after the last word ends the utterance.
    await page.locator('#events li[data-type="UtteranceEnd"]').waitFor({ timeout: 10_000 });
    await page.getByRole('button', { name: 'Stop' }).click();
    await page.locator('#status', { hasText: 'Closed: 1000 normal close' }).waitFor({ timeout: 15_000 });
    assert.ok(await page.locator('#problem').isHidden(), 'a normal close shows no problem');
    assert.ok(await page.getByRole('button', { name: 'Start listening' }).isEnabled(), 'ready to start again');

    const interims: string[] = await page.evaluate(() => (window as any).interimsSeen);
    const received: string[] = await page.evaluate(() => (window as any).wsReceived);
    assert.ok(interims.length > 0, `interim text was shown in place; the page received: ${JSON.stringify(received)}`);
    assert.equal(await text(page, '#interim'), '', 'no interim is left once finals cover it');
    const events = await page.locator('#events li').evaluateAll((items) => items.map((i) => (i as HTMLElement).dataset.type));
    assert.ok(events.includes('SpeechStarted'), `SpeechStarted is shown: ${events}`);
    assert.ok(events.includes('Metadata'), `Metadata is shown: ${events}`);

    // The stream the page opened, as the server saw it.
    const record = await requestRecord(requestId);
    assert.equal(record.state, 'closed');
    assert.equal(record.closeCode, 1000);
    assert.match(record.format ?? '', mode.format);
    assert.equal(record.query.interim_results, 'true');
    assert.equal(record.query.vad_events, 'true');
    assert.equal(record.query.endpointing, '300');
    assert.equal(record.query.utterance_end_ms, '1000');
    assert.ok((record.framesReceived.CloseStream ?? 0) === 1, 'Stop sends CloseStream');
    assert.deepEqual(record.diagnoses.map((d: { code: string }) => d.code), [], 'the page makes none of the diagnosed client mistakes');
    await page.close();
  });
}

describe('a refused handshake is explained on the page', () => {
  test('a forged token: 401, the dg-error, the fix for a person at the page, and the one request id', async () => {
    const since = new Date().toISOString();
    const [header, payload] = (await grantToken()).split('.');
    const page = await openPage(`${header}.${payload}.${'A'.repeat(43)}`);
    await page.getByRole('button', { name: 'Start listening' }).click();
    const problem = page.locator('#problem');
    await problem.waitFor({ state: 'visible', timeout: 15_000 });
    const shown = await problem.innerText();
    assert.match(shown, /HTTP 401 Unauthorized: The access token is not valid: its signature does not verify/);
    assert.match(shown, /Fix: Run `earshot token --page` again against this server and open the new address/);
    assert.doesNotMatch(await text(page, '#status'), /\.\.$/, 'one full stop');
    const requestId = /request id ([0-9a-f-]{36})/.exec(shown)?.[1];
    assert.match(requestId ?? '', UUID);
    assert.equal((await requestRecord(requestId!)).httpStatus, 401, 'the id shown is the refusal\'s own record');
    // The page's probe of the refused upgrade is the same request: one record, under the id shown.
    const listed = await (await fetch(`${http}/v1/requests?limit=50`, { headers: { authorization: `Token ${KEY}` } })).json();
    const refusals = listed.requests.filter((r: any) => r.openedAt >= since && r.httpStatus === 401);
    assert.deepEqual(refusals.map((r: any) => r.requestId), [requestId]);
    assert.ok(await page.getByRole('button', { name: 'Start listening' }).isEnabled(), 'ready to try again');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('name')), 'access_token', 'the token field is shown and focused');
    await page.close();
  });

  test('no token on a server with keys: 401, and the fix says how a browser gets a token', async () => {
    const page = await browser.newPage();
    await page.goto(`${http}/`);
    await page.getByRole('button', { name: 'Start listening' }).click();
    const problem = page.locator('#problem');
    await problem.waitFor({ state: 'visible', timeout: 15_000 });
    const shown = await problem.innerText();
    assert.match(shown, /HTTP 401 Unauthorized: Invalid credentials/);
    assert.match(shown, /Fix: Open this page from a new link: run `earshot token --page` where the server's key is/);
    assert.match(await text(page, '#status'), /^Closed: HTTP 401/);
    await page.close();
  });
});

test('the options become the query: capture, interim results, VAD events, punctuation, endpointing, language, model', async () => {
  const page = await openPage(await grantToken());
  await page.getByText('Options').click();
  await page.getByRole('checkbox', { name: 'Interim results' }).uncheck();
  await page.getByRole('checkbox', { name: 'Speech-started events' }).uncheck();
  await page.getByRole('checkbox', { name: 'Punctuation' }).uncheck();
  await page.getByRole('spinbutton', { name: /Endpointing/ }).fill('500');
  await page.getByRole('combobox', { name: 'Language' }).selectOption('en-GB');
  await page.getByRole('combobox', { name: 'Model' }).selectOption('nova-2');
  await page.getByRole('button', { name: 'Start listening' }).click();
  await page.locator('#status', { hasText: 'Listening' }).waitFor({ timeout: 15_000 });
  await page.getByRole('button', { name: 'Stop' }).click();
  await page.locator('#status', { hasText: 'Closed: 1000' }).waitFor({ timeout: 15_000 });
  const record = await requestRecord(await text(page, '#request-id'));
  assert.deepEqual(record.query, {
    model: 'nova-2', language: 'en-GB', interim_results: 'false', vad_events: 'false', punctuate: 'false', endpointing: '500',
    encoding: 'linear16', sample_rate: '16000', channels: '1',
  }, 'utterance_end_ms is left out without interim results, which it needs');
  await page.close();
});
