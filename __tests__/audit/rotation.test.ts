// Rotation: the chained log rotates under the lock with winston's file naming; the chain verifies across files.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { verifyLog } from '../../src/audit/chain.js';
import type { AuditTransportSpec } from '../../src/audit/config.js';
import { logFilesInOrder } from '../../src/audit/files.js';
import { appendDecision, closeAuditLog } from '../../src/audit/append.js';
import { lines, spawnDecision, tempDir } from './helpers.js';

let tmp: ReturnType<typeof tempDir>;
let log: string;
beforeEach(() => {
  tmp = tempDir();
  log = path.join(tmp.dir, 'policy-audit.jsonl');
});
afterEach(async () => {
  await closeAuditLog();
  tmp.cleanup();
});

async function appendMany(count: number, transports: AuditTransportSpec[], replaceDefault = false): Promise<void> {
  for (let i = 0; i < count; i++) await appendDecision(spawnDecision(`task-${i}`), { path: log, actor: 'x', transports, replaceDefault });
  expect(await closeAuditLog()).toEqual([]);
}

const names = (files: string[]) => files.map((f) => path.basename(f));

describe('rotating the chained log', () => {
  test('counting up (policy-audit.jsonl, policy-audit1.jsonl, …) keeps one verifiable chain', async () => {
    await appendMany(25, [{ type: 'file', maxsize: 1500 }]);
    const files = logFilesInOrder(log);
    expect(files.length).toBeGreaterThan(3);
    expect(names(files)).toEqual(files.map((_, i) => `policy-audit${i || ''}.jsonl`));
    for (const f of files.slice(0, -1)) expect(fs.statSync(f).size).toBeGreaterThanOrEqual(1500);
    expect(await verifyLog(files)).toEqual({ ok: true, records: 25 });
  });

  test('tailable: the newest is always policy-audit.jsonl; maxFiles drops the oldest', async () => {
    await appendMany(25, [{ type: 'file', maxsize: 1500, maxFiles: 3, tailable: true }]);
    const files = logFilesInOrder(log, { tailable: true });
    expect(names(files)).toEqual(['policy-audit2.jsonl', 'policy-audit1.jsonl', 'policy-audit.jsonl']);
    const kept = files.reduce((n, f) => n + lines(f).length, 0);
    expect(JSON.parse(lines(log).at(-1)!).seq).toBe(24);
    const strict = await verifyLog(files);
    expect(strict.problem).toMatchObject({ kind: 'removed', line: 1, file: files[0] });
    expect(await verifyLog(files, { allowPrunedStart: true })).toEqual({ ok: true, records: kept, prunedBefore: 25 - kept });
  });

  test('counting up with maxFiles keeps the newest files only, and they still chain', async () => {
    await appendMany(25, [{ type: 'file', maxsize: 1500, maxFiles: 2 }]);
    const files = logFilesInOrder(log);
    expect(files).toHaveLength(2);
    expect(fs.existsSync(log)).toBe(false);
    expect(await verifyLog(files, { allowPrunedStart: true })).toMatchObject({ ok: true });
  });

  test('removing a whole rotated file in the middle is found', async () => {
    await appendMany(25, [{ type: 'file', maxsize: 1500 }]);
    const files = logFilesInOrder(log);
    fs.rmSync(files[1]);
    const result = await verifyLog(logFilesInOrder(log));
    expect(result.problem).toMatchObject({ kind: 'removed', file: files[2], line: 1 });
  });
});

describe('shipping through other winston transports', () => {
  test("winston's own File transport names its rotated copies as logFilesInOrder expects", async () => {
    const copy = path.join(tmp.dir, 'copy', 'decisions.jsonl');
    await appendMany(25, [{ type: 'file', filename: copy, maxsize: 1500 }]);
    const files = logFilesInOrder(copy);
    expect(names(files)).toEqual(files.map((_, i) => `decisions${i || ''}.jsonl`));
    expect(files.length).toBeGreaterThan(3);
    expect(await verifyLog(files, { head: false })).toEqual({ ok: true, records: 25 });
    expect(files.flatMap(lines)).toEqual(lines(log));
  });

  test('a record after which winston turns to a new file is done once the new file is open (nothing is created after close)', async () => {
    const copy = path.join(tmp.dir, 'copy', 'decisions.jsonl');
    // Records are about 390 bytes: the third passes maxsize, and winston starts turning just after it reports it written.
    await appendMany(3, [{ type: 'file', filename: copy, maxsize: 1000 }]);
    expect(logFilesInOrder(copy).map((f) => lines(f).length)).toEqual([3, 0]);
    expect(fs.readdirSync(path.dirname(copy))).toHaveLength(2);
  });

  test("winston's tailable File transport, ordered oldest → newest", async () => {
    const copy = path.join(tmp.dir, 'copy', 'decisions.jsonl');
    await appendMany(25, [{ type: 'file', filename: copy, maxsize: 1500, maxFiles: 50, tailable: true }]);
    const files = logFilesInOrder(copy, { tailable: true });
    expect(names(files).at(-1)).toBe('decisions.jsonl');
    expect(await verifyLog(files, { head: false })).toEqual({ ok: true, records: 25 });
  });

  test('a stream transport to a path gets the same lines; replaceDefault drops the local file but keeps the chain', async () => {
    const shipped = path.join(tmp.dir, 'shipped.jsonl');
    await appendMany(5, [{ type: 'stream', stream: shipped }], true);
    expect(fs.existsSync(log)).toBe(false);
    expect(JSON.parse(fs.readFileSync(`${log}.head`, 'utf8')).seq).toBe(4);
    expect(await verifyLog(shipped, { head: `${log}.head` })).toEqual({ ok: true, records: 5 });
  });

  test('an http transport POSTs each record; closeAuditLog waits for the posts in flight', async () => {
    const bodies: Record<string, unknown>[] = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => setTimeout(() => (bodies.push(JSON.parse(body)), res.end('ok')), 150));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as { port: number }).port;
      await appendMany(3, [{ type: 'http', host: '127.0.0.1', port, path: '/ingest' }]);
      expect(bodies.map((b) => b.seq).sort()).toEqual([0, 1, 2]);
      expect(bodies.map((b) => b.hash).sort()).toEqual(
        lines(log)
          .map((l) => JSON.parse(l).hash)
          .sort(),
      );
    } finally {
      server.close();
    }
  });
});
