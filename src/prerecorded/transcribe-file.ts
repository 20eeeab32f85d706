// A whole file through exactly the pipeline a live stream takes — sniffing, decoding, resampling,
// VAD segmentation at pauses, left context, finals — by driving a Session in memory. The file is
// handed over at once and closed with CloseStream, so the VAD cuts segments as fast as it reads and
// (with a segment decoder) every segment's final is queued to the engine at once: the worker pool decodes them on all cores
// in parallel, and they come back in order.
import type { Recognizer } from '../engines/recognizer.js';
import type { FailureCode } from '../protocol/failure-codes.js';
import type { ListenOptions } from '../protocol/listen-options.js';
import type { MetadataMessage, ResultsMessage } from '../protocol/server-messages.js';
import { Session, type StreamSummary } from '../protocol/session.js';
import type { SessionLog } from '../protocol/stream-dialect.js';

export interface FileTranscription {
  /** The finals, in order (all channels). */
  finals: ResultsMessage[];
  metadata: MetadataMessage;
  summary: StreamSummary;
}

export interface TranscribeFileDeps {
  requestId: string;
  options: ListenOptions;
  recognizer: Recognizer;
  log: SessionLog;
  unendpointedGapMs: number;
  /** Told the audio-clock end of each final as it comes back, for progress. */
  onProgress?: (seconds: number) => void;
}

/** The file could not be transcribed: the stream failure it met, with its detail. */
export class TranscriptionFailed extends Error {
  constructor(
    readonly failure: FailureCode,
    readonly reason: string,
    readonly summary: StreamSummary,
  ) {
    super(reason);
  }
}

export interface RunningTranscription {
  done: Promise<FileTranscription>;
  /** Stops all work (a timeout): nothing more is decoded, and `done` rejects. */
  cancel(): void;
}

/** Frames of this size are what the Session reads; any size decodes the same. */
const FRAME_BYTES = 64 * 1024;

export function transcribeFile(audio: Buffer, deps: TranscribeFileDeps): RunningTranscription {
  const finals: ResultsMessage[] = [];
  let metadata: MetadataMessage | undefined;
  let session!: Session;
  const done = new Promise<FileTranscription>((resolve, reject) => {
    session = new Session({
      requestId: deps.requestId,
      options: { ...deps.options, interimResults: false, vadEvents: false },
      recognizer: deps.recognizer,
      log: deps.log,
      // All frames arrive at once and CloseStream follows, so the inactivity timer never runs out.
      // The whole file is in memory already (bounded by --max-upload-bytes): nothing to push back on.
      policy: { inactivityTimeoutMs: 60_000, keepAliveBeforeAudio: false, unendpointedGapMs: deps.unendpointedGapMs, live: false, maxBacklogSeconds: Infinity, maxQueuedBytes: Infinity, maxDurationMs: 0, maxUnreadBytes: Infinity },
      transport: {
        send(message) {
          if (message.type === 'Results' && message.is_final) {
            finals.push(message);
            deps.onProgress?.(message.start + message.duration);
          } else if (message.type === 'Metadata') metadata = message;
        },
        close() {},
      },
      onClosed({ code, reason, failure }) {
        if (code === 1000 && metadata) resolve({ finals, metadata, summary: session.summary() });
        else reject(new TranscriptionFailed(failure ?? 'NET-0000', reason, session.summary()));
      },
    });
  });
  for (let at = 0; at < audio.length; at += FRAME_BYTES) session.onBinary(audio.subarray(at, at + FRAME_BYTES));
  session.onText(JSON.stringify({ type: 'CloseStream' }));
  return { done, cancel: () => session.onClientGone() };
}
