// Redaction masks numbers by their digits, whether the words spell them or numerals wrote them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatNumbers } from '../../src/formatting/number-format.js';
import { redactNumbers, type Redaction } from '../../src/formatting/redaction.js';
import type { TimedWord } from '../../src/engines/recognizer.js';

const words = (text: string): TimedWord[] => text.split(' ').map((t, i) => ({ text: t, start: i, end: i + 1, confidence: 0.9 }));
const redact = (text: string, kinds: Redaction[], numerals = false) =>
  redactNumbers(formatNumbers(words(text), { numerals, smartFormat: false }), kinds).map((w) => w.text).join(' ');

const CARD = 'four one one one one one one one one one one one one one one one';

test('numbers: any number of three digits or more, spelled or written, one star per digit', () => {
  assert.equal(redact('my number is six eight three six zero two seven.', ['numbers']), 'my number is *******.');
  assert.equal(redact('my number is six eight three six zero two seven.', ['numbers'], true), 'my number is *******.');
  assert.equal(redact('about nineteen sixty seven or 683-6027', ['numbers']), 'about **** or *******');
  assert.equal(redact('two dogs and forty two cats', ['numbers']), 'two dogs and forty two cats', 'short numbers stay');
});

test('ssn: nine digits; pci: a card number and the code after "CVV"', () => {
  assert.equal(redact('it is one two three four five six seven eight nine ok', ['ssn']), 'it is ********* ok');
  assert.equal(redact('call six eight three six zero two seven', ['ssn']), 'call six eight three six zero two seven');
  assert.equal(redact(`card ${CARD} and the CVV is one two three`, ['pci']), 'card **************** and the CVV is ***');
  assert.equal(redact('the C V V is one two three', ['pci']), 'the C V V is ***', 'CVV spelled out');
  assert.equal(redact('room one two three', ['pci']), 'room one two three', 'three digits with no code word stay');
});

test('a masked span keeps the time of the words it replaces', () => {
  const out = redactNumbers(words('is six eight three six zero two seven now'), ['numbers']);
  assert.deepEqual(out.map((w) => [w.text, w.start, w.end]), [['is', 0, 1], ['*******', 1, 8], ['now', 8, 9]]);
});
