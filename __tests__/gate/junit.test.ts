// JUnit XML: only what Jenkins (xunit's junit-10.xsd) and GitLab read, checked element by element; wall-clock suite time;
// timeouts say so; output tails in system-out/system-err, never repeated in the failure text; atomic write.
import { execFileSync, spawn } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { junitXml, writeJunit, xmlEscape } from '../../src/gate/junit.js';
import type { ScenarioResult } from '../../src/gate/run-scenarios.js';
import type { Verdict } from '../../src/gate/verdict.js';
import { parseXml, type XmlElement } from '../support/xml.js';

const r = (name: string, outcome: ScenarioResult['outcome'], extra: Partial<ScenarioResult> = {}): ScenarioResult => ({
  name,
  outcome,
  exitCode: outcome === 'pass' ? 0 : outcome === 'skip' ? 77 : 1,
  signal: null,
  timedOut: outcome === 'timeout',
  durationMs: 1500,
  stderrTail: '',
  stdoutTail: '',
  logFile: `/logs/${name}.log`,
  owners: ['t1'],
  ...extra,
});

const verdict = (results: ScenarioResult[], runMs = 2000): Verdict => ({
  task: 't<1>',
  gate: 'done',
  allowed: false,
  effect: 'deny',
  determining: [{ rule: 'done.scenario-broken', policy: 'policies/gate/done.yaml:8', effect: 'deny', message: 'x' }],
  warnings: [],
  notices: [],
  transition: { status: 'done', log: 'Task marked as done', say: "Marked 't<1>' as done", rule: 'transition.done', policy: 'policies/gate/transition.yaml:90' },
  taskStatus: 'in-progress',
  evaluation: { id: '.evaluate-t<1>', exists: false, status: null, open: false },
  blockers: { unresolved: [], count: 0, detail: '', failed: [], sameCycle: [], pendingEval: [], missing: [] },
  results,
  summary: {
    selected: 0,
    owned: 0,
    ran: true,
    passed: 0,
    skipped: [],
    skippedCount: 0,
    skippedDetail: '',
    skippedReasons: '',
    failed: [],
    timedOut: [],
    errored: [],
    broken: [],
    brokenCount: 0,
    brokenDetail: '',
    allSkipped: false,
  },
  request: { agent: false, agentId: null, human: true, skipSmoke: false, override: false, fullSmoke: false, skipVerify: false },
  manifest: { path: '/p/m.toml', how: '--manifest', base: 'HEAD', compared: false, lost: [], blob: '0123456789abcdef0123456789abcdef01234567' },
  overrides: { disabled: [], replaced: [] },
  weakening: { base: 'HEAD', compared: false, baseIsHead: true, onIntegrationBranch: null, findings: [], count: 0, detail: '' },
  policyFiles: [],
  policyRevision: 'sha256:0123456789abcdef',
  elapsedMs: 2500,
  runMs,
});

/** What each element may carry: Jenkins xunit's junit-10.xsd, narrowed to what GitLab's JUnit reader also reads. */
const SCHEMA: Record<string, { required?: string[]; optional?: string[]; children?: string[]; text?: boolean }> = {
  testsuites: { optional: ['name', 'time', 'tests', 'failures', 'errors'], children: ['testsuite'] },
  testsuite: { required: ['name', 'tests', 'failures', 'errors'], optional: ['time', 'skipped', 'timestamp'], children: ['properties', 'testcase'] },
  properties: { children: ['property'] },
  property: { required: ['name', 'value'] },
  testcase: { required: ['name'], optional: ['classname', 'time'], children: ['skipped', 'failure', 'error', 'system-out', 'system-err'] },
  failure: { optional: ['message', 'type'], text: true },
  error: { optional: ['message', 'type'], text: true },
  skipped: { optional: ['message', 'type'], text: true },
  'system-out': { text: true },
  'system-err': { text: true },
};
/** xunit's SUREFIRE_TIME. */
const SUREFIRE_TIME = /^(([0-9]{0,3},)*[0-9]{3}|[0-9]{0,3})*(\.[0-9]*)?$/;

/** Every problem of an element tree against SCHEMA, as `path: problem`. */
function problems(el: XmlElement, path = el.name): string[] {
  const spec = SCHEMA[el.name];
  if (!spec) return [`${path}: element <${el.name}> is not in the schema`];
  const out: string[] = [];
  const allowed = [...(spec.required ?? []), ...(spec.optional ?? [])];
  for (const a of Object.keys(el.attrs)) if (!allowed.includes(a)) out.push(`${path}: attribute ${a} is not allowed`);
  for (const a of spec.required ?? []) if (!(a in el.attrs)) out.push(`${path}: attribute ${a} is required`);
  if ('time' in el.attrs && !SUREFIRE_TIME.test(el.attrs.time)) out.push(`${path}: time ${el.attrs.time} is not SUREFIRE_TIME`);
  for (const a of ['tests', 'failures', 'errors', 'skipped']) if (a in el.attrs && !/^\d+$/.test(el.attrs[a])) out.push(`${path}: ${a} is not a count`);
  if (!spec.text && el.text.trim() !== '') out.push(`${path}: text is not allowed`);
  for (const c of el.children) {
    if (!(spec.children ?? []).includes(c.name)) out.push(`${path}: child <${c.name}> is not allowed`);
    out.push(...problems(c, `${path}/${c.name}`));
  }
  return out;
}

const children = (el: XmlElement, name: string) => el.children.filter((c) => c.name === name);

test('xmlEscape escapes markup and drops characters XML cannot hold', () => {
  expect(xmlEscape(`a<b>&"c'\u0007\u001b[31m\tok\n`)).toBe('a&lt;b&gt;&amp;&quot;c&apos;[31m\tok\n');
});

describe('a report with every outcome', () => {
  const results = [
    r('passes', 'pass', { stdoutTail: 'all good' }),
    r('fails <&>', 'fail', { exitCode: 2, stderrTail: 'expected "claude" & got <native>\u0007', stdoutTail: 'step 1' }),
    r('times-out', 'timeout', { reason: 'timed out after 30s', exitCode: null, signal: 'SIGTERM', stderrTail: 'still waiting' }),
    r('killed', 'fail', { exitCode: null, signal: 'SIGKILL' }),
    r('skips', 'skip', { reason: 'requires env X' }),
    r('errs', 'error', { reason: 'script not found: /s/e.sh', exitCode: null }),
  ];
  const xml = junitXml(verdict(results, 4321), new Date('2026-05-14T10:00:00Z'));
  const root = parseXml(xml);

  test('every element and attribute is one the Jenkins schema and GitLab accept', () => {
    expect(problems(root)).toEqual([]);
    expect(xml).not.toContain('\u0007');
  });

  test('<testsuites> has counts without `skipped` (Jenkins rejects it there); one <testsuite> has them all', () => {
    expect(root.name).toBe('testsuites');
    expect(root.attrs).toEqual({ name: 'wg-policy gate done: t<1>', tests: '6', failures: '3', errors: '1', time: '4.321' });
    const [suite] = children(root, 'testsuite');
    expect(children(root, 'testsuite')).toHaveLength(1);
    expect(suite.attrs).toEqual({
      name: 'wg-policy gate done: t<1>',
      tests: '6',
      failures: '3',
      errors: '1',
      skipped: '1',
      time: '4.321',
      timestamp: '2026-05-14T10:00:00',
    });
  });

  test('suite time is the wall time of the run, not the sum of the scenarios', () => {
    expect(results.reduce((n, x) => n + x.durationMs, 0)).toBe(9000);
    expect(root.attrs.time).toBe('4.321');
  });

  test('properties name the verdict, the transition, the manifest and its blob, and the policy revision', () => {
    const props = Object.fromEntries(children(children(children(root, 'testsuite')[0], 'properties')[0], 'property').map((p) => [p.attrs.name, p.attrs.value]));
    expect(props).toEqual({
      task: 't<1>',
      verdict: 'deny',
      determining: 'done.scenario-broken',
      transition: 'done',
      manifest: '/p/m.toml',
      manifestBlob: '0123456789abcdef0123456789abcdef01234567',
      policyRevision: 'sha256:0123456789abcdef',
    });
  });

  const cases = () => children(children(root, 'testsuite')[0], 'testcase');
  const byName = (n: string) => cases().find((c) => c.attrs.name === n)!;
  const shape = (c: XmlElement) => c.children.map((x) => ({ name: x.name, attrs: x.attrs, text: x.text }));

  test('one <testcase> per scenario in manifest order, with classname and time', () => {
    expect(cases().map((c) => c.attrs)).toEqual(results.map((x) => ({ name: x.name, classname: 'smoke.t<1>', time: '1.500' })));
  });

  test('a pass carries only its output; a failure says what happened and where the full log is, and the tails go to system-out/err', () => {
    expect(shape(byName('passes'))).toEqual([{ name: 'system-out', attrs: {}, text: 'all good' }]);
    expect(shape(byName('fails <&>'))).toEqual([
      { name: 'failure', attrs: { message: 'exit 2', type: 'fail' }, text: 'full output: /logs/fails <&>.log' },
      { name: 'system-out', attrs: {}, text: 'step 1' },
      { name: 'system-err', attrs: {}, text: 'expected "claude" & got <native>' },
    ]);
  });

  test('a timed-out scenario is a failure whose message says it timed out', () => {
    expect(shape(byName('times-out'))).toEqual([
      { name: 'failure', attrs: { message: 'timed out after 30s', type: 'timeout' }, text: 'full output: /logs/times-out.log' },
      { name: 'system-err', attrs: {}, text: 'still waiting' },
    ]);
  });

  test('a signal death is exit -1, as wg reports it, naming the signal; skip and error carry their reasons', () => {
    expect(shape(byName('killed'))[0].attrs).toEqual({ message: 'exit -1 (killed by SIGKILL)', type: 'fail' });
    expect(shape(byName('skips'))).toEqual([{ name: 'skipped', attrs: { message: 'requires env X' }, text: '' }]);
    expect(shape(byName('errs'))).toEqual([
      { name: 'error', attrs: { message: 'script not found: /s/e.sh', type: 'error' }, text: 'full output: /logs/errs.log' },
    ]);
  });

  test('no text is said twice: a failure’s text never repeats an output tail', () => {
    for (const c of cases()) {
      const said = c.children.filter((x) => ['failure', 'error'].includes(x.name)).map((x) => x.text);
      const tails = c.children.filter((x) => x.name.startsWith('system-')).map((x) => x.text);
      for (const s of said) for (const t of tails) expect(s.includes(t) || t.includes(s)).toBe(false);
    }
  });
});

test('a verdict where nothing ran is an empty suite that still parses', () => {
  const root = parseXml(junitXml(verdict([], 0)));
  expect(problems(root)).toEqual([]);
  expect(root.attrs).toMatchObject({ tests: '0', failures: '0', errors: '0', time: '0.000' });
});

test('the schema check itself catches what Jenkins rejects', () => {
  const bad = parseXml('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites skipped="1"><testsuite name="s" tests="1"><testcase/></testsuite></testsuites>');
  expect(problems(bad)).toEqual([
    'testsuites: attribute skipped is not allowed',
    'testsuites/testsuite: attribute failures is required',
    'testsuites/testsuite: attribute errors is required',
    'testsuites/testsuite/testcase: attribute name is required',
  ]);
});

test('writeJunit replaces the file atomically and leaves no temp file', () => {
  const dir = mkdtempSync(join(os.tmpdir(), 'wgp-junit-'));
  try {
    const file = join(dir, 'report.xml');
    writeJunit(file, verdict([r('a', 'pass')]));
    writeJunit(file, verdict([r('a', 'pass'), r('b', 'pass')]));
    expect(parseXml(readFileSync(file, 'utf8')).attrs.tests).toBe('2');
    expect(readdirSync(dir)).toEqual(['report.xml']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('writeJunit never replaces what is not a regular file, nor follows what was planted at its temp name (found by an adversarial pass)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(os.tmpdir(), 'wgp-junit-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const v = () => verdict([r('a', 'pass')]);

  test('a symlink to a regular file: the file gets the report, the symlink stays', () => {
    writeFileSync(join(dir, 'real.xml'), 'old');
    symlinkSync(join(dir, 'real.xml'), join(dir, 'link.xml'));
    writeJunit(join(dir, 'link.xml'), v());
    expect(lstatSync(join(dir, 'link.xml')).isSymbolicLink()).toBe(true);
    expect(parseXml(readFileSync(join(dir, 'real.xml'), 'utf8')).attrs.tests).toBe('1');
    expect(readdirSync(dir).sort()).toEqual(['link.xml', 'real.xml']);
  });

  test('a device (through a symlink to /dev/null) is written into, and the symlink is not replaced by a file', () => {
    symlinkSync('/dev/null', join(dir, 'null.xml'));
    writeJunit(join(dir, 'null.xml'), v());
    expect(lstatSync(join(dir, 'null.xml')).isSymbolicLink()).toBe(true);
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
  });

  test('a FIFO no process reads is junit-write at once (no wait without end); one with a reader gets the report', async () => {
    const fifo = join(dir, 'report.fifo');
    execFileSync('mkfifo', [fifo]);
    expect(() => writeJunit(fifo, v())).toThrow(expect.objectContaining({ code: 'junit-write', message: expect.stringContaining('no process reads it') }));
    const reader = spawn('cat', [fifo]);
    let got = '';
    reader.stdout.setEncoding('utf8').on('data', (d: string) => (got += d));
    const closed = new Promise((resolve) => reader.on('close', resolve));
    for (let tries = 0; ; tries++) {
      try {
        writeJunit(fifo, v());
        break;
      } catch (e) {
        if (tries > 200) throw e; // cat has not opened the FIFO yet
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
    await closed;
    expect(parseXml(got).attrs.tests).toBe('1');
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  test('a symlink planted at the temp file name is not written through', () => {
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'keep me');
    symlinkSync(victim, join(dir, `.report.xml.tmp.${process.pid}`));
    writeJunit(join(dir, 'report.xml'), v());
    expect(readFileSync(victim, 'utf8')).toBe('keep me');
    expect(parseXml(readFileSync(join(dir, 'report.xml'), 'utf8')).attrs.tests).toBe('1');
  });
});
