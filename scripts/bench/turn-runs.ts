// The bench of /v2/listen's turn-taking on real speech: the dev set's utterances as a speaker's
// turns, each followed by TURN_GAP_SECONDS of silence (the agent's reply), streamed at real-time
// pace at the default thresholds with eager_eot_threshold=0.5, at 1 and at 8 streams. For each turn:
// end of speech (measured on the audio) → EagerEndOfTurn and → EndOfTurn; an EndOfTurn before the
// turn's speech has ended is a false end, counted against the pauses inside the turns (silences of
// PAUSE_SECONDS or more between its first and last speech); a real end the model had not reached
// within the gap would have waited for eot_timeout_ms.
import WebSocket from 'ws';
import { pausesInSpeech, speechSpan, utterances } from '../../test/helpers/devset.js';
import { wavData } from '../../test/helpers/fixtures.js';
import { percentile, RATE } from './measure.js';

const TURN_GAP_SECONDS = 2.5;
const PAUSE_SECONDS = 0.2;
const FRAME_MS = 20;
const EAGER = 0.5;

interface Turn {
  pcm: Buffer;
  /** Seconds from the turn's own start. */
  speechStart: number;
  speechEnd: number;
  pauses: number;
}

function loadTurns(): Turn[] {
  // Every other utterance: 40 turns from all 21 speakers' kinds of speech, about 5 minutes a run.
  return utterances()
    .filter((_, i) => i % 2 === 0)
    .map((u) => {
      const pcm = wavData(u.file);
      const span = speechSpan(pcm);
      return { pcm, speechStart: span.start, speechEnd: span.end, pauses: pausesInSpeech(pcm, PAUSE_SECONDS) };
    });
}

interface TurnOutcome {
  eager: number[];
  end: number[];
  falseEnds: number;
  pauses: number;
  waited: number;
  turns: number;
}

/** One stream of `turns` at real-time pace; message times are on the audio clock the client keeps. */
async function runTurns(url: string, turns: Turn[], startDelayMs: number): Promise<TurnOutcome> {
  await new Promise((r) => setTimeout(r, startDelayMs));
  const gap = Buffer.alloc(2 * TURN_GAP_SECONDS * RATE);
  const offsets: number[] = [];
  let at = 0;
  const parts: Buffer[] = [];
  for (const t of turns) {
    offsets.push(at);
    parts.push(t.pcm, gap);
    at += t.pcm.length / 2 / RATE + TURN_GAP_SECONDS;
  }
  const audio = Buffer.concat(parts);
  const ws = new WebSocket(`${url}/v2/listen?model=flux-general-en&encoding=linear16&sample_rate=${RATE}&eager_eot_threshold=${EAGER}`);
  await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
  const t0 = performance.now();
  const events: Array<{ event: string; at: number }> = [];
  ws.on('message', (data) => {
    const m = JSON.parse(data.toString());
    if (m.type === 'TurnInfo') events.push({ event: m.event, at: (performance.now() - t0) / 1000 });
  });
  const closed = new Promise((r) => ws.once('close', r));
  const frame = (2 * RATE * FRAME_MS) / 1000;
  for (let k = 0; k * frame < audio.length; k++) {
    const due = t0 + k * FRAME_MS - performance.now();
    if (due > 0) await new Promise((r) => setTimeout(r, due));
    ws.send(audio.subarray(k * frame, (k + 1) * frame));
  }
  ws.send(JSON.stringify({ type: 'CloseStream' }));
  await closed;
  const outcome: TurnOutcome = { eager: [], end: [], falseEnds: 0, pauses: 0, waited: 0, turns: turns.length };
  turns.forEach((t, i) => {
    const start = offsets[i] + t.speechStart;
    const end = offsets[i] + t.speechEnd;
    const next = offsets[i] + t.pcm.length / 2 / RATE + TURN_GAP_SECONDS + (turns[i + 1]?.speechStart ?? 0);
    outcome.pauses += t.pauses;
    outcome.falseEnds += events.filter((e) => e.event === 'EndOfTurn' && e.at > start && e.at < end - 0.05).length;
    const firstAfter = (name: string) => events.find((e) => e.event === name && e.at >= end - 0.05 && e.at < next);
    const eot = firstAfter('EndOfTurn');
    if (eot) outcome.end.push(eot.at - end);
    else outcome.waited++;
    const eager = firstAfter('EagerEndOfTurn');
    if (eager && (!eot || eager.at <= eot.at)) outcome.eager.push(eager.at - end);
  });
  return outcome;
}

const ms = (xs: number[]) => `${(percentile(xs, 0.5) * 1000).toFixed(0)} / ${(percentile(xs, 0.95) * 1000).toFixed(0)} ms`;

export async function turnRun(url: string, levels: number[]): Promise<void> {
  const turns = loadTurns();
  const speech = turns.reduce((s, t) => s + t.pcm.length / 2 / RATE, 0);
  console.log(`/v2/listen turns: ${turns.length} dev-set utterances as turns (${speech.toFixed(0)} s), each followed by ${TURN_GAP_SECONDS} s of silence, ${FRAME_MS} ms frames at real-time pace, eot_threshold 0.7 (default), eager_eot_threshold ${EAGER}`);
  console.log(`targets: EagerEndOfTurn p50 ≤ 300 ms, EndOfTurn p50 ≤ 600 ms after the end of speech, false ends ≤ 5 % of the pauses (≥ ${PAUSE_SECONDS} s) inside turns`);
  const columns = ['streams', 'end → EagerEndOfTurn p50 / p95', 'end → EndOfTurn p50 / p95', 'false ends / pauses', 'ends waiting past the gap (timeout)'];
  console.log(columns.join(' | '));
  console.log(columns.map((c) => '-'.repeat(c.length)).join(' | '));
  for (const n of levels) {
    const outcomes = await Promise.all(Array.from({ length: n }, (_, i) => runTurns(url, [...turns.slice(i * 5), ...turns.slice(0, i * 5)], (i * 1000) / n)));
    const sum = (f: (o: TurnOutcome) => number) => outcomes.reduce((s, o) => s + f(o), 0);
    const cells = [
      String(n),
      ms(outcomes.flatMap((o) => o.eager)),
      ms(outcomes.flatMap((o) => o.end)),
      `${sum((o) => o.falseEnds)} / ${sum((o) => o.pauses)} = ${((100 * sum((o) => o.falseEnds)) / Math.max(1, sum((o) => o.pauses))).toFixed(1)} %`,
      `${sum((o) => o.waited)} of ${sum((o) => o.turns)}`,
    ];
    console.log(cells.map((c, i) => c.padStart(columns[i].length)).join(' | '));
  }
  console.log('');
}
