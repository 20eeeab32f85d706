// Renews docs/screenshot.png: the live-captions page in Debian's Chromium, captioning festival
// speech played as its microphone by a real Earshot. Run by hand after changing the page:
//   npm run build && node --import tsx scripts/screenshot-page.ts [--width 1100 --height 860 --out docs/screenshot.png]
import { parseArgs } from 'node:util';
import { launchWithMicrophone } from '../test/helpers/browser.js';
import { joinWithSilence, speechWav } from '../test/helpers/fixtures.js';
import { startServer } from '../test/helpers/server.js';

const SENTENCES = [
  'The captions on this page come from your own server.',
  'Each word appears a moment after it is spoken.',
];

const { values } = parseArgs({ options: { width: { type: 'string', default: '1100' }, height: { type: 'string', default: '860' }, out: { type: 'string', default: 'docs/screenshot.png' } } });
const server = await startServer();
const browser = await launchWithMicrophone(joinWithSilence(SENTENCES.map((s) => speechWav(s)), 1.5, { trailing: true }));
try {
  const page = await browser.newPage({ viewport: { width: Number(values.width), height: Number(values.height) } });
  await page.goto(server.url.replace('ws://', 'http://'));
  await page.getByRole('button', { name: 'Start listening' }).click();
  // Both utterances captioned and ended: two UtteranceEnd events.
  await page.locator('#events li[data-type="UtteranceEnd"]').nth(1).waitFor({ timeout: 30_000 });
  await page.screenshot({ path: values.out, fullPage: true });
  console.log(`wrote ${values.out}: ${await page.locator('#finals').innerText()}`);
} finally {
  await browser.close();
  await server.stop();
}
