// The two ways the page captures the microphone for /v1/listen. Each mode says which query
// parameters describe its audio, and hands over binary chunks in capture order.
import { FLUSH, FLUSHED, PCM_CAPTURE_PROCESSOR } from './capture-protocol.ts';
import workletUrl from './pcm-capture-worklet.ts?worker&url';

export type CaptureMode = 'linear16' | 'mediarecorder';

export interface Capture {
  /** Query parameters that describe the audio to the server. */
  readonly query: Record<string, string>;
  /** Stops the microphone; resolves once every captured chunk has been handed over. */
  stop(): Promise<void>;
}

type OnChunk = (chunk: ArrayBuffer) => void;

/** linear16 needs no decoder on the server and no container delay: the low-latency default. */
const PCM_RATE = 16000;
/** MediaRecorder chunk length: short chunks keep its latency near the PCM path's. */
const TIMESLICE_MS = 100;
/** Containers the server sniffs, in the order a browser is asked for them. */
const RECORDER_TYPES = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/webm'];

export async function startCapture(mode: CaptureMode, onChunk: OnChunk): Promise<Capture> {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1 } });
  try {
    return mode === 'linear16' ? await capturePcm(stream, onChunk) : captureRecorder(stream, onChunk);
  } catch (err) {
    release(stream);
    throw err;
  }
}

/**
 * An AudioContext at 16 kHz lets the browser resample the microphone (band-limited) before the
 * worklet sees it, so the page sends a third of the bytes of 48 kHz.
 */
async function capturePcm(stream: MediaStream, onChunk: OnChunk): Promise<Capture> {
  const context = new AudioContext({ sampleRate: PCM_RATE, latencyHint: 'interactive' });
  await context.audioWorklet.addModule(workletUrl);
  const source = context.createMediaStreamSource(stream);
  const node = new AudioWorkletNode(context, PCM_CAPTURE_PROCESSOR, { numberOfInputs: 1, numberOfOutputs: 0, channelCount: 1 });
  let flushed: () => void = () => {};
  node.port.onmessage = (event: MessageEvent<ArrayBuffer | string>) => {
    if (event.data === FLUSHED) flushed();
    else if (event.data instanceof ArrayBuffer) onChunk(event.data);
  };
  source.connect(node);
  return {
    query: { encoding: 'linear16', sample_rate: String(context.sampleRate), channels: '1' },
    async stop() {
      release(stream);
      await new Promise<void>((resolve) => {
        flushed = resolve;
        node.port.postMessage(FLUSH);
      });
      source.disconnect();
      await context.close();
    },
  };
}

/** WebM/Opus as browsers record it: no `encoding`, the server reads the container. */
function captureRecorder(stream: MediaStream, onChunk: OnChunk): Capture {
  const mimeType = RECORDER_TYPES.find((t) => MediaRecorder.isTypeSupported(t));
  if (!mimeType) throw new Error('This browser records no Opus container (WebM or Ogg); use the linear16 mode.');
  const recorder = new MediaRecorder(stream, { mimeType });
  // Blob reads are asynchronous: chain them so chunks go out in the order they were recorded.
  let handedOver = Promise.resolve();
  recorder.ondataavailable = (event) => {
    if (event.data.size === 0) return;
    const read = event.data.arrayBuffer();
    handedOver = handedOver.then(async () => onChunk(await read));
  };
  recorder.start(TIMESLICE_MS);
  return {
    query: {},
    async stop() {
      const stopped = new Promise((resolve) => recorder.addEventListener('stop', resolve, { once: true }));
      recorder.stop();
      release(stream);
      await stopped;
      await handedOver;
    },
  };
}

function release(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop();
}
