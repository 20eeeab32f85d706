// One stream's audio path: whatever the client sends → float planes at the engine's rate, one per
// transcribed channel. It knows nothing of sockets or models.
//
//   sniffing ─┬─ WAV header ───────────────► wav ──► PcmReader ─┐
//             ├─ raw PCM encoding ─────────► pcm ──► PcmReader ─┤
//             ├─ container / flac / ogg-opus ► ffmpeg ─► wav ───┼──► EngineFeed (mix or split, resample) ──► ready
//             └─ opus (raw packets) ───────► opus (WASM) ───────┘
//
// WAV and raw PCM decode in-process as each frame arrives. ffmpeg answers asynchronously: its output
// is queued and `onDecoded` says so; `flush` waits for all of it.
import { detectContainer, SNIFF_BYTES, type ContainerName } from './containers.js';
import { EngineFeed, type SourceFormat } from './engine-feed.js';
import { FfmpegDecoder, FfmpegUnavailableError, type Demuxer } from './ffmpeg-decoder.js';
import { OpusPacketDecoder } from './opus-packets.js';
import { PcmReader, type PcmFormat, type SampleFormat } from './sample-format.js';
import { WavFormatError, WavHeaderReader } from './wav-header.js';

/** Bytes that cannot be decoded as audio; the message says what was wrong, for a person to fix. */
export class AudioFormatError extends Error {}

/** Raw encodings read sample by sample, and their sample format. */
export const PCM_SAMPLE_FORMAT = { linear16: 's16le', linear32: 'f32le', mulaw: 'mulaw', alaw: 'alaw' } as const satisfies Record<string, SampleFormat>;

export const RAW_ENCODINGS = ['linear16', 'linear32', 'mulaw', 'alaw', 'flac', 'opus', 'ogg-opus'] as const;
export type RawEncoding = (typeof RAW_ENCODINGS)[number];
/** Sample rates an Opus decoder produces natively. */
export const OPUS_RATES = [8000, 12000, 16000, 24000, 48000];

const DEMUXER: Record<Exclude<ContainerName, 'WAV'>, Demuxer> = {
  Ogg: 'ogg',
  'WebM/Matroska': 'matroska',
  FLAC: 'flac',
  MP3: 'mp3',
  'MP4/M4A': 'mov',
};

/** Raw encodings that are really a self-describing stream, and the container their bytes must be. */
const FRAMED_ENCODINGS: Partial<Record<RawEncoding, ContainerName>> = { flac: 'FLAC', 'ogg-opus': 'Ogg' };

export interface AudioInputOptions {
  /** Raw encoding; absent means the stream carries its own header. */
  encoding?: RawEncoding;
  sampleRate?: number;
  channels: number;
  /** Keep channels apart (one transcript each) instead of mixing them to mono. */
  multichannel: boolean;
  targetRate: number;
  maxChannels: number;
}

export interface AudioInputEvents {
  /** Audio decoded asynchronously (ffmpeg) is ready to `take`. */
  onDecoded: () => void;
  /** The asynchronous decoder failed. */
  onError: (error: AudioFormatError) => void;
  /** What the first bytes are: a container, or nothing recognisable (headerless audio). */
  onContainer?: (container: ContainerName | undefined) => void;
  /** The samples' format, once known; `fromHeader` for WAV, `rawPcm` when only the query described it. */
  onSourceFormat?: (format: SourceFormat, how: { fromHeader: boolean; rawPcm: boolean }) => void;
  /** Decoded samples at the source rate, before mixing and resampling. */
  onSourceAudio?: (planes: Float32Array[]) => void;
}

type Stage =
  | { name: 'sniffing'; head: Buffer }
  | { name: 'wav'; header: WavHeaderReader }
  | { name: 'pcm'; reader: PcmReader }
  | { name: 'ffmpeg'; decoder: FfmpegDecoder; container: ContainerName; wav: { header: WavHeaderReader } | { reader: PcmReader } }
  | { name: 'opus'; decoder: OpusPacketDecoder };

export class AudioInput {
  private stage: Stage = { name: 'sniffing', head: Buffer.alloc(0) };
  private feed?: EngineFeed;
  private ready: Float32Array[][] = [];
  /** ffmpeg's output, read strictly in order. */
  private ffmpegOutput: Promise<void> = Promise.resolve();
  /** Set once the asynchronous decoder has failed. */
  private failure?: AudioFormatError;

  constructor(
    private readonly options: AudioInputOptions,
    private readonly events: AudioInputEvents = { onDecoded: () => {}, onError: () => {} },
  ) {}

  /** Seconds of audio decoded so far, per channel, on the sender's clock. */
  get durationSeconds(): number {
    return this.feed?.durationSeconds ?? 0;
  }

  /** Channels in the audio (0 until the format is known). */
  get channels(): number {
    return this.feed?.format.channels ?? 0;
  }

  /** Takes one chunk (for raw Opus, one packet); returns the engine-rate planes decoded so far. */
  async push(chunk: Buffer): Promise<Float32Array[]> {
    await this.consume(chunk);
    return this.take();
  }

  /** Everything decoded and not yet taken, one Float32Array per plane. */
  take(): Float32Array[] {
    const sets = this.ready;
    this.ready = [];
    if (sets.length <= 1) return sets[0] ?? [];
    return sets[0].map((_, plane) => concat(sets.map((s) => s[plane])));
  }

  /** Ends the stream: held bytes are decoded, ffmpeg drained, resampler tails released. */
  async flush(): Promise<Float32Array[]> {
    const stage = this.stage;
    switch (stage.name) {
      case 'sniffing':
        if (stage.head.length > 0) {
          if (!this.options.encoding || !(this.options.encoding in PCM_SAMPLE_FORMAT)) {
            throw new AudioFormatError(`the stream ended after ${stage.head.length} bytes, too few to be audio`);
          }
          await this.sniff(stage.head);
        }
        break;
      case 'wav':
        throw new AudioFormatError('the stream ended inside the WAV header');
      case 'ffmpeg':
        try {
          await stage.decoder.end();
        } catch (err) {
          throw new AudioFormatError(`could not decode the ${stage.container} stream: ${(err as Error).message}`);
        }
        await this.ffmpegOutput;
        if (this.failure) throw this.failure;
        break;
      default:
        break;
    }
    if (this.feed) this.ready.push(this.feed.flush());
    return this.take();
  }

  destroy(): void {
    if (this.stage.name === 'ffmpeg') this.stage.decoder.kill();
    if (this.stage.name === 'opus') this.stage.decoder.free();
    this.feed?.destroy();
  }

  private async consume(chunk: Buffer): Promise<void> {
    const stage = this.stage;
    switch (stage.name) {
      case 'sniffing': {
        const head = Buffer.concat([stage.head, chunk]);
        if (head.length < SNIFF_BYTES && this.options.encoding !== 'opus') {
          this.stage = { name: 'sniffing', head };
          return;
        }
        return this.sniff(head);
      }
      case 'wav':
        return this.readWav(stage, chunk);
      case 'pcm':
        return this.emit(stage.reader.read(chunk));
      case 'ffmpeg':
        stage.decoder.write(chunk);
        return;
      case 'opus': {
        let planes: Float32Array[];
        try {
          planes = stage.decoder.decode(chunk);
        } catch (err) {
          // The decoder throws (rather than skipping the packet) for bytes too many to be one packet.
          throw new AudioFormatError(`a binary frame of ${chunk.length} bytes is not one Opus packet (${(err as Error).message}); encoding=opus takes one packet per frame`);
        }
        return this.emit(planes);
      }
    }
  }

  private async sniff(head: Buffer): Promise<void> {
    const { encoding, sampleRate, channels } = this.options;
    const container = detectContainer(head, encoding !== undefined);
    this.events.onContainer?.(container);
    if (container === 'WAV') {
      // A WAV header in front of raw PCM is stripped, and its own description of the samples wins.
      this.stage = { name: 'wav', header: new WavHeaderReader() };
      return this.consume(head);
    }
    if (encoding === undefined) {
      if (!container) throw new AudioFormatError('no encoding, and not WAV/Ogg/WebM/FLAC/MP3/MP4; raw audio needs encoding= and sample_rate=');
      return this.startFfmpeg(container, head);
    }
    if (encoding in PCM_SAMPLE_FORMAT) {
      if (container) throw new AudioFormatError(`the audio is ${container} but encoding=${encoding} was declared; omit encoding for containers`);
      const format: PcmFormat = { sampleFormat: PCM_SAMPLE_FORMAT[encoding as keyof typeof PCM_SAMPLE_FORMAT], sampleRate: sampleRate!, channels };
      await this.startFeed(format, { fromHeader: false, rawPcm: true });
      this.stage = { name: 'pcm', reader: new PcmReader(format) };
      return this.consume(head);
    }
    // Opus's own container is Ogg: Ogg pages sent as encoding=opus are read as such.
    const expected = encoding === 'opus' && container === 'Ogg' ? 'Ogg' : FRAMED_ENCODINGS[encoding];
    if (expected) {
      if (container !== expected) throw new AudioFormatError(`encoding=${encoding} was declared but the bytes are ${container ?? 'not'} ${container ? '' : expected}`.trim());
      return this.startFfmpeg(expected, head);
    }
    // Opus decodes natively at any of its rates: straight to the engine's, with no resampling.
    const rate = OPUS_RATES.includes(this.options.targetRate) ? this.options.targetRate : 48000;
    const decoder = await OpusPacketDecoder.create(rate, channels);
    await this.startFeed({ sampleRate: rate, channels }, { fromHeader: false, rawPcm: false });
    this.stage = { name: 'opus', decoder };
    return this.consume(head);
  }

  private startFfmpeg(container: ContainerName, head: Buffer): void {
    if (container === 'WAV') throw new Error('WAV is decoded in-process');
    let decoder: FfmpegDecoder;
    try {
      decoder = new FfmpegDecoder(DEMUXER[container], this.options.targetRate, {
        onData: (bytes) => {
          this.ffmpegOutput = this.ffmpegOutput.then(() => this.readFfmpegOutput(bytes)).catch((err) => this.fail(err));
        },
        onError: (message) => this.fail(new AudioFormatError(`could not decode the ${container} stream: ${message}`)),
      });
    } catch (err) {
      throw new AudioFormatError(err instanceof FfmpegUnavailableError ? `${container} needs ffmpeg, which ${err.message.replace(/^ffmpeg /, '')}` : String(err));
    }
    this.stage = { name: 'ffmpeg', decoder, container, wav: { header: new WavHeaderReader() } };
    decoder.write(head);
  }

  private async readFfmpegOutput(bytes: Buffer): Promise<void> {
    if (this.stage.name !== 'ffmpeg' || this.failure) return;
    const out = this.stage.wav;
    if ('reader' in out) return this.emit(out.reader.read(bytes), true);
    const parsed = out.header.push(bytes);
    if (!parsed.done) return;
    const { encoding, channels } = this.options;
    if (encoding && channels > parsed.format.channels) {
      throw new AudioFormatError(`channels=${channels} was declared but the audio has ${parsed.format.channels}`);
    }
    await this.startFeed(parsed.format, { fromHeader: false, rawPcm: false });
    const reader = new PcmReader(parsed.format);
    this.stage.wav = { reader };
    this.emit(reader.read(parsed.data), true);
  }

  private async readWav(stage: Extract<Stage, { name: 'wav' }>, chunk: Buffer): Promise<void> {
    let parsed;
    try {
      parsed = stage.header.push(chunk);
    } catch (err) {
      throw new AudioFormatError(err instanceof WavFormatError ? err.message : String(err));
    }
    if (!parsed.done) return;
    await this.startFeed(parsed.format, { fromHeader: true, rawPcm: false });
    const reader = new PcmReader(parsed.format);
    this.stage = { name: 'pcm', reader };
    this.emit(reader.read(parsed.data));
  }

  private async startFeed(format: SourceFormat, how: { fromHeader: boolean; rawPcm: boolean }): Promise<void> {
    this.events.onSourceFormat?.(format, how);
    if (format.channels > this.options.maxChannels) {
      throw new AudioFormatError(`${format.channels} channels; at most ${this.options.maxChannels} are supported`);
    }
    if (format.sampleRate < 8000 || format.sampleRate > 48000) {
      throw new AudioFormatError(`sample rate ${format.sampleRate} Hz is outside 8000-48000 Hz`);
    }
    this.feed = await EngineFeed.create(format, this.options.multichannel, this.options.targetRate);
  }

  private emit(channels: Float32Array[], asynchronously = false): void {
    if (!this.feed || channels.length === 0 || channels[0].length === 0) return;
    this.events.onSourceAudio?.(channels);
    this.ready.push(this.feed.feed(channels));
    if (asynchronously) this.events.onDecoded();
  }

  private fail(err: unknown): void {
    if (this.failure) return;
    this.failure = err instanceof AudioFormatError ? err : new AudioFormatError(String(err));
    this.events.onError(this.failure);
  }
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
