// Raw Opus (`encoding=opus`): each binary frame is one Opus packet, with no container to say where
// packets begin, so ffmpeg cannot read them; the libopus WASM build from wasm-audio-decoders can.
import { OpusDecoder } from 'opus-decoder';

export class OpusPacketDecoder {
  private constructor(
    private readonly decoder: OpusDecoder<any>,
    private readonly channels: number,
  ) {}

  static async create(sampleRate: number, channels: number): Promise<OpusPacketDecoder> {
    const decoder = new OpusDecoder({ sampleRate: sampleRate as 48000, channels, forceStereo: channels === 2 });
    await decoder.ready;
    return new OpusPacketDecoder(decoder, channels);
  }

  /** One packet → one Float32Array per channel (empty arrays for a packet it could not decode). */
  decode(packet: Buffer): Float32Array[] {
    const { channelData } = this.decoder.decodeFrame(new Uint8Array(packet.buffer, packet.byteOffset, packet.length));
    return Array.from({ length: this.channels }, (_, c) => channelData[c] ?? new Float32Array(0));
  }

  free(): void {
    this.decoder.free();
  }
}
