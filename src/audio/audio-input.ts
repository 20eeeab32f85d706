// One stream's audio path: what the client sends (raw PCM or a WAV container) → float planes at the
// engine's sample rate, one per transcribed channel. It knows nothing of sockets or models.
import { Resampler } from './resampler.js';
import { PcmReader, type PcmFormat, type SampleFormat } from './sample-format.js';
import { WavFormatError, WavHeaderReader, looksLikeWav } from './wav-header.js';

/** Bytes that cannot be decoded as audio; the message says what was wrong, for a person to fix. */
export class AudioFormatError extends Error {}

export const RAW_ENCODINGS = ['linear16', 'linear32', 'mulaw', 'alaw'] as const;
export type RawEncoding = (typeof RAW_ENCODINGS)[number];

const RAW_SAMPLE_FORMAT: Record<RawEncoding, SampleFormat> = {
  linear16: 's16le',
  linear32: 'f32le',
  mulaw: 'mulaw',
  alaw: 'alaw',
};

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

/**
 * Containers Earshot recognises by their first bytes but does not decode yet. A bare MP3 frame sync
 * is a weak sign (raw mu-law silence is 0xFF bytes), so it only names a stream that declared no encoding.
 */
const KNOWN_CONTAINERS: Array<{ name: string; strong: boolean; test: (b: Buffer) => boolean }> = [
  { name: 'Ogg', strong: true, test: (b) => b.toString('latin1', 0, 4) === 'OggS' },
  { name: 'WebM/Matroska', strong: true, test: (b) => b.readUInt32BE(0) === 0x1a45dfa3 },
  { name: 'FLAC', strong: true, test: (b) => b.toString('latin1', 0, 4) === 'fLaC' },
  { name: 'MP3', strong: true, test: (b) => b.toString('latin1', 0, 3) === 'ID3' },
  { name: 'MP3', strong: false, test: (b) => b[0] === 0xff && (b[1] & 0xe0) === 0xe0 },
  { name: 'MP4/M4A', strong: true, test: (b) => b.toString('latin1', 4, 8) === 'ftyp' },
];

const SNIFF_BYTES = 12;

function containerName(head: Buffer, strongOnly: boolean): string | undefined {
  return KNOWN_CONTAINERS.find((c) => (c.strong || !strongOnly) && c.test(head))?.name;
}

type Stage =
  | { name: 'sniffing'; head: Buffer }
  | { name: 'wav-header'; reader: WavHeaderReader }
  | { name: 'streaming'; reader: PcmReader; resamplers: Resampler[] };

export class AudioInput {
  private stage: Stage = { name: 'sniffing', head: Buffer.alloc(0) };
  private framesIn = 0;
  private format?: PcmFormat;

  constructor(private readonly options: AudioInputOptions) {}

  /** Seconds of audio decoded so far, per channel, on the sender's clock. */
  get durationSeconds(): number {
    return this.format ? this.framesIn / this.format.sampleRate : 0;
  }

  /** Channels in the audio (0 until the format is known). */
  get channels(): number {
    return this.format?.channels ?? 0;
  }

  /** Decodes one chunk; returns engine-rate planes (possibly empty while a header is still arriving). */
  async push(chunk: Buffer): Promise<Float32Array[]> {
    switch (this.stage.name) {
      case 'sniffing': {
        const head = Buffer.concat([this.stage.head, chunk]);
        if (head.length < SNIFF_BYTES) {
          this.stage = { name: 'sniffing', head };
          return [];
        }
        return this.sniff(head);
      }
      case 'wav-header': {
        let parsed;
        try {
          parsed = this.stage.reader.push(chunk);
        } catch (err) {
          throw new AudioFormatError(err instanceof WavFormatError ? err.message : String(err));
        }
        if (!parsed.done) return [];
        await this.startStreaming(parsed.format);
        return this.decode(parsed.data);
      }
      case 'streaming':
        return this.decode(chunk);
    }
  }

  /** Ends the stream: bytes held for sniffing are decoded, resampler tails are released. */
  async flush(): Promise<Float32Array[]> {
    if (this.stage.name === 'sniffing' && this.stage.head.length > 0) {
      if (!this.options.encoding) throw new AudioFormatError(`stream ended after ${this.stage.head.length} bytes, too few to be audio`);
      const planes = await this.sniff(this.stage.head);
      return this.drain(planes);
    }
    if (this.stage.name === 'wav-header') throw new AudioFormatError('stream ended inside the WAV header');
    return this.drain([]);
  }

  destroy(): void {
    if (this.stage.name === 'streaming') for (const r of this.stage.resamplers) r.destroy();
  }

  private drain(planes: Float32Array[]): Float32Array[] {
    if (this.stage.name !== 'streaming') return planes;
    const tails = this.stage.resamplers.map((r) => r.flush());
    return tails.map((tail, i) => (planes[i] ? concat(planes[i], tail) : tail));
  }

  private async sniff(head: Buffer): Promise<Float32Array[]> {
    const { encoding } = this.options;
    if (looksLikeWav(head)) {
      // A WAV header in front of raw audio is stripped, and its own description of the samples wins.
      this.stage = { name: 'wav-header', reader: new WavHeaderReader() };
      return this.push(head);
    }
    const container = containerName(head, encoding !== undefined);
    if (container) {
      throw new AudioFormatError(
        encoding
          ? `the audio is ${container} but encoding=${encoding} was declared`
          : `${container} audio is not supported yet; send WAV, or raw audio with encoding= and sample_rate=`,
      );
    }
    if (!encoding || this.options.sampleRate === undefined) {
      throw new AudioFormatError('no encoding was given and the bytes are not a WAV header; raw audio needs encoding= and sample_rate=');
    }
    await this.startStreaming({ sampleFormat: RAW_SAMPLE_FORMAT[encoding], sampleRate: this.options.sampleRate, channels: this.options.channels });
    return this.decode(head);
  }

  private async startStreaming(format: PcmFormat): Promise<void> {
    if (format.channels > this.options.maxChannels) {
      throw new AudioFormatError(`${format.channels} channels; at most ${this.options.maxChannels} are supported`);
    }
    if (format.sampleRate < 8000 || format.sampleRate > 48000) {
      throw new AudioFormatError(`sample rate ${format.sampleRate} Hz is outside 8000-48000 Hz`);
    }
    this.format = format;
    const planes = this.options.multichannel ? format.channels : 1;
    const resamplers = await Promise.all(Array.from({ length: planes }, () => Resampler.create(format.sampleRate, this.options.targetRate)));
    this.stage = { name: 'streaming', reader: new PcmReader(format), resamplers };
  }

  private decode(bytes: Buffer): Float32Array[] {
    if (this.stage.name !== 'streaming') throw new Error('decode before the format is known');
    const channels = this.stage.reader.read(bytes);
    this.framesIn += channels[0].length;
    const planes = this.options.multichannel ? channels : [mix(channels)];
    return planes.map((plane, i) => (this.stage as Extract<Stage, { name: 'streaming' }>).resamplers[i].process(plane));
  }
}

function mix(channels: Float32Array[]): Float32Array {
  if (channels.length === 1) return channels[0];
  const out = new Float32Array(channels[0].length);
  for (const ch of channels) for (let i = 0; i < out.length; i++) out[i] += ch[i] / channels.length;
  return out;
}

function concat(a: Float32Array, b: Float32Array): Float32Array {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
