// The last step of every audio path: decoded planes at the source rate → what the engine is fed
// (one plane per channel with multichannel, else one mixed plane), resampled to its rate. It also
// keeps the sender's clock: frames decoded, for Metadata's duration.
import { Resampler } from './resampler.js';

export interface SourceFormat {
  sampleRate: number;
  channels: number;
}

export class EngineFeed {
  private framesIn = 0;

  private constructor(
    readonly format: SourceFormat,
    private readonly multichannel: boolean,
    private readonly resamplers: Resampler[],
  ) {}

  static async create(format: SourceFormat, multichannel: boolean, targetRate: number): Promise<EngineFeed> {
    const planes = multichannel ? format.channels : 1;
    const resamplers = await Promise.all(Array.from({ length: planes }, () => Resampler.create(format.sampleRate, targetRate)));
    return new EngineFeed(format, multichannel, resamplers);
  }

  get durationSeconds(): number {
    return this.framesIn / this.format.sampleRate;
  }

  /** One Float32Array per source channel, equal lengths → engine-rate planes. */
  feed(channels: Float32Array[]): Float32Array[] {
    this.framesIn += channels[0]?.length ?? 0;
    const planes = this.multichannel ? channels : [mix(channels)];
    return planes.map((plane, i) => this.resamplers[i].process(plane));
  }

  /** The resamplers' held-back tails. */
  flush(): Float32Array[] {
    return this.resamplers.map((r) => r.flush());
  }

  destroy(): void {
    for (const r of this.resamplers) r.destroy();
  }
}

function mix(channels: Float32Array[]): Float32Array {
  if (channels.length === 1) return channels[0];
  const out = new Float32Array(channels[0].length);
  for (const ch of channels) for (let i = 0; i < out.length; i++) out[i] += ch[i] / channels.length;
  return out;
}
