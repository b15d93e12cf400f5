// Many writers: N processes × M appends to one log → one unbroken chain of exactly N×M records (8 × 250 in `npm run stress`).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { verifyLog } from '../../src/audit/chain.js';
import { EACH, report, WRITERS as WORKERS } from '../support/stress.js';
import { buildChild, lines, tempDir } from './helpers.js';

let tmp: ReturnType<typeof tempDir>;
let child: string;
beforeAll(async () => {
  tmp = tempDir();
  child = await buildChild();
});
afterAll(() => tmp.cleanup());

/** Runs the child bundle; resolves with its stdout, rejects on a non-zero exit. */
function run(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [child, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`child ${args.join(' ')} exited ${code}: ${err}`))));
  });
}

describe('concurrent appends', () => {
  test(`${WORKERS} processes × ${EACH} appends keep one chain`, async () => {
    const log = path.join(tmp.dir, 'wg', 'policy-audit.jsonl');
    const started = Date.now();
    const outputs = await Promise.all(Array.from({ length: WORKERS }, (_, w) => run(['append', log, String(EACH), String(w)])));
    const wallMs = Date.now() - started;
    const reports = outputs.map((o) => JSON.parse(o.trim()));
    expect(reports.every((r) => r.errors.length === 0)).toBe(true);

    expect(await verifyLog(log)).toEqual({ ok: true, records: WORKERS * EACH });
    const records = lines(log).map((l) => JSON.parse(l));
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: WORKERS * EACH }, (_, i) => i));
    expect(new Set(records.map((r) => r.id)).size).toBe(WORKERS * EACH);
    for (let w = 0; w < WORKERS; w++) {
      const mine = records.filter((r) => r.actor === `worker-${w}`).map((r) => r.result.i);
      expect(mine).toEqual(Array.from({ length: EACH }, (_, i) => i));
    }
    report(
      `concurrency: ${WORKERS}×${EACH} appends in ${wallMs} ms wall (${(wallMs / (WORKERS * EACH)).toFixed(2)} ms/append); per child ms: ${reports.map((r) => r.ms).join(', ')}`,
    );
  }, 180_000);
});
