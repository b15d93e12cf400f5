// The one way input files are read: regular files only (a FIFO or a device would hang or never end), errors as data.
import fs from 'node:fs';
import { PolicyError } from './errors.js';

/** What a missing file means to the caller: `absent` returns undefined, anything else is an error naming it. */
export interface ReadOptions {
  /** The file as shown to users. */
  shownAs?: string;
  /** What the file is, for messages: `config file`, `policy file`, … */
  what?: string;
  missing?: 'absent' | 'error';
  /** Extra help when the file is missing. */
  help?: string;
}

/** The text of a regular file (UTF-8), or undefined when it is missing and `missing: 'absent'`. */
export function readTextFile(path: string, options: ReadOptions & { missing: 'absent' }): string | undefined;
export function readTextFile(path: string, options?: ReadOptions): string;
export function readTextFile(path: string, options: ReadOptions = {}): string | undefined {
  const bytes = readFileBytes(path, options);
  return bytes === undefined ? undefined : bytes.toString('utf8');
}

/** The bytes of a regular file, or undefined when it is missing and `missing: 'absent'`. */
export function readFileBytes(path: string, options: ReadOptions = {}): Buffer | undefined {
  const shown = options.shownAs ?? path;
  const what = options.what ?? 'file';
  let st: fs.Stats;
  try {
    st = fs.statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if ((code === 'ENOENT' || code === 'ENOTDIR') && options.missing === 'absent') return undefined;
    const why = code === 'ENOENT' ? 'does not exist' : (e as Error).message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '');
    throw new PolicyError('file-unreadable', `cannot read ${what} \`${shown}\`: ${why}`, { file: shown, help: options.help });
  }
  if (!st.isFile()) {
    const kind = st.isDirectory() ? 'a directory' : st.isFIFO() ? 'a FIFO' : st.isSocket() ? 'a socket' : 'a device or special file';
    throw new PolicyError('not-a-regular-file', `${what} \`${shown}\` is ${kind}, not a regular file`, { file: shown });
  }
  try {
    return fs.readFileSync(path);
  } catch (e) {
    throw new PolicyError('file-unreadable', `cannot read ${what} \`${shown}\`: ${(e as Error).message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '')}`, {
      file: shown,
    });
  }
}
