// Makes the fixtures most test files share before the lanes start, once: made by the first test
// that needs them, they would be made synchronously on the event loop a test server shares (jfk.wav
// comes from an npm tarball, festival takes seconds per sentence), so an open stream could time out
// while they are made, and several parallel files would make the same ones at once.
import { jfkWav, joinWithSilence, PASSAGE, speechWav } from './fixtures.js';

jfkWav();
const sentences = PASSAGE.map((s) => speechWav(s));
joinWithSilence(sentences, 1);
joinWithSilence(sentences, 0.8);
for (const text of [PASSAGE.slice(0, 2).join(' '), PASSAGE.slice(0, 3).join(' ')]) speechWav(text);
