// What the page shows: finals accumulating in paragraphs (one per utterance), the interim text in
// place after them, the stream's events, and the connection's state with plain-words problems.
import type { Explanation } from '../../src/protocol/explain.ts';
import type { ServerMessage } from './listen-connection.ts';

const MAX_EVENTS = 50;

type Results = Extract<ServerMessage, { type: 'Results' }>;

export class CaptionsView {
  /** The paragraph finals are appended to; a speech_final or UtteranceEnd closes it. */
  private paragraph: HTMLParagraphElement | undefined;

  constructor(private readonly doc: Document) {}

  reset(): void {
    this.element('finals').replaceChildren();
    this.element('events').replaceChildren();
    this.element('interim').textContent = '';
    this.element('request-id').textContent = '—';
    this.paragraph = undefined;
    this.problem(undefined);
    this.speaking(false);
  }

  results(message: Results): void {
    const text = message.channel.alternatives[0]?.transcript ?? '';
    if (!message.is_final) {
      this.element('interim').textContent = text;
      return;
    }
    this.element('interim').textContent = '';
    if (text) {
      this.paragraph ??= this.element('finals').appendChild(this.doc.createElement('p'));
      this.paragraph.textContent = this.paragraph.textContent ? `${this.paragraph.textContent} ${text}` : text;
    }
    if (message.speech_final) this.endUtterance();
  }

  speechStarted(timestamp: number): void {
    this.speaking(true);
    this.event('SpeechStarted', `at ${timestamp.toFixed(2)} s`);
  }

  utteranceEnd(lastWordEnd: number): void {
    this.endUtterance();
    this.event('UtteranceEnd', `last word ended at ${lastWordEnd.toFixed(2)} s`);
  }

  event(type: string, detail: string): void {
    const events = this.element('events');
    const item = this.doc.createElement('li');
    item.dataset.type = type;
    const name = item.appendChild(this.doc.createElement('strong'));
    name.textContent = type;
    item.append(` ${detail}`);
    events.prepend(item);
    while (events.childElementCount > MAX_EVENTS) events.lastElementChild!.remove();
  }

  status(text: string): void {
    this.element('status').textContent = text;
  }

  requestId(id: string): void {
    this.element('request-id').textContent = id;
  }

  problem(explanation: Explanation | undefined, requestId?: string): void {
    const box = this.element('problem');
    box.hidden = !explanation;
    if (!explanation) return;
    this.element('problem-what').textContent = requestId ? `${explanation.what} (request id ${requestId})` : explanation.what;
    this.element('problem-fix').textContent = explanation.fix ? `Fix: ${explanation.fix}` : '';
  }

  running(on: boolean): void {
    (this.element('start') as HTMLButtonElement).disabled = on;
    (this.element('stop') as HTMLButtonElement).disabled = !on;
    if (!on) this.speaking(false);
  }

  private endUtterance(): void {
    this.paragraph = undefined;
    this.speaking(false);
  }

  private speaking(on: boolean): void {
    this.element('speaking').hidden = !on;
  }

  private element(id: string): HTMLElement {
    const found = this.doc.getElementById(id);
    if (!found) throw new Error(`the page has no #${id}`);
    return found;
  }
}
