// The recent audio of one channel, addressed by absolute sample index since the stream began,
// so segments can be cut out by their stream position after older audio has been dropped.
export class SampleBuffer {
  private data = new Float32Array(16000 * 4);
  private base = 0;
  private length = 0;

  /** Index one past the last sample appended. */
  get end(): number {
    return this.base + this.length;
  }

  append(samples: Float32Array): void {
    if (this.length + samples.length > this.data.length) {
      const grown = new Float32Array(Math.max(this.data.length * 2, this.length + samples.length));
      grown.set(this.data.subarray(0, this.length));
      this.data = grown;
    }
    this.data.set(samples, this.length);
    this.length += samples.length;
  }

  /** A copy of samples [from, to), clamped to what is still held. */
  slice(from: number, to: number): Float32Array {
    const a = Math.max(from, this.base) - this.base;
    const b = Math.min(to, this.end) - this.base;
    return this.data.slice(a, Math.max(a, b));
  }

  /** Forgets samples before `index`. */
  dropBefore(index: number): void {
    const drop = Math.min(Math.max(0, index - this.base), this.length);
    if (drop === 0) return;
    this.data.copyWithin(0, drop, this.length);
    this.length -= drop;
    this.base += drop;
  }
}
