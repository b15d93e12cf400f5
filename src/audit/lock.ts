// A cross-process exclusive lock: a flock(1) child holds it while it waits on our stdin (no native addon).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { badInput, PolicyError } from '../shared/errors.js';

// The lock file's path is the problem (not flock, not another process): bad input naming the file.
const UNOPENABLE = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOENT', 'ENOTDIR', 'ELOOP', 'ENAMETOOLONG']);
// flock(1) exits EX_NOINPUT when it cannot open the lock file.
const FLOCK_CANNOT_OPEN = 66;

// INVARIANT: within one process, holders of the same lock file run one after another (one flock child at a time).
const queues = new Map<string, Promise<unknown>>();

/**
 * Runs `fn` while holding an exclusive lock on `lockPath` (created if missing), shared with every process that
 * locks the same file. The lock is released when `fn` settles, or by the kernel if this process dies.
 */
export function withFileLock<T>(lockPath: string, fn: () => T | Promise<T>, options: { timeoutMs?: number } = {}): Promise<T> {
  const key = path.resolve(lockPath);
  const before = queues.get(key) ?? Promise.resolve();
  const run = before.then(() => holding(key, fn, options.timeoutMs ?? 30_000));
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  queues.set(key, settled);
  void settled.then(() => {
    if (queues.get(key) === settled) queues.delete(key);
  });
  return run;
}

async function holding<T>(lockPath: string, fn: () => T | Promise<T>, timeoutMs: number): Promise<T> {
  ensureLockFile(lockPath);
  const lock = await acquire(lockPath, timeoutMs);
  try {
    const value = await fn();
    if (lock.lost()) throw new PolicyError('internal', `the lock on \`${lockPath}\` was lost while it was held (its flock process died)`);
    return value;
  } finally {
    lock.release();
  }
}

/** Creates the lock file as flock(1) would (read-only, created if missing) so that an unusable path is named as such. */
function ensureLockFile(lockPath: string): void {
  try {
    fs.closeSync(fs.openSync(lockPath, fs.constants.O_RDONLY | fs.constants.O_CREAT, 0o666));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    // EISDIR: flock(1) locks a directory too; anything else it will report itself.
    if (UNOPENABLE.has(code)) throw cannotOpen(lockPath, reason(e as NodeJS.ErrnoException));
  }
}

function cannotOpen(lockPath: string, why: string): PolicyError {
  return badInput(`cannot create the lock file \`${lockPath}\`: ${why}`, { file: lockPath, help: 'the folder of the decision log must be writable' });
}

/** `ENOTDIR: not a directory, open '…'` → `not a directory`. */
function reason(e: NodeJS.ErrnoException): string {
  return e.message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '');
}

/**
 * Spawns `flock -x <file> cat` with `locked` already written to its stdin: cat runs only once the lock is held, so
 * `locked` echoed back means acquired; ending stdin ends cat and releases. No shell: `flock -c` runs $SHELL, whose
 * startup files (BASH_ENV…) can be slow or noisy.
 */
function acquire(lockPath: string, timeoutMs: number): Promise<{ release(): void; lost(): boolean }> {
  return new Promise((resolve, reject) => {
    const seconds = String(Math.max(1, Math.ceil(timeoutMs / 1000)));
    let child: ChildProcessWithoutNullStreams;
    try {
      child = spawn('flock', ['-x', '-w', seconds, lockPath, 'cat'], { stdio: 'pipe' });
    } catch (e) {
      reject(new PolicyError('internal', `cannot run flock(1) to lock \`${lockPath}\`: ${(e as Error).message}`));
      return;
    }
    let out = '';
    let err = '';
    let held = false;
    let exited = false;
    let released = false;
    const fail = (error: PolicyError) => {
      if (held) return;
      held = true;
      reject(error);
    };
    const noFlock = (why: string) => new PolicyError('internal', `cannot lock \`${lockPath}\`: ${why}`, { file: lockPath, help: 'the decision log needs flock(1) from util-linux' });
    child.stdin.on('error', () => undefined); // EPIPE when flock is already gone
    child.stdin.write('locked\n');
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (held || !out.includes('locked\n')) return;
      held = true;
      resolve({
        release: () => {
          if (released) return;
          released = true;
          child.stdin.end();
        },
        lost: () => exited && !released,
      });
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.on('error', (e) => fail(noFlock((e as NodeJS.ErrnoException).code === 'ENOENT' ? 'flock(1) is not installed (not found on PATH)' : `flock(1) did not start (${e.message})`)));
    child.on('exit', (code, signal) => {
      exited = true;
      const said = err.trim().replace(/^flock: /, '');
      if (code === FLOCK_CANNOT_OPEN) fail(cannotOpen(lockPath, said.replace(/^cannot open lock file .*: /, '') || 'flock(1) cannot open it'));
      else if (code === 1 && said === '') fail(new PolicyError('internal', `cannot lock \`${lockPath}\`: still locked by another process after ${seconds} s`, { file: lockPath, help: 'another wg-policy (or a stuck process) holds the decision log\'s lock' }));
      else fail(noFlock(said || `flock exited with ${code ?? signal}`));
    });
  });
}
