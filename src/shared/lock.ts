// The one cross-process lock (graph.lock, the decision log's lock): flock(1) locks an fd this process holds.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PolicyError } from './errors.js';
import { errnoReason, openRegular } from './read-file.js';

// The lock file's path is the problem (not flock, not another process): bad input naming the file.
const UNOPENABLE = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOENT', 'ENOTDIR', 'ELOOP', 'ENAMETOOLONG', 'EISDIR']);

// INVARIANT: within one process, holders of the same lock file run one after another.
const queues = new Map<string, Promise<unknown>>();

/** How long to wait for the lock, and who to tell when it is busy (after 200 ms). */
export interface LockOptions {
  timeoutMs?: number;
  onWait?: () => void;
  /** What the lock protects, for messages (`the decision log`, `graph.jsonl`). */
  what?: string;
}

/**
 * Runs `fn` while holding an exclusive flock on `lockPath` (created if missing), shared with every process that
 * locks the same file (wg included). flock(1) locks an fd this process opened and passed as fd 3: flock locks belong
 * to the open file description, so the lock stays held after flock(1) exits, until the fd is closed here when `fn`
 * settles, or by the kernel if this process dies.
 */
export function withFileLock<T>(lockPath: string, fn: () => T | Promise<T>, options: LockOptions = {}): Promise<T> {
  const key = path.resolve(lockPath);
  const before = queues.get(key) ?? Promise.resolve();
  const run = before.then(() => holding(key, fn, options));
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

async function holding<T>(lockPath: string, fn: () => T | Promise<T>, options: LockOptions): Promise<T> {
  let fd: number;
  try {
    // O_NONBLOCK: a lock path that is a FIFO is refused below instead of waiting for a writer forever.
    fd = openRegular(lockPath, fs.constants.O_RDONLY | fs.constants.O_CREAT, { what: 'lock file' });
  } catch (e) {
    if (e instanceof PolicyError) throw new PolicyError('lock-path', e.message, { file: lockPath, help: `${lockPath} must be a regular file (or absent)` });
    const err = e as NodeJS.ErrnoException;
    if (UNOPENABLE.has(err.code ?? ''))
      throw new PolicyError('lock-path', `cannot create the lock file \`${lockPath}\`: ${errnoReason(err)}`, {
        file: lockPath,
        help: `the folder of ${options.what ?? 'the locked file'} must be writable`,
      });
    throw err;
  }
  try {
    await acquire(fd, lockPath, options);
    return await fn();
  } finally {
    fs.closeSync(fd); // releases the lock
  }
}

function acquire(fd: number, lockPath: string, options: LockOptions): Promise<void> {
  const seconds = String(Math.max(1, Math.ceil((options.timeoutMs ?? 30_000) / 1000)));
  return new Promise((resolve, reject) => {
    const child = spawn('flock', ['-x', '-w', seconds, '3'], { stdio: ['ignore', 'ignore', 'pipe', fd] });
    let stderr = '';
    const waiting = setTimeout(() => options.onWait?.(), 200);
    child.stderr?.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(waiting);
      const why = e.code === 'ENOENT' ? 'flock(1) is not installed (not found on PATH)' : `flock(1) did not start (${e.message})`;
      reject(new PolicyError('lock-failed', `cannot lock \`${lockPath}\`: ${why}`, { file: lockPath, help: 'wg-policy needs flock(1) from util-linux' }));
    });
    child.once('close', (code, signal) => {
      clearTimeout(waiting);
      const said = stderr.trim().replace(/^flock: /, '');
      if (code === 0) resolve();
      else if (code === 1 && said === '')
        reject(
          new PolicyError('lock-failed', `cannot lock \`${lockPath}\`: still locked by another process after ${seconds} s`, {
            file: lockPath,
            help: `another wg-policy or wg (or a stuck process) holds ${options.what ?? 'the lock'}`,
          }),
        );
      else reject(new PolicyError('lock-failed', `cannot lock \`${lockPath}\`: ${said || `flock exited with ${code ?? signal}`}`, { file: lockPath }));
    });
  });
}
