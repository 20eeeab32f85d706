import assert from 'node:assert/strict';
import { test } from 'node:test';
import llamaTokenizer from 'llama-tokenizer-js';
import { chooseToken, END_TOKEN, loopCut } from '../../src/engines/moonshine/decoding-rules.js';

/** Logits whose softmax gives `p` to END_TOKEN and the rest to token 7 (then token 9, a little). */
function logits(pEnd: number): Float32Array {
  const l = new Float32Array(16).fill(-30);
  l[END_TOKEN] = Math.log(pEnd);
  l[7] = Math.log((1 - pEnd) * 0.9);
  l[9] = Math.log((1 - pEnd) * 0.1);
  return l;
}

test('an unsure end token put first in a long enough decode is passed over; a sure one, or one elsewhere, ends it', () => {
  assert.equal(chooseToken(logits(0.8), 0, 16, true).token, 7, 'AN4 digits: p(end) 0.33–0.82');
  assert.ok(Math.abs(chooseToken(logits(0.8), 0, 16, true).probability - 0.18) < 1e-3, 'the runner-up keeps its own probability');
  assert.equal(chooseToken(logits(0.995), 0, 16, true).token, END_TOKEN, 'silence and noise: p(end) ≥ 0.995');
  assert.equal(chooseToken(logits(0.8), 0, 16, false).token, END_TOKEN, 'after the first token, or in a short decode, the argmax rules');
  assert.equal(chooseToken(logits(0.2), 0, 16, false).token, 7);
});

test('a boost can raise a token over the argmax, not over a sure end', () => {
  assert.equal(chooseToken(logits(0.2), 0, 16, false, new Map([[9, 2.5]])).token, 9, '0.08 raised ×12 beats 0.72');
  assert.ok(Math.abs(chooseToken(logits(0.2), 0, 16, false, new Map([[9, 2.5]])).probability - 0.08) < 1e-3, 'the model\'s own probability is kept');
  assert.equal(chooseToken(logits(0.995), 0, 16, true, new Map([[9, 2.5]])).token, END_TOKEN);
});

/** Moonshine's tokens for a text, as the decoder would emit them. */
const tokens = (text: string): number[] => llamaTokenizer.encode(text, false, true);
/** What a decode emitting `text` token by token keeps, checked after each token as the decoder does; undefined if never cut. */
const kept = (text: string): string | undefined => {
  const ids = tokens(text);
  for (let length = 1; length <= ids.length; length++) {
    const cut = loopCut(ids.slice(0, length));
    if (cut !== undefined) return llamaTokenizer.decode(ids.slice(0, cut), false, false).trim();
  }
  return undefined;
};

test('a loop is cut after its first copy the moment it forms, at a word\'s end', () => {
  assert.equal(kept('Then. And could hold it. And could hold it.'), undefined, 'two copies may be speech');
  assert.equal(kept('Then. And could hold it. And could hold it. And could hold it.'), 'Then. And could hold it.');
  // Found at a rotation of its unit ("th. A 3"), the first copy still ends with its word.
  assert.equal(kept('A basic state. A 3th. A 3th. A 3th.'), 'A basic state. A 3th.');
  assert.equal(kept('so very very very very very very very'), undefined, 'a word said seven times');
  assert.equal(kept('so very very very very very very very very'), 'so very');
  assert.equal(kept('Two, eight, eight, eight, eight, nine.'), undefined);
  assert.equal(kept('call one one one one one one one one'), undefined, 'a digit said eight times');
});

test('speech that repeats itself is not cut', () => {
  assert.equal(kept('I know that that is true.'), undefined);
  assert.equal(kept('No, no, no, not that one.'), undefined);
  assert.equal(kept('It is a good idea, a good idea, said he.'), undefined, 'a phrase said twice, then on');
  assert.equal(kept('Very very very good.'), undefined);
});

test('numbers said in groups are speech; a number said five times over is a loop', () => {
  assert.equal(kept('My card is four one one one, one one one one, one one one one, one one one one, thanks.'), undefined);
  assert.equal(kept('It is 4111111111111111 ok.'), undefined, 'sixteen digits written out');
  assert.equal(kept('Seven. 16. 16. 16. 16. 16. 16.'), 'Seven. 16.');
});

test('a loop inside one word is cut after its first copy', () => {
  assert.equal(kept('I sat at my phone. 10-10-10-10-10-10-10-10-10-10'), 'I sat at my phone. 10-');
});

test('copies are compared regardless of case; an end is passed over only for a plausible runner-up', () => {
  assert.equal(kept('And so my fellow Americans, and so my fellow Americans, and so my fellow Americans,'), 'And so my fellow Americans,');
  const l = new Float32Array(16).fill(-30);
  l[END_TOKEN] = Math.log(0.8);
  l[7] = Math.log(0.02);
  assert.equal(chooseToken(l, 0, 16, true).token, END_TOKEN, 'base on a word\'s tail: "Oh" at 0.02');
});
