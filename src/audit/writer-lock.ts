// The decision log's writer lock, with no forked process: an O_EXCL lock file naming its owner (pid, start time, boot,
// pid namespace); a dead owner's lock is broken at once, an unverifiable one after a bounded age.
import fs from 'node:fs';
import os from 'node:os';
import { PolicyError } from '../shared/errors.js';
import { errnoReason } from '../shared/read-file.js';

/** How long to wait for the lock, and who to tell when it is busy (after 200 ms). */
export interface WriterLockOptions {
  timeoutMs?: number;
  onWait?: () => void;
  /** What the lock protects, for messages (`the decision log`). */
  what?: string;
  /** A lock whose owner cannot be checked from here (another host, boot or pid namespace) is broken at this age. */
  unverifiableAfterMs?: number;
}

/** Who holds a lock file: what it says, and which file it is (inode and mtime: a link changes a file's ctime, not these). */
interface Holder {
  text: string;
  ino: number;
  mtimeMs: number;
}

/** A lock file without a readable owner is younger than this only while its creator is writing it. */
const UNNAMED_STALE_MS = 5_000;
const BACKOFF_MAX_MS = 16;

// The lock file's path is the problem (not another process): bad input naming the file.
const UNOPENABLE = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOENT', 'ENOTDIR', 'ELOOP', 'ENAMETOOLONG', 'EISDIR']);

// INVARIANT: within one process, holders of the same lock file run one after another.
const queues = new Map<string, Promise<unknown>>();

const readOr = (file: string, fallback: string) => {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return fallback;
  }
};

/** A process's start time in clock ticks since boot (field 22 of /proc/<pid>/stat), or '' where there is no /proc. */
function startTimeOf(pid: number): string {
  const stat = readOr(`/proc/${pid}/stat`, '');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
}

let self: { pid: number; start: string; boot: string; ns: string; host: string } | undefined;

/** This process as a lock owner; `boot` and `ns` tell whether another owner's pid can be checked from here. */
function me() {
  if (!self) {
    let ns = '';
    try {
      ns = fs.readlinkSync('/proc/self/ns/pid');
    } catch {
      // no /proc: pids are still checked, on the same host
    }
    self = { pid: process.pid, start: startTimeOf(process.pid), boot: readOr('/proc/sys/kernel/random/boot_id', ''), ns, host: os.hostname() };
  }
  return self;
}

/** `alive`, `dead`, or `unknown` (an owner this process cannot check: unreadable, another host, boot or pid namespace). */
function ownerState(text: string): 'alive' | 'dead' | 'unknown' {
  let owner: { pid?: unknown; start?: unknown; boot?: unknown; ns?: unknown; host?: unknown };
  try {
    owner = JSON.parse(text) as typeof owner;
  } catch {
    return 'unknown';
  }
  const here = me();
  if (typeof owner.pid !== 'number' || owner.host !== here.host || owner.boot !== here.boot || owner.ns !== here.ns) return 'unknown';
  try {
    process.kill(owner.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return 'dead';
  }
  // The pid lives (or is not ours to signal): it is the owner unless the pid was reused by a later process.
  return here.start && owner.start && startTimeOf(owner.pid) !== owner.start ? 'dead' : 'alive';
}

function holderOf(lockPath: string): Holder | undefined {
  try {
    const st = fs.lstatSync(lockPath);
    if (st.isSymbolicLink() || !st.isFile()) return undefined;
    return { text: fs.readFileSync(lockPath, 'utf8'), ino: st.ino, mtimeMs: st.mtimeMs };
  } catch {
    return undefined;
  }
}

const sameHolder = (a: Holder, b: Holder | undefined) => !!b && a.ino === b.ino && a.mtimeMs === b.mtimeMs && a.text === b.text;

/**
 * Removes a stale lock file, racing safely with other breakers: only the one that links the stale file to a name
 * unique to it (inode, mtime) may unlink it, and only after checking the link is that very file. A link to anything
 * else is undone, which is harmless: a link adds a name, it never moves a lock. True when it removed the lock.
 */
function breakLock(lockPath: string, stale: Holder): boolean {
  const claim = `${lockPath}.broken-${stale.ino}-${Math.round(stale.mtimeMs * 1000)}`;
  try {
    fs.linkSync(lockPath, claim);
  } catch {
    return false; // someone else is breaking it, or it is gone
  }
  try {
    if (!sameHolder(stale, holderOf(claim))) return false;
    fs.unlinkSync(lockPath);
    return true;
  } finally {
    removeIfThere(claim);
  }
}

/** Unlinks a file; one already gone is fine (as `rmSync` with `force`, without loading its recursive remover). */
function removeIfThere(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

function unopenable(lockPath: string, e: NodeJS.ErrnoException, what: string | undefined): PolicyError {
  return new PolicyError('lock-path', `cannot create the lock file \`${lockPath}\`: ${errnoReason(e)}`, {
    file: lockPath,
    help: `the folder of ${what ?? 'the locked file'} must be writable`,
  });
}

/** Tries once to create the lock file; the holder's identity when it did. */
function tryCreate(lockPath: string, what: string | undefined): Holder | 'busy' {
  let fd: number;
  try {
    fd = fs.openSync(lockPath, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o644);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EEXIST') {
      // Anything but a regular file in the lock's place is the path's problem: say what opening it would say.
      const st = fs.lstatSync(lockPath, { throwIfNoEntry: false });
      if (st && !st.isFile()) {
        try {
          fs.statSync(lockPath);
        } catch (inner) {
          throw unopenable(lockPath, inner as NodeJS.ErrnoException, what);
        }
        throw new PolicyError('lock-path', `cannot create the lock file \`${lockPath}\`: something that is not a lock file is in its place`, {
          file: lockPath,
          help: 'remove it; the decision log creates its lock file itself',
        });
      }
      return 'busy';
    }
    if (UNOPENABLE.has(err.code ?? '')) throw unopenable(lockPath, err, what);
    throw err;
  }
  const text = `${JSON.stringify(me())}\n`;
  try {
    fs.writeSync(fd, text);
    const st = fs.fstatSync(fd);
    return { text, ino: st.ino, mtimeMs: st.mtimeMs };
  } finally {
    fs.closeSync(fd);
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function acquire(lockPath: string, options: WriterLockOptions): Promise<Holder> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const unverifiable = options.unverifiableAfterMs ?? 10_000;
  const started = Date.now();
  let told = false;
  for (let attempt = 0; ; attempt++) {
    const got = tryCreate(lockPath, options.what);
    if (got !== 'busy') return got;
    const holder = holderOf(lockPath);
    if (holder) {
      const state = ownerState(holder.text);
      const age = Date.now() - holder.mtimeMs;
      const named = holder.text.trim() !== '';
      if ((state === 'dead' || (state === 'unknown' && age > (named ? unverifiable : UNNAMED_STALE_MS))) && breakLock(lockPath, holder)) continue;
    }
    const waited = Date.now() - started;
    if (waited >= timeoutMs) {
      const who = holder ? ` (held by ${holder.text.trim() || 'an unnamed owner'})` : '';
      throw new PolicyError('lock-failed', `cannot lock \`${lockPath}\`: still locked by another process after ${Math.ceil(timeoutMs / 1000)} s${who}`, {
        file: lockPath,
        help: `another wg-policy (or a stuck process) holds ${options.what ?? 'the lock'}`,
      });
    }
    if (!told && waited >= 200) {
      told = true;
      options.onWait?.();
    }
    await sleep(Math.min(BACKOFF_MAX_MS, 2 ** Math.min(attempt, 4)) * (0.5 + Math.random()));
  }
}

/** Unlinks the lock file if it is still this holder's (a lock broken as stale is not someone else's to remove). */
function release(lockPath: string, mine: Holder): void {
  if (sameHolder(mine, holderOf(lockPath))) removeIfThere(lockPath);
}

/**
 * Runs `fn` while holding `lockPath` (an O_EXCL lock file), shared with every process that locks the same path. No
 * child process: acquiring is one open(2) when the lock is free. A holder that died leaves its lock to be broken by the
 * next writer; the wait for a live holder is bounded by `timeoutMs` (`lock-failed`).
 */
export function withWriterLock<T>(lockPath: string, fn: () => T | Promise<T>, options: WriterLockOptions = {}): Promise<T> {
  const before = queues.get(lockPath) ?? Promise.resolve();
  const run = before.then(async () => {
    const mine = await acquire(lockPath, options);
    try {
      return await fn();
    } finally {
      release(lockPath, mine);
    }
  });
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  queues.set(lockPath, settled);
  void settled.then(() => {
    if (queues.get(lockPath) === settled) queues.delete(lockPath);
  });
  return run;
}
