// wg's active named profile: the trimmed text of `<global dir>/active-profile` (absent or empty: none); kept per process while unchanged.
import { FileCache, joinOnce } from '../shared/file-cache.js';
import { readTextFile } from '../shared/read-file.js';

type ActiveProfile = { name: string; file: string } | null;

const pointers = new FileCache<ActiveProfile>(16);

/** The active profile's name and the pointer file it was read from (shown as given), or null when none is active. */
export function readActiveProfile(globalDir: string, shownDir: string): ActiveProfile {
  const file = `${shownDir}/active-profile`;
  const path = joinOnce(globalDir, 'active-profile');
  const read = () => readTextFile(path, { shownAs: file, what: 'active profile pointer', missing: 'absent' });
  const parse = (text: string | undefined): ActiveProfile => {
    const name = text?.trim() ?? '';
    return name ? { name, file } : null;
  };
  return pointers.getIfPresent(path, read, parse, file) ?? null;
}
