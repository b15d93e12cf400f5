// Queries: filters over a streamed log, lookup by id, corrupt lines reported with file and line and skipped.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { verifyLog } from '../../src/audit/chain.js';
import { listDecisions, showDecision, type CorruptLine, type DecisionFilter } from '../../src/audit/query.js';
import { syntheticBody, tempDir, writeSyntheticLog } from './helpers.js';

let tmp: ReturnType<typeof tempDir>;
let log: string;
// 30 records: seq n → task `task-(n%10)`, kind gate when n is odd, rule `rule-(n%3)` on field executor, ts 2025-01-01 + n s.
beforeAll(() => {
  tmp = tempDir();
  log = path.join(tmp.dir, 'policy-audit.jsonl');
  writeSyntheticLog(log, 30, (seq) => syntheticBody(seq, seq === 4 ? { error: { code: 'rejected', message: 'no', rule: 'model.reject' }, rules: [] } : {}));
});
afterAll(() => tmp.cleanup());

async function seqs(filter: DecisionFilter, paths: string | string[] = log, onCorrupt?: (c: CorruptLine) => void): Promise<number[]> {
  const out: number[] = [];
  for await (const r of listDecisions(paths, filter, { onCorrupt })) out.push(r.seq);
  return out;
}

const range = (from: number, to: number, step = 1) => Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step);

const cases: { note: string; filter: DecisionFilter; want: number[] }[] = [
  { note: 'no filter lists all, in order', filter: {}, want: range(0, 29) },
  { note: 'task', filter: { task: 'task-3' }, want: [3, 13, 23] },
  { note: 'kind', filter: { kind: 'spawn' }, want: range(0, 28, 2) },
  { note: 'rule that fired', filter: { rule: 'rule-1' }, want: range(1, 28, 3).filter((n) => n !== 4) },
  { note: 'rule named by the error', filter: { rule: 'model.reject' }, want: [4] },
  { note: 'field', filter: { field: 'executor' }, want: range(0, 29).filter((n) => n !== 4) },
  { note: 'rule and field on the same entry', filter: { rule: 'rule-2', field: 'model' }, want: [] },
  { note: 'since (inclusive)', filter: { since: '2025-01-01T00:00:25Z' }, want: range(25, 29) },
  { note: 'until, in another date syntax', filter: { until: 'Wed, 01 Jan 2025 00:00:02 GMT' }, want: [0, 1, 2] },
  { note: 'everything at once', filter: { task: 'task-7', kind: 'gate', rule: 'rule-0', since: '2025-01-01', until: '2025-01-02' }, want: [27] },
];

describe('listDecisions', () => {
  test.each(cases)('$note', async ({ filter, want }) => {
    expect(await seqs(filter)).toEqual(want);
  });

  test('reads several files in order', async () => {
    expect(await seqs({ task: 'task-1' }, [log, log])).toEqual([1, 11, 21, 1, 11, 21]);
  });

  test('corrupt lines are reported with file and line and the rest is still read', async () => {
    const file = path.join(tmp.dir, 'corrupt.jsonl');
    const ls = fs.readFileSync(log, 'utf8').split('\n');
    ls.splice(2, 0, 'this is not json');
    ls.splice(5, 0, '{"id":1}');
    fs.writeFileSync(file, `${ls.join('\n').trimEnd()}\n{"torn":`);
    const corrupt: CorruptLine[] = [];
    expect(await seqs({}, file, (c) => corrupt.push(c))).toEqual(range(0, 29));
    expect(corrupt).toEqual([
      { file, line: 3, message: expect.stringContaining('not JSON') },
      { file, line: 6, message: expect.stringContaining('not a decision record') },
      { file, line: 33, message: expect.stringContaining('torn') },
    ]);
  });

  test('a date filter that is not a date is bad input', async () => {
    await expect(seqs({ since: 'last tuesday-ish' })).rejects.toMatchObject({ code: 'audit-filter', key: 'since' });
  });

  test('a missing log is bad input naming it', async () => {
    await expect(seqs({}, path.join(tmp.dir, 'missing.jsonl'))).rejects.toMatchObject({ code: 'audit-log-missing', file: path.join(tmp.dir, 'missing.jsonl') });
  });
});

describe('showDecision', () => {
  test('finds a record by id, or undefined', async () => {
    expect(await showDecision(log, 'id-00000017')).toMatchObject({ seq: 17, task: 'task-7' });
    expect(await showDecision(log, 'no-such-id')).toBeUndefined();
  });
});

// Found in review: a huge line made every audit command throw (readline has no limit), and bytes that are not UTF-8
// were read as U+FFFD, so a record whose bytes were edited that way still verified.
describe('lines that cannot be records: longer than any record, or not UTF-8', () => {
  let bad: string;
  beforeAll(() => {
    bad = path.join(tmp.dir, 'bad.jsonl');
    writeSyntheticLog(bad, 4, (seq) => syntheticBody(seq, { task: seq === 2 ? 'a\ufffdb' : `task-${seq}` }));
    const [r0, r1, r2, r3] = fs.readFileSync(bad, 'utf8').trim().split('\n');
    const notUtf8 = Buffer.from(r2.replace('a\ufffdb', 'a\u0000b')).map((b) => (b === 0 ? 0xff : b));
    fs.writeFileSync(bad, Buffer.concat([Buffer.from(`${r0}\n${'a'.repeat(17 * 1024 * 1024)}\n${r1}\r\n`), notUtf8, Buffer.from(`\n${r3}\n`)]));
  });

  test('listDecisions reports each line, names why, and still lists every readable record after it', async () => {
    const corrupt: CorruptLine[] = [];
    expect(await seqs({}, bad, (c) => corrupt.push(c))).toEqual([0, 1, 3]);
    expect(corrupt.map((c) => [c.line, c.message.replace(/`.*`/, 'F')])).toEqual([
      [2, 'line 2 of F is longer than any record (16 MiB)'],
      [4, 'line 4 of F is not UTF-8'],
    ]);
  });

  test('verifyLog stops at the first of them as corrupt, naming it; an edit to bytes that are not UTF-8 is found', async () => {
    expect(await verifyLog(bad)).toMatchObject({
      ok: false,
      problem: { kind: 'corrupt', line: 2, message: expect.stringContaining('longer than any record') },
    });
    const edited = path.join(tmp.dir, 'edited.jsonl');
    writeSyntheticLog(edited, 3, (seq) => syntheticBody(seq, { task: seq === 1 ? 'a\ufffdb' : `task-${seq}` }));
    expect(await verifyLog(edited)).toMatchObject({ ok: true, records: 3 });
    const bytes = fs.readFileSync(edited);
    const at = bytes.indexOf(Buffer.from('a\ufffdb'));
    fs.writeFileSync(edited, Buffer.concat([bytes.subarray(0, at + 1), Buffer.from([0xff]), bytes.subarray(at + 4)]));
    expect(await verifyLog(edited)).toMatchObject({ ok: false, problem: { kind: 'corrupt', line: 2, message: expect.stringContaining('is not UTF-8') } });
  });

  test('a byte-order mark put before a record is an edit, not dropped by the decoder (found in review)', async () => {
    const bom = path.join(tmp.dir, 'bom.jsonl');
    writeSyntheticLog(bom, 3, (seq) => syntheticBody(seq));
    const ls = fs.readFileSync(bom, 'utf8').split('\n');
    ls[1] = `\ufeff${ls[1]}`;
    fs.writeFileSync(bom, ls.join('\n'));
    expect(await verifyLog(bom)).toMatchObject({ ok: false, problem: { line: 2 } });
    const corrupt: CorruptLine[] = [];
    expect(await seqs({}, bom, (c) => corrupt.push(c))).toEqual([0, 2]);
    expect(corrupt.map((c) => c.line)).toEqual([2]);
  });
});
