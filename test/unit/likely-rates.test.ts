// What a voice's pitch at the declared sample_rate says of the real one: a rate only when one fits.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { likelyRates } from '../../src/diagnostics/stream-diagnostics.js';

test('one common rate in the band of speaking voices is named', () => {
  // 8 kHz telephony declared 48000: a voice heard at 6x its pitch.
  assert.equal(likelyRates(1100, 48000), 'the audio is probably 8000 Hz');
});

test('several fit: the side of the declared rate, and which', () => {
  // jfk.wav (258 Hz) at 16 kHz declared 48000: heard at 774 Hz. The old guess, from a 150 Hz voice, said 8000.
  assert.equal(likelyRates(774, 48000), "the audio's rate is lower than the declared 48000 Hz (one of 8000, 16000 Hz)");
  // festival's slt (178 Hz) at 48 kHz declared 16000: heard at 59 Hz.
  assert.equal(likelyRates(59, 16000), "the audio's rate is higher than the declared 16000 Hz (one of 24000, 44100, 48000 Hz)");
});

test('none fits: only the side', () => {
  assert.equal(likelyRates(5000, 48000), "the audio's rate is lower than the declared 48000 Hz");
});
