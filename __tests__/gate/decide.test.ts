// decideDone and `wg-policy gate` beyond the YAML cases: parallel = serial, output channels, standalone runs, flags.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decideDone, type Verdict } from '../../src/gate/decide.js';
import { createProgress, styleFor } from '../../src/gate/report.js';
import type { ScenarioResult } from '../../src/gate/run-scenarios.js';
import { scratch } from '../support/project.js';
import { hostCli } from '../support/cli-host.js';

/** A project where t1 owns the scenarios (name → script body). */
function project(bodies: Record<string, string>, owners = ['t1']) {
  const s = scratch();
  writeFileSync(join(s.wgDir, 'graph.jsonl'), '{"kind":"task","id":"t1","title":"x","status":"in-progress"}\n');
  const smoke = join(s.project, 'tests', 'smoke');
  mkdirSync(smoke, { recursive: true });
  const names = Object.keys(bodies);
  writeFileSync(
    join(smoke, 'manifest.toml'),
    names.map((n) => `[[scenario]]\nname = "${n}"\nscript = "${n}.sh"\nowners = ${JSON.stringify(owners)}\ntimeout_seconds = 2\n`).join('\n'),
  );
  for (const n of names) if (bodies[n] !== '<missing>') writeFileSync(join(smoke, `${n}.sh`), `${bodies[n]}\n`);
  return { ...s, smoke, manifest: join(smoke, 'manifest.toml') };
}

const MIXED = {
  slow_pass: 'sleep 0.3; exit 0',
  quick_fail: 'echo broke >&2; exit 5',
  skipper: 'echo "no key" >&2; exit 77',
  gone: '<missing>',
  hangs: 'sleep 30',
  mid_pass: 'sleep 0.1',
};

/** The parts of a verdict that must not depend on scheduling. */
const stable = ({ elapsedMs: _e, runMs: _r, ...v }: Verdict) => ({
  ...v,
  results: v.results.map(({ durationMs: _d, logFile: _l, ...r }: ScenarioResult) => r),
});

// Every timeout_seconds = 2 lasts 2 × 500 ms here (the runner's test knob; the verdict still says 2s): `hangs` times out,
// the others end well before.
test('parallel and serial runs give the same verdict, results in manifest order', async () => {
  const p = project(MIXED);
  const base = { taskId: 't1', dir: p.wgDir, cwd: p.project, env: { PATH: process.env.PATH, HOME: p.home }, run: { graceMs: 200, timeoutScaleMs: 500 } };
  const serial = await decideDone({ ...base, jobs: 1 });
  const parallel = await decideDone({ ...base, jobs: 6 });
  expect(stable(parallel)).toEqual(stable(serial));
  expect(serial.results.map((r) => [r.name, r.outcome])).toEqual([
    ['slow_pass', 'pass'],
    ['quick_fail', 'fail'],
    ['skipper', 'skip'],
    ['gone', 'error'],
    ['hangs', 'timeout'],
    ['mid_pass', 'pass'],
  ]);
  expect(serial.determining.map((d) => d.message.split('\n')[0])).toEqual([
    `Smoke gate refused 'wg done t1': 3 scenario(s) broken — quick_fail (exit 5), gone (script not found: ${join(p.smoke, 'gone.sh')}), hangs (timed out after 2s)`,
  ]);
});

describe('CLI output', () => {
  test('stderr carries wg’s header and one plain line per scenario; stdout stays empty without --json', () => {
    const p = project({ a: 'exit 0', b: 'echo "line one" >&2; echo "line two" >&2; exit 1' });
    const r = hostCli(['gate', 't1', '--dir', p.wgDir, '--jobs', '1'], { cwd: p.project, home: p.home, env: { CI: '1' } });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toMatch(/\x1b\[/); // no colour, no cursor movement
    expect(r.stderr).toMatch(
      /^Smoke gate: running 2 scenario\(s\) for 't1' \(manifest: tests\/smoke\/manifest\.toml\)\n {2}PASS {2}a \(\d+\.\d s\)\n {2}FAIL {2}b \(exit 1, \d+\.\d s\)\n {8}line one\n {8}line two\n {8}log: \/\S+\/b\.log\n/,
    );
    expect(r.stderr).toContain("Smoke gate refused 'wg done t1': 1 scenario(s) broken — b (exit 1)\nFix the regression");
    expect(r.stderr).toMatch(/\(deny by done\.scenario-broken, policies\/gate\/done\.yaml:\d+\)/);
    // The verdict ends with one summary line.
    expect(r.stderr).toMatch(/\n1 passed, 1 failed, 0 skipped in \d+\.\d s\n$/);
  });

  test('the failing scenario’s log path is printed, and the log holds its whole output', () => {
    const p = project({ b: 'for i in $(seq 1 30); do echo "err line $i" >&2; done; echo out; exit 3' });
    const r = hostCli(['gate', 't1', '--dir', p.wgDir], { cwd: p.project, home: p.home, env: { CI: '1' } });
    const log = /\n {8}log: (\S+)\n/.exec(r.stderr)?.[1];
    expect(log).toBeDefined();
    const text = readFileSync(log!, 'utf8');
    expect(text).toContain('err line 1\n');
    expect(text).toContain('err line 30\n');
    expect(text).toContain('out\n');
    expect(log!.startsWith(join(p.home, '.local', 'state', 'wg-policy', 'runs'))).toBe(true);
  });

  test('a config key the scenario prints is masked in its log (on stdout and stderr, split across writes), and nowhere shown', () => {
    const key = 'sk-or-v1-0123456789abcdefLOGKEY';
    const p = project({
      leak: `printf 'key=${key.slice(0, 12)}'; sleep 0.05; printf '${key.slice(12)} end\\n'; echo "${key}" >&2; grep api_key config.toml; exit 3`,
    });
    const config = `[[llm_endpoints.endpoints]]\nname = "or"\nprovider = "openrouter"\napi_key = "${key}"\n`;
    writeFileSync(join(p.wgDir, 'config.toml'), config);
    writeFileSync(join(p.smoke, 'config.toml'), config); // what the script greps: the same value, under its name
    const r = hostCli(['gate', 't1', '--dir', p.wgDir, '--json'], { cwd: p.project, home: p.home, env: { CI: '1' } });
    expect(r.code).toBe(1);
    const log = (JSON.parse(r.stdout) as Verdict).results[0].logFile;
    const text = readFileSync(log, 'utf8');
    expect(text).not.toContain(key.slice(12));
    expect(text).toContain('key=*** end\n');
    expect(text).toContain('***\n');
    expect(text).toContain('api_key = "***"\n');
    expect(`${r.stdout}${r.stderr}`).not.toContain(key.slice(12));
  });

  test('an allowed verdict ends with the summary line too, skips counted', () => {
    const p = project({ a: 'exit 0', s: 'echo "no key" >&2; exit 77' });
    const r = hostCli(['gate', 't1', '--dir', p.wgDir], { cwd: p.project, home: p.home, env: { CI: '1' } });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/\n1 passed, 0 failed, 1 skipped in \d+\.\d s\n$/);
  });

  test('plain result lines come in manifest order, not finish order', () => {
    const p = project({ slow_first: 'sleep 0.6', fast_second: 'exit 0', fast_third: 'exit 2' });
    const r = hostCli(['gate', 't1', '--dir', p.wgDir, '--jobs', '3'], { cwd: p.project, home: p.home, env: { CI: '1' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\n {2}PASS {2}slow_first \(\S+ s\)\n {2}PASS {2}fast_second \(\S+ s\)\n {2}FAIL {2}fast_third \(exit 2, \S+ s\)\n/);
  });

  test('--json prints the verdict on stdout, valid against its schema', async () => {
    const { VerdictSchema } = await import('../../src/gate/decide.js');
    const p = project({ a: 'exit 0' });
    const r = hostCli(['gate', 't1', '--dir', p.wgDir, '--json'], { cwd: p.project, home: p.home });
    expect(r.code).toBe(0);
    const v = VerdictSchema.parse(JSON.parse(r.stdout));
    expect(v).toMatchObject({ task: 't1', gate: 'done', allowed: true, effect: 'allow', policyRevision: expect.stringMatching(/^sha256:[0-9a-f]{16}$/) });
    expect(v.manifest.path).toBe(p.manifest);
    expect(readFileSync(v.results[0].logFile, 'utf8')).toBe('');
  });

  test('--jobs must be a positive whole number (exit 2, nothing runs)', () => {
    const p = project({ marks: 'touch ran' });
    for (const jobs of ['0', '-1', 'two', '1.5']) {
      const r = hostCli(['gate', 't1', '--dir', p.wgDir, '--jobs', jobs], { cwd: p.project, home: p.home });
      expect([jobs, r.code]).toEqual([jobs, 2]);
      expect(r.stderr).toContain(`\`--jobs\` must be a positive whole number, not \`${jobs}\``);
    }
    expect(existsSync(join(p.smoke, 'ran'))).toBe(false);
  });

  test('the library refuses the same jobs (0, negative, fractional, NaN) before anything runs', async () => {
    const p = project({ marks: 'touch ran' });
    for (const jobs of [0, -1, 1.5, Number.NaN])
      await expect(decideDone({ taskId: 't1', dir: p.wgDir, cwd: p.project, env: { PATH: process.env.PATH, HOME: p.home }, jobs })).rejects.toMatchObject({
        code: 'usage',
        key: 'jobs',
      });
    expect(existsSync(join(p.smoke, 'ran'))).toBe(false);
  });

  test('--junit into a missing folder is bad input before anything runs', () => {
    const p = project({ marks: 'touch ran' });
    const r = hostCli(['gate', 't1', '--dir', p.wgDir, '--junit', join(p.root, 'nope', 'r.xml')], { cwd: p.project, home: p.home });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the folder');
    expect(existsSync(join(p.smoke, 'ran'))).toBe(false);
  });

  test('--junit writes the report for a denied gate too', () => {
    const p = project({ a: 'exit 0', b: 'exit 3' });
    const file = join(p.root, 'junit.xml');
    const r = hostCli(['gate', 't1', '--dir', p.wgDir, '--junit', file], { cwd: p.project, home: p.home });
    expect(r.code).toBe(1);
    const xml = readFileSync(file, 'utf8');
    expect(xml).toContain('<testsuite name="wg-policy gate done: t1" tests="2" failures="1" errors="0" skipped="0"');
    expect(xml).toContain('<failure message="exit 3" type="fail">');
  });
});

describe('standalone (no wg directory)', () => {
  test('--full-smoke with --manifest runs the whole manifest with the bundled policies', () => {
    const p = project({ a: 'exit 0', b: 'exit 0' }, ['someone-else']);
    const r = hostCli(['gate', 'smoke-all', '--full-smoke', '--manifest', p.manifest, '--json'], { cwd: p.root, home: p.home });
    expect(r.code).toBe(0);
    const v = JSON.parse(r.stdout) as Verdict;
    expect(v.summary).toMatchObject({ selected: 2, owned: 0, passed: 2 });
    expect(v.notices[0]).toBe('no wg directory: gating `smoke-all` standalone (the whole manifest, bundled policies only)');
  });

  test('without --full-smoke a wg directory is required', () => {
    const p = project({ a: 'exit 0' });
    const r = hostCli(['gate', 'smoke-all', '--manifest', p.manifest], { cwd: p.root, home: p.home });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no wg directory found');
  });
});

describe('progress display', () => {
  const result = (name: string, outcome: ScenarioResult['outcome']): ScenarioResult => ({
    name,
    outcome,
    exitCode: outcome === 'pass' ? 0 : 1,
    signal: null,
    timedOut: false,
    durationMs: 50,
    stderrTail: '',
    stdoutTail: '',
    logFile: '/x',
    owners: [],
  });
  const sink = () => {
    const out = { text: '', columns: 80, write: (s: string) => ((out.text += s), true) };
    return out;
  };

  test('style: colour only on a TTY without NO_COLOR; live only on a TTY outside CI and without --json', () => {
    expect(styleFor({ isTTY: true }, {}, false)).toEqual({ color: true, live: true });
    expect(styleFor({ isTTY: true }, { NO_COLOR: '1' }, false)).toEqual({ color: false, live: false }); // the guard would escape the live line's \r and erase
    expect(styleFor({ isTTY: true }, { CI: 'false' }, false)).toEqual({ color: true, live: true });
    expect(styleFor({ isTTY: true }, { TERM: 'dumb' }, false, true)).toEqual({ color: true, live: false });
    expect(styleFor({ isTTY: true }, { CI: 'true' }, false)).toEqual({ color: true, live: false });
    expect(styleFor({ isTTY: true }, {}, true)).toEqual({ color: true, live: false });
    expect(styleFor({ isTTY: false }, {}, false)).toEqual({ color: false, live: false });
  });

  test('a result waits until every earlier scenario has finished, then prints at once', () => {
    const out = sink();
    const progress = createProgress(out as unknown as NodeJS.WritableStream, { color: false, live: false });
    progress.start({ taskId: 't1', count: 3, manifest: 'm.toml', names: ['a', 'b', 'c'] });
    for (const [i, n] of ['a', 'b', 'c'].entries()) progress.event({ type: 'start', index: i, name: n });
    progress.event({ type: 'finish', index: 2, name: 'c', result: result('c', 'pass') });
    progress.event({ type: 'finish', index: 1, name: 'b', result: result('b', 'fail') });
    expect(out.text).toBe("Smoke gate: running 3 scenario(s) for 't1' (manifest: m.toml)\n");
    progress.event({ type: 'finish', index: 0, name: 'a', result: result('a', 'pass') });
    expect(out.text.split('\n').slice(1)).toEqual(['  PASS  a (0.1 s)', '  FAIL  b (exit 1, 0.1 s)', '        log: /x', '  PASS  c (0.1 s)', '']);
    progress.stop();
    expect(out.text.split('\n')).toHaveLength(6);
  });

  test('a run cut short still prints what finished, in manifest order', () => {
    const out = sink();
    const progress = createProgress(out as unknown as NodeJS.WritableStream, { color: false, live: false });
    progress.start({ taskId: 't1', count: 3, manifest: 'm.toml', names: ['a', 'b', 'c'] });
    progress.event({ type: 'finish', index: 2, name: 'c', result: result('c', 'pass') });
    progress.event({ type: 'finish', index: 1, name: 'b', result: result('b', 'pass') });
    progress.stop();
    expect(out.text.split('\n').slice(1)).toEqual(['  PASS  b (0.1 s)', '  PASS  c (0.1 s)', '']);
  });

  test('a live terminal gets a status line that is cleared before each result line', () => {
    const out = sink();
    const progress = createProgress(out as unknown as NodeJS.WritableStream, { color: true, live: true });
    progress.start({ taskId: 't1', count: 2, manifest: 'm.toml', names: ['a', 'b'] });
    progress.event({ type: 'start', index: 0, name: 'a' });
    progress.event({ type: 'start', index: 1, name: 'b' });
    progress.event({ type: 'finish', index: 0, name: 'a', result: result('a', 'pass') });
    progress.stop();
    expect(out.text).toContain("Smoke gate: running 2 scenario(s) for 't1' (manifest: m.toml)\n");
    expect(out.text).toContain('0/2 finished; running: a 0s, b 0s');
    expect(out.text).toContain('\r\x1b[2K\x1b[32m  PASS  a (0.1 s)\x1b[0m\n');
    expect(out.text.endsWith('\r\x1b[2K')).toBe(true);
  });

  test('the live view names what finished but waits for an earlier scenario, with its outcome', () => {
    const out = sink();
    const progress = createProgress(out as unknown as NodeJS.WritableStream, { color: false, live: true });
    progress.start({ taskId: 't1', count: 3, manifest: 'm.toml', names: ['a', 'b', 'c'] });
    for (const [i, n] of ['a', 'b', 'c'].entries()) progress.event({ type: 'start', index: i, name: n });
    progress.event({ type: 'finish', index: 2, name: 'c', result: result('c', 'fail') });
    progress.event({ type: 'finish', index: 1, name: 'b', result: result('b', 'pass') });
    const last = out.text.split('\r\x1b[2K').pop();
    expect(last).toBe('  ... 2/3 finished (b PASS, c FAIL); running: a 0s');
    expect(out.text).not.toContain('  PASS  b');
    progress.stop();
  });
});

test('a library request whose task id, --base, --manifest or folder holds a NUL is a usage error naming it, before git or a scenario runs', async () => {
  const s = project({ ok: 'exit 0' });
  try {
    const base = { taskId: 't1', dir: s.wgDir, manifest: s.manifest, skipVerify: true };
    for (const [field, key] of [
      ['base', '--base'],
      ['manifest', '--manifest'],
      ['dir', '--dir'],
      ['taskId', 'taskId'],
    ] as const) {
      const request = { ...base, [field]: 'x\0y' };
      await expect(decideDone(request)).rejects.toMatchObject({
        code: 'usage',
        key,
        message: `${key} contains a NUL character, which no path, argument or environment variable can carry`,
      });
    }
  } finally {
    s.cleanup();
  }
});
