// Runs on the audio rendering thread: turns the microphone's float samples into 16-bit PCM frames
// of 20 ms (Deepgram's recommended 20-100 ms) and hands each to the page, which sends it as one
// binary WebSocket frame. Doing the conversion here keeps the main thread free for the captions.

import { FLUSH, FLUSHED, PCM_CAPTURE_PROCESSOR } from './capture-protocol.ts';

// The AudioWorkletGlobalScope is not in TypeScript's DOM library.
declare const sampleRate: number;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}
declare function registerProcessor(name: string, processor: new () => AudioWorkletProcessor): void;

const FRAME_SECONDS = 0.02;

class PcmCapture extends AudioWorkletProcessor {
  private frame = new Int16Array(Math.round(sampleRate * FRAME_SECONDS));
  private filled = 0;

  constructor() {
    super();
    // On stop the partial frame goes out too, so no captured audio is lost.
    this.port.onmessage = (event) => {
      if (event.data !== FLUSH) return;
      this.send(this.filled);
      this.port.postMessage(FLUSHED);
    };
  }

  process(inputs: Float32Array[][]): boolean {
    const samples = inputs[0]?.[0];
    if (!samples) return true;
    for (const v of samples) {
      const clamped = Math.max(-1, Math.min(1, v));
      this.frame[this.filled++] = clamped < 0 ? clamped * 0x8000 : clamped * 0x7fff;
      if (this.filled === this.frame.length) this.send(this.filled);
    }
    return true;
  }

  private send(length: number): void {
    if (length > 0) {
      const bytes = this.frame.slice(0, length).buffer;
      this.port.postMessage(bytes, [bytes]);
    }
    this.filled = 0;
  }
}

registerProcessor(PCM_CAPTURE_PROCESSOR, PcmCapture);
