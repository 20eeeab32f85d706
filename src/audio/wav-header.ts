// A streaming WAV (RIFF/WAVE) header reader: fed bytes as they arrive, it reports the PCM format
// and where the sample data begins. The data chunk's size is ignored on purpose: live senders
// write 0 or 0xFFFFFFFF there, and the stream's end is the client's CloseStream.
import type { PcmFormat, SampleFormat } from './sample-format.js';

export class WavFormatError extends Error {}

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_IEEE_FLOAT = 3;
const WAVE_FORMAT_ALAW = 6;
const WAVE_FORMAT_MULAW = 7;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

export function looksLikeWav(head: Buffer): boolean {
  return head.length >= 12 && head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WAVE';
}

function sampleFormatOf(tag: number, bits: number): SampleFormat {
  if (tag === WAVE_FORMAT_PCM) {
    const pcm: Record<number, SampleFormat> = { 8: 'u8', 16: 's16le', 24: 's24le', 32: 's32le' };
    if (pcm[bits]) return pcm[bits];
  }
  if (tag === WAVE_FORMAT_IEEE_FLOAT && (bits === 32 || bits === 64)) return bits === 32 ? 'f32le' : 'f64le';
  if (tag === WAVE_FORMAT_ALAW && bits === 8) return 'alaw';
  if (tag === WAVE_FORMAT_MULAW && bits === 8) return 'mulaw';
  throw new WavFormatError(`WAV format tag ${tag} with ${bits}-bit samples is not supported (PCM, float, a-law and mu-law are)`);
}

export type WavParse = { done: false } | { done: true; format: PcmFormat; data: Buffer };

/** Accumulates bytes until the header is complete, then hands back the format and the first sample bytes. */
export class WavHeaderReader {
  private bytes: Buffer = Buffer.alloc(0);
  private static readonly MAX_HEADER_BYTES = 1 << 20;

  push(chunk: Buffer): WavParse {
    this.bytes = Buffer.concat([this.bytes, chunk]);
    if (this.bytes.length < 12) return { done: false };
    if (!looksLikeWav(this.bytes)) throw new WavFormatError('not a RIFF/WAVE header');
    let format: PcmFormat | undefined;
    let offset = 12;
    while (offset + 8 <= this.bytes.length) {
      const id = this.bytes.toString('latin1', offset, offset + 4);
      const size = this.bytes.readUInt32LE(offset + 4);
      const body = offset + 8;
      if (id === 'data') {
        if (!format) throw new WavFormatError('WAV data chunk comes before its fmt chunk');
        return { done: true, format, data: this.bytes.subarray(body) };
      }
      if (body + size > this.bytes.length) break;
      if (id === 'fmt ') format = this.readFmt(this.bytes.subarray(body, body + size));
      offset = body + size + (size % 2);
    }
    if (this.bytes.length > WavHeaderReader.MAX_HEADER_BYTES) throw new WavFormatError('no data chunk in the first MiB of the WAV stream');
    return { done: false };
  }

  private readFmt(fmt: Buffer): PcmFormat {
    if (fmt.length < 16) throw new WavFormatError('WAV fmt chunk is too short');
    let tag = fmt.readUInt16LE(0);
    const channels = fmt.readUInt16LE(2);
    const sampleRate = fmt.readUInt32LE(4);
    const bits = fmt.readUInt16LE(14);
    if (tag === WAVE_FORMAT_EXTENSIBLE && fmt.length >= 26) tag = fmt.readUInt16LE(24);
    if (channels < 1) throw new WavFormatError('WAV header declares no channels');
    if (sampleRate < 1) throw new WavFormatError('WAV header declares a zero sample rate');
    return { sampleFormat: sampleFormatOf(tag, bits), sampleRate, channels };
  }
}
