// The files of a decision log: rotated siblings (winston's naming), streamed lines, the last line, locked appends.
import fs from 'node:fs';
import path from 'node:path';
import { PolicyError } from '../shared/errors.js';
import { errnoReason, makeDirs, openRegular } from '../shared/read-file.js';
import { writeAll } from '../shared/write-file.js';

/** Rotation of the chained log; same option names and file naming as winston's File transport. */
export type Rotation = { maxsize?: number; maxFiles?: number; tailable?: boolean };

/**
 * One line of a log file; `torn` when it is the file's last line and lacks its newline; `tooLong` (longer than any
 * record) or `notUtf8` (bytes that are not UTF-8) with empty text.
 */
export type LogLine = { file: string; line: number; text: string; torn: boolean; tooLong?: true; notUtf8?: true };

/** Why a line cannot be a record before it is even parsed (too long, not UTF-8), or undefined. */
export function unreadable(l: LogLine): string | undefined {
  return l.tooLong ? `is longer than any record (${MAX_LINE / 1024 / 1024} MiB)` : l.notUtf8 ? 'is not UTF-8' : undefined;
}

const CHUNK = 64 * 1024;
// INVARIANT: no single line is read whole beyond this; a longer line counts as unreadable (records are small).
const MAX_LINE = 16 * 1024 * 1024;

/** `<log>.lock`: the flock(1) lock file that serialises appends. */
export const lockPathFor = (logPath: string): string => `${logPath}.lock`;
/** `<log>.head`: the `{seq, hash}` sidecar of the chain's last record. */
export const headPathFor = (logPath: string): string => `${logPath}.head`;

/**
 * The log and its rotated siblings, oldest → newest. winston names them `<stem><n><ext>` (`policy-audit1.jsonl`):
 * n counts up without `tailable`, and with `tailable` the newest is always the bare name and 1 the next newest.
 * Files are ordered by their first record's `seq`, so either scheme (and restarts) order correctly; files with no
 * readable first record go last, in name order.
 */
export function logFilesInOrder(logPath: string, options: { tailable?: boolean } = {}): string[] {
  const byName = siblings(logPath).sort((a, b) => (options.tailable ? b.index - a.index : a.index - b.index));
  const keyed = byName.map((s, order) => ({ file: s.file, order, seq: firstSeq(s.file) ?? Number.POSITIVE_INFINITY }));
  return keyed.sort((a, b) => a.seq - b.seq || a.order - b.order).map((k) => k.file);
}

/** The rotation indexes of the log's files that exist (the bare name is 0, `<stem><n><ext>` is n). */
export function rotationIndexes(logPath: string): number[] {
  return siblings(logPath).map((s) => s.index);
}

/** Existing `<stem><n><ext>` files next to `logPath`; the bare name is index 0. */
function siblings(logPath: string): { index: number; file: string }[] {
  const dir = path.dirname(logPath);
  const ext = path.extname(logPath);
  const stem = path.basename(logPath, ext);
  const pattern = new RegExp(`^${escapeRegExp(stem)}(\\d*)${escapeRegExp(ext)}$`);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const found: { index: number; file: string }[] = [];
  for (const name of names) {
    const m = pattern.exec(name);
    if (m) found.push({ index: m[1] === '' ? 0 : Number(m[1]), file: path.join(dir, name) });
  }
  return found;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The `seq` of a file's first record, or undefined if it has none readable. */
function firstSeq(file: string): number | undefined {
  const text = firstLine(file);
  if (text === undefined) return undefined;
  try {
    const seq = (JSON.parse(text) as { seq?: unknown }).seq;
    return typeof seq === 'number' ? seq : undefined;
  } catch {
    return undefined;
  }
}

/** Opens a log file for reading: a FIFO or a folder is `not-a-regular-file`, any other failure `audit-log-missing` naming it. */
function openLog(file: string): number {
  try {
    return openRegular(file, fs.constants.O_RDONLY, { what: 'audit log' });
  } catch (e) {
    if (e instanceof PolicyError) throw e;
    throw new PolicyError('audit-log-missing', `cannot read audit log \`${file}\`: ${errnoReason(e)}`, { file });
  }
}

function firstLine(file: string): string | undefined {
  const fd = openLog(file);
  try {
    const parts: Buffer[] = [];
    for (let pos = 0; ;) {
      const buf = Buffer.alloc(CHUNK);
      const n = fs.readSync(fd, buf, 0, CHUNK, pos);
      if (n === 0) return parts.length ? Buffer.concat(parts).toString('utf8') : undefined;
      const nl = buf.subarray(0, n).indexOf(0x0a);
      if (nl >= 0) {
        parts.push(buf.subarray(0, nl));
        return Buffer.concat(parts).toString('utf8');
      }
      parts.push(buf.subarray(0, n));
      pos += n;
      if (pos > MAX_LINE) return undefined;
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** The last non-empty line of a file and whether it ends with a newline; undefined if the file is missing or empty, or the line is too long to be a record. */
export function readLastLine(file: string): { text: string; complete: boolean } | undefined {
  let fd: number;
  try {
    fd = openRegular(file, fs.constants.O_RDONLY, { what: 'audit log' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    let end = fs.fstatSync(fd).size;
    const last = Buffer.alloc(1);
    while (end > 0 && fs.readSync(fd, last, 0, 1, end - 1) === 1 && (last[0] === 0x0a || last[0] === 0x0d)) end--;
    if (end === 0) return undefined;
    const complete = end < fs.fstatSync(fd).size;
    const parts: Buffer[] = [];
    for (let pos = end; pos > 0;) {
      const start = Math.max(0, pos - CHUNK);
      const buf = Buffer.alloc(pos - start);
      fs.readSync(fd, buf, 0, buf.length, start);
      const nl = buf.lastIndexOf(0x0a);
      if (nl >= 0) {
        parts.unshift(buf.subarray(nl + 1));
        break;
      }
      parts.unshift(buf);
      pos = start;
      if (end - pos > MAX_LINE) return undefined;
    }
    return { text: Buffer.concat(parts).toString('utf8'), complete };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Streams the lines of the files in order, one at a time (never the whole file, never more than MAX_LINE of one line);
 * blank lines are skipped and a CRLF's CR dropped, unless `exact` (verify: the bytes as they are). A line longer than any record (`tooLong`) or whose bytes are not UTF-8 (`notUtf8`) comes
 * with empty text: the readers report it as they report any line that is not a record.
 */
export async function* readLines(files: readonly string[], options: { exact?: boolean } = {}): AsyncGenerator<LogLine> {
  // ignoreBOM: a byte-order mark is part of the line (an edit), not something to drop silently.
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const buf = Buffer.allocUnsafe(CHUNK);
  for (const file of files) {
    const fd = openLog(file);
    try {
      let parts: Buffer[] = [];
      let partBytes = 0;
      let tooLong = false;
      let n = 0;
      let held: LogLine | undefined;
      /** The line made of `parts` and `tail`, or undefined when it is blank. */
      const lineOf = (tail: Buffer, torn: boolean): LogLine | undefined => {
        n++;
        if (tooLong) return { file, line: n, text: '', torn, tooLong: true };
        let text: string;
        try {
          text = decoder.decode(parts.length ? Buffer.concat([...parts, tail]) : tail);
        } catch {
          return { file, line: n, text: '', torn, notUtf8: true };
        }
        // A reader takes a line as an editor may have left it; `exact` (verify) sees the bytes the log holds.
        if (options.exact) return { file, line: n, text, torn };
        if (text.endsWith('\r')) text = text.slice(0, -1);
        return text.trim() === '' ? undefined : { file, line: n, text, torn };
      };
      for (let pos = 0; ;) {
        // A turn of the event loop per chunk, as a stream would give: a reader of stdout gone away is heard of (EPIPE).
        if (pos > 0) await new Promise((resolve) => setImmediate(resolve));
        const got = fs.readSync(fd, buf, 0, CHUNK, pos);
        if (got === 0) break;
        pos += got;
        const chunk = buf.subarray(0, got);
        let start = 0;
        for (let nl = chunk.indexOf(0x0a); nl >= 0; nl = chunk.indexOf(0x0a, start)) {
          const line = lineOf(chunk.subarray(start, nl), false);
          [parts, partBytes, tooLong, start] = [[], 0, false, nl + 1];
          if (!line) continue;
          if (held) yield held;
          held = line;
        }
        if (start < got && !tooLong) {
          parts.push(Buffer.from(chunk.subarray(start))); // a copy: `buf` is read into again
          if ((partBytes += got - start) > MAX_LINE) [parts, tooLong] = [[], true];
        }
      }
      // The last line, when the file does not end with a newline, is torn.
      const last = parts.length || tooLong ? lineOf(Buffer.alloc(0), true) : undefined;
      if (held) yield held;
      if (last) yield last;
    } finally {
      fs.closeSync(fd);
    }
  }
}

/**
 * The chained log on disk. Call its methods only under the log's lock: appends are synchronous and fdatasync'd, and
 * rotation (winston's naming, decided before each write) happens here, so several processes never rotate apart.
 */
export class ChainFile {
  constructor(
    readonly logPath: string,
    readonly rotation: Rotation = {},
  ) {}

  /** Files oldest → newest by name. */
  private byName(): { index: number; file: string }[] {
    const list = siblings(this.logPath);
    return list.sort((a, b) => (this.rotation.tailable ? b.index - a.index : a.index - b.index));
  }

  /** The file the next record goes to, before any rotation. */
  private current(): { index: number; file: string } {
    if (this.rotation.tailable || !this.rotation.maxsize) return { index: 0, file: this.logPath };
    return this.byName().at(-1) ?? { index: 0, file: this.logPath };
  }

  /** The newest non-empty line of the log, across rotated files. */
  lastLine(): { text: string; complete: boolean } | undefined {
    for (const s of this.byName().reverse()) {
      const last = readLastLine(s.file);
      if (last) return last;
    }
    return undefined;
  }

  /** Appends one line (rotating first if the current file is full) and flushes it to disk; returns the file. */
  append(line: string): string {
    const current = this.current();
    let file = current.file;
    let size = fileSize(file);
    const { maxsize } = this.rotation;
    if (maxsize && size >= maxsize) {
      file = this.rotation.tailable ? this.shiftTailable() : this.nextIncrementing(current.index);
      size = 0;
    }
    makeDirs(path.dirname(file), 'folder of the decision log');
    const fd = openRegular(file, fs.constants.O_RDWR | fs.constants.O_APPEND | fs.constants.O_CREAT, { what: 'audit log' });
    try {
      appendWhole(fd, line);
    } finally {
      fs.closeSync(fd);
    }
    return file;
  }

  /** Non-tailable: the next numbered file; drops the oldest beyond maxFiles, as winston does. */
  private nextIncrementing(index: number): string {
    const next = this.nameFor(index + 1);
    const { maxFiles } = this.rotation;
    if (maxFiles) for (const s of siblings(this.logPath)) if (s.index <= index + 1 - maxFiles) fs.rmSync(s.file, { force: true });
    return next;
  }

  /** Tailable: n-1 → n down to 1, the bare file → 1; the bare file starts empty, as winston does. */
  private shiftTailable(): string {
    const top = this.rotation.maxFiles ?? Math.max(0, ...siblings(this.logPath).map((s) => s.index)) + 2;
    for (let i = top - 1; i > 1; i--) {
      const from = this.nameFor(i - 1);
      if (fs.existsSync(from)) fs.renameSync(from, this.nameFor(i));
    }
    fs.renameSync(this.logPath, this.nameFor(1));
    return this.logPath;
  }

  private nameFor(index: number): string {
    if (index === 0) return this.logPath;
    const ext = path.extname(this.logPath);
    return path.join(path.dirname(this.logPath), `${path.basename(this.logPath, ext)}${index}${ext}`);
  }
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/**
 * Appends one line whole or not at all: write to the end, flush, read it back; on any failure (a full disk, a file
 * size limit) the file is truncated back to its old length, so no torn record is left behind.
 */
function appendWhole(fd: number, line: string): void {
  const before = fs.fstatSync(fd).size;
  // A torn last line (a writer died mid-write) stays its own line instead of swallowing this record.
  const prefix = before > 0 && readByte(fd, before - 1) !== 0x0a ? '\n' : '';
  const data = Buffer.from(`${prefix}${line.replace(/\n$/, '')}\n`, 'utf8');
  try {
    writeAll(fd, data);
    fs.fdatasyncSync(fd);
    const back = Buffer.alloc(data.length);
    if (fs.readSync(fd, back, 0, data.length, before) !== data.length || !back.equals(data))
      throw new Error('the record read back differs from the record written');
  } catch (e) {
    // INVARIANT: a failed append leaves the log exactly as it was.
    try {
      fs.ftruncateSync(fd, before);
      fs.fdatasyncSync(fd);
    } catch {
      // the truncate failed too: the reader skips a torn last line (`torn`), and the next append starts a new line
    }
    throw e;
  }
}

function readByte(fd: number, position: number): number {
  const b = Buffer.alloc(1);
  fs.readSync(fd, b, 0, 1, position);
  return b[0];
}
