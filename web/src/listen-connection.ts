// One stream on /v1/listen from the browser. Browsers cannot set headers on a WebSocket, so the
// access token travels as the subprotocol pair ["bearer", TOKEN], as Deepgram's own SDK sends it.
// Nor can a page read a refused upgrade's status or dg-error: it sees only a 1006 close. So when a
// handshake fails, the page asks the same URL with fetch, where the server runs the same checks
// and answers with the status, dg-error and request id the upgrade was refused with.
import { explainClose, explainRefusal, type Explanation } from '../../src/protocol/explain.ts';

/** The server messages the page shows; the rest of each message is ignored. */
export type ServerMessage =
  | { type: 'Results'; is_final: boolean; speech_final: boolean; channel: { alternatives: Array<{ transcript: string }> }; metadata: { request_id: string } }
  | { type: 'SpeechStarted'; timestamp: number }
  | { type: 'UtteranceEnd'; last_word_end: number }
  | { type: 'Metadata'; request_id: string; duration: number }
  | { type: 'Error'; description: string };

export interface Ended {
  code: number;
  reason: string;
  explanation: Explanation;
  /** The HTTP status and request id a refused handshake was answered with, when the server told them. */
  status?: number;
  requestId?: string;
}

export interface ListenHandlers {
  onMessage(message: ServerMessage): void;
  onEnd(ended: Ended): void;
}

export class ListenConnection {
  private readonly socket: WebSocket;
  private opened = false;

  private constructor(
    private readonly url: URL,
    private readonly token: string | undefined,
    handlers: ListenHandlers,
  ) {
    this.socket = new WebSocket(url, token ? ['bearer', token] : []);
    this.socket.binaryType = 'arraybuffer';
    this.socket.onmessage = (event) => {
      if (typeof event.data === 'string') handlers.onMessage(JSON.parse(event.data) as ServerMessage);
    };
    this.socket.onclose = (event) => {
      const closed = { code: event.code, reason: event.reason };
      if (this.opened) handlers.onEnd({ ...closed, explanation: explainClose(closed.code, closed.reason) });
      else void this.whyRefused().then((refusal) => handlers.onEnd({ ...closed, ...refusal }));
    };
  }

  /** Resolves once the server accepted the handshake; rejects (after onEnd) if it did not. */
  static open(url: URL, token: string | undefined, handlers: ListenHandlers): Promise<ListenConnection> {
    return new Promise((resolve, reject) => {
      const connection = new ListenConnection(url, token, {
        onMessage: handlers.onMessage,
        onEnd(ended) {
          handlers.onEnd(ended);
          reject(new Error(ended.explanation.what));
        },
      });
      connection.socket.onopen = () => {
        connection.opened = true;
        resolve(connection);
      };
    });
  }

  sendAudio(chunk: ArrayBuffer): void {
    // An empty binary frame is Deepgram's legacy close: never send one by accident.
    if (chunk.byteLength > 0 && this.socket.readyState === WebSocket.OPEN) this.socket.send(chunk);
  }

  /** Asks for the final Results and Metadata; the server then closes with 1000. */
  closeStream(): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify({ type: 'CloseStream' }));
  }

  private async whyRefused(): Promise<Pick<Ended, 'explanation' | 'status' | 'requestId'>> {
    const http = new URL(this.url);
    http.protocol = http.protocol === 'wss:' ? 'https:' : 'http:';
    try {
      // Marked as the probe of the refused upgrade: the server answers it as that request (one record, one id).
      const res = await fetch(http, { headers: { 'earshot-probe': 'upgrade', ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) } });
      const requestId = res.headers.get('dg-request-id') ?? undefined;
      // 426: every check passes now, so the upgrade itself was lost on the way (proxy, network).
      if (res.status !== 426) return { explanation: explainRefusal(res.status, res.headers.get('dg-error') ?? undefined, 'page'), status: res.status, requestId };
    } catch {
      // Unreachable over HTTP too: the 1006 explanation below says what that means.
    }
    return { explanation: explainClose(1006, '') };
  }
}
