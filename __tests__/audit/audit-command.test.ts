// `audit verify --allow-pruned` (runVerify in-process): a rotated log moved away from the config that rotates it.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { appendDecision, closeAuditLog } from '../../src/audit/append.js';
import { runVerify } from '../../src/cli/commands/audit.js';
import { spawnDecision, tempDir } from './helpers.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
  process.exitCode = undefined;
});
afterEach(() => {
  process.exitCode = undefined;
  tmp.cleanup();
});

/** runVerify's stdout and exit code. */
async function verify(flags: Parameters<typeof runVerify>[0]): Promise<{ out: string; code: number }> {
  let out = '';
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
  try {
    await runVerify(flags);
  } finally {
    spy.mockRestore();
  }
  const code = typeof process.exitCode === 'number' ? process.exitCode : 0;
  process.exitCode = undefined;
  return { out, code };
}

test('--allow-pruned verifies a pruned rotated set moved elsewhere; without it the pruning is reported', async () => {
  const site = path.join(tmp.dir, 'site', 'policy-audit.jsonl');
  for (let i = 0; i < 25; i++)
    await appendDecision(spawnDecision(`task-${i}`), { path: site, actor: 'x', transports: [{ type: 'file', maxsize: 1500, maxFiles: 2 }] });
  expect(await closeAuditLog()).toEqual([]);
  const moved = path.join(tmp.dir, 'archive');
  fs.cpSync(path.dirname(site), moved, { recursive: true });
  const log = path.join(moved, 'policy-audit.jsonl');
  expect(fs.existsSync(log)).toBe(false); // counting-up rotation deleted the bare file

  const strict = await verify({ auditLog: log });
  expect(strict.code).toBe(1);
  expect(strict.out).toMatch(/^TAMPERED: records were removed before line 1 .*`wg-policy audit verify --allow-pruned`/);
  const allowed = await verify({ auditLog: log, allowPruned: true });
  expect(allowed.code).toBe(0);
  expect(allowed.out).toMatch(/^ok: \d+ records, chain intact \(2 files\); oldest records pruned: chain verified from seq [1-9]\d*\n$/);
});

describe('a project whose config rotates the log with maxFiles', () => {
  async function project(maxFiles: number, tailable: boolean, count: number): Promise<{ wgDir: string; log: string }> {
    const wgDir = path.join(tmp.dir, '.wg');
    fs.mkdirSync(wgDir);
    fs.writeFileSync(
      path.join(wgDir, 'config.toml'),
      `[policy]\n[[policy.audit_transports]]\ntype = "file"\nmaxsize = 1500\nmaxFiles = ${maxFiles}\ntailable = ${tailable}\n`,
    );
    const log = path.join(wgDir, 'policy-audit.jsonl');
    for (let i = 0; i < count; i++)
      await appendDecision(spawnDecision(`task-${i}`), { path: log, actor: 'x', transports: [{ type: 'file', maxsize: 1500, maxFiles, tailable }] });
    expect(await closeAuditLog()).toEqual([]);
    return { wgDir, log };
  }

  test.each([false, true])('a full set (tailable = %s) verifies from its oldest kept record', async (tailable) => {
    const { wgDir } = await project(3, tailable, 25);
    const r = await verify({ dir: wgDir });
    expect(r).toEqual({
      code: 0,
      out: expect.stringMatching(/^ok: \d+ records, chain intact \(3 files\); oldest records pruned by rotation: chain verified from seq [1-9]\d*\n$/),
    });
  });

  test('a set rotation has not filled yet cannot have been pruned: its first records removed is tampering', async () => {
    const { wgDir, log } = await project(50, false, 10);
    expect((await verify({ dir: wgDir })).out).toMatch(/^ok: 10 records, chain intact \(\d+ files\)\n$/);
    const text = fs.readFileSync(log, 'utf8').split('\n');
    fs.writeFileSync(log, text.slice(1).join('\n'));
    const r = await verify({ dir: wgDir });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^TAMPERED: records were removed before line 1 of `.*policy-audit\.jsonl`: seq 0 is missing/);
  });
});
