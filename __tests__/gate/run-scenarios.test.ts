// Running scenarios: outcomes, process-group cleanup, bounded output, parallelism and requirements.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Scenario } from '../../src/gate/manifest.js';
import { cli, projectWithTasks } from '../support/project.js';
import { renderResultLine, runScenarios, ScenarioResultSchema, type ScenarioEvent, type ScenarioResult } from '../../src/gate/run-scenarios.js';

let dir: string;
let logDir: string;
const escaped: number[] = [];
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'wgp-run-'));
  logDir = path.join(dir, 'logs');
});
afterEach(() => {
  for (const pid of escaped.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

/** Writes `<name>.sh` into the scenario folder and returns the scenario that runs it. */
function scenario(name: string, body: string, extra: Partial<Scenario> = {}): Scenario {
  const script = path.join(dir, `${name}.sh`);
  writeFileSync(script, `${body}\n`);
  return { name, script, dir, owners: ['task-a'], timeoutSeconds: 30, requires: { commands: [], env: [], urls: [] }, ...extra };
}

const run = (scenarios: Scenario[], extra: Partial<Parameters<typeof runScenarios>[1]> = {}) =>
  runScenarios(scenarios, { jobs: 2, logDir, env: process.env, graceMs: 500, ...extra });

/** Non-zombie processes whose process group is `pgid` (zombies are dead, only not yet reaped by init). */
function liveInGroup(pgid: number): string[] {
  const out = execFileSync('ps', ['-eo', 'pid=,pgid=,stat=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter(([, g, stat]) => Number(g) === pgid && stat !== undefined && !stat.startsWith('Z'))
    .map((cols) => cols.join(' '));
}

function alive(pid: number): boolean {
  try {
    const stat = execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).trim();
    return stat !== '' && !stat.startsWith('Z');
  } catch {
    return false;
  }
}

const numberIn = (file: string) => Number(readFileSync(path.join(dir, file), 'utf8').trim());

describe('outcomes', () => {
  test('exit 0 passes, 77 skips with the stderr reason, other exits fail with a stderr tail, a missing script is an error', async () => {
    const banner =
      'echo >&2; echo "$(printf "=%.0s" {1..64})" >&2; echo "  SMOKE SKIPPED — NO ENDPOINT" >&2; echo "  scenario: $WG_SMOKE_SCENARIO" >&2; echo "  reason:   lambda01 down" >&2; echo "$(printf "=%.0s" {1..64})" >&2';
    const results = await run([
      scenario('ok', 'echo fine'),
      scenario('skipped', `${banner}; exit 77`),
      scenario('quiet_skip', 'exit 77'),
      scenario('broken', 'for i in $(seq 1 20); do echo "line $i" >&2; done; echo out; exit 3'),
      { ...scenario('gone', ''), script: path.join(dir, 'missing.sh') },
    ]);
    expect(results.map((r) => [r.name, r.outcome, r.exitCode])).toEqual([
      ['ok', 'pass', 0],
      ['skipped', 'skip', 77],
      ['quiet_skip', 'skip', 77],
      ['broken', 'fail', 3],
      ['gone', 'error', null],
    ]);
    expect(results[1].reason).toBe('SMOKE SKIPPED — NO ENDPOINT | scenario: skipped | reason:   lambda01 down');
    expect(results[2].reason).toBe('scenario emitted SKIP (exit 77)');
    expect(results[3].stderrTail).toBe(Array.from({ length: 12 }, (_, i) => `line ${i + 9}`).join('\n'));
    expect(results[4].reason).toBe(`script not found: ${path.join(dir, 'missing.sh')}`);
    expect(readFileSync(results[3].logFile, 'utf8')).toContain('line 1\n');
    expect(readFileSync(results[3].logFile, 'utf8')).toContain('out\n');
    for (const r of results) expect(ScenarioResultSchema.safeParse(r).success).toBe(true);
    expect(results[0].owners).toEqual(['task-a']);
  });

  test('runs in the manifest folder with WG_SMOKE_* set on top of the given env', async () => {
    const s = scenario('envcheck', 'echo "$PWD|$WG_SMOKE_SCENARIO|$WG_SMOKE_TIMEOUT_SECS|$FROM_CALLER" > seen.txt', { timeoutSeconds: 42 });
    const [r] = await run([s], { env: { ...process.env, FROM_CALLER: 'yes' } });
    expect(r.outcome).toBe('pass');
    expect(readFileSync(path.join(dir, 'seen.txt'), 'utf8').trim()).toBe(`${dir}|envcheck|42|yes`);
  });

  test('a signal death is a fail reported with the signal', async () => {
    const [r] = await run([scenario('segv', 'kill -KILL $$')]);
    expect(r).toMatchObject({ outcome: 'fail', exitCode: null, signal: 'SIGKILL', timedOut: false, reason: 'killed by SIGKILL' });
    expect(renderResultLine(r)).toBe(`  FAIL  segv (exit -1, ${(r.durationMs / 1000).toFixed(1)} s)`);
  });

  test('a spawn failure is an error naming the script', async () => {
    const s = scenario('nobash', 'exit 0');
    const [r] = await run([s], { env: { PATH: path.join(dir, 'no-such-bin') } });
    expect(r.outcome).toBe('error');
    expect(r.reason).toContain(s.script);
  });
});

// Bounds generous enough for a loaded 2-core CI machine, yet far below the 30–1000 s a scenario would take if the runner
// waited for what it should have killed. Speed itself is measured by `npm run bench`, never here.
const SLACK_MS = 10_000;
// `timeout_seconds = 1` lasts this long here (the runner's test knob; messages still say 1s).
const SECOND_MS = 500;

describe('process groups', () => {
  test('at the timeout the whole group is killed, grandchild included, within timeout + grace', async () => {
    const s = scenario('hang', 'echo $$ > pgid; sleep 1000 & echo started >&2; sleep 1000', { timeoutSeconds: 1 });
    const t0 = Date.now();
    const [r] = await run([s], { timeoutScaleMs: SECOND_MS });
    const took = Date.now() - t0;
    expect(r).toMatchObject({ outcome: 'timeout', timedOut: true, reason: 'timed out after 1s', stderrTail: 'started' });
    expect(took).toBeLessThan(SECOND_MS + 500 + SLACK_MS);
    expect(liveInGroup(numberIn('pgid'))).toEqual([]);
    expect(renderResultLine(r)).toBe(`  FAIL  hang (timed out after 1s, ${(r.durationMs / 1000).toFixed(1)} s)\n        started`);
  });

  test('a group that ignores SIGTERM gets SIGKILL after the grace', async () => {
    const s = scenario('stubborn', "trap '' TERM; echo $$ > pgid; sleep 1000 & sleep 1000", { timeoutSeconds: 1 });
    const t0 = Date.now();
    const [r] = await run([s], { graceMs: 300, timeoutScaleMs: SECOND_MS });
    const took = Date.now() - t0;
    expect(r.outcome).toBe('timeout');
    expect(took).toBeGreaterThanOrEqual(SECOND_MS + 300);
    expect(took).toBeLessThan(SECOND_MS + 300 + SLACK_MS);
    expect(liveInGroup(numberIn('pgid'))).toEqual([]);
  });

  test('a main process that exits at once passes promptly; its background grandchild holding stdout is killed', async () => {
    const s = scenario('leaky', 'sleep 1000 & echo $! > gc; echo $$ > pgid; echo done; exit 0');
    const t0 = Date.now();
    const [r] = await run([s]);
    expect(r.outcome).toBe('pass');
    expect(Date.now() - t0).toBeLessThan(SLACK_MS);
    expect(alive(numberIn('gc'))).toBe(false);
    expect(liveInGroup(numberIn('pgid'))).toEqual([]);
  });

  test('a process that left the group while holding the pipes does not keep the gate waiting', async () => {
    const s = scenario('escapee', 'setsid sleep 30 & echo $! > gc; sleep 0.2; exit 0');
    const t0 = Date.now();
    const [r] = await run([s]);
    escaped.push(numberIn('gc'));
    expect(r.outcome).toBe('pass');
    expect(Date.now() - t0).toBeLessThan(SLACK_MS);
  });

  // Processes that left the group are found by the run id in their environment (Linux: /proc/<pid>/environ).
  const onLinux = process.platform === 'linux' ? test : test.skip;

  onLinux('processes that left the group (setsid, double fork) are killed when the scenario ends', async () => {
    const body = 'setsid sleep 30 & echo $! > gc; (setsid sleep 30 & echo $! > orphan); sleep 0.2; exit 0';
    const [r] = await run([scenario('escapees', body)]);
    escaped.push(numberIn('gc'), numberIn('orphan'));
    expect(r.outcome).toBe('pass');
    expect([alive(numberIn('gc')), alive(numberIn('orphan'))]).toEqual([false, false]);
  });

  onLinux('at the timeout a process that left the group is killed too, within timeout + grace', async () => {
    const s = scenario('escape_hang', 'setsid bash -c "trap \'\' TERM; sleep 1000" & echo $! > gc; sleep 1000', { timeoutSeconds: 1 });
    const t0 = Date.now();
    const [r] = await run([s], { graceMs: 300, timeoutScaleMs: SECOND_MS });
    escaped.push(numberIn('gc'));
    expect(r.outcome).toBe('timeout');
    expect(Date.now() - t0).toBeLessThan(SECOND_MS + 300 + SLACK_MS);
    expect(alive(numberIn('gc'))).toBe(false);
  });

  test('each run adds its own id to the enclosing runs’ ids in WG_SMOKE_RUN_ID', async () => {
    const s = scenario('ids', 'echo "$WG_SMOKE_RUN_ID" > ids');
    await run([s, scenario('ids2', 'echo "$WG_SMOKE_RUN_ID" > ids2')], { env: { ...process.env, WG_SMOKE_RUN_ID: 'outer.1' } });
    const [a, b] = ['ids', 'ids2'].map((f) => readFileSync(path.join(dir, f), 'utf8').trim().split(' '));
    expect(a).toEqual(['outer.1', expect.stringMatching(new RegExp(`^${process.pid}\\.[0-9a-f]{16}$`))]);
    expect(b[0]).toBe('outer.1');
    expect(b[1]).not.toBe(a[1]);
  });
});

test('config secrets are masked in the log and in the tails, even where a tail is cut inside one', async () => {
  const key = 'sk-or-v1-0123456789abcdefTAILKEY';
  // stderr: one line whose last 4096 characters (the tail's limit) begin inside the key; stdout: the key split across two writes.
  const body = `printf 'key=${key}' >&2; head -c 4080 /dev/zero | tr '\\0' y >&2; printf '${key.slice(0, 10)}'; sleep 0.05; printf '${key.slice(10)}\\n'; exit 3`;
  const [r] = await run([scenario('leak', body)], { secrets: [key, 'short'] });
  expect(r.outcome).toBe('fail');
  const log = readFileSync(r.logFile, 'utf8');
  for (const text of [r.stderrTail, r.stdoutTail, log]) expect(text).not.toContain(key.slice(-8));
  expect(r.stdoutTail).toBe('***');
  expect(log).toContain(`key=***${'y'.repeat(4080)}`);
});

test('a credential after its name is masked in a tail even where the cut falls between the two', async () => {
  // One line whose last 4096 characters (the tail's limit) begin at `= zq81…`: cut first, nothing would name it a key.
  const body = `printf 'api_key = zq81Vx7Kp2Lm9Nt4 ' >&2; head -c 4077 /dev/zero | tr '\\0' y >&2; exit 3`;
  const [r] = await run([scenario('form', body)]);
  expect(r.stderrTail).toMatch(/^api_key = \*\*\* y+$/);
});

// The flood (2 × n bytes) is three times the memory bound: a runner that kept it would fail.
test('an output flood stays in bounded memory and the log gets all of it', async () => {
  const n = 100_000_000;
  const s = scenario('flood', `yes | head -c ${n} & yes | head -c ${n} >&2; wait`, { timeoutSeconds: 50 });
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  const [r] = await run([s]);
  clearInterval(sampler);
  expect(r.outcome).toBe('pass');
  expect(r.stderrTail.length).toBeLessThanOrEqual(4096);
  expect(r.stderrTail.split('\n').length).toBeLessThanOrEqual(12);
  expect(peak - before).toBeLessThan(64 * 1024 * 1024);
  expect(statSync(r.logFile).size).toBe(2 * n);
  rmSync(r.logFile);
});

test('parallel and serial runs give the same outcomes, in manifest order, with at most `jobs` at once', async () => {
  const scenarios = [
    scenario('slow_pass', 'sleep 0.3; exit 0'),
    scenario('fast_fail', 'echo nope >&2; exit 1'),
    scenario('mid_skip', 'sleep 0.1; echo "no key" >&2; exit 77'),
    scenario('fast_pass', 'exit 0'),
    scenario('slow_fail', 'sleep 0.2; exit 2'),
    scenario('fast_skip', 'exit 77'),
  ];
  const track = () => {
    const finished: string[] = [];
    let running = 0;
    let most = 0;
    const onEvent = (e: ScenarioEvent) => {
      if (e.type === 'start') most = Math.max(most, ++running);
      else {
        running--;
        finished.push(e.name);
      }
    };
    return { onEvent, finished, most: () => most };
  };
  const p = track();
  const parallel = await run(scenarios, { jobs: 4, onEvent: p.onEvent });
  const s = track();
  const serial = await run(scenarios, { jobs: 1, onEvent: s.onEvent });
  const view = (rs: ScenarioResult[]) => rs.map((r) => [r.name, r.outcome, r.exitCode, r.reason ?? null, r.stderrTail]);
  expect(view(parallel)).toEqual(view(serial));
  expect(parallel.map((r) => r.name)).toEqual(scenarios.map((x) => x.name));
  expect(p.finished).not.toEqual(scenarios.map((x) => x.name));
  expect(s.finished).toEqual(scenarios.map((x) => x.name));
  expect(p.most()).toBe(4);
  expect(s.most()).toBe(1);
});

describe('requires', () => {
  let silent: http.Server;
  let answering: http.Server;
  let closedPort: number;
  beforeAll(async () => {
    const listen = (srv: http.Server) => new Promise<number>((res) => srv.listen(0, '127.0.0.1', () => res((srv.address() as AddressInfo).port)));
    silent = http.createServer(() => undefined);
    answering = http.createServer((_req, res) => res.writeHead(404).end());
    await Promise.all([listen(silent), listen(answering)]);
    const tmp = http.createServer();
    closedPort = await listen(tmp);
    await new Promise((res) => tmp.close(res));
  });
  afterAll(async () => {
    for (const srv of [silent, answering]) {
      srv.closeAllConnections();
      await new Promise((res) => srv.close(res));
    }
  });
  const port = (srv: http.Server) => (srv.address() as AddressInfo).port;

  test('an unmet requirement skips without running the script', async () => {
    const marker = (n: string) => `touch ran-${n}`;
    const req = (r: Partial<Scenario['requires']>) => ({ requires: { commands: [], env: [], urls: [], ...r } });
    const results = await run(
      [
        scenario('cmd', marker('cmd'), req({ commands: ['bash', 'wg-policy-no-such-command'] })),
        scenario('env', marker('env'), req({ env: ['WGP_TEST_SET', 'WGP_TEST_EMPTY'] })),
        scenario('slow_url', marker('slow_url'), req({ urls: [`http://127.0.0.1:${port(silent)}/health`] })),
        scenario('dead_url', marker('dead_url'), req({ urls: [`http://127.0.0.1:${closedPort}/`] })),
      ],
      { env: { ...process.env, WGP_TEST_SET: '1', WGP_TEST_EMPTY: '' }, urlTimeoutMs: 300 },
    );
    expect(results.map((r) => [r.outcome, r.reason])).toEqual([
      ['skip', 'requires command `wg-policy-no-such-command` on PATH'],
      ['skip', 'requires env WGP_TEST_EMPTY'],
      ['skip', `requires http://127.0.0.1:${port(silent)}/health reachable (timed out after 0.3s)`],
      ['skip', `requires http://127.0.0.1:${closedPort}/ reachable (ECONNREFUSED)`],
    ]);
    for (const n of ['cmd', 'env', 'slow_url', 'dead_url']) expect(existsSync(path.join(dir, `ran-${n}`))).toBe(false);
    expect(renderResultLine(results[1])).toBe(`  SKIP  env (${(results[1].durationMs / 1000).toFixed(1)} s) — requires env WGP_TEST_EMPTY`);
  });

  test('met requirements run the script (any HTTP answer counts)', async () => {
    const s = scenario('all_met', 'touch ran', {
      requires: { commands: ['bash'], env: ['WGP_TEST_SET'], urls: [`http://127.0.0.1:${port(answering)}/missing`] },
    });
    const [r] = await run([s], { env: { ...process.env, WGP_TEST_SET: '1' } });
    expect(r.outcome).toBe('pass');
    expect(existsSync(path.join(dir, 'ran'))).toBe(true);
  });
});

test('renderResultLine follows wg’s format, with each duration and (when asked) a failure’s log file', () => {
  const base: ScenarioResult = {
    name: 'x',
    outcome: 'pass',
    exitCode: 0,
    signal: null,
    timedOut: false,
    durationMs: 1250,
    stderrTail: '',
    stdoutTail: '',
    logFile: '/l/x.log',
    owners: [],
  };
  expect(renderResultLine(base)).toBe('  PASS  x (1.3 s)');
  expect(renderResultLine(base, true)).toBe('  PASS  x (1.3 s)');
  expect(renderResultLine({ ...base, outcome: 'skip', exitCode: 77, reason: 'no key' })).toBe('  SKIP  x (1.3 s) — no key');
  expect(renderResultLine({ ...base, outcome: 'fail', exitCode: 1, stderrTail: 'a\nb' })).toBe('  FAIL  x (exit 1, 1.3 s)\n        a\n        b');
  expect(renderResultLine({ ...base, outcome: 'fail', exitCode: 1, stderrTail: 'a' }, true)).toBe(
    '  FAIL  x (exit 1, 1.3 s)\n        a\n        log: /l/x.log',
  );
  expect(renderResultLine({ ...base, outcome: 'timeout', exitCode: null, reason: 'timed out after 2s' }, true)).toBe(
    '  FAIL  x (timed out after 2s, 1.3 s)\n        log: /l/x.log',
  );
  expect(renderResultLine({ ...base, outcome: 'error', exitCode: null, reason: 'script not found: /s.sh' })).toBe(
    '  ERROR x (1.3 s) — script not found: /s.sh',
  );
});

describe('what the judged agent’s environment cannot do to a scenario (found by an adversarial walk-through)', () => {
  test('BASH_ENV, ENV and exported functions are not passed on: bash runs the script as written', async () => {
    const early = path.join(dir, 'early.sh');
    writeFileSync(early, 'exit 0\n');
    const env = { ...process.env, BASH_ENV: early, ENV: early, 'BASH_FUNC_check%%': '() {  exit 0\n}' };
    const [r] = await run([scenario('strict', 'type check >/dev/null 2>&1 && exit 0\nexit 1')], { env });
    expect(r.outcome).toBe('fail');
  });

  test('a scenario that signals SIGUSR1 to the gate opens no inspector there (a real process: jest gives tests a process object of its own)', () => {
    const p = projectWithTasks([{ id: 't1', title: 'one' }]);
    try {
      const smoke = path.join(p.project, 'tests', 'smoke');
      mkdirSync(smoke, { recursive: true });
      writeFileSync(path.join(smoke, 'manifest.toml'), '[[scenario]]\nname = "usr1"\nscript = "usr1.sh"\nowners = ["t1"]\n');
      writeFileSync(path.join(smoke, 'usr1.sh'), 'kill -USR1 $PPID; sleep 0.5; exit 1\n');
      const r = cli(['gate', 't1', '--dir', p.wgDir, '--no-audit'], { home: p.home });
      expect(r.code).toBe(1);
      expect(r.stderr).not.toContain('Debugger listening');
      expect(r.stderr).toMatch(/FAIL +usr1/);
    } finally {
      p.cleanup();
    }
  });
});

test('a scenario folder replaced by a symlink to other scripts is a weakening finding for an agent (found by an adversarial walk-through)', () => {
  const p = projectWithTasks([{ id: 't1', title: 'one' }]);
  const fake = mkdtempSync(path.join(os.tmpdir(), 'wgp-fake-'));
  try {
    const smoke = path.join(p.project, 'smoke');
    mkdirSync(path.join(smoke, 'scenarios'), { recursive: true });
    writeFileSync(path.join(smoke, 'manifest.toml'), '[[scenario]]\nname = "a"\nscript = "scenarios/a.sh"\nowners = ["t1"]\n');
    writeFileSync(path.join(smoke, 'scenarios', 'a.sh'), 'exit 1\n');
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args], { cwd: p.project });
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-qm', 'base');
    git('checkout', '-qb', 'agent');
    writeFileSync(path.join(fake, 'a.sh'), 'exit 0\n');
    rmSync(path.join(smoke, 'scenarios'), { recursive: true });
    symlinkSync(fake, path.join(smoke, 'scenarios'));
    const r = cli(['gate', 't1', '--dir', p.wgDir, '--manifest', path.join(smoke, 'manifest.toml'), '--no-audit'], {
      home: p.home,
      env: { WG_AGENT_ID: 'agent-1' },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('`smoke/scenarios/a.sh`, a scenario script, now reached through a symlink, changed since the base');
  } finally {
    p.cleanup();
    rmSync(fake, { recursive: true, force: true });
  }
});

test('a log file stops at its cap (a scenario printing without end must not fill the disk); the output drains on and the tail is its end', async () => {
  const s = scenario('chatty', 'for i in $(seq 1 5000); do echo "line $i"; done; exit 1');
  const [r] = await run([s], { logMaxBytes: 1000 });
  expect(r.outcome).toBe('fail');
  const log = readFileSync(r.logFile, 'utf8');
  expect(log.startsWith('line 1\nline 2\n')).toBe(true);
  expect(log).toMatch(/\n\[wg-policy: this log stops at 1000 bytes; the output went on\]\n$/);
  expect(Buffer.byteLength(log)).toBeLessThan(1100);
  expect(r.stdoutTail.endsWith('line 5000')).toBe(true);
});
