// `earshot stream <file|->`: a microphone-like client. A file is sent at real-time pace (or --fast);
// stdin is sent as it arrives (e.g. `arecord -f S16_LE -r 16000 | earshot stream - --encoding linear16
// --sample-rate 16000`). On a terminal, interim text is redrawn in place above a progress bar and
// finals are appended; elsewhere only finals are printed. `--json` prints every message as received.
import { readFileSync } from 'node:fs';
import { PCM_SAMPLE_FORMAT } from '../audio/audio-input.js';
import { bytesPerSample } from '../audio/sample-format.js';
import { openListen } from '../client/live-client.js';
import { explainClose, explainRefusal } from '../protocol/explain.js';
import { mediaSeconds, painter, progressLine, rawAudioHint } from './terminal.js';

export interface StreamOptions {
  source: string;
  url: string;
  apiKey?: string;
  /** Raw audio: its encoding and rate go in the query; containers describe themselves. */
  encoding?: string;
  sampleRate?: number;
  channels?: number;
  params: Record<string, string>;
  fast: boolean;
  json: boolean;
}

const CHUNK_SECONDS = 0.05;

/** Bytes per second of a file: from the encoding for raw audio, else from the container's duration (ffprobe). */
function byteRate(bytes: Buffer, file: string, options: StreamOptions): number | undefined {
  if (options.encoding) {
    const format = PCM_SAMPLE_FORMAT[options.encoding as keyof typeof PCM_SAMPLE_FORMAT];
    return format && options.sampleRate ? bytesPerSample[format] * options.sampleRate * (options.channels ?? 1) : undefined;
  }
  const seconds = mediaSeconds(file);
  return seconds ? bytes.length / seconds : undefined;
}

export async function streamAudio(options: StreamOptions): Promise<number> {
  const out = process.stdout;
  const err = process.stderr;
  const paint = painter(out);
  const live = out.isTTY === true && !options.json;
  const query: Record<string, string | number> = { interim_results: 'true', ...options.params };
  if (options.encoding) query.encoding = options.encoding;
  if (options.sampleRate) query.sample_rate = options.sampleRate;
  if (options.channels) query.channels = options.channels;

  const handshake = await openListen({ url: options.url, apiKey: options.apiKey, query });
  if (handshake.kind === 'failed') {
    err.write(`earshot: could not connect to ${options.url}: ${handshake.message}\n  fix: run \`earshot doctor --server ${options.url}\` to find where the connection fails.\n`);
    return 1;
  }
  if (handshake.kind === 'refused') {
    const { what, fix } = explainRefusal(handshake.status, handshake.dgError, 'cli');
    err.write(`earshot: refused: ${what}\n  request id: ${handshake.requestId ?? '(none)'}\n${fix ? `  fix: ${fix}\n` : ''}`);
    return 1;
  }
  const { stream } = handshake;
  if (!options.json) err.write(`${paint('gray', `request id ${stream.requestId ?? '(none)'}`)}\n`);

  let interim = '';
  let sentSeconds = 0;
  let totalSeconds: number | undefined;
  const redraw = () => {
    if (!live) return;
    const status = progressLine(sentSeconds, totalSeconds);
    const width = (out.columns ?? 80) - 1;
    const text = interim ? ` ${interim}` : '';
    out.write(`\r\x1b[2K${paint('cyan', status)}${paint('dim', text.length > width - status.length ? `${text.slice(0, width - status.length - 1)}…` : text)}`);
  };
  stream.onMessage((m) => {
    if (options.json) {
      out.write(`${JSON.stringify(m)}\n`);
      return;
    }
    if (m.type !== 'Results') return;
    const text: string = m.channel?.alternatives?.[0]?.transcript ?? '';
    if (m.is_final) {
      interim = '';
      if (text) out.write(live ? `\r\x1b[2K${text}\n` : `${text}\n`);
    } else {
      interim = text;
    }
    redraw();
  });

  if (options.source === '-') {
    for await (const chunk of process.stdin) {
      if (!stream.open) break;
      stream.sendAudio(chunk as Buffer);
    }
  } else {
    const bytes = readFileSync(options.source);
    const rate = byteRate(bytes, options.source, options);
    if (rate) totalSeconds = bytes.length / rate;
    const chunk = Math.max(1, Math.round((rate ?? 32000) * CHUNK_SECONDS));
    const started = performance.now();
    for (let i = 0; i < bytes.length && stream.open; i += chunk) {
      stream.sendAudio(bytes.subarray(i, i + chunk));
      sentSeconds = rate ? Math.min(bytes.length, i + chunk) / rate : 0;
      redraw();
      // Real time: each chunk leaves when its audio would have been captured.
      const due = options.fast || !rate ? 0 : started + sentSeconds * 1000 - performance.now();
      await new Promise((r) => (due > 0 ? setTimeout(r, due) : setImmediate(r)));
    }
  }
  if (stream.open) stream.send({ type: 'CloseStream' });
  const closed = await stream.closed;
  if (live) out.write(`\r\x1b[2K`);
  if (closed.code === 1000) {
    if (!options.json) err.write(`${paint('green', 'done')}${totalSeconds ? `: ${totalSeconds.toFixed(1)} s of audio` : ''}\n`);
    return 0;
  }
  const { what, fix } = explainClose(closed.code, closed.reason);
  err.write(`earshot: the stream ended with ${what}\n  request id: ${stream.requestId ?? '(none)'}\n${fix ? `  fix: ${fix}\n` : ''}`);
  // The server could not decode the bytes: from here, the likely cause is a headerless file.
  if (closed.code === 1008 && !options.encoding) err.write(`  ${rawAudioHint('--encoding linear16 --sample-rate 16000 (and --channels 2 for stereo), or mulaw/alaw at 8000 Hz')}\n`);
  return 1;
}
