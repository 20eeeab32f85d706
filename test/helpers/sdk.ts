// The official @deepgram/sdk (v5) pointed at a test server, as a user would point it: only the base URLs change.
import { DeepgramClient } from '@deepgram/sdk';
import type { TestServer } from './server.js';

export function sdkClient(server: TestServer, auth: { apiKey: string } | { accessToken: string }): DeepgramClient {
  const http = server.url.replace('ws://', 'http://');
  return new DeepgramClient({ ...auth, environment: { base: http, production: server.url, agent: server.url, agentRest: http } });
}

export interface SdkStream {
  messages: any[];
  /** The close code, or -1 if the server had not closed 30 s after CloseStream. */
  closeCode: number;
}

/** Streams `pcm` through the SDK's live socket in `chunkBytes` pieces, `pauseMs` apart, then CloseStream. */
export async function streamWithSdk(client: DeepgramClient, query: Parameters<DeepgramClient['listen']['v1']['connect']>[0], pcm: Buffer, { chunkBytes, pauseMs = 0 }: { chunkBytes: number; pauseMs?: number }): Promise<SdkStream> {
  const socket = await client.listen.v1.connect(query);
  const messages: any[] = [];
  const closed = new Promise<number>((resolve) => socket.on('close', (event: any) => resolve(event.code)));
  socket.on('message', (m: any) => messages.push(m));
  socket.connect();
  await socket.waitForOpen();
  for (let i = 0; i < pcm.length; i += chunkBytes) {
    socket.sendMedia(pcm.subarray(i, i + chunkBytes));
    if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
  }
  socket.sendCloseStream({ type: 'CloseStream' });
  const closeCode = await Promise.race([closed, new Promise<number>((r) => setTimeout(() => r(-1), 30_000))]);
  socket.close();
  return { messages, closeCode };
}
