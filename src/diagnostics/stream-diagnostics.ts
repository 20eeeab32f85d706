// Watches one stream for the client mistakes of the troubleshooting guide and names each once, with
// the specifics, as it is seen. It only observes: what the stream does about a mistake (close it,
// obey the message anyway) is the session's business.
import type { ContainerName } from '../audio/containers.js';
import type { MistakeCode } from '../protocol/failure-codes.js';
import type { Diagnosis } from '../store/request-record.js';
import { ChannelLayout } from './channel-layout.js';
import { SpeechPitch, VOICE_F0_HZ, type PitchVerdict } from './speech-pitch.js';

/** Inter-frame gaps longer than this are pauses the client chose (e.g. with KeepAlive), not starvation. */
const PAUSE_MS = 1000;
/** Starvation is judged on this much sending time, and named below this share of real time. */
const STARVATION_WINDOW_MS = 6000;
const STARVED_SHARE = 0.7;
const SMALLEST_FRAME_SECONDS = 0.01;
const LARGEST_FRAME_SECONDS = 1;
const ENGINE_RATE = 16000;
/** Rates audio is captured or sent at in practice; a guess snaps to one of them. */
const COMMON_RATES = [8000, 16000, 22050, 24000, 44100, 48000];
/**
 * Median pitch of one speaker's voice, deep men to children and orators (festival's slt 178 Hz,
 * jfk.wav 258 Hz). The pitch heard at the declared rate fixes the true rate only to within this
 * band's width (3.5x), so more than one common rate usually fits.
 */
const SPEAKER_F0_HZ = { low: 85, high: 300 };

/**
 * What the pitch heard at `declared` Hz says of the audio's real rate: audio really at R read as D
 * plays at D/R times its pitch, so R lies within the speaker band scaled by D / heard. One common
 * rate in that range is named; several are listed, with the side of the declared rate they are on.
 */
export function likelyRates(heardHz: number, declared: number): string {
  const fits = COMMON_RATES.filter((r) => r !== declared && r >= (SPEAKER_F0_HZ.low * declared) / heardHz && r <= (SPEAKER_F0_HZ.high * declared) / heardHz);
  if (fits.length === 1) return `the audio is probably ${fits[0]} Hz`;
  const side = heardHz < VOICE_F0_HZ.low ? 'higher' : 'lower';
  return `the audio's rate is ${side} than the declared ${declared} Hz${fits.length > 1 ? ` (one of ${fits.join(', ')} Hz)` : ''}`;
}

export interface DeclaredFormat {
  encoding?: string;
  sampleRate?: number;
  channels: number;
}

export interface StreamDiagnosticsOptions {
  declared: DeclaredFormat;
  /** Seconds of audio decoded so far (per channel). */
  audioSeconds: () => number;
  /** Told of each diagnosis as it is made. */
  report: (diagnosis: Diagnosis) => void;
  now?: () => number;
}

export class StreamDiagnostics {
  private readonly now: () => number;
  private readonly openedAt: number;
  /** Each mistake once, in the order seen. */
  readonly diagnoses: Diagnosis[] = [];
  private audioFrames = 0;
  private keepAlives = 0;
  private lastAudioAt?: number;
  private sendingMs = 0;
  private pitch?: SpeechPitch;
  private layout?: ChannelLayout;
  private declaredRate = 0;

  constructor(private readonly options: StreamDiagnosticsOptions) {
    this.now = options.now ?? Date.now;
    this.openedAt = this.now();
  }

  emptyFrame(): void {
    this.note('empty-binary-frame', `after ${this.audioFrames} audio frames`);
  }

  audioFrame(): void {
    const at = this.now();
    if (this.lastAudioAt !== undefined) this.sendingMs += Math.min(at - this.lastAudioAt, PAUSE_MS);
    this.lastAudioAt = at;
    this.audioFrames++;
    if (this.sendingMs >= STARVATION_WINDOW_MS) {
      const share = this.options.audioSeconds() / (this.sendingMs / 1000);
      if (share < STARVED_SHARE) this.note('audio-starvation', `${(share * 100).toFixed(0)} % of real time: ${this.options.audioSeconds().toFixed(1)} s of audio in ${(this.sendingMs / 1000).toFixed(1)} s of sending`);
    }
  }

  keepAlive(): void {
    this.keepAlives++;
  }

  malformedText(sample: string): void {
    this.note('malformed-text-message', `received: ${sample}`);
  }

  audioAsText(bytes: number): void {
    this.note('audio-as-text', `a text frame of ${bytes} bytes that is not UTF-8 text`);
  }

  jsonAsBinary(type: string): void {
    this.note('json-as-binary', `{"type":"${type}"} arrived in a binary frame`);
  }

  /** What the first bytes turned out to be (undefined: headerless). */
  container(found: ContainerName | undefined): void {
    const { encoding, sampleRate } = this.options.declared;
    if (found && encoding) this.note('container-with-raw-encoding', `the audio is ${found} but encoding=${encoding}${sampleRate ? ` sample_rate=${sampleRate}` : ''} was declared`);
  }

  /** The format the samples are read with; for WAV, what its header says. */
  sourceFormat(format: { sampleRate: number; channels: number; fromHeader: boolean }, rawPcm: boolean): void {
    const { sampleRate, channels } = this.options.declared;
    if (format.fromHeader && sampleRate && sampleRate !== format.sampleRate) {
      this.note('sample-rate-mismatch', `sample_rate=${sampleRate} was declared but the WAV header says ${format.sampleRate} Hz; the header was followed`);
    }
    if (format.fromHeader && this.options.declared.encoding && channels !== format.channels) {
      this.note('channels-mismatch', `channels=${channels} was declared but the WAV header says ${format.channels}; the header was followed`);
    }
    // Containers and headers describe their own samples; only headerless PCM can be misdescribed.
    if (!rawPcm) return;
    this.layout = new ChannelLayout(format.channels, format.sampleRate);
    this.pitch = new SpeechPitch(ENGINE_RATE);
    this.declaredRate = format.sampleRate;
  }

  /** Samples as read from the stream, before mixing and resampling. */
  sourceAudio(planes: Float32Array[]): void {
    this.onLayout(this.layout?.push(planes));
  }

  /** The first plane at the engine's rate. */
  engineAudio(plane: Float32Array): void {
    this.onPitch(this.pitch?.push(plane));
  }

  timedOut(audioSeen: boolean): void {
    if (audioSeen) this.note('idle', `no frame for the timeout after ${this.audioFrames} audio frames`);
    else if (this.keepAlives > 0) this.noteKeepAliveOnly();
    else this.note('no-audio', 'nothing arrived after opening');
  }

  /** The client closed the socket itself; `untranscribed` seconds of its audio never reached a final. */
  closedWithoutCloseStream(untranscribed: number): void {
    if (this.audioFrames > 0) this.note('closed-without-closestream', `${untranscribed.toFixed(2)} s of audio after the last final were not transcribed`);
  }

  /** The stream has ended: judgements that needed all of it. */
  end(): void {
    this.onLayout(this.layout?.judge());
    this.onPitch(this.pitch?.judge());
    if (this.audioFrames === 0 && this.keepAlives > 0) this.noteKeepAliveOnly();
    const seconds = this.options.audioSeconds();
    if (this.audioFrames === 0 || seconds === 0) return;
    const perFrame = seconds / this.audioFrames;
    const ms = (perFrame * 1000).toFixed(perFrame < 0.01 ? 1 : 0);
    if (this.audioFrames >= 20 && perFrame < SMALLEST_FRAME_SECONDS && this.options.declared.encoding !== 'opus') {
      this.note('frames-too-small', `${this.audioFrames} frames of ${ms} ms on average`);
    }
    if (perFrame > LARGEST_FRAME_SECONDS) this.note('frames-too-large', `${this.audioFrames} frame${this.audioFrames > 1 ? 's' : ''} of ${ms} ms on average`);
  }

  private noteKeepAliveOnly(): void {
    this.note('keepalive-only', `${this.keepAlives} KeepAlive messages, no audio`);
  }

  private onLayout(verdict: { declared: number; likely: number } | undefined): void {
    if (!verdict) return;
    this.note('channels-mismatch', `channels=${verdict.declared} was declared but the samples look like ${verdict.likely === 1 ? 'mono' : `${verdict.likely} interleaved channels`}`);
  }

  private onPitch(verdict: PitchVerdict | undefined): void {
    // A wrong channel count also moves the pitch; it is the mistake to name.
    if (!verdict || this.diagnoses.some((d) => d.code === 'channels-mismatch')) return;
    const { medianHz } = verdict;
    if (medianHz >= VOICE_F0_HZ.low && medianHz <= VOICE_F0_HZ.high) return;
    const side = medianHz < VOICE_F0_HZ.low ? 'below' : 'above';
    this.note('sample-rate-mismatch', `at sample_rate=${this.declaredRate} the voice's pitch is ${medianHz.toFixed(0)} Hz, ${side} any speaking voice: ${likelyRates(medianHz, this.declaredRate)}`);
  }

  private note(code: MistakeCode, detail: string): void {
    if (this.diagnoses.some((d) => d.code === code)) return;
    const diagnosis = { code, atSeconds: Math.round(this.now() - this.openedAt) / 1000, detail };
    this.diagnoses.push(diagnosis);
    this.options.report(diagnosis);
  }
}
