// JUnit XML: one testcase per scenario with failure/skipped/error, escaped text, atomic write.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { junitXml, writeJunit, xmlEscape } from '../../src/gate/junit.js';
import type { ScenarioResult } from '../../src/gate/run-scenarios.js';
import type { Verdict } from '../../src/gate/verdict.js';

const r = (name: string, outcome: ScenarioResult['outcome'], extra: Partial<ScenarioResult> = {}): ScenarioResult => ({
  name,
  outcome,
  exitCode: outcome === 'pass' ? 0 : outcome === 'skip' ? 77 : 1,
  signal: null,
  timedOut: outcome === 'timeout',
  durationMs: 1500,
  stderrTail: '',
  logFile: `/logs/${name}.log`,
  owners: ['t1'],
  ...extra,
});

const verdict = (results: ScenarioResult[]): Verdict => ({
  task: 't<1>',
  gate: 'done',
  allowed: false,
  effect: 'deny',
  determining: [{ rule: 'done.scenario-broken', policy: 'policies/gate/done.yaml:8', effect: 'deny', message: 'x' }],
  warnings: [],
  notices: [],
  results,
  summary: {
    selected: 0,
    owned: 0,
    ran: true,
    passed: 0,
    skipped: [],
    skippedCount: 0,
    skippedDetail: '',
    failed: [],
    timedOut: [],
    errored: [],
    broken: [],
    brokenCount: 0,
    brokenDetail: '',
    allSkipped: false,
  },
  request: { agent: false, agentId: null, human: true, skipSmoke: false, override: false, fullSmoke: false },
  manifest: { path: '/p/m.toml', how: '--manifest', base: 'HEAD', compared: false, lost: [] },
  policyRevision: 'sha256:0123456789abcdef',
});

/** Start and end tags balance (a small well-formedness check; there is no XML parser in the dependencies). */
function balanced(xml: string): boolean {
  const stack: string[] = [];
  for (const m of xml.replace(/<\?xml[^>]*\?>/, '').matchAll(/<(\/?)([\w-]+)[^>]*?(\/?)>/g)) {
    if (m[3]) continue;
    if (!m[1]) stack.push(m[2]);
    else if (stack.pop() !== m[2]) return false;
  }
  return stack.length === 0;
}

test('xmlEscape escapes markup and drops characters XML cannot hold', () => {
  expect(xmlEscape(`a<b>&"c'\u0007\u001b[31m\tok\n`)).toBe('a&lt;b&gt;&amp;&quot;c&apos;[31m\tok\n');
});

test('one testcase per scenario, with failure, skipped and error elements and counts', () => {
  const xml = junitXml(
    verdict([
      r('passes', 'pass'),
      r('fails <&>', 'fail', { exitCode: 2, stderrTail: 'expected "claude" & got <native>\u0007' }),
      r('times-out', 'timeout', { reason: 'timed out after 30s', exitCode: null }),
      r('skips', 'skip', { reason: 'requires env X' }),
      r('errs', 'error', { reason: 'script not found: /s/e.sh', exitCode: null }),
    ]),
    new Date('2026-05-14T10:00:00Z'),
  );
  expect(balanced(xml)).toBe(true);
  expect(
    xml.startsWith(
      '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="wg-policy gate done: t&lt;1&gt;" tests="5" failures="2" errors="1" skipped="1" time="7.500">',
    ),
  ).toBe(true);
  expect(xml).toContain('timestamp="2026-05-14T10:00:00"');
  expect(xml).toContain('<testcase name="passes" classname="smoke.t&lt;1&gt;" time="1.500"/>');
  expect(xml).toContain(
    '<testcase name="fails &lt;&amp;&gt;" classname="smoke.t&lt;1&gt;" time="1.500">\n      <failure message="exit 2" type="fail">expected &quot;claude&quot; &amp; got &lt;native&gt;</failure>',
  );
  expect(xml).toContain('<failure message="timed out after 30s" type="timeout">');
  expect(xml).toContain('<skipped message="requires env X"/>');
  expect(xml).toContain('<error message="script not found: /s/e.sh" type="error"/>');
  expect(xml).toContain('<property name="determining" value="done.scenario-broken"/>');
  expect(xml).not.toContain('\u0007');
});

test('writeJunit replaces the file atomically and leaves no temp file', () => {
  const dir = mkdtempSync(join(os.tmpdir(), 'wgp-junit-'));
  const file = join(dir, 'report.xml');
  writeJunit(file, verdict([r('a', 'pass')]));
  writeJunit(file, verdict([r('a', 'pass'), r('b', 'pass')]));
  expect(readFileSync(file, 'utf8')).toContain('tests="2"');
  expect(readdirSync(dir)).toEqual(['report.xml']);
});
