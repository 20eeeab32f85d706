// Debian's Chromium, headless, with a WAV file as its microphone: how the browser tests and the
// scripts that record fixtures or screenshots drive a real browser.
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/**
 * The background-networking flags keep Chromium from calling out (this machine's network is
 * closed); the fake-device flags make `wav` the microphone (looped) and grant it without a prompt.
 */
export function launchWithMicrophone(wav: string): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-quic',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${wav}`,
    ],
  });
}
