// The one way input files are read: regular files only (a FIFO or a device would hang or never end), errors as data.
import fs from 'node:fs';
import { dirname } from 'node:path';
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
  let fd: number;
  try {
    // INVARIANT: opened without blocking and checked on the descriptor, so a file swapped for a FIFO cannot hang us.
    fd = openRegular(path, fs.constants.O_RDONLY, { shownAs: shown, what });
  } catch (e) {
    if (e instanceof PolicyError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if ((code === 'ENOENT' || code === 'ENOTDIR') && options.missing === 'absent') return undefined;
    const why = code === 'ENOENT' ? 'does not exist' : errnoReason(e);
    throw new PolicyError('file-unreadable', `cannot read ${what} \`${shown}\`: ${why}`, { file: shown, help: options.help });
  }
  try {
    return fs.readFileSync(fd);
  } catch (e) {
    throw new PolicyError('file-unreadable', `cannot read ${what} \`${shown}\`: ${errnoReason(e)}`, { file: shown });
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Opens a file that must be a regular file (when it exists) without ever blocking: O_NONBLOCK keeps the open of a
 * FIFO from waiting for a writer, and the descriptor is refused (closed, `not-a-regular-file`) unless it is a file.
 */
export function openRegular(path: string, flags: number, options: { shownAs?: string; what?: string; mode?: number } = {}): number {
  let fd: number;
  try {
    fd = fs.openSync(path, flags | fs.constants.O_NONBLOCK | fs.constants.O_NOCTTY, options.mode ?? 0o666);
  } catch (e) {
    // A socket (ENXIO) or a FIFO opened for writing without a reader cannot be opened: say what it is.
    const st = ['ENXIO', 'EOPNOTSUPP', 'ENODEV'].includes((e as NodeJS.ErrnoException).code ?? '') ? fs.statSync(path, { throwIfNoEntry: false }) : undefined;
    if (st && !st.isFile()) throw notRegular(st, options.what ?? 'file', options.shownAs ?? path);
    throw e;
  }
  let st: fs.Stats;
  try {
    st = fs.fstatSync(fd);
  } catch (e) {
    fs.closeSync(fd);
    throw e;
  }
  if (!st.isFile()) {
    fs.closeSync(fd);
    throw notRegular(st, options.what ?? 'file', options.shownAs ?? path);
  }
  return fd;
}

/** The `not-a-regular-file` error for what `st` describes. */
export function notRegular(st: fs.Stats, what: string, shown: string): PolicyError {
  const kind = st.isDirectory() ? 'a directory' : st.isFIFO() ? 'a FIFO' : st.isSocket() ? 'a socket' : 'a device or special file';
  return new PolicyError('not-a-regular-file', `${what} \`${shown}\` is ${kind}, not a regular file`, { file: shown });
}

/** Throws `not-a-regular-file` when `path` exists and is not a regular file (a FIFO, a directory, a device). */
export function refuseNonRegular(path: string, options: { shownAs?: string; what?: string } = {}): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(path);
  } catch {
    return; // missing: the caller creates it or reports it
  }
  if (!st.isFile()) throw notRegular(st, options.what ?? 'file', options.shownAs ?? path);
}

/**
 * Creates `dir` and its missing parents one level at a time. Unlike Node's recursive mkdir, it cannot spin where the
 * kernel answers oddly (under /proc): every failure is an error naming the folder.
 */
export function makeDirs(dir: string, what = 'folder', mode = 0o777): void {
  const missing: string[] = [];
  let d = dir;
  for (;;) {
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(d);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') throw new PolicyError('file-unreadable', `cannot create the ${what} \`${dir}\`: ${errnoReason(e)}`, { file: dir });
    }
    if (st) {
      if (!st.isDirectory()) throw new PolicyError('file-unreadable', `cannot create the ${what} \`${dir}\`: \`${d}\` is not a directory`, { file: dir });
      break;
    }
    missing.unshift(d);
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  for (const m of missing) {
    try {
      fs.mkdirSync(m, mode);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST' && fs.statSync(m).isDirectory()) continue;
      throw new PolicyError('file-unreadable', `cannot create the ${what} \`${dir}\`: ${errnoReason(e)}`, { file: dir });
    }
  }
}

/**
 * `ENOENT: no such file or directory, mkdir '/x'` (or `…, write`) → `no such file or directory`: the message without
 * its code and its trailing `, <syscall>` or `, <syscall> '<path>'`, found in linear time (as the pattern
 * `, \w+( '.*')?$` would find it; that pattern is quadratic on a path full of `, x '` and a line break).
 */
export function errnoReason(e: unknown): string {
  const text = (e as Error).message.replace(/^[A-Z]+: /, '');
  const n = text.length;
  // `.` stops at a line terminator, so a quoted path runs from after the last one to a closing quote at the very end.
  let lastBreak = -1;
  for (let i = n - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13 || c === 0x2028 || c === 0x2029) {
      lastBreak = i;
      break;
    }
  }
  const quotedToEnd = n > 0 && text.charCodeAt(n - 1) === 39;
  for (let p = text.indexOf(', '); p >= 0; p = text.indexOf(', ', p + 1)) {
    let end = p + 2;
    while (end < n && /\w/.test(text[end])) end++;
    if (end === p + 2) continue;
    if (end === n || (text.startsWith(" '", end) && quotedToEnd && n - 1 >= end + 2 && end + 2 > lastBreak)) return text.slice(0, p);
  }
  return text;
}

/** The names in a folder (unsorted); [] when it is missing; `file-unreadable` naming it when it is not a folder. */
export function listDir(dir: string, options: { shownAs?: string; what?: string } = {}): string[] {
  try {
    return fs.readdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    const why = (e as NodeJS.ErrnoException).code === 'ENOTDIR' ? 'it is not a directory' : errnoReason(e);
    throw new PolicyError('file-unreadable', `cannot read ${options.what ?? 'folder'} \`${options.shownAs ?? dir}\`: ${why}`, { file: options.shownAs ?? dir });
  }
}
