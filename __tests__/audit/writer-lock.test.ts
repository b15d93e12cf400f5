// withWriterLock: an O_EXCL lock file naming its owner; exclusive within and across processes, a dead owner's lock
// broken at once, an unverifiable or unnamed one after a bounded age, a live one waited for up to the timeout.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { verifyLog } from '../../src/audit/chain.js';
import { withWriterLock } from '../../src/audit/writer-lock.js';
import { sized } from '../support/stress.js';
import { buildChild, lines, tempDir } from './helpers.js';

let tmp: ReturnType<typeof tempDir>;
let child: string;
beforeAll(async () => {
  tmp = tempDir();
  child = await buildChild();
});
afterAll(() => tmp.cleanup());

let n = 0;
const lockFile = () => path.join(tmp.dir, `l${n++}.lock`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A child holding the lock for `ms`; resolves once it says it holds it. */
function holder(lock: string, ms: number): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [child, 'hold', lock, String(ms)], { stdio: ['ignore', 'pipe', 'inherit'] });
    p.stdout.setEncoding('utf8').on('data', (d: string) => d.includes('held') && resolve(p));
    p.on('error', reject);
  });
}
const exited = (p: ChildProcess) => new Promise((r) => (p.exitCode !== null ? r(p.exitCode) : p.once('exit', r)));

describe('withWriterLock', () => {
  test('is a file only while held, and holders in one process never overlap', async () => {
    const lock = lockFile();
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 6 }, () =>
        withWriterLock(lock, async () => {
          expect(fs.existsSync(lock)).toBe(true);
          most = Math.max(most, ++inside);
          await sleep(3);
          inside--;
        }),
      ),
    );
    expect(most).toBe(1);
    expect(fs.existsSync(lock)).toBe(false);
  });

  test('an error in the holder releases the lock and propagates', async () => {
    const lock = lockFile();
    await expect(withWriterLock(lock, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await withWriterLock(lock, () => 'again')).toBe('again');
  });

  test('waits for a live holder in another process, then takes the lock', async () => {
    const lock = lockFile();
    const p = await holder(lock, 600);
    const started = Date.now();
    let waited = false;
    await withWriterLock(lock, () => undefined, { onWait: () => (waited = true) });
    expect(Date.now() - started).toBeGreaterThan(300);
    expect(waited).toBe(true);
    await exited(p);
  });

  test('gives up after the timeout while a live holder keeps it, naming the holder', async () => {
    const lock = lockFile();
    const p = await holder(lock, 3000);
    await expect(withWriterLock(lock, () => 'never', { timeoutMs: 400 })).rejects.toMatchObject({
      code: 'lock-failed',
      message: expect.stringMatching(new RegExp(`still locked by another process after 1 s \\(held by .*"pid":${p.pid}`)),
    });
    p.kill('SIGKILL');
    await exited(p);
  });

  test('a holder killed while holding never blocks the others: its lock is broken at once', async () => {
    const lock = lockFile();
    const p = await holder(lock, 60_000);
    p.kill('SIGKILL');
    await exited(p);
    expect(fs.existsSync(lock)).toBe(true); // left behind by the dead holder
    const started = Date.now();
    expect(await withWriterLock(lock, () => 'taken', { timeoutMs: 5000 })).toBe('taken');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test('an empty lock file (a writer killed between create and write, or an old flock file) is broken once it is old', async () => {
    const lock = lockFile();
    fs.writeFileSync(lock, '');
    await expect(withWriterLock(lock, () => 'x', { timeoutMs: 300 })).rejects.toMatchObject({ code: 'lock-failed' }); // young: a writer may be filling it in
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(lock, old, old);
    expect(await withWriterLock(lock, () => 'taken', { timeoutMs: 1000 })).toBe('taken');
  });

  test('an owner on another host cannot be checked: its lock is broken after the unverifiable age, not before', async () => {
    const lock = lockFile();
    fs.writeFileSync(lock, JSON.stringify({ pid: 1, start: '1', boot: 'other-boot', ns: 'pid:[1]', host: `not-${os.hostname()}` }));
    await expect(withWriterLock(lock, () => 'x', { timeoutMs: 300, unverifiableAfterMs: 60_000 })).rejects.toMatchObject({ code: 'lock-failed' });
    expect(await withWriterLock(lock, () => 'taken', { timeoutMs: 2000, unverifiableAfterMs: 500 })).toBe('taken');
  });

  test('a lock path that cannot be created is lock-path naming it', async () => {
    const file = path.join(tmp.dir, 'a-file');
    fs.writeFileSync(file, '');
    await expect(withWriterLock(path.join(file, 'x.lock'), () => 'x')).rejects.toMatchObject({
      code: 'lock-path',
      message: expect.stringContaining('not a directory'),
    });
  });
});

// Appends per writer (and records seen before one is killed): small in `npm test`, full under `npm run stress`.
const KILLED_RUN = sized({ each: 60, killAt: 20 }, { each: 150, killAt: 40 });
const RACERS = sized({ writers: 4, each: 10 }, { writers: 8, each: 40 });

describe('many writers and a dead one', () => {
  /** Runs the child bundle; resolves with its exit code. */
  const run = (args: string[]) => {
    const p = spawn(process.execPath, [child, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
    return { p, done: exited(p) };
  };

  test('4 writers, one killed mid-run: the others finish, nothing is torn, the chain verifies', async () => {
    const log = path.join(tmp.dir, 'killed', 'policy-audit.jsonl');
    const writers = Array.from({ length: 4 }, (_, w) => run(['append', log, String(KILLED_RUN.each), String(w)]));
    while (!fs.existsSync(log) || lines(log).length < KILLED_RUN.killAt) await sleep(10);
    writers[0].p.kill('SIGKILL');
    const codes = await Promise.all(writers.map((w) => w.done));
    expect(codes.slice(1)).toEqual([0, 0, 0]);
    const records = lines(log).map((l) => JSON.parse(l));
    expect(records.filter((r) => r.actor !== 'worker-0')).toHaveLength(3 * KILLED_RUN.each);
    expect(await verifyLog(log)).toEqual({ ok: true, records: records.length });
  }, 120_000);

  test(`a dead writer's lock left behind does not stop ${RACERS.writers} writers racing to break it`, async () => {
    const log = path.join(tmp.dir, 'raced', 'policy-audit.jsonl');
    fs.mkdirSync(path.dirname(log), { recursive: true });
    const dead = run(['append', path.join(tmp.dir, 'unused.jsonl'), '0', 'x']);
    await dead.done;
    fs.writeFileSync(
      `${log}.lock`,
      JSON.stringify({
        pid: dead.p.pid,
        start: '0',
        boot: fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(),
        ns: fs.readlinkSync('/proc/self/ns/pid'),
        host: os.hostname(),
      }),
    );
    const codes = await Promise.all(Array.from({ length: RACERS.writers }, (_, w) => run(['append', log, String(RACERS.each), String(w)]).done));
    expect(codes).toEqual(Array(RACERS.writers).fill(0));
    expect(await verifyLog(log)).toEqual({ ok: true, records: RACERS.writers * RACERS.each });
  }, 120_000);
});
