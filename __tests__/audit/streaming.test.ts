// Bounded memory: listing and verifying a log several times larger than the heap streams it line by line
// (18,000 records, ~41 MB, under a 16 MB heap; 100,000 records, ~230 MB, under 96 MB in `npm run stress`).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { STRESS } from '../support/stress.js';
import { buildChild, syntheticBody, tempDir, writeSyntheticLog } from './helpers.js';

const RECORDS = STRESS ? 100_000 : 18_000;
const HEAP_MB = STRESS ? 96 : 16;
const MB = 1024 * 1024;

let tmp: ReturnType<typeof tempDir>;
let child: string;
let log: string;
beforeAll(async () => {
  tmp = tempDir();
  child = await buildChild();
  log = path.join(tmp.dir, 'big.jsonl');
  const pad = 'x'.repeat(1900);
  writeSyntheticLog(log, RECORDS, (seq) => syntheticBody(seq, { result: { n: seq, pad } }));
}, 60_000);
afterAll(() => tmp.cleanup());

describe('streaming a large log', () => {
  test('listDecisions and verifyLog stay within a small heap', async () => {
    const fileSize = fs.statSync(log).size;
    expect(fileSize).toBeGreaterThan(HEAP_MB * 1.7 * MB);
    // An old-space cap well under the file's size: reading the file whole would crash the child.
    const out = await new Promise<string>((resolve, reject) => {
      const p = spawn(process.execPath, [`--max-old-space-size=${HEAP_MB}`, child, 'stream', log], { stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      let err = '';
      p.stdout.on('data', (d) => (text += d));
      p.stderr.on('data', (d) => (err += d));
      p.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`stream child exited ${code}: ${err}`))));
    });
    const report = JSON.parse(out);
    expect(report).toMatchObject({ listed: RECORDS, matched: RECORDS / 10, verified: { ok: true, records: RECORDS }, fileSize });
    expect(report.listPeak).toBeLessThan(Math.min(50 * MB, fileSize / 4));
    expect(report.verifyPeak).toBeLessThan(Math.min(50 * MB, fileSize / 4));
  }, 60_000);
});
