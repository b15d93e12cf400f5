// Writing files whole: atomically (temp file, fsync, rename) for wg's graph and for reports, and into a FIFO or device
// that a report is sent to.
import { closeSync, constants, fchmodSync, fstatSync, fsyncSync, openSync, realpathSync, renameSync, rmSync, statSync, writeSync, type Stats } from 'node:fs';
import path from 'node:path';
import { PolicyError } from './errors.js';
import { errnoReason } from './read-file.js';

/** Writes all of `data` at `fd`'s position (a write may take only part of it). */
export function writeAll(fd: number, data: Buffer): void {
  for (let off = 0; off < data.length;) off += writeSync(fd, data, off, data.length - off);
}

/**
 * Writes `tmp`, fsyncs it, renames it over `target` (keeping the target's mode), then fsyncs the folder. A failed
 * write (a full disk, a read-only folder, a file size limit) removes `tmp`, leaves `target` as it was and throws
 * `failure(reason)`. The temp file is created anew, never opened through what was at its name.
 */
export function writeAtomically(target: string, tmp: string, content: string | Buffer, failure: (reason: string) => PolicyError): void {
  let mode = 0o644;
  try {
    mode = statSync(target).mode & 0o7777;
  } catch {
    // a new file
  }
  const failed = (e: unknown) => failure(errnoReason(e));
  let fd: number;
  try {
    // A new file, never one found there: a symlink planted at the temp name (in a shared folder) is not followed.
    rmSync(tmp, { force: true });
    fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
  } catch (e) {
    throw failed(e);
  }
  try {
    writeAll(fd, typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
    fchmodSync(fd, mode);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, target);
  } catch (e) {
    try {
      closeSync(fd);
    } catch {
      // closed already
    }
    rmSync(tmp, { force: true });
    throw failed(e);
  }
  try {
    const dir = openSync(path.dirname(target), constants.O_RDONLY);
    fsyncSync(dir);
    closeSync(dir);
  } catch {
    // some file systems cannot fsync a folder; the rename itself is atomic
  }
}

/**
 * Which standard stream writes to the file `st` describes, when that file is one whose content a second writer would
 * corrupt (a regular file, a pipe, a socket: answers or a verdict read by a program); a terminal or `/dev/null` is not.
 */
function stdStreamAt(st: Stats): 'standard output' | 'standard error' | undefined {
  for (const [fd, name] of [
    [1, 'standard output'],
    [2, 'standard error'],
  ] as const) {
    try {
      const s = fstatSync(fd);
      if (s.dev === st.dev && s.ino === st.ino && (s.isFile() || s.isFIFO() || s.isSocket())) return name;
    } catch {
      // a closed stream writes nowhere
    }
  }
  return undefined;
}

/** Why `path` may not be written besides the command's own output (see stdStreamAt), or undefined when it may. */
export function sharedWithOutput(path: string): string | undefined {
  try {
    const st = statSync(path, { throwIfNoEntry: false });
    return st && sharedWith(st);
  } catch {
    return undefined; // what cannot be looked at is nobody's output; writing it says why it fails
  }
}

/** sharedWithOutput for a file already looked at. */
const sharedWith = (st: Stats): string | undefined => {
  const stream = stdStreamAt(st);
  return stream && `it is the file ${stream} writes to, which carries the command's own output`;
};

/**
 * Writes a report (`--junit FILE`) whole. A regular file, or a symlink to one, is replaced atomically (the symlink
 * kept); a FIFO or a device (`/dev/null`, a terminal, `>(…)`) is written into, never replaced by a file; a FIFO no process
 * reads is an error rather than a wait without end. Errors are `failure(reason)`.
 */
export function writeReport(file: string, content: string, failure: (reason: string) => PolicyError): void {
  let st: Stats | undefined;
  try {
    st = statSync(file, { throwIfNoEntry: false });
  } catch (e) {
    throw failure(errnoReason(e));
  }
  const shared = st && sharedWith(st);
  if (shared) throw failure(shared);
  if (st?.isDirectory()) throw failure('it is a folder');
  if (st?.isSocket()) throw failure('it is a socket, which no file can be written into');
  if (st && !st.isFile()) return writeInto(file, content, st, failure);
  const target = st ? realpathSync(file) : path.resolve(file);
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.tmp.${process.pid}`);
  writeAtomically(target, tmp, content, failure);
}

/**
 * Writes `content` into a FIFO or a device as it is. A FIFO is first opened without waiting, to find whether anyone
 * reads it; that end stays open until the blocking one is, so the reader never sees the writers all gone in between.
 */
function writeInto(file: string, content: string, st: Stats, failure: (reason: string) => PolicyError): void {
  const fds: number[] = [];
  try {
    if (st.isFIFO()) fds.push(openSync(file, constants.O_WRONLY | constants.O_NONBLOCK));
    const fd = openSync(file, constants.O_WRONLY);
    fds.push(fd);
    if (fds.length > 1) closeSync(fds.shift()!);
    writeAll(fd, Buffer.from(content, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw failure(code === 'ENXIO' ? 'no process reads it' : errnoReason(e));
  } finally {
    for (const fd of fds) closeSync(fd);
  }
}
