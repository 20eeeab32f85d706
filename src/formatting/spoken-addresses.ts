// smart_format's emails and web addresses, where said: "john dot smith at example dot com" →
// "john.smith@example.com", "w w w dot example dot org" or "example dot org" → "example.org". An
// address is recognised by its ending, a known top-level domain said after "dot", so "at" and
// "dot" elsewhere stay words ("look at the dot").
import type { TimedWord } from '../engines/recognizer.js';
import { mergeSpans, splitInto, splitWord, type WordSpan } from './word-spans.js';

const DOMAINS = new Set(['com', 'org', 'net', 'edu', 'gov', 'io', 'co', 'uk', 'us', 'ca', 'de', 'fr', 'ai', 'dev', 'app', 'info', 'biz']);
/** Words an address part may be: letters and digits, nothing the sentence needs ("the", "and"). */
const PART = /^[a-z0-9]+$/;
const NOT_PARTS = new Set(['the', 'a', 'an', 'and', 'or', 'to', 'is', 'was', 'my', 'your', 'our', 'his', 'her', 'their', 'me', 'us', 'it', 'at', 'dot']);

const EMAIL = /^[a-z0-9]+([._-][a-z0-9]+)*@[a-z0-9-]+(\.[a-z0-9-]+)+$/i;
const WEB = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i;

/** The words an address is said in ("jane.doe@mail.co.uk" → jane dot doe at mail dot co dot uk), or undefined. */
function spokenAddress(core: string): string[] | undefined {
  const ending = core.split('.').at(-1)!.toLowerCase();
  if (!DOMAINS.has(ending) || !(EMAIL.test(core) || WEB.test(core))) return undefined;
  return core.split(/([.@])/).filter(Boolean).map((piece) => (piece === '.' ? 'dot' : piece === '@' ? 'at' : piece));
}

/** Every address the model wrote, in the words it is said in; each word a share of the written word's span. */
export function spellAddresses(words: TimedWord[]): TimedWord[] {
  return words.flatMap((word) => {
    const spoken = spokenAddress(splitWord(word.text).core);
    return spoken ? splitInto(word, spoken) : [word];
  });
}

export function writeAddresses(words: TimedWord[]): TimedWord[] {
  const parts = words.map((w) => splitWord(w.text));
  const cores = parts.map((p) => p.core.toLowerCase());
  const part = (i: number) => PART.test(cores[i] ?? '') && !NOT_PARTS.has(cores[i]);
  const spans: WordSpan[] = [];
  // From the right, so the longest address wins ("mail dot co dot uk", not "mail dot co").
  for (let end = cores.length; end >= 2; end--) {
    // An address ends "… dot <domain>"; walk back over "<part> dot" pairs and one "<part> at".
    if (!DOMAINS.has(cores[end - 1]) || cores[end - 2] !== 'dot') continue;
    let start = end - 2;
    let text = `.${cores[end - 1]}`;
    let at = false;
    while (start >= 1 && part(start - 1)) {
      text = cores[start - 1] + text;
      start--;
      const joiner = cores[start - 1];
      if (joiner === 'dot' && start >= 2 && part(start - 2)) text = `.${text}`;
      else if (joiner === 'at' && !at && start >= 2 && part(start - 2)) [text, at] = [`@${text}`, true];
      else break;
      start--;
    }
    if (start === end - 2 || spans.some((s) => s.start < end && start < s.end)) continue;
    spans.push({ start, end, text });
  }
  return mergeSpans(words, parts, spans.reverse());
}
