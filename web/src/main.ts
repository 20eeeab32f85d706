// The live-captions page: the settings form becomes /v1/listen's query, the microphone's chunks
// become binary frames, and the server's messages become captions.
import { CaptionsView } from './captions-view.ts';
import { ListenConnection, type Ended, type ServerMessage } from './listen-connection.ts';
import { startCapture, type Capture, type CaptureMode } from './microphone.ts';

const form = document.getElementById('controls') as HTMLFormElement;
const view = new CaptionsView(document);
const field = (name: string) => form.elements.namedItem(name) as HTMLInputElement;

/**
 * A token can arrive in the address's fragment (`/#access_token=…`), which browsers never send to a
 * server; it is moved into the form and taken out of the address bar and history at once.
 */
const fragment = new URLSearchParams(location.hash.slice(1));
const handedToken = fragment.get('access_token');
if (handedToken) {
  field('access_token').value = handedToken;
  history.replaceState(null, '', location.pathname + location.search);
}

let capture: Capture | undefined;
let connection: ListenConnection | undefined;

form.addEventListener('submit', (event) => {
  event.preventDefault();
  void start();
});
document.getElementById('stop')!.addEventListener('click', () => void stop());

async function start(): Promise<void> {
  view.reset();
  view.running(true);
  view.status('Asking for the microphone…');
  // Chunks captured before the server accepts the stream wait here, so none is lost.
  const early: ArrayBuffer[] = [];
  try {
    capture = await startCapture((form.elements.namedItem('capture') as RadioNodeList).value as CaptureMode, (chunk) => (connection ? connection.sendAudio(chunk) : early.push(chunk)));
  } catch (err) {
    view.problem({ what: `The microphone could not be opened: ${(err as Error).message}`, fix: 'Allow this page to use the microphone (the icon in the address bar), and check that one is connected.' });
    view.status('Not connected.');
    view.running(false);
    return;
  }
  view.status('Connecting…');
  try {
    connection = await ListenConnection.open(listenUrl(capture.query), field('access_token').value.trim() || undefined, { onMessage, onEnd });
  } catch {
    return; // onEnd has shown why, and released the microphone.
  }
  for (const chunk of early.splice(0)) connection.sendAudio(chunk);
  // Stop was pressed while the server was still answering: what was captured is sent, then closed.
  if (!capture) return connection.closeStream();
  view.status(`Listening (${capture.query.encoding ?? 'WebM/Opus'}). Speak now.`);
}

/** Stops the microphone, sends what it still held, and asks the server for the last Results. */
async function stop(): Promise<void> {
  (document.getElementById('stop') as HTMLButtonElement).disabled = true;
  view.status('Finishing: the last words are being transcribed…');
  await releaseMicrophone();
  connection?.closeStream();
}

/** Stops the capture once, whichever comes first: Stop, or the server ending the stream. */
function releaseMicrophone(): Promise<void> {
  const stopping = capture?.stop();
  capture = undefined;
  return stopping ?? Promise.resolve();
}

function onMessage(message: ServerMessage): void {
  switch (message.type) {
    case 'Results':
      view.requestId(message.metadata.request_id);
      return view.results(message);
    case 'SpeechStarted':
      return view.speechStarted(message.timestamp);
    case 'UtteranceEnd':
      return view.utteranceEnd(message.last_word_end);
    case 'Metadata':
      view.requestId(message.request_id);
      return view.event('Metadata', `${message.duration.toFixed(2)} s of audio transcribed`);
    case 'Error':
      return view.event('Error', message.description);
  }
}

function onEnd(ended: Ended): void {
  void releaseMicrophone();
  connection = undefined;
  view.running(false);
  const { what } = ended.explanation;
  view.status(`Closed: ${what}${/[.!?]$/.test(what) ? '' : '.'}`);
  if (ended.code !== 1000) view.problem(ended.explanation, ended.requestId);
  if (ended.requestId) view.requestId(ended.requestId);
  if (ended.status === 401) {
    // The credential is what to change: show its field.
    (form.querySelector('details') as HTMLDetailsElement).open = true;
    field('access_token').focus();
  }
}

/** /v1/listen beside this page (the server may sit under a path prefix), with the form's options. */
function listenUrl(audio: Record<string, string>): URL {
  const url = new URL('v1/listen', document.baseURI);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const checked = (name: string) => String(field(name).checked);
  const query = url.searchParams;
  query.set('model', field('model').value);
  query.set('language', field('language').value);
  query.set('interim_results', checked('interim_results'));
  query.set('vad_events', checked('vad_events'));
  query.set('punctuate', checked('punctuate'));
  query.set('endpointing', field('endpointing').value || 'false');
  if (field('interim_results').checked && field('utterance_end_ms').value) query.set('utterance_end_ms', field('utterance_end_ms').value);
  for (const [name, value] of Object.entries(audio)) query.set(name, value);
  return url;
}
