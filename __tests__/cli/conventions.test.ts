// CLI conventions: a closed pipe ends quietly, invalid values list what is allowed, -q everywhere, colour switches.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syntheticBody, writeSyntheticLog } from '../audit/helpers.js';
import { BIN, cli, scratch } from '../support/project.js';
import { hostCli } from '../support/cli-host.js';

const s = scratch({
  'project/.wg/config.toml': '[dispatcher]\nexecutor = "claude"\n',
  'project/.wg/graph.jsonl': `${JSON.stringify({ kind: 'task', id: 't1', title: 'x' })}\n${JSON.stringify({ kind: 'task', id: 't2', title: 'y' })}\n`,
  'project/smoke/manifest.toml':
    '[[scenario]]\nname = "fine"\nscript = "fine.sh"\nowners = ["t1"]\n\n[[scenario]]\nname = "broken"\nscript = "broken.sh"\nowners = ["t2"]\n',
  'project/smoke/fine.sh': 'exit 0\n',
  'project/smoke/broken.sh': 'exit 4\n',
});
afterAll(() => s.cleanup());
const run = (args: string[], env: NodeJS.ProcessEnv = {}) => hostCli(args, { cwd: s.project, home: s.home, env: { CI: '1', ...env } });

/** Runs the CLI with the reading end of its stdout closed before it writes anything. */
function closedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [BIN, ...args], {
      cwd: s.project,
      env: { PATH: process.env.PATH, HOME: s.home, TMPDIR: tmpdir() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    c.stdout.destroy();
    let stderr = '';
    c.stderr.on('data', (d) => (stderr += d));
    c.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('a reader that goes away', () => {
  test('--help and a long audit list end quietly with exit 0 when stdout is closed', async () => {
    const log = join(s.root, 'big.jsonl');
    writeSyntheticLog(log, 3000, (seq) => syntheticBody(seq));
    expect(await closedStdout(['--help'])).toEqual({ code: 0, stderr: '' });
    expect(await closedStdout(['audit', 'list', '--audit-log', log])).toEqual({ code: 0, stderr: '' });
    expect(await closedStdout(['completion', 'bash'])).toEqual({ code: 0, stderr: '' });
  });

  test('`wg-policy --help | head -1` under pipefail', () => {
    const r = spawnSync('bash', ['-c', `set -o pipefail; ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} --help | head -1`], { encoding: 'utf8' });
    expect([r.status, r.stdout, r.stderr]).toEqual([0, 'Usage: wg-policy [options] [command]\n', '']);
  });
});

// Linux's /dev/full refuses every write with ENOSPC: output that cannot be written is exit 2, one line, no stack trace.
describe.each([existsSync('/dev/full') ? '/dev/full' : []].flat())('stdout that cannot be written (%s)', (full) => {
  test.each([[['plan', 't1', '--no-audit']], [['plan', '--all']], [['serve', '--stdio', '--no-audit']]])('%j is write-failed, exit 2', (args) => {
    const r = spawnSync('sh', ['-c', `"$NODE" "$BIN" "$@" --dir .wg > ${full}`, 'sh', ...args], {
      cwd: s.project,
      env: { PATH: process.env.PATH, HOME: s.home, TMPDIR: tmpdir(), NODE: process.execPath, BIN },
      input: '{"id":1,"op":"plan","task":"t1"}\n',
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('wg-policy: cannot write to stdout: no space left on device [write-failed]');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('an invalid value is exit 2 and says what is allowed', () => {
  test.each([
    [['audit', 'list', '--kind', 'gatee'], "wg-policy: option '--kind <kind>' argument 'gatee' is invalid. Allowed choices are spawn, gate. [usage]"],
    [['completion', 'tcsh'], "wg-policy: command-argument value 'tcsh' is invalid for argument 'shell'. Allowed choices are bash, zsh, fish. [usage]"],
    [
      ['audit', 'list', '--since', '2 hours'],
      "wg-policy: option '--since <time>' argument '2 hours' is invalid. Use a duration back from now (30m, 2h, 3d, 1w; units s, m, h, d, w) or an ISO time",
    ],
    [['audit', 'list', '--until', 'yesterday'], "argument 'yesterday' is invalid. Use a duration back from now"],
    [['audit', 'list', '--limit', '0'], "wg-policy: option '--limit <n>' argument '0' is invalid. Use a whole number of at least 1. [usage]"],
    [
      ['audit', 'list', '--field', 'exector'],
      'wg-policy: `--field` must be one of launch, exec-mode, model, executor, compat, executor-config, model-override, model-id, provider, endpoint, agent-id, prompt-file, timeout, env, argv, allow, warn, deny, not `exector`; did you mean `executor`? [usage]',
    ],
  ])('%j', (args, message) => {
    const r = run(args);
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

test('a usage error reads as every other error (its code last), and with --json is also data on stdout', () => {
  const r = run(['audit', 'list', '--kind', 'gatee', '--json']);
  expect(r.code).toBe(2);
  expect(r.stderr.split('\n')[0]).toBe("wg-policy: option '--kind <kind>' argument 'gatee' is invalid. Allowed choices are spawn, gate. [usage]");
  expect(JSON.parse(r.stdout)).toEqual({ error: { code: 'usage', message: expect.stringContaining('Allowed choices are spawn, gate.'), exit: 2 } });
});

describe('-q', () => {
  test('plan, explain, check, audit verify and audit show keep stderr (and check and verify their all-clear) quiet', () => {
    const plan = run(['plan', 't1', '-q']);
    expect([plan.code, plan.stderr, JSON.parse(plan.stdout).executor]).toEqual([0, '', 'claude']);
    const explain = run(['explain', 't1', '-q']);
    expect([explain.code, explain.stderr]).toEqual([0, '']);
    expect(explain.stdout).toContain('executor');
    expect(run(['check', '-q'])).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(run(['check'])).toMatchObject({ code: 0, stdout: '', stderr: expect.stringMatching(/^0 errors, 0 warnings$/m) });
    expect(run(['audit', 'verify', '-q'])).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const id = run(['audit', 'list', '--json', '-q']).stdout.split('\n')[0];
    const show = run(['audit', 'show', JSON.parse(id).id.slice(0, 12), '-q']);
    expect([show.code, show.stderr, show.stdout.startsWith('decision ')]).toEqual([0, '', true]);
  });

  test('gate and done: nothing when allowed; only the denial when denied', () => {
    expect(run(['gate', 't1', '-q'])).toMatchObject({ code: 0, stderr: '' });
    const denied = run(['gate', 't2', '-q']);
    expect(denied.code).toBe(1);
    expect(denied.stderr).not.toContain('Smoke gate: running');
    expect(denied.stderr).not.toContain('FAIL  broken');
    expect(denied.stderr).toContain("Smoke gate refused 'wg done t2': 1 scenario(s) broken — broken (exit 4)");
    expect(run(['done', 't1', '-q'])).toMatchObject({ code: 0, stdout: "Marked 't1' as done\n", stderr: '' }); // stdout is data: -q keeps it
  });
});

describe('colour', () => {
  // Which of NO_COLOR, FORCE_COLOR and the flags wins is color.test.ts; here, that the commands follow it.
  test('a denial is coloured with FORCE_COLOR, and not with --no-color', () => {
    const env = { NO_COLOR: '', FORCE_COLOR: '1' };
    expect(run(['gate', 't2'], env).stderr).toContain('\x1b[31;1mSmoke gate refused');
    expect(run(['--no-color', 'gate', 't2'], env).stderr).not.toContain('\x1b[');
  });

  test('NO_COLOR and FORCE_COLOR both set: no colour, and no Node warning about the pair (a real process)', () => {
    const r = cli(['gate', 't2'], { cwd: s.project, home: s.home, env: { CI: '1', NO_COLOR: '1', FORCE_COLOR: '1' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Smoke gate refused 'wg done t2'");
    expect(r.stderr).not.toContain('\x1b[');
    expect(r.stderr).not.toMatch(/Warning|node:\d+/);
  });

  test('help titles are bold only when colour is on', () => {
    expect(run(['audit', 'list', '--help'], { NO_COLOR: '', FORCE_COLOR: '1' }).stdout).toMatch(/\x1b\[1mUsage:\x1b\[22m[\s\S]*\x1b\[1mExamples:/);
    expect(run(['--help', '--color'], {}).stdout).toContain('\x1b[1mUsage:');
    expect(run(['--help', '--no-color'], { NO_COLOR: '', FORCE_COLOR: '1' }).stdout).not.toContain('\x1b[');
  });
});
