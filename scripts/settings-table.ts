// Writes the README's table of `earshot serve` settings from the one table in src/server/config.ts
// (test/unit/settings.test.ts fails while the README's copy differs).
import { readFileSync, writeFileSync } from 'node:fs';
import { settingsTable } from '../src/server/config.js';

export const README = new URL('../README.md', import.meta.url);
const BLOCK = /(<!-- settings:begin[^>]*-->\n)[\s\S]*?(<!-- settings:end -->)/;

export function withSettingsTable(readme: string): string {
  if (!BLOCK.test(readme)) throw new Error('README.md has no settings block');
  return readme.replace(BLOCK, (_all, begin: string, end: string) => `${begin}${settingsTable()}\n${end}`);
}

if (import.meta.url === `file://${process.argv[1]}`) writeFileSync(README, withSettingsTable(readFileSync(README, 'utf8')));
