// Recognising audio containers from their first bytes. A bare MP3 frame sync is a weak sign (raw
// mu-law silence is 0xFF bytes), so it only names a stream that declared no encoding.

import { looksLikeWav } from './wav-header.js';

export type ContainerName = 'WAV' | 'Ogg' | 'WebM/Matroska' | 'FLAC' | 'MP3' | 'MP4/M4A';

interface Signature {
  name: ContainerName;
  strong: boolean;
  test: (b: Buffer) => boolean;
}

const SIGNATURES: Signature[] = [
  { name: 'WAV', strong: true, test: looksLikeWav },
  { name: 'Ogg', strong: true, test: (b) => b.toString('latin1', 0, 4) === 'OggS' },
  { name: 'WebM/Matroska', strong: true, test: (b) => b.readUInt32BE(0) === 0x1a45dfa3 },
  { name: 'FLAC', strong: true, test: (b) => b.toString('latin1', 0, 4) === 'fLaC' },
  { name: 'MP3', strong: true, test: (b) => b.toString('latin1', 0, 3) === 'ID3' },
  { name: 'MP4/M4A', strong: true, test: (b) => b.toString('latin1', 4, 8) === 'ftyp' },
  { name: 'MP3', strong: false, test: (b) => b[0] === 0xff && (b[1] & 0xe0) === 0xe0 },
];

/** Bytes needed to tell the containers apart. */
export const SNIFF_BYTES = 12;

export function detectContainer(head: Buffer, strongOnly: boolean): ContainerName | undefined {
  return SIGNATURES.find((s) => (s.strong || !strongOnly) && s.test(head))?.name;
}
