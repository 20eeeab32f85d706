// Word times for engines that give none (Moonshine emits text only). The estimate comes from the
// audio: 10 ms frames loud enough to be speech form a "voiced timeline", and the words are laid
// along it in proportion to their letters. Pauses between voiced spans therefore fall between words,
// and no word is placed in silence. Its error is measured by `npm run bench`.

const FRAME_SECONDS = 0.01;
/** Quieter gaps shorter than this are stop closures inside speech, not pauses. */
const MIN_PAUSE_SECONDS = 0.08;
const MIN_VOICED_SECONDS = 0.03;
/** Speech threshold as a fraction of the way from the noise floor to the loud frames. */
const VOICED_FRACTION = 0.3;

interface Span {
  start: number;
  end: number;
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/** Spans (in seconds) of the audio that carry speech energy. */
export function voicedSpans(audio: Float32Array, sampleRate: number): Span[] {
  const frame = Math.round(FRAME_SECONDS * sampleRate);
  const frames = Math.floor(audio.length / frame);
  if (frames === 0) return [];
  const db = new Float64Array(frames);
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    for (let i = f * frame; i < (f + 1) * frame; i++) sum += audio[i] * audio[i];
    db[f] = 10 * Math.log10(sum / frame + 1e-10);
  }
  const sorted = Float64Array.from(db).sort();
  const floor = percentile(sorted, 0.1);
  const loud = percentile(sorted, 0.97);
  const threshold = floor + VOICED_FRACTION * (loud - floor);

  const spans: Span[] = [];
  for (let f = 0; f < frames; f++) {
    if (db[f] <= threshold) continue;
    const start = f * FRAME_SECONDS;
    const last = spans[spans.length - 1];
    if (last && start - last.end < MIN_PAUSE_SECONDS) last.end = start + FRAME_SECONDS;
    else spans.push({ start, end: start + FRAME_SECONDS });
  }
  return spans.filter((s) => s.end - s.start >= MIN_VOICED_SECONDS);
}

const letters = (word: string): number => Math.max(1, word.replace(/[^\p{L}\p{N}]/gu, '').length);

/** Start and end (seconds from the start of `audio`) for each word, in order. */
export function estimateWordTimes(words: string[], audio: Float32Array, sampleRate: number): Span[] {
  if (words.length === 0) return [];
  let spans = voicedSpans(audio, sampleRate);
  if (spans.length === 0) spans = [{ start: 0, end: audio.length / sampleRate }];
  const voiced = spans.reduce((t, s) => t + (s.end - s.start), 0);

  // Maps a point on the voiced timeline back to the audio clock. `atEnd` keeps a word that ends
  // exactly where a span ends inside that span rather than at the start of the next one.
  const toAudioTime = (v: number, atEnd: boolean): number => {
    let left = v;
    for (const s of spans) {
      const len = s.end - s.start;
      if (left < len || (atEnd && left <= len)) return s.start + left;
      left -= len;
    }
    return spans[spans.length - 1].end;
  };

  const weights = words.map(letters);
  const total = weights.reduce((a, b) => a + b, 0);
  let before = 0;
  return weights.map((w) => {
    const start = toAudioTime((before / total) * voiced, false);
    before += w;
    const end = toAudioTime((before / total) * voiced, true);
    return { start, end };
  });
}
