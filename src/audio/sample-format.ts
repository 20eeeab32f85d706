// Interleaved PCM in any sample format → float32 frames. Frame boundaries in the byte stream mean
// nothing (clients split samples across WebSocket frames), so odd bytes carry over to the next push.
import alawmulaw from 'alawmulaw';

const { alaw, mulaw } = alawmulaw;

export type SampleFormat = 's16le' | 's24le' | 's32le' | 'f32le' | 'f64le' | 'u8' | 'mulaw' | 'alaw';

export interface PcmFormat {
  sampleFormat: SampleFormat;
  sampleRate: number;
  channels: number;
}

export const bytesPerSample: Record<SampleFormat, number> = {
  s16le: 2, s24le: 3, s32le: 4, f32le: 4, f64le: 8, u8: 1, mulaw: 1, alaw: 1,
};

function readSamples(format: SampleFormat, bytes: Buffer): Float32Array {
  const n = bytes.length / bytesPerSample[format];
  const out = new Float32Array(n);
  switch (format) {
    case 's16le':
      for (let i = 0; i < n; i++) out[i] = bytes.readInt16LE(i * 2) / 32768;
      break;
    case 's24le':
      for (let i = 0; i < n; i++) out[i] = bytes.readIntLE(i * 3, 3) / 8388608;
      break;
    case 's32le':
      for (let i = 0; i < n; i++) out[i] = bytes.readInt32LE(i * 4) / 2147483648;
      break;
    case 'f32le':
      for (let i = 0; i < n; i++) out[i] = bytes.readFloatLE(i * 4);
      break;
    case 'f64le':
      for (let i = 0; i < n; i++) out[i] = bytes.readDoubleLE(i * 8);
      break;
    case 'u8':
      for (let i = 0; i < n; i++) out[i] = (bytes[i] - 128) / 128;
      break;
    case 'mulaw':
    case 'alaw': {
      const pcm = (format === 'mulaw' ? mulaw : alaw).decode(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length));
      for (let i = 0; i < n; i++) out[i] = pcm[i] / 32768;
      break;
    }
  }
  return out;
}

/** Decodes a byte stream of interleaved frames; returns one Float32Array per channel. */
export class PcmReader {
  private carry: Buffer = Buffer.alloc(0);
  private readonly frameBytes: number;

  constructor(readonly format: PcmFormat) {
    this.frameBytes = bytesPerSample[format.sampleFormat] * format.channels;
  }

  read(chunk: Buffer): Float32Array[] {
    const bytes = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    const whole = bytes.length - (bytes.length % this.frameBytes);
    this.carry = Buffer.from(bytes.subarray(whole));
    const interleaved = readSamples(this.format.sampleFormat, bytes.subarray(0, whole));
    const { channels } = this.format;
    const frames = interleaved.length / channels;
    const planes = Array.from({ length: channels }, () => new Float32Array(frames));
    for (let f = 0; f < frames; f++) for (let c = 0; c < channels; c++) planes[c][f] = interleaved[f * channels + c];
    return planes;
  }
}
