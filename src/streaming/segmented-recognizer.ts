// A segment decoder (an Engine: audio in, words out, no state between calls) made a Recognizer: each
// stream it opens is a ChannelTranscriber, which cuts the channel's speech into segments with the
// VAD and keeps everything a segment model needs between decodes (left context, interim cadence,
// drafts, word times). The VAD is shared by every stream and every decoder (it is loaded once, by
// whoever built it); the two must agree on the sample rate, which is checked here, once.
import type { Engine, VoiceActivityDetector } from '../engines/engine.js';
import type { RecognizeStream, Recognizer, RecognizerCapabilities, StreamEvents, StreamSettings } from '../engines/recognizer.js';
import { ChannelTranscriber } from './channel-transcriber.js';

export class SegmentedRecognizer implements Recognizer {
  readonly capabilities: RecognizerCapabilities = { interimResults: true, keyterms: true };

  constructor(
    private readonly engine: Engine,
    private readonly vad: VoiceActivityDetector,
  ) {
    if (engine.sampleRate !== vad.sampleRate) throw new Error(`${engine.info.name} decodes ${engine.sampleRate} Hz audio but the VAD judges ${vad.sampleRate} Hz`);
  }

  get info() {
    return this.engine.info;
  }

  get sampleRate(): number {
    return this.engine.sampleRate;
  }

  openStream(settings: StreamSettings, events: StreamEvents): RecognizeStream {
    return new ChannelTranscriber({ ...settings, ...events, engine: this.engine, vad: this.vad.createStream(settings.streamId), vadFrameSamples: this.vad.frameSamples });
  }

  stats() {
    return this.engine.stats();
  }

  load(): Promise<void> {
    return this.engine.load();
  }

  close(): Promise<void> {
    return this.engine.close();
  }
}
