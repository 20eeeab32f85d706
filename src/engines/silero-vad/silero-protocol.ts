// What the VAD worker thread and its callers exchange.

export interface SileroRequest {
  /** Whole frames of FRAME samples. */
  samples: Float32Array;
  /** The model's recurrent state, 2×1×128. */
  state: Float32Array;
  /** The last CONTEXT samples before `samples`. */
  context: Float32Array;
}

export interface SileroReply {
  probabilities: Float32Array;
  state: Float32Array;
  context: Float32Array;
}

export const FRAME = 512;
export const CONTEXT = 64;
export const STATE_SIZE = 2 * 128;
