// The decision record: every field, chaining, ids, actor, and that it is on disk when appendDecision resolves.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { GENESIS } from '../../src/audit/chain.js';
import { newDecisionId } from '../../src/audit/event.js';
import { appendDecision, closeAuditLog } from '../../src/audit/append.js';
import { lines, spawnDecision, tempDir } from './helpers.js';

/** Independent canonical JSON (sorted keys) so the test does not trust the code under test. */
const canon = (v: unknown): string =>
  v === null || typeof v !== 'object'
    ? JSON.stringify(v)
    : Array.isArray(v)
      ? `[${v.map(canon).join(',')}]`
      : `{${Object.keys(v as object)
          .sort()
          .map((k) => `${JSON.stringify(k)}:${canon((v as Record<string, unknown>)[k])}`)
          .join(',')}}`;

let tmp: ReturnType<typeof tempDir>;
let log: string;
beforeEach(() => {
  tmp = tempDir();
  log = path.join(tmp.dir, 'wg', 'policy-audit.jsonl');
});
afterEach(async () => {
  await closeAuditLog();
  tmp.cleanup();
});

describe('appendDecision record', () => {
  test('writes one JSON line with every field, from the injected clock, id and actor', async () => {
    const decision = spawnDecision('task-1', { error: { code: 'rejected', message: 'no model', rule: 'model.reject' } });
    const returned = await appendDecision(decision, {
      path: log,
      clock: () => new Date('2025-03-04T05:06:07.089Z'),
      newId: () => 'dec-0001',
      actor: 'alice',
    });
    const written = lines(log).map((l) => JSON.parse(l));
    expect(written).toHaveLength(1);
    const [record] = written;
    expect(Object.keys(record)).toEqual([
      'id',
      'ts',
      'kind',
      'task',
      'actor',
      'policyRevision',
      'inputs',
      'result',
      'rules',
      'error',
      'masked',
      'seq',
      'prev',
      'hash',
    ]);
    expect(record).toEqual({
      id: 'dec-0001',
      ts: '2025-03-04T05:06:07.089Z',
      kind: 'spawn',
      task: 'task-1',
      actor: 'alice',
      policyRevision: 'rev-abc123',
      inputs: decision.inputs,
      result: decision.result,
      rules: decision.rules,
      error: { code: 'rejected', message: 'no model', rule: 'model.reject' },
      masked: [],
      seq: 0,
      prev: GENESIS,
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const { hash, ...rest } = record;
    expect(hash).toBe(createHash('sha256').update(canon(rest)).digest('hex'));
    expect(returned).toEqual(record);
    expect(JSON.parse(fs.readFileSync(`${log}.head`, 'utf8'))).toEqual({ seq: 0, hash });
  });

  test('chains each record to the one before and leaves out `error` when there is none', async () => {
    const first = await appendDecision(spawnDecision('a'), { path: log, actor: 'x' });
    const second = await appendDecision({ ...spawnDecision('b'), kind: 'gate' }, { path: log, actor: 'x' });
    expect(second.seq).toBe(1);
    expect(second.prev).toBe(first.hash);
    expect('error' in second).toBe(false);
    expect(lines(log).map((l) => JSON.parse(l).seq)).toEqual([0, 1]);
  });

  test('a missing input value or result is written as null', async () => {
    const decision = spawnDecision('a', { inputs: [{ layer: 'task', file: null, key: 'exec', value: undefined }], result: undefined });
    const record = await appendDecision(decision, { path: log, actor: 'x' });
    expect(record.inputs[0].value).toBeNull();
    expect(record.result).toBeNull();
  });

  test('the actor defaults to $WG_AGENT_ID, else the OS user', async () => {
    const saved = process.env.WG_AGENT_ID;
    try {
      process.env.WG_AGENT_ID = 'agent-42';
      expect((await appendDecision(spawnDecision('a'), { path: log })).actor).toBe('agent-42');
      delete process.env.WG_AGENT_ID;
      const actor = (await appendDecision(spawnDecision('b'), { path: log })).actor;
      expect(actor).not.toBe('');
      expect(actor).not.toBe('agent-42');
    } finally {
      if (saved === undefined) delete process.env.WG_AGENT_ID;
      else process.env.WG_AGENT_ID = saved;
    }
  });

  test('default ids are unique, 26 Crockford chars, and sort in creation order', async () => {
    const ids = Array.from({ length: 5000 }, (_, i) => newDecisionId(1_700_000_000_000 + Math.floor(i / 100)));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect([...ids].sort()).toEqual(ids);
    const record = await appendDecision(spawnDecision('a'), { path: log, clock: () => new Date(1_800_000_000_000) });
    expect(record.id > ids.at(-1)!).toBe(true);
  });

  test('the record is on disk when appendDecision resolves, before closeAuditLog', async () => {
    for (let i = 0; i < 3; i++) {
      const record = await appendDecision(spawnDecision(`t${i}`), { path: log });
      expect(lines(log).at(-1)).toBe(JSON.stringify(record));
    }
    expect(await closeAuditLog()).toEqual([]);
  });

  test('an invalid decision is an internal error and writes nothing', async () => {
    const bad = { ...spawnDecision('a'), kind: 'other' } as unknown as Parameters<typeof appendDecision>[0];
    await expect(appendDecision(bad, { path: log })).rejects.toMatchObject({ code: 'internal', message: expect.stringContaining('`kind`') });
    expect(fs.existsSync(log)).toBe(false);
  });
});
