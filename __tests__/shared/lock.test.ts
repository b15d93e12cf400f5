// withFileLock: a real flock(1) lock, exclusive within and across processes, released on errors and timeouts.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { withFileLock } from '../../src/shared/lock.js';
import { tempDir } from '../audit/helpers.js';

let tmp: ReturnType<typeof tempDir>;
let lock: string;
beforeAll(() => {
  tmp = tempDir();
  lock = path.join(tmp.dir, 'x.lock');
});
afterAll(() => tmp.cleanup());

/** Whether another process could take the lock right now. */
const freeForOthers = () => spawnSync('flock', ['-n', lock, 'true']).status === 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('withFileLock', () => {
  test('holds a flock other processes see, and releases it after', async () => {
    expect(freeForOthers()).toBe(true);
    const value = await withFileLock(lock, () => {
      expect(freeForOthers()).toBe(false);
      return 42;
    });
    expect(value).toBe(42);
    expect(freeForOthers()).toBe(true);
  });

  test('holders in one process never overlap', async () => {
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 6 }, () =>
        withFileLock(lock, async () => {
          most = Math.max(most, ++inside);
          await sleep(5);
          inside--;
        }),
      ),
    );
    expect(most).toBe(1);
  });

  test('an error in the holder releases the lock and propagates', async () => {
    await expect(withFileLock(lock, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await withFileLock(lock, () => 'again')).toBe('again');
  });

  test('gives up after the timeout while another process holds it', async () => {
    const holder = spawn('flock', [lock, 'sleep', '3'], { stdio: 'ignore', detached: true });
    while (freeForOthers()) await sleep(20); // until the holder holds it (no fixed sleep)
    const timedOut = withFileLock(lock, () => 'never', { timeoutMs: 1000 });
    await expect(timedOut).rejects.toMatchObject({ code: 'lock-failed', message: expect.stringContaining('still locked') });
    await expect(timedOut).rejects.not.toMatchObject({ help: expect.stringContaining('flock(1)') });
    process.kill(-holder.pid!, 'SIGKILL'); // flock and its sleep
  });

  test('a lock file that cannot be created is bad input naming it, not a missing flock(1)', async () => {
    const regular = path.join(tmp.dir, 'regular');
    fs.writeFileSync(regular, '');
    const unusable = path.join(regular, 'x.lock'); // ENOTDIR, even for root
    const error = withFileLock(unusable, () => 'never');
    await expect(error).rejects.toMatchObject({ code: 'lock-path', file: unusable, message: `cannot create the lock file \`${unusable}\`: not a directory` });
    await expect(error).rejects.not.toMatchObject({ help: expect.stringContaining('flock(1)') });
  });
});
