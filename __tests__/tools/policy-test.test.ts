// wg-policy test: the bundled suite passes with full rule coverage; failures show a diff and exit 1.
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultTestPaths, runPolicyTests, testFiles } from '../../src/tools/policy-test.js';
import { scratch } from '../support/project.js';
import { hostCli } from '../support/cli-host.js';

test('the bundled policies/tests suite passes and fires every bundled rule', async () => {
  const report = await runPolicyTests(testFiles(defaultTestPaths(undefined)));
  expect(report.cases.filter((c) => !c.ok).map((c) => `${c.note}: ${c.diff.join('; ')}`)).toEqual([]);
  expect(report.cases.length).toBeGreaterThan(40);
  expect(report.coverage.files.filter((f) => f.missed.length)).toEqual([]);
  expect(report.coverage.percent).toBe(100);
});

const SUITE = `kind: spawn
cases:
  - note: codex from the task
    task: { id: t1, executor: codex }
    want: { executor: codex, rules: { executor: executor.task-executor } }
  - note: a wrong expectation
    task: { id: t1, executor: codex }
    want: { executor: claude, model: { id: haiku } }
  - note: a wrong error code
    task: { id: t1, exec_mode: shell }
    want_error: { code: rule-value }
`;

test('a failing case shows expected against actual per field; the run exits 1', () => {
  const s = scratch({ 'project/.wg/policies/tests/t.yaml': SUITE });
  try {
    const r = hostCli(['test', '--dir', s.wgDir], { home: s.home, cwd: s.project });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('PASS .wg/policies/tests/t.yaml: codex from the task');
    expect(r.stdout).toContain(
      'FAIL .wg/policies/tests/t.yaml: a wrong expectation\n    executor: expected "claude", got "codex"\n    model.id: expected "haiku", got "sonnet"',
    );
    expect(r.stdout).toContain('error code: expected rule-value, got rule-rejected');
    expect(r.stdout).toContain('1 passed, 2 failed');
  } finally {
    s.cleanup();
  }
});

test('coverage per file, a threshold, --fail-on-empty and --json', () => {
  const s = scratch({ 'project/.wg/policies/tests/t.yaml': SUITE.split('  - note: a wrong')[0] });
  try {
    const r = hostCli(['test', '--dir', s.wgDir, '--coverage'], { home: s.home, cwd: s.project });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^coverage: [\d.]+% \(\d+ of \d+ rules fired\)$/m);
    expect(r.stdout).toMatch(/^ {2}policies\/spawn\/model\.yaml: 1\/21; not fired: model\.task, model\.task-tier/m);
    const below = hostCli(['test', '--dir', s.wgDir, '--coverage-threshold', '90'], { home: s.home, cwd: s.project });
    expect(below.code).toBe(1);
    expect(below.stderr).toMatch(/^rule coverage [\d.]+% is below --coverage-threshold 90%\n$/);
    expect(hostCli(['test', '--dir', s.wgDir, '--coverage-threshold', 'lots'], { home: s.home, cwd: s.project }).code).toBe(2);
    const json = JSON.parse(hostCli(['test', '--dir', s.wgDir, '--json'], { home: s.home, cwd: s.project }).stdout);
    expect(json).toMatchObject({ passed: 1, failed: 0, coverage: { rules: expect.any(Number) } });
    const emptyDir = join(s.root, 'empty');
    require('node:fs').mkdirSync(emptyDir);
    expect(hostCli(['test', emptyDir, '--dir', s.wgDir], { home: s.home, cwd: s.project }).code).toBe(0);
    const failed = hostCli(['test', emptyDir, '--dir', s.wgDir, '--fail-on-empty'], { home: s.home, cwd: s.project });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toBe('no test cases found; --fail-on-empty makes that a failure\n'); // a failed run, not a usage error
  } finally {
    s.cleanup();
  }
});

test('a test file with an unknown key is bad input naming the file', () => {
  const s = scratch({ 'project/.wg/policies/tests/t.yaml': 'kind: spawn\ncases:\n  - note: x\n    task: { id: t1 }\n    wnat: { executor: claude }\n' });
  try {
    const r = hostCli(['test', '--dir', s.wgDir], { home: s.home, cwd: s.project });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('.wg/policies/tests/t.yaml');
    expect(r.stderr).toContain('[policy-schema]');
    writeFileSync(join(s.wgDir, 'policies', 'tests', 't.yaml'), 'kind: spawn\ncases:\n  - note: x\n    task: { id: t1 }\n');
    expect(hostCli(['test', '--dir', s.wgDir], { home: s.home, cwd: s.project }).stderr).toContain('needs exactly one of `want` and `want_error`');
  } finally {
    s.cleanup();
  }
});
