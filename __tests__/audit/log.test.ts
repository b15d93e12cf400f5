// The decision log writer: closing is bounded, and nothing it opened keeps the process alive (FIFOs, slow readers).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { sized } from '../support/stress.js';
import { buildChild, lines, tempDir } from './helpers.js';

// The give-up bounds of closeAuditLog: short here (the same give-up paths, no 2 s and 5 s waits), the CLI's defaults
// (2000 ms per transport flush, 5000 ms for HTTP posts in flight) under `npm run stress`.
const CLOSE = sized({ flushTimeoutMs: 300, httpTimeoutMs: 500 }, {});
const FLUSH_MS = CLOSE.flushTimeoutMs ?? 2000;
const HTTP_MS = CLOSE.httpTimeoutMs ?? 5000;

let tmp: ReturnType<typeof tempDir>;
let child: string;
beforeAll(async () => {
  tmp = tempDir();
  child = await buildChild();
});
afterAll(() => tmp.cleanup());

/** Runs `ship` in a child that must exit on its own within `limitMs` (no process.exit anywhere). */
function ship(
  log: string,
  transports: unknown,
  pad = 0,
  close: object = {},
  limitMs = 15_000,
): Promise<{ code: number | null; killed: boolean; out: { seq: number; errors: string[]; ms: number } | undefined; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [child, 'ship', log, JSON.stringify(transports), String(pad), JSON.stringify(close)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let killed = false;
    const timer = setTimeout(() => ((killed = true), p.kill('SIGKILL')), limitMs);
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, killed, out: out.trim() ? JSON.parse(out.trim().split('\n').at(-1)!) : undefined, err });
    });
  });
}

/** Resolves once some process holds `file` (a FIFO) open for reading. */
async function readerOn(file: string): Promise<void> {
  for (let tries = 0; ; tries++) {
    try {
      fs.closeSync(fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENXIO' || tries > 200) throw e;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

function fifo(name: string): string {
  const file = path.join(tmp.dir, name);
  expect(spawnSync('mkfifo', [file]).status).toBe(0);
  return file;
}

describe('stream transports to a FIFO', () => {
  test('nobody reads the FIFO: the transport is skipped with a warning, the record is chained, the process exits', async () => {
    const log = path.join(tmp.dir, 'no-reader.jsonl');
    const target = fifo('no-reader.fifo');
    const r = await ship(log, [{ type: 'stream', stream: target }]);
    expect({ code: r.code, killed: r.killed }).toEqual({ code: 0, killed: false });
    expect(r.out?.errors).toEqual([`audit transport \`stream\` skipped: nobody reads the FIFO \`${target}\``]);
    expect(lines(log)).toHaveLength(1);
  }, 30_000);

  test(`a reader that never reads: closing gives up after ${FLUSH_MS} ms with a warning and the process exits`, async () => {
    const log = path.join(tmp.dir, 'stuck-reader.jsonl');
    const target = fifo('stuck-reader.fifo');
    // Holds the FIFO open for reading (read-write open never blocks on Linux) and never reads.
    const reader: ChildProcess = spawn('sh', ['-c', 'exec 3<>"$0"; sleep 60', target], { stdio: 'ignore', detached: true });
    try {
      await readerOn(target);
      const r = await ship(log, [{ type: 'stream', stream: target }], 256 * 1024, CLOSE); // more than a pipe buffer holds
      expect({ code: r.code, killed: r.killed }).toEqual({ code: 0, killed: false });
      expect(r.out?.errors).toEqual([
        `audit transport \`stream\` to \`${target}\` did not finish within ${FLUSH_MS} ms; records not yet read from it may be lost`,
      ]);
      expect(r.out!.ms).toBeGreaterThanOrEqual(FLUSH_MS - 5); // timers may round down by a millisecond
      expect(r.out!.ms).toBeLessThan(FLUSH_MS + 6_000);
      expect(JSON.parse(lines(log)[0]).task).toBe('shipped');
    } finally {
      process.kill(-reader.pid!, 'SIGKILL');
    }
  }, 30_000);

  test('a FIFO with a reader gets the record', async () => {
    const log = path.join(tmp.dir, 'reader.jsonl');
    const target = fifo('reader.fifo');
    const copy = path.join(tmp.dir, 'reader.out');
    // Opens the FIFO read-write (so it never sees end-of-file) and copies one line.
    const reader = spawn('sh', ['-c', 'exec 3<>"$0"; head -n 1 <&3 > "$1"', target, copy], { stdio: 'ignore' });
    const exited = new Promise((r) => reader.on('exit', r));
    await readerOn(target);
    const r = await ship(log, [{ type: 'stream', stream: target }]);
    await exited;
    expect(r.out?.errors).toEqual([]);
    expect(fs.readFileSync(copy, 'utf8')).toBe(fs.readFileSync(log, 'utf8'));
  }, 30_000);
});

describe('http transports', () => {
  test(`a collector that never answers: the post is given up after ${HTTP_MS} ms with a warning and the process exits`, async () => {
    const log = path.join(tmp.dir, 'silent-collector.jsonl');
    const server = http.createServer(() => undefined); // reads the request, never responds
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as { port: number }).port;
      const r = await ship(log, [{ type: 'http', host: '127.0.0.1', port, path: '/ingest' }], 0, CLOSE);
      expect({ code: r.code, killed: r.killed }).toEqual({ code: 0, killed: false });
      expect(r.out?.errors).toEqual([`audit transport \`http\` still had 1 record(s) in flight after ${HTTP_MS} ms`]);
      expect(r.out!.ms).toBeGreaterThanOrEqual(HTTP_MS - 5);
      expect(lines(log)).toHaveLength(1);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  }, 30_000);
});
