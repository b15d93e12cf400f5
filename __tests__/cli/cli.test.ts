// The CLI's contract: stdout is data, stderr is diagnostics, exit codes mean 0 ok / 1 refused / 2 bad input.
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scratch } from '../support/project.js';
import { hostCli } from '../support/cli-host.js';

function project() {
  const s = scratch({ 'project/.wg/config.toml': '[dispatcher]\nexecutor = "claude"\n' });
  writeFileSync(join(s.wgDir, 'graph.jsonl'), `${JSON.stringify({ kind: 'task', id: 't1', title: 'x', model: 'claude:sonnet' })}\n`);
  return s;
}

test('--help explains every command and the exit codes', () => {
  const r = hostCli(['--help']);
  expect(r.code).toBe(0);
  for (const word of ['plan [options] [task-id]', 'serve [options]', 'explain [options] <task-id>', 'check [options]', 'Exit codes: 0 ok, 1 rejected'])
    expect(r.stdout).toContain(word);
  const p = hostCli(['plan', '--help']);
  expect(p.code).toBe(0);
  for (const flag of ['--dir', '--task-json', '--agent-executor', '--default-model', '--site', '--agent', '--agent-id', '--timeout', '--role'])
    expect(p.stdout).toContain(flag);
});

test('usage errors are exit 2 with one sentence and no stack trace', () => {
  for (const args of [['plan'], ['plan', 't1', '--bogus'], ['frobnicate']]) {
    const r = hostCli(args);
    expect([args.join(' '), r.code]).toEqual([args.join(' '), 2]);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^wg-policy: .+ \[usage\]\n/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }
});

test('no wg directory is bad input naming where it looked', () => {
  const s = scratch();
  const r = hostCli(['plan', 't1'], { cwd: s.home, env: { WG_DIR: '' } });
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('no wg directory found: looked for .wg and .workgraph');
});

test('the wg dir is found from $WG_DIR and by walking up from the cwd (.wg before .workgraph)', () => {
  const s = project();
  const viaEnv = hostCli(['plan', 't1'], { home: s.home, env: { WG_DIR: s.project }, cwd: s.home });
  expect(viaEnv.code).toBe(0);
  const sub = join(s.project, 'src');
  require('node:fs').mkdirSync(sub, { recursive: true });
  const walk = hostCli(['plan', 't1'], { home: s.home, cwd: sub });
  expect(walk.code).toBe(0);
  expect(JSON.parse(walk.stdout).model.id).toBe('sonnet');
});

test('--task-json reads a task from a file or stdin instead of graph.jsonl', () => {
  const s = project();
  const file = join(s.root, 'task.json');
  writeFileSync(file, JSON.stringify({ id: 'adhoc', title: 'y', exec: 'echo hi' }));
  const a = hostCli(['plan', 'adhoc', '--dir', s.wgDir, '--task-json', file], { home: s.home });
  expect(a.code).toBe(0);
  expect(JSON.parse(a.stdout).argv).toEqual(['timeout', '--signal=TERM', '--kill-after=30', '1800', 'bash', '-c', 'echo hi']);
  const b = hostCli(['plan', 'adhoc', '--dir', s.wgDir, '--task-json', '-'], { home: s.home, input: JSON.stringify({ id: 'adhoc', model: 'claude:haiku' }) });
  expect(b.code).toBe(0);
  expect(JSON.parse(b.stdout).model.id).toBe('haiku');
  const bad = hostCli(['plan', 'adhoc', '--dir', s.wgDir, '--task-json', '-'], { home: s.home, input: '{"id":' });
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('(stdin): invalid JSON');
});

test('bad caller inputs are usage errors naming the flag (exit 2)', () => {
  const s = project();
  for (const [flag, value, words] of [
    ['--site', 'cron', 'unknown spawn site `cron` given by --site'],
    ['--agent-id', '../../etc', 'given by --agent-id'],
    ['--timeout', '1d', 'timeout `1d` given by --timeout'],
  ]) {
    const r = hostCli(['plan', 't1', '--dir', s.wgDir, flag, value], { home: s.home });
    expect([flag, r.code, r.stdout]).toEqual([flag, 2, '']);
    expect(r.stderr).toContain(words);
    expect(r.stderr).toContain('[usage]');
  }
});

test('plan -q prints the plan and no provenance line', () => {
  const s = project();
  const r = hostCli(['plan', 't1', '--dir', s.wgDir, '-q'], { home: s.home });
  expect(r.code).toBe(0);
  expect(r.stderr).toBe('');
});

test('explain --all shows the winner, what it read, the rules that lost and why the others failed', () => {
  const s = project();
  const r = hostCli(['explain', 't1', '--dir', s.wgDir, '--all'], { home: s.home });
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('decided by executor.local-dispatcher (policies/spawn/executor.yaml:');
  expect(r.stdout).toContain('read local .wg/config.toml dispatcher.executor = "claude"');
  expect(r.stdout).toMatch(/also matched, lost:\n\s+executor.model-prefix-claude/);
  expect(r.stdout).toMatch(/executor.global-agent \(policies\/spawn\/executor.yaml:\d+\): global.agent.executor isSet failed: actual unset/);
  expect(r.stdout).toMatch(/not evaluated|failed: actual/);
});

test('explain --json carries per-condition actual values', () => {
  const s = project();
  const r = hostCli(['explain', 't1', '--dir', s.wgDir, '--json'], { home: s.home });
  expect(r.code).toBe(0);
  const x = JSON.parse(r.stdout);
  expect(x.plan.executor).toBe('claude');
  const exec = x.stages.find((st: { stage: string }) => st.stage === 'executor');
  expect(exec.winner).toBe('executor.local-dispatcher');
  const rule = exec.rules.find((ru: { rule: string }) => ru.rule === 'executor.unknown-in-local-dispatcher');
  expect(rule.outcome).toBe('did not match');
  expect(rule.conditions).toContainEqual({ condition: expect.stringContaining('notIn'), actual: 'claude', result: false });
  expect(x.stages.map((st: { stage: string }) => st.stage)).toEqual([
    'launch',
    'exec-mode',
    'model',
    'executor',
    'compat',
    'executor-config',
    'model-override',
    'model-id',
    'provider',
    'endpoint',
    'agent-id',
    'prompt-file',
    'timeout',
    'env',
    'argv',
  ]);
});

test('explain by default is short: per stage the value, the deciding rule, what it read, the runner-up', () => {
  const s = project();
  const r = hostCli(['explain', 't1', '--dir', s.wgDir], { home: s.home });
  expect(r.code).toBe(0);
  const lines = r.stdout.trim().split('\n');
  const stages = lines.filter((l) => / → \S+ = /.test(l)).length;
  expect(stages).toBeGreaterThan(5);
  expect(lines.length).toBeLessThan(stages * 3 + 6); // a few lines per stage, not every rule
  expect(r.stdout).toMatch(/^executor → executor = "claude" {2}← executor\.local-dispatcher \(policies\/spawn\/executor\.yaml:\d+\)$/m);
  expect(r.stdout).toMatch(/^ {4}read local \.wg\/config\.toml dispatcher\.executor = "claude"$/m);
  expect(r.stdout).toMatch(/^ {4}next: executor\.model-prefix-claude \(/m);
});

test('explain --field shows every rule of the stages deciding one field', () => {
  const s = project();
  const r = hostCli(['explain', 't1', '--dir', s.wgDir, '--field', 'endpoint'], { home: s.home });
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('endpoint → endpoint = null');
  expect(r.stdout).toContain('endpoint.none-configured');
  expect(r.stdout).not.toContain('executor → executor');
  const bad = hostCli(['explain', 't1', '--dir', s.wgDir, '--field', 'endpont'], { home: s.home });
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('did you mean `endpoint`?');
  expect(bad.stderr).toMatch(/no field or stage `endpont` \(fields and stages: launch, execMode, exec-mode, model, .*endpoint.*\)/);
});

test('explain --why-not names the first failing condition with its actual value, or the rule that beat it', () => {
  const s = project();
  const why = (rule: string) => hostCli(['explain', 't1', '--dir', s.wgDir, '--why-not', rule], { home: s.home });
  expect(why('executor.global-dispatcher').stdout).toMatch(
    /^executor\.global-dispatcher \(policies\/spawn\/executor\.yaml:\d+, priority 50\) did not match: global\.dispatcher\.executor isSet failed, actual unset\n$/,
  );
  expect(why('executor.default').stdout).toMatch(
    /matched, but executor\.local-dispatcher \(policies\/spawn\/executor\.yaml:\d+, priority 70\) beat it in executor/,
  );
  expect(why('executor.local-dispatcher').stdout).toContain('decided executor: "claude"');
  const unknown = why('executor.globl-dispatcher');
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toContain('did you mean `executor.global-dispatcher`?');
});

test('explain of a refused plan shows the trace and exits 1', () => {
  const s = project();
  writeFileSync(join(s.wgDir, 'graph.jsonl'), `${JSON.stringify({ kind: 'task', id: 't1', title: 'x', model: 'nex:qwen3' })}\n`);
  const r = hostCli(['explain', 't1', '--dir', s.wgDir], { home: s.home });
  expect(r.code).toBe(1);
  expect(r.stdout).toContain('compat → executor');
  expect(r.stdout).toContain('rejected: executor `claude` (from local .wg/config.toml dispatcher.executor) cannot run model `nex:qwen3`');
});

test('check validates bundled and project policies; errors are exit 1 with file:line:col severity code', () => {
  const s = project();
  const ok = hostCli(['check', '--dir', s.wgDir], { home: s.home });
  expect(ok.code).toBe(0);
  expect(ok.stderr).toMatch(/spawn: \d+ rules from \d+ files, revision sha256:[0-9a-f]{16}/);
  writeFileSync(join(s.wgDir, 'policies.yaml'), '');
  require('node:fs').mkdirSync(join(s.wgDir, 'policies'));
  writeFileSync(
    join(s.wgDir, 'policies', 'x.yaml'),
    'field: executor\nrules:\n  - id: executor.a\n    description: a\n    priority: 150\n    when: { all: [ { fact: task, path: modle, operator: isSet } ] }\n    then: { value: codex }\n  - id: executor.b\n    description: b\n    priority: 150\n    when: { all: [ { fact: clii, operator: isSet } ] }\n    then: { value: codex }\n',
  );
  const bad = hostCli(['check', '--dir', s.wgDir, '--json'], { home: s.home });
  expect(bad.code).toBe(1);
  const report = JSON.parse(bad.stdout);
  expect(report.ok).toBe(false);
  // Each problem once, though the file is read for every policy set; every finding has file, line, column and code.
  expect(report.findings.map((p: { code: string; file: string; line: number; column: number }) => [p.code, p.file, p.line, typeof p.column])).toEqual([
    ['unknown-path', '.wg/policies/x.yaml', 6, 'number'],
    ['unknown-fact', '.wg/policies/x.yaml', 11, 'number'],
  ]);
  const human = hostCli(['check', '--dir', s.wgDir], { home: s.home });
  expect(human.code).toBe(1);
  expect(human.stdout).toMatch(/^\.wg\/policies\/x\.yaml:6:\d+: error unknown-path: fact `task` has no path `modle`/m);
});

test('the policy revision changes when a project policy file changes', () => {
  const s = project();
  const rev = () => JSON.parse(hostCli(['plan', 't1', '--dir', s.wgDir, '-q'], { home: s.home }).stdout).policyRevision;
  const before = rev();
  require('node:fs').mkdirSync(join(s.wgDir, 'policies'));
  writeFileSync(join(s.wgDir, 'policies', 'off.yaml'), 'disable: [executor.global-agent]\n');
  expect(rev()).not.toBe(before);
});

test('a usage error the library finds (a --site value) points to --help as commander’s own errors do, once', () => {
  const s = project();
  for (const args of [
    ['plan', 't1', '--site', 'bogus'],
    ['plan', 't1', '--bogus'],
    ['explain', 't1', '--field', 'exector'],
  ]) {
    const r = hostCli(
      [...args, '--dir', s.wgDir, '--no-audit'].filter((a) => args[0] === 'plan' || a !== '--no-audit'),
      { home: s.home },
    );
    expect([args.join(' '), r.code]).toEqual([args.join(' '), 2]);
    expect(r.stderr.match(/\(run with --help for usage\)/g)).toHaveLength(1);
  }
});

test('explain --why-not cannot be combined with --all or --field (one of them would be ignored)', () => {
  const s = project();
  for (const other of [['--all'], ['--field', 'executor']]) {
    const r = hostCli(['explain', 't1', '--why-not', 'executor.default', ...other, '--dir', s.wgDir], { home: s.home });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`\`--why-not\` answers for one rule and cannot be combined with \`${other[0]}\` [usage]`);
  }
  expect(hostCli(['explain', 't1', '--field', 'executor', '--all', '--dir', s.wgDir], { home: s.home }).code).toBe(0);
});

test('plan warns as every command does, `warning: …` on stderr', () => {
  const s = project();
  const r = hostCli(['plan', 't1', '--agent', 'nosuch', '--dir', s.wgDir, '--no-audit'], { home: s.home });
  expect(r.code).toBe(0);
  expect(r.stderr).toMatch(/^warning: /m);
  expect(r.stderr).not.toMatch(/^warn: /m);
});
