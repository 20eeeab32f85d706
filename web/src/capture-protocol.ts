// What the PCM capture worklet and the page agree on; shared so neither can drift from the other.
export const PCM_CAPTURE_PROCESSOR = 'pcm-capture';
/** Posted to the worklet on stop; it answers with the partial frame, then FLUSHED. */
export const FLUSH = 'flush';
export const FLUSHED = 'flushed';
