// `wg-policy plan --all` and planMany: every task (or every task of some statuses) as JSON Lines, the same plans and
// refusals as one `plan` per task; nothing recorded unless --record.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { decideSpawn, planMany } from '../../src/spawn/plan.js';
import { BIN, scratch } from '../support/project.js';
import { hostCli } from '../support/cli-host.js';

let s: ReturnType<typeof scratch>;
const TASKS = [
  { kind: 'task', id: 't1', title: 'one', status: 'open' },
  { kind: 'task', id: 't2', title: 'two', status: 'done', model: 'claude:haiku' },
  { kind: 'task', id: 't3', title: 'three', model: 'codex:gpt-5' }, // refused: claude is pinned
  { kind: 'resource', id: 'r1' },
  { kind: 'task', id: 't4', title: 'four', status: 'blocked', exec: 'make' },
];
beforeAll(() => {
  s = scratch({ 'project/.wg/config.toml': '[dispatcher]\nexecutor = "claude"\nmodel = "claude:opus"\n' });
  writeFileSync(join(s.wgDir, 'graph.jsonl'), TASKS.map((t) => JSON.stringify(t)).join('\n') + '\n');
});
afterAll(() => s.cleanup());

const lines = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

describe('plan --all', () => {
  test('one line per task in graph order: the plan `plan <id>` prints, or the refusal as data; exit 1 when any was refused', () => {
    const r = hostCli(['plan', '--all', '--dir', s.wgDir], { home: s.home });
    expect(r.code).toBe(1);
    const out = lines(r.stdout);
    expect(out.map((l) => l.task)).toEqual(['t1', 't2', 't3', 't4']);
    for (const id of ['t1', 't2', 't4']) {
      const one = hostCli(['plan', id, '--dir', s.wgDir, '--no-audit'], { home: s.home });
      expect(out.find((l) => l.task === id)).toEqual(JSON.parse(one.stdout));
    }
    expect(out[2]).toEqual({ task: 't3', error: expect.objectContaining({ code: 'rule-rejected', exit: 1, rule: 'compat.claude-cannot-run-model' }) });
    expect(r.stderr).toContain('planned 4 tasks: 3 plans, 1 refused, 0 with bad input');
    expect(existsSync(join(s.wgDir, 'policy-audit.jsonl'))).toBe(false); // an inspection: nothing recorded
  });

  test('--status keeps only tasks with those statuses (no status is open); exit 0 when nothing was refused', () => {
    const r = hostCli(['plan', '--all', '--status', 'done,blocked', '--dir', s.wgDir, '-q'], { home: s.home });
    expect([r.code, lines(r.stdout).map((l) => l.task), r.stderr]).toEqual([0, ['t2', 't4'], '']);
    expect(lines(hostCli(['plan', '--all', '--status', 'open', '--dir', s.wgDir], { home: s.home }).stdout).map((l) => l.task)).toEqual(['t1', 't3']);
  });

  test('a warning many tasks give alike is shown once, with a count of the repeats (-q keeps the warning, drops the count)', () => {
    const w = scratch({ 'project/.wg/config.toml': '[dispatcher]\nexecutor = "claude"\n' });
    try {
      const alike = ['a1', 'a2', 'a3'].map((id) => JSON.stringify({ kind: 'task', id, title: id, status: 'open', agent: 'zz' }));
      writeFileSync(join(w.wgDir, 'graph.jsonl'), `${alike.join('\n')}\n`);
      const warning = 'no agent in .wg/agency/cache/agents matches `zz`';
      const r = hostCli(['plan', '--all', '--dir', w.wgDir], { home: w.home });
      expect([r.code, lines(r.stdout).length]).toEqual([0, 3]);
      expect(r.stderr.split(warning).length - 1).toBe(1);
      expect(r.stderr).toContain('2 repeat(s) of warnings shown above not shown again');
      const quiet = hostCli(['plan', '--all', '--dir', w.wgDir, '-q'], { home: w.home });
      expect(quiet.stderr.split(warning).length - 1).toBe(1);
      expect(quiet.stderr).not.toContain('repeated');
    } finally {
      w.cleanup();
    }
  });

  test('an unknown --status is a usage error naming the allowed statuses, and nothing is planned', () => {
    const r = hostCli(['plan', '--all', '--status', 'open,dnoe', '--dir', s.wgDir], { home: s.home });
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toContain("unknown status `dnoe` given by --status (wg's statuses: `open`, `in-progress`,");
    expect(r.stderr).toContain('[usage]');
  });

  test('--record records every decision, refusals included', () => {
    const log = join(s.root, 'all.jsonl');
    expect(hostCli(['plan', '--all', '--record', '--audit-log', log, '--dir', s.wgDir], { home: s.home }).code).toBe(1);
    expect(
      readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).task),
    ).toEqual(['t1', 't2', 't3', 't4']);
    expect(hostCli(['audit', 'verify', '--audit-log', log]).code).toBe(0);
  });

  test('a task with a bad field is its own error line (exit 2); the others are still planned', () => {
    const t = scratch({ 'project/.wg/config.toml': '[dispatcher]\nexecutor = "claude"\n' });
    try {
      writeFileSync(
        join(t.wgDir, 'graph.jsonl'),
        `${JSON.stringify({ kind: 'task', id: 'a', title: 'A', executor: 5 })}\n${JSON.stringify({ kind: 'task', id: 'b', title: 'B' })}\n`,
      );
      const r = hostCli(['plan', '--all', '--dir', t.wgDir], { home: t.home });
      expect(r.code).toBe(2);
      const [a, b] = lines(r.stdout);
      expect(a).toMatchObject({ task: 'a', error: { code: 'task-field', line: 1, exit: 2 } });
      expect(b).toMatchObject({ task: 'b', executor: 'claude' });
      writeFileSync(join(t.wgDir, 'graph.jsonl'), '{"kind":"task","id":"a","title":"A"}\nnot json\n');
      const bad = hostCli(['plan', '--all', '--dir', t.wgDir], { home: t.home });
      expect([bad.code, bad.stdout]).toEqual([2, '']);
      expect(bad.stderr).toContain('graph.jsonl:2: invalid JSON');
    } finally {
      t.cleanup();
    }
  });

  test('usage: a task id or --all, and --status / --record only with --all', () => {
    for (const args of [
      ['plan', 't1', '--all'],
      ['plan', 't1', '--status', 'open'],
      ['plan', 't1', '--record'],
      ['plan', '--all', '--task-json', 'x.json'],
      ['plan', '--all', '--record', '--no-audit'],
    ]) {
      const r = hostCli([...args, '--dir', s.wgDir], { home: s.home });
      expect([args.join(' '), r.code, r.stdout]).toEqual([args.join(' '), 2, '']);
      expect(r.stderr).toMatch(/^wg-policy: .+ \[usage\]\n/);
    }
  });

  test('a reader that goes away early ends the command quietly', () => {
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${BIN}" plan --all --dir "${s.wgDir}" | head -c 10`], {
      env: { PATH: process.env.PATH, HOME: s.home },
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toHaveLength(10);
    expect(r.stderr).not.toMatch(/EPIPE|Error/);
  });

  test.each([
    ['service/registry.json', '{"next_agent_id": ', 'agent-registry'],
    ['executors/claude.toml', '[executor', 'toml-syntax'],
  ])('a broken shared file (%s) is one error on stderr, exit 2, not the same error once per task', (file, text, code) => {
    const t = scratch({ 'project/.wg/config.toml': '[dispatcher]\nexecutor = "claude"\nmodel = "claude:opus"\n', [`project/.wg/${file}`]: text });
    try {
      writeFileSync(join(t.wgDir, 'graph.jsonl'), TASKS.map((x) => JSON.stringify(x)).join('\n') + '\n');
      const r = hostCli(['plan', '--all', '--dir', t.wgDir], { home: t.home });
      expect([r.code, r.stdout]).toEqual([2, '']);
      expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^wg-policy: \\.wg/${file.replace('.', '\\.')}.*\\[${code}\\]$`))]);
    } finally {
      t.cleanup();
    }
  });

  test('a reader gone early still gets the exit code of what was decided before it left (1: a refusal was printed)', () => {
    const t = scratch({ 'project/.wg/config.toml': '[dispatcher]\nexecutor = "claude"\nmodel = "claude:opus"\n' });
    try {
      const tasks = [{ kind: 'task', id: 'refused', title: 'x', model: 'codex:gpt-5' }];
      for (let i = 0; i < 2000; i++) tasks.push({ kind: 'task', id: `t${i}`, title: 'x', model: 'claude:opus' });
      writeFileSync(join(t.wgDir, 'graph.jsonl'), tasks.map((x) => JSON.stringify(x)).join('\n') + '\n');
      const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${BIN}" plan --all --dir "${t.wgDir}" | head -c 10`], {
        env: { PATH: process.env.PATH, HOME: t.home },
        encoding: 'utf8',
      });
      expect([r.status, r.stdout, r.stderr]).toEqual([1, '{"task":"r', '']);
    } finally {
      t.cleanup();
    }
  });

  test('a task id that looks like a secret parameter (`report?token=…`) leaves every line valid JSON', () => {
    const t = scratch({ 'project/.wg/config.toml': '[dispatcher]\nexecutor = "claude"\nmodel = "claude:opus"\n' });
    try {
      const ids = ['report?token=', 'x?api_key=v', 'https://u@h'];
      writeFileSync(join(t.wgDir, 'graph.jsonl'), ids.map((id) => JSON.stringify({ kind: 'task', id, title: 'x', status: 'open' })).join('\n') + '\n');
      const r = hostCli(['plan', '--all', '--dir', t.wgDir], { home: t.home });
      expect(lines(r.stdout).map((l) => l.task)).toEqual(['report?token=', 'x?api_key=***', 'https://***@h']);
    } finally {
      t.cleanup();
    }
  });
});

describe('planMany', () => {
  test('gives per task what decideSpawn gives, for graph tasks and for given tasks (ids or objects)', async () => {
    const opts = { warn: () => {} };
    const base = { dir: s.wgDir, home: s.home, env: {} };
    const all = [];
    for await (const item of planMany(base, opts)) all.push(item);
    expect(all.map((i) => i.task)).toEqual(['t1', 't2', 't3', 't4']);
    for (const item of all) {
      const one = await decideSpawn({ ...base, taskId: item.task }, opts);
      expect([item.task, JSON.stringify(item.plan), item.error?.code]).toEqual([item.task, JSON.stringify(one.plan), one.error?.code]);
    }
    const given = [];
    for await (const item of planMany({ ...base, tasks: ['t4', { id: 'inline', exec: 'ls' }, 'missing'] }, opts)) given.push(item);
    expect(given.map((i) => [i.task, i.plan?.executor ?? i.error?.code])).toEqual([
      ['t4', 'shell'],
      ['inline', 'shell'],
      ['missing', 'task-not-found'],
    ]);
  });

  test('a status wg does not have is a usage error, as --status is (not an empty batch)', async () => {
    const run = async () => {
      for await (const _item of planMany({ dir: s.wgDir, home: s.home, env: {}, status: ['open', 'in_progress'] }, { warn: () => {} }));
    };
    await expect(run()).rejects.toMatchObject({
      code: 'usage',
      key: 'status',
      message: expect.stringMatching(/^unknown status `in_progress` given by status \(wg's statuses: .*\); did you mean `in-progress`\?$/),
    });
  });

  test('a malformed graph is one error for the batch when tasks are named by id; given task objects need no graph', async () => {
    const b = scratch({ 'project/.wg/config.toml': '[dispatcher]\nexecutor = "claude"\n' });
    try {
      writeFileSync(join(b.wgDir, 'graph.jsonl'), `${JSON.stringify(TASKS[0])}\n{"kind":"task",\n`);
      const base = { dir: b.wgDir, home: b.home, env: {} };
      const seen: string[] = [];
      const run = async (tasks?: Array<string | Record<string, unknown>>) => {
        for await (const item of planMany({ ...base, tasks }, { warn: () => {} })) seen.push(item.task);
      };
      for (const tasks of [undefined, ['t1', 'nope'], ['t1', { id: 'inline', exec: 'ls' }]])
        await expect(run(tasks)).rejects.toMatchObject({ code: 'graph-line', line: 2 });
      expect(seen).toEqual([]);
      await run([{ id: 'inline', exec: 'ls' }]);
      expect(seen).toEqual(['inline']);
    } finally {
      b.cleanup();
    }
  });
});
