// `audit list` and `audit show` for people and pipes: a table in a terminal, tab-separated lines when piped, JSON Lines
// with --json, --limit, --since/--until durations, ids by a unique prefix, and no terminal escapes from the log.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newDecisionId, type AuditRecord } from '../../src/audit/event.js';
import { syntheticBody, writeSyntheticLog } from '../audit/helpers.js';
import { scratch } from '../support/project.js';
import { hostCli } from '../support/cli-host.js';

const HOUR = 3_600_000;
const s = scratch();
afterAll(() => s.cleanup());

// 12 decisions, one every hour up to an hour ago: spawns and gates, one refusal, one task id with a terminal escape.
const now = Date.now();
const bodies = Array.from({ length: 12 }, (_, i) => {
  const t = now - (12 - i) * HOUR;
  const gate = i % 4 === 3;
  return syntheticBody(i, {
    id: newDecisionId(t),
    ts: new Date(t).toISOString(),
    kind: gate ? 'gate' : 'spawn',
    task: i === 5 ? 'evil\x1b[2Jtask' : `task-${i % 3}`,
    actor: i % 2 ? 'agent-17' : 'alice',
    result: gate ? { allowed: false } : { executor: 'claude', model: { spec: 'opus' }, endpoint: null },
    rules: gate
      ? [{ field: 'deny', rule: 'done.scenario-broken', policy: 'policies/gate/done.yaml:9' }]
      : [{ field: 'executor', rule: 'executor.default', policy: 'p.yaml:1' }],
    ...(i === 6 ? { result: null, error: { code: 'rule-rejected', message: 'no', rule: 'compat.claude-cannot-run-model' } } : {}),
  });
});
const log = join(s.root, 'policy-audit.jsonl');
writeSyntheticLog(log, bodies.length, (seq) => bodies[seq]);
const ids = bodies.map((b) => b.id);

// A terminal for stdout, as far as the CLI can tell (spawned processes never get a real one).
const tty = join(s.root, 'tty.cjs');
writeFileSync(tty, 'process.stdout.isTTY = true; process.stdout.columns = 200;\n');

const list = (args: string[], opts: { tty?: boolean; env?: NodeJS.ProcessEnv } = {}) =>
  hostCli(['audit', 'list', '--audit-log', log, ...args], { ...(opts.tty ? { nodeArgs: ['--require', tty] } : {}), env: opts.env }); // a terminal: a process of its own

test('piped: one tab-separated line per decision, no header, the count on stderr', () => {
  const r = list([]);
  expect(r.code).toBe(0);
  const rows = r.stdout.trimEnd().split('\n');
  expect(rows).toHaveLength(12);
  expect(rows.map((l) => l.split('\t').length)).toEqual(Array(12).fill(6));
  expect(rows[0].split('\t')).toEqual([ids[0], bodies[0].ts, 'spawn', 'task-0', 'alice', 'executor=claude model=opus endpoint=none']);
  expect(rows[3].split('\t')[5]).toBe('DENIED by done.scenario-broken');
  expect(rows[6].split('\t')[5]).toBe('refused: compat.claude-cannot-run-model');
  expect(rows[5].split('\t')[3]).toBe('evil\\u001b[2Jtask');
  expect(r.stdout).not.toContain('\x1b');
  expect(r.stderr).toBe('12 decisions\n');
});

test('in a terminal: an aligned table under a header, coloured unless NO_COLOR', () => {
  const plain = list([], { tty: true, env: { NO_COLOR: '1' } });
  const rows = plain.stdout.trimEnd().split('\n');
  expect(rows[0]).toMatch(/^ID {26}TIME {22}KIND {3}TASK {15}ACTOR {5}RESULT$/);
  expect(rows).toHaveLength(13);
  // Every RESULT starts in the header's RESULT column.
  const at = rows[0].indexOf('RESULT');
  for (const row of rows.slice(1)) expect(row.slice(at)).toMatch(/^(executor=|DENIED|refused)/);
  expect(rows[6]).toContain('evil\\u001b[2Jtask');
  expect(plain.stdout).not.toContain('\x1b');

  const coloured = list([], { tty: true, env: { NO_COLOR: '' } });
  expect(coloured.stdout.split('\n')[0]).toMatch(/^\x1b\[1mID {24}\x1b\[0m {2}\x1b\[1mTIME/);
  expect(coloured.stdout).toContain('\x1b[31mDENIED by done.scenario-broken\x1b[0m');
  expect(list(['--no-color'], { tty: true, env: { NO_COLOR: '' } }).stdout).not.toContain('\x1b');
  expect(list(['--color'], { env: { NO_COLOR: '1' } }).stdout).not.toContain('\x1b'); // piped output is never a table
});

test('--json prints JSON Lines, whole records', () => {
  const r = list(['--json', '--kind', 'gate']);
  const records = r.stdout
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as AuditRecord);
  expect(records.map((x) => x.id)).toEqual([ids[3], ids[7], ids[11]]);
  expect(records[0]).toMatchObject({ kind: 'gate', seq: 3, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
  expect(r.stderr).toBe('');
});

test('--limit keeps the last n matching decisions, oldest first, in every format', () => {
  const tsv = list(['--limit', '3']);
  expect(
    tsv.stdout
      .trimEnd()
      .split('\n')
      .map((l) => l.split('\t')[0]),
  ).toEqual(ids.slice(9));
  expect(tsv.stderr).toBe('12 decisions, the last 3 shown\n');
  const table = list(['--limit', '2', '--task', 'task-0'], { tty: true });
  expect(table.stdout.trimEnd().split('\n')).toHaveLength(3);
  expect(table.stdout).toContain(ids[9]);
  const json = list(['--limit', '1', '--json']);
  expect(JSON.parse(json.stdout).id).toBe(ids[11]);
});

test('--since and --until take durations back from now and ISO times', () => {
  const count = (...args: string[]) => list(args).stdout.trimEnd().split('\n').filter(Boolean).length;
  expect(count('--since', '3h')).toBe(2); // 2 h and 1 h ago
  expect(count('--since', '150m')).toBe(2);
  expect(count('--until', '10h')).toBe(3); // 12, 11 and 10 h ago
  expect(count('--since', '1d', '--until', '11h')).toBe(2);
  expect(count('--since', new Date(now - 4.5 * HOUR).toISOString())).toBe(4);
  expect(count('--until', '2000-01-01')).toBe(0);
});

test('quiet: -q drops the count', () => {
  expect(list(['-q']).stderr).toBe('');
});

describe('audit show by id or unique prefix', () => {
  const show = (id: string) => hostCli(['audit', 'show', id, '--audit-log', log]);

  test('the full id and a unique prefix show the same decision; terminal escapes are escaped', () => {
    const full = show(ids[5]);
    expect(full.code).toBe(0);
    expect(full.stdout).toContain(`decision ${ids[5]}`);
    expect(full.stdout).toContain('task evil\\u001b[2Jtask');
    expect(full.stdout).not.toContain('\x1b');
    // Ids made an hour apart share their leading (time) characters and differ within the first ten.
    let n = 1;
    while (ids.some((id, i) => i !== 5 && id.startsWith(ids[5].slice(0, n)))) n++;
    const prefix = ids[5].slice(0, n);
    expect(prefix.length).toBeLessThanOrEqual(10);
    expect(show(prefix).stdout).toBe(full.stdout);
  });

  test('a prefix of several ids is refused, naming some of them; an unknown one is not found', () => {
    // The leading characters all twelve ids share (their time's highest bits).
    let n = 0;
    while (ids.every((id) => id[n] === ids[0][n])) n++;
    const common = ids[0].slice(0, n);
    expect(n).toBeGreaterThan(0);
    const r = show(common);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`decision id prefix \`${common}\` matches 12 decisions (\`${ids[0]}\`, \`${ids[1]}\`, \`${ids[2]}\`, …) [decision-ambiguous]`);
    expect(r.stderr).toContain('help: give more characters of the id');
    const none = show('ZZZZ');
    expect([none.code, none.stderr]).toEqual([2, expect.stringContaining('[decision-not-found]')]);
  });
});
