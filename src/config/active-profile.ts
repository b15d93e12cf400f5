// wg's active named profile: the trimmed text of `<global dir>/active-profile` (absent or empty: none).
import { join } from 'node:path';
import { readTextFile } from '../shared/read-file.js';

/** The active profile's name and the pointer file it was read from (shown as given), or null when none is active. */
export function readActiveProfile(globalDir: string, shownDir: string): { name: string; file: string } | null {
  const file = `${shownDir}/active-profile`;
  const text = readTextFile(join(globalDir, 'active-profile'), { shownAs: file, what: 'active profile pointer', missing: 'absent' });
  const name = text?.trim() ?? '';
  return name ? { name, file } : null;
}
