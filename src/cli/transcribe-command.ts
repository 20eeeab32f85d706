// `earshot transcribe <file>`: a whole file through pre-recorded POST /v1/listen. Prints the
// transcript (per channel), or Deepgram's JSON with --json; on a terminal, a progress bar from the
// server's progress reports against the file's duration.
import { readFileSync } from 'node:fs';
import { postPrerecorded } from '../client/prerecorded-client.js';
import { explainRefusal } from '../protocol/explain.js';
import { mediaSeconds, painter, progressLine, rawAudioHint } from './terminal.js';

export interface TranscribeOptions {
  file: string;
  server: string;
  apiKey?: string;
  params: Record<string, string>;
  json: boolean;
}

export async function transcribeCommand(options: TranscribeOptions): Promise<number> {
  const err = process.stderr;
  const paint = painter(err);
  const audio = readFileSync(options.file);
  const total = mediaSeconds(options.file);
  const showProgress = err.isTTY === true;
  const draw = (seconds: number) => err.write(`\r\x1b[2K${paint('cyan', progressLine(seconds, total))}`);
  if (showProgress) draw(0);
  let answer;
  try {
    answer = await postPrerecorded({ server: options.server, apiKey: options.apiKey, query: options.params, audio, onProgress: showProgress ? draw : undefined });
  } catch (error) {
    err.write(`${showProgress ? '\r\x1b[2K' : ''}earshot: could not reach ${options.server}: ${(error as Error).message}\n  fix: run \`earshot doctor --server ${options.server}\` to find where the connection fails.\n`);
    return 1;
  } finally {
    if (showProgress) err.write('\r\x1b[2K');
  }
  if (answer.status !== 200) {
    const { what, fix } = explainRefusal(answer.status, answer.dgError, 'cli');
    err.write(`earshot: ${what}\n  request id: ${answer.requestId ?? '(none)'}\n${fix ? `  fix: ${fix}\n` : ''}`);
    if (answer.status === 400 && /failed to process audio/.test(answer.dgError ?? '') && !options.params.encoding) {
      err.write(`  ${rawAudioHint('--param encoding=linear16 --param sample_rate=16000')}\n`);
    }
    return 1;
  }
  if (options.json) {
    process.stdout.write(`${JSON.stringify(answer.body, null, 2)}\n`);
    return 0;
  }
  const channels: Array<{ alternatives: Array<{ transcript: string }> }> = answer.body.results.channels;
  channels.forEach((channel, i) => process.stdout.write(`${channels.length > 1 ? `[channel ${i}] ` : ''}${channel.alternatives[0].transcript}\n`));
  err.write(`${paint('gray', `${answer.body.metadata.duration.toFixed(1)} s of audio, request id ${answer.requestId}`)}\n`);
  return 0;
}
