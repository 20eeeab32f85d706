// Compressed and containerized audio (WebM/Ogg Opus and Vorbis, MP3, FLAC, MP4/AAC) is decoded by an
// ffmpeg child process from Debian's `ffmpeg`, fed through a pipe as frames arrive and answering with
// a WAV stream of float samples at the engine's rate, in the source's channels.
//
// Why ffmpeg rather than WASM decoders on npm: one well-kept decoder covers every container the
// clients send, including WebM (MediaRecorder's), for which npm has no maintained streaming demuxer,
// and it resynchronises after corrupt frames. A process per stream costs a few MB and, measured by
// `npm run bench`, little CPU next to the speech engine; a crash in it cannot reach the server.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';

export class FfmpegUnavailableError extends Error {}

let available: boolean | undefined;

/** Whether `ffmpeg` can be run (checked once). */
export function ffmpegAvailable(): boolean {
  available ??= spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status === 0;
  return available;
}

/** ffmpeg's demuxer for each container Earshot hands it. */
export type Demuxer = 'ogg' | 'matroska' | 'flac' | 'mp3' | 'mov';

export interface FfmpegDecoderEvents {
  /** WAV bytes (header first, then f32le samples). */
  onData: (bytes: Buffer) => void;
  /** The process failed: its own last words, for the DATA-0000 reason. */
  onError: (message: string) => void;
}

// Small probes so output starts after the first chunk (~50 ms), not after seconds of buffering.
// Not `-fflags nobuffer`: measured, it drops the end of the stream.
const INPUT_OPTIONS = ['-probesize', '4096', '-analyzeduration', '0'];

export class FfmpegDecoder {
  private readonly child: ChildProcessWithoutNullStreams;
  private stderr = '';
  /** Resolves with the exit code once the process has exited and all its output was read. */
  private readonly closed: Promise<number | null>;
  private killed = false;
  private ending = false;

  /** `outputRate`: ffmpeg resamples (in C, cheaply) to the rate the engine wants. */
  constructor(demuxer: Demuxer, outputRate: number, events: FfmpegDecoderEvents) {
    if (!ffmpegAvailable()) throw new FfmpegUnavailableError('ffmpeg is not installed on the server (apt-get install ffmpeg)');
    this.child = spawn('ffmpeg', [
      '-hide_banner', '-nostdin', '-loglevel', 'error',
      ...INPUT_OPTIONS, '-f', demuxer, '-i', 'pipe:0',
      '-map', '0:a:0', '-ar', String(outputRate), '-c:a', 'pcm_f32le', '-f', 'wav', '-flush_packets', '1', 'pipe:1',
    ]);
    this.child.stdout.on('data', (bytes: Buffer) => events.onData(bytes));
    this.child.stderr.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-2000)));
    // Writing after ffmpeg gave up raises EPIPE here; its exit reports the cause.
    this.child.stdin.on('error', () => {});
    this.closed = new Promise((resolve) => this.child.once('close', (code) => resolve(code)));
    // A failure while the client is still sending; one during end() is end()'s to report.
    void this.closed.then((code) => {
      if (code !== 0 && !this.killed && !this.ending) events.onError(this.lastWords());
    });
  }

  write(chunk: Buffer): void {
    if (!this.killed) this.child.stdin.write(chunk);
  }

  /** Ends the input; resolves once every decoded byte has been delivered, rejects if ffmpeg failed. */
  async end(): Promise<void> {
    this.ending = true;
    this.child.stdin.end();
    const code = await this.closed;
    if (code !== 0 && !this.killed) throw new Error(this.lastWords());
  }

  kill(): void {
    this.killed = true;
    this.child.kill('SIGKILL');
  }

  private lastWords(): string {
    const lines = this.stderr.split('\n').map((l) => l.replace(/^\[[^\]]*\]\s*/, '').trim()).filter(Boolean);
    return lines.at(-1) ?? 'ffmpeg could not decode the stream';
  }
}
