// verifyLog: each kind of tampering is found at the right line; appends recover the chain from the log's tail.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { hashRecord, verifyLog } from '../../src/audit/chain.js';
import { appendDecision, closeAuditLog } from '../../src/audit/append.js';
import { lines, spawnDecision, tempDir } from './helpers.js';

let tmp: ReturnType<typeof tempDir>;
let pristine: string[];
let pristineHead: string;

beforeAll(async () => {
  tmp = tempDir();
  const log = path.join(tmp.dir, 'base.jsonl');
  for (let i = 0; i < 10; i++) await appendDecision(spawnDecision(`task-${i}`), { path: log, actor: 'x' });
  await closeAuditLog();
  pristine = lines(log);
  pristineHead = fs.readFileSync(`${log}.head`, 'utf8');
});
afterAll(() => tmp.cleanup());

let n = 0;
/** A copy of the 10-record log (lines 1..10 hold seq 0..9), tampered by `edit`, with its head sidecar. */
function tampered(edit: (ls: string[]) => void, options: { torn?: boolean } = {}): string {
  const file = path.join(tmp.dir, `case-${++n}.jsonl`);
  const ls = [...pristine];
  edit(ls);
  fs.writeFileSync(file, ls.join('\n') + (options.torn ? '' : '\n'));
  fs.writeFileSync(`${file}.head`, pristineHead);
  return file;
}

const rewrite = (ls: string[], i: number, change: (r: Record<string, unknown>) => void, rehash = false) => {
  const r = JSON.parse(ls[i]);
  change(r);
  if (rehash) r.hash = hashRecord(r);
  ls[i] = JSON.stringify(r);
};

const cases: { note: string; edit: (ls: string[]) => void; torn?: boolean; want: { kind: string; line: number; seq?: number } }[] = [
  { note: 'a field edited', edit: (ls) => rewrite(ls, 3, (r) => (r.task = 'forged')), want: { kind: 'edited', line: 4, seq: 3 } },
  {
    note: 'a field edited and the hash recomputed',
    edit: (ls) => rewrite(ls, 3, (r) => (r.actor = 'mallory'), true),
    want: { kind: 'edited', line: 4, seq: 3 },
  },
  {
    note: 'the last record edited and rehashed (only the head sidecar knows)',
    edit: (ls) => rewrite(ls, 9, (r) => (r.task = 'x'), true),
    want: { kind: 'edited', line: 10, seq: 9 },
  },
  { note: 'a middle line deleted', edit: (ls) => ls.splice(4, 1), want: { kind: 'removed', line: 5, seq: 5 } },
  { note: 'the first line deleted', edit: (ls) => ls.splice(0, 1), want: { kind: 'removed', line: 1, seq: 1 } },
  { note: 'two lines swapped', edit: (ls) => ([ls[2], ls[3]] = [ls[3], ls[2]]), want: { kind: 'reordered', line: 3, seq: 3 } },
  { note: 'a line moved far down', edit: (ls) => ls.splice(8, 0, ...ls.splice(1, 1)), want: { kind: 'reordered', line: 2, seq: 2 } },
  { note: 'a line repeated', edit: (ls) => ls.splice(6, 0, ls[5]), want: { kind: 'reordered', line: 7, seq: 5 } },
  { note: 'the last line dropped', edit: (ls) => ls.pop(), want: { kind: 'truncated', line: 10, seq: 9 } },
  { note: 'the last line torn', edit: (ls) => (ls[9] = ls[9].slice(0, 57)), torn: true, want: { kind: 'truncated', line: 10 } },
  { note: 'garbage in the middle', edit: (ls) => (ls[5] = '{"not": json'), want: { kind: 'corrupt', line: 6 } },
  { note: 'JSON that is not a record', edit: (ls) => (ls[6] = '{"hello":"world"}'), want: { kind: 'corrupt', line: 7 } },
  // The same value in other bytes (found in review: a duplicate key a first-wins reader or grep would see verified).
  {
    note: 'a duplicate key inserted before the real one',
    edit: (ls) => (ls[2] = ls[2].replace('"actor":', '"actor":"mallory","actor":')),
    want: { kind: 'edited', line: 3, seq: 2 },
  },
  { note: 'spacing added', edit: (ls) => (ls[4] = ls[4].replace('","', '", "')), want: { kind: 'edited', line: 5, seq: 4 } },
  { note: 'a letter written as an escape', edit: (ls) => (ls[1] = ls[1].replace('"kind"', '"\\u006bind"')), want: { kind: 'edited', line: 2, seq: 1 } },
];

describe('verifyLog', () => {
  test('an intact log verifies', async () => {
    expect(await verifyLog(tampered(() => undefined))).toEqual({ ok: true, records: 10 });
  });

  test.each(cases)('finds $note', async ({ edit, torn, want }) => {
    const file = tampered(edit, { torn });
    const result = await verifyLog([file]);
    expect(result.ok).toBe(false);
    expect(result.problem).toMatchObject({ file, ...want });
    expect(result.problem?.message).toContain(`\`${file}\``);
  });

  test('head: false verifies without the head sidecar on purpose (a dropped last line cannot be seen then)', async () => {
    const file = tampered((ls) => ls.pop());
    expect(await verifyLog(file, { head: false })).toEqual({ ok: true, records: 9 });
  });

  test('the last line dropped together with the head sidecar: the missing head is reported', async () => {
    const file = tampered((ls) => ls.pop());
    fs.rmSync(`${file}.head`);
    const result = await verifyLog(file);
    expect(result).toMatchObject({ ok: false, records: 9, problem: { kind: 'head-missing', file, line: 10, seq: 9 } });
    expect(result.problem?.message).toMatch(/head sidecar `.*\.head` is missing: records at the end .* may have been removed/);
    expect(await verifyLog(file, { head: false })).toEqual({ ok: true, records: 9 });
  });

  test('an empty log needs no head sidecar', async () => {
    const file = path.join(tmp.dir, 'empty.jsonl');
    fs.writeFileSync(file, '');
    expect(await verifyLog(file)).toEqual({ ok: true, records: 0 });
  });

  test('an unreadable head sidecar is reported', async () => {
    const file = tampered(() => undefined);
    fs.writeFileSync(`${file}.head`, 'nope');
    expect((await verifyLog(file)).problem).toMatchObject({ kind: 'corrupt', file: `${file}.head` });
  });

  test('a missing file is bad input naming it', async () => {
    await expect(verifyLog(path.join(tmp.dir, 'nope.jsonl'))).rejects.toMatchObject({
      code: 'audit-log-missing',
      message: expect.stringContaining('nope.jsonl'),
    });
  });
});

describe('appends keep the chain whole', () => {
  test('a lost head sidecar: the chain continues from the log tail', async () => {
    const file = tampered(() => undefined);
    fs.rmSync(`${file}.head`);
    const record = await appendDecision(spawnDecision('next'), { path: file, actor: 'x' });
    expect(record.seq).toBe(10);
    expect(await verifyLog(file)).toEqual({ ok: true, records: 11 });
  });

  test('a head one record behind (a writer died before updating it): the chain continues from the log tail', async () => {
    const file = tampered(() => undefined);
    const eighth = JSON.parse(pristine[8]);
    fs.writeFileSync(`${file}.head`, JSON.stringify({ seq: 8, hash: eighth.hash }));
    const record = await appendDecision(spawnDecision('next'), { path: file, actor: 'x' });
    expect(record).toMatchObject({ seq: 10, prev: JSON.parse(pristine[9]).hash });
    expect(await verifyLog(file)).toEqual({ ok: true, records: 11 });
  });

  test('a torn last line stays its own line; the next record is whole', async () => {
    const file = tampered((ls) => (ls[9] = ls[9].slice(0, 30)), { torn: true });
    fs.writeFileSync(`${file}.head`, JSON.stringify({ seq: 8, hash: JSON.parse(pristine[8]).hash }));
    await appendDecision(spawnDecision('next'), { path: file, actor: 'x' });
    await closeAuditLog();
    const ls = lines(file);
    expect(ls).toHaveLength(11);
    expect(JSON.parse(ls[10]).seq).toBe(9);
    expect((await verifyLog(file)).problem).toMatchObject({ kind: 'corrupt', line: 10 });
  });
});
