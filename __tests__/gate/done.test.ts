// `done`: the gate decides, and only an allowed gate changes graph.jsonl: one task line, under wg's lock, as wg writes it.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { completeTask } from '../../src/gate/done.js';
import { PolicyError } from '../../src/shared/errors.js';
import { BIN, scratch } from '../support/project.js';
import { hostCli } from '../support/cli-host.js';

const GRAPH = [
  '# a comment wg skips',
  '{"kind":"task","id":"t1","title":"owner","status":"in-progress","log":[{"timestamp":"2026-01-01T00:00:00+00:00","message":"Spawned"}],"custom":{"n":1.0,"e":"\\u00e9"}}',
  '',
  '{"kind":"resource","id":"gpu","available":2}',
  '{"kind":"task","id":"t2","title":"other","status":"open","priority":"high","token_usage":{"input":12345678901234567890}}',
  '',
].join('\n');

/** A project whose manifest gives t1 the scenarios `body` maps (name → script body). */
function project(bodies: Record<string, string>, graph = GRAPH) {
  const s = scratch();
  writeFileSync(join(s.wgDir, 'graph.jsonl'), graph);
  const smoke = join(s.project, 'tests', 'smoke');
  mkdirSync(smoke, { recursive: true });
  const names = Object.keys(bodies);
  writeFileSync(join(smoke, 'manifest.toml'), names.map((n) => `[[scenario]]\nname = "${n}"\nscript = "${n}.sh"\nowners = ["t1"]\n`).join('\n'));
  for (const n of names) writeFileSync(join(smoke, `${n}.sh`), `${bodies[n]}\n`);
  return { ...s, graph: join(s.wgDir, 'graph.jsonl'), smoke };
}

const lines = (file: string) => readFileSync(file, 'utf8').split('\n');

test('test_done_blocks_when_smoke_scenario_fails', () => {
  const p = project({ passes: 'exit 0', breaks: 'echo "want claude, got native" >&2; exit 1' });
  const r = hostCli(['done', 't1', '--dir', p.wgDir, '--json'], { cwd: p.project, home: p.home });
  expect(r.code).toBe(1);
  expect(r.stderr).toContain("Smoke gate refused 'wg done t1': 1 scenario(s) broken — breaks (exit 1)");
  expect(r.stderr).toContain('Fix the regression or, if you understand why this is non-blocking, rerun with --skip-smoke (humans only).');
  expect(r.stderr).toContain('want claude, got native');
  const out = JSON.parse(r.stdout);
  expect(out).toMatchObject({ allowed: false, written: null, say: null, determining: [{ rule: 'done.scenario-broken' }] });
  expect(readFileSync(p.graph, 'utf8')).toBe(GRAPH);
  expect(readdirSync(p.wgDir).filter((f) => f.startsWith('.graph.tmp'))).toEqual([]);
});

test('test_done_succeeds_when_all_owned_scenarios_pass', () => {
  const p = project({ first: 'exit 0', second: 'echo ok' });
  const r = hostCli(['done', 't1', '--dir', p.wgDir, '--json'], { cwd: p.project, home: p.home, env: { WG_AGENT_ID: 'agent-3', USER: 'carol' } });
  expect(r.code).toBe(0);
  const out = JSON.parse(r.stdout);
  expect(out).toMatchObject({
    allowed: true,
    determining: [{ rule: 'done.scenarios-passed' }],
    transition: { status: 'done', rule: 'transition.done' },
    written: { task: 't1', from: 'in-progress', to: 'done', line: 2, message: 'Task marked as done' },
    say: "Marked 't1' as done",
  });
  const before = GRAPH.split('\n');
  const after = lines(p.graph);
  expect(after.length).toBe(before.length);
  after.forEach((l, i) => i !== 1 && expect([i, l]).toEqual([i, before[i]]));
  const t1 = JSON.parse(after[1]);
  expect(t1.status).toBe('done');
  expect(t1.completed_at).toBe(out.written.completedAt);
  expect(t1.completed_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}\+00:00$/);
  expect(t1.log).toHaveLength(2);
  // wg's entry: no actor (t1 has no `assigned`; WG_AGENT_ID is not the actor), the user from $USER, wg's text.
  expect(JSON.stringify(t1.log[1])).toBe(`{"timestamp":"${t1.completed_at}","user":"carol","message":"Task marked as done"}`);
  // every other field of the task line is kept byte for byte
  expect(after[1]).toContain('"custom":{"n":1.0,"e":"\\u00e9"}');
  expect(
    after[1].startsWith('{"kind":"task","id":"t1","title":"owner","status":"done","log":[{"timestamp":"2026-01-01T00:00:00+00:00","message":"Spawned"},{'),
  ).toBe(true);
});

test('done keeps the graph file mode and leaves no temp file', () => {
  const p = project({ ok: 'exit 0' });
  chmodSync(p.graph, 0o600);
  expect(hostCli(['done', 't1', '--dir', p.wgDir], { cwd: p.project, home: p.home }).code).toBe(0);
  expect(statSync(p.graph).mode & 0o777).toBe(0o600);
  // Besides the graph and its lock, only the decision log and its head are there (the log's writer lock is removed after the append).
  expect(readdirSync(p.wgDir).sort()).toEqual(['graph.jsonl', 'graph.lock', 'policy-audit.jsonl', 'policy-audit.jsonl.head']);
});

test('without --json, stdout carries exactly the line wg prints; the verdict goes to stderr', () => {
  const p = project({ ok: 'exit 0' });
  const r = hostCli(['done', 't1', '--dir', p.wgDir], { cwd: p.project, home: p.home });
  expect(r).toMatchObject({ code: 0, stdout: "Marked 't1' as done\n" });
  expect(r.stderr).toMatch(/1 passed, 0 failed, 0 skipped in \d+\.\d s\n$/);
});

test('an already-done task is wg’s no-op: exit 0, its line on stdout, nothing run, nothing written', async () => {
  for (const status of ['done', 'pending-review']) {
    const graph = `{"kind":"task","id":"t1","title":"x","status":"${status}"}\n`;
    const p = project({ marks: `touch "${'$'}PWD/ran"; exit 1` }, graph);
    const out = await completeTask({ taskId: 't1', dir: p.wgDir, cwd: p.project, env: { PATH: process.env.PATH, HOME: p.home } });
    expect(out).toMatchObject({ verdict: { allowed: true, results: [] }, transition: null, say: "Task 't1' is already done" });
    expect(existsSync(join(p.smoke, 'ran'))).toBe(false);
    expect(readFileSync(p.graph, 'utf8')).toBe(graph);
    const r = hostCli(['done', 't1', '--dir', p.wgDir], { cwd: p.project, home: p.home });
    expect(r).toMatchObject({ code: 0, stdout: "Task 't1' is already done\n" });
    expect(r.stderr).not.toContain('already done'); // said once: a terminal shows stdout and stderr together
    expect(r.stderr).toContain('(allow by transition.already-done,');
    expect(readFileSync(p.graph, 'utf8')).toBe(graph);
  }
});

test('failed and abandoned tasks go to done, as in wg', async () => {
  for (const status of ['failed', 'abandoned']) {
    const p = project({ ok: 'exit 0' }, `{"kind":"task","id":"t1","title":"x","status":"${status}","failure_reason":"r"}\n`);
    const out = await completeTask({ taskId: 't1', dir: p.wgDir, cwd: p.project, env: { PATH: process.env.PATH, HOME: p.home } });
    expect(out.transition).toMatchObject({ from: status, to: 'done' });
    expect(JSON.parse(readFileSync(p.graph, 'utf8'))).toMatchObject({ status: 'done', failure_reason: 'r' });
  }
});

test('a status the decision read that changes while the scenarios run: nothing is written (task-status, exit 1)', async () => {
  const p = project({ slow: 'sleep 0.5' });
  const flip = async () => {
    await new Promise((res) => setTimeout(res, 150));
    writeFileSync(p.graph, readFileSync(p.graph, 'utf8').replace('"status":"in-progress"', '"status":"abandoned"'));
  };
  const [err] = await Promise.all([
    completeTask({ taskId: 't1', dir: p.wgDir, cwd: p.project, env: { PATH: process.env.PATH, HOME: p.home } }).then(
      () => null,
      (e: unknown) => e,
    ),
    flip(),
  ]);
  expect(err).toBeInstanceOf(PolicyError);
  expect(err).toMatchObject({ code: 'task-status', message: expect.stringContaining('task `t1` changed while the gate ran (in-progress → abandoned)') });
  expect(JSON.parse(readFileSync(p.graph, 'utf8').split('\n')[1]).status).toBe('abandoned');
});

test('test_done_uninitialized_workgraph_fails (done.rs:2730): no graph.jsonl is bad input that says to run wg init', () => {
  const s = scratch();
  try {
    const r = hostCli(['done', 't1', '--dir', s.wgDir], { cwd: s.project, home: s.home });
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toBe(
      "wg-policy: .wg/graph.jsonl: cannot read graph `.wg/graph.jsonl`: does not exist [file-unreadable]\n  help: this wg dir has no graph yet: run 'wg init' first\n",
    );
  } finally {
    s.cleanup();
  }
});

test('done without a wg directory is bad input, even with --full-smoke and --manifest', () => {
  const p = project({ ok: 'exit 0' });
  const r = hostCli(['done', 'smoke-all', '--full-smoke', '--manifest', join(p.smoke, 'manifest.toml')], { cwd: p.root, home: p.home });
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('no wg directory found');
});

describe('under graph.lock', () => {
  /** Starts `flock -x <lock> sh -c <script>` and resolves once it holds the lock. */
  function holdLock(lock: string, script: string) {
    const child = spawn('flock', ['-x', lock, 'sh', '-c', `echo held; ${script}`], { stdio: ['ignore', 'pipe', 'inherit'] });
    const held = new Promise<void>((res) => child.stdout.once('data', () => res()));
    const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
    return { held, exited };
  }

  /** Runs the CLI; `onStderr` sees stderr as it grows. */
  function runCli(
    args: string[],
    cwd: string,
    home: string,
    onStderr: (text: string) => void = () => {},
  ): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { PATH: process.env.PATH, HOME: home, TMPDIR: tmpdir(), NO_COLOR: '1' } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => (stdout += c));
      child.stderr.on('data', (c) => onStderr((stderr += c)));
      child.once('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  test('done waits for another holder of graph.lock, re-reads under it, and keeps what the holder wrote', async () => {
    const p = project({ ok: 'exit 0' });
    const lock = join(p.wgDir, 'graph.lock');
    const added = '{"kind":"task","id":"t3","title":"written by the lock holder","status":"open"}';
    // The holder keeps the lock until done says it is waiting for it, then writes a task and lets go.
    const release = join(p.root, 'release');
    const holder = holdLock(lock, `for i in $(seq 600); do [ -e '${release}' ] && break; sleep 0.05; done; printf '%s\\n' '${added}' >> '${p.graph}'`);
    await holder.held;
    const r = await runCli(['done', 't1', '--dir', p.wgDir], p.project, p.home, (stderr) => {
      if (stderr.includes('waiting for graph.lock')) writeFileSync(release, '');
    });
    expect(await holder.exited).toBe(0);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('waiting for graph.lock');
    const after = lines(p.graph);
    expect(JSON.parse(after[1]).status).toBe('done');
    expect(after).toContain(added); // the holder's write survived: the graph was read under the lock
    expect(after.filter((l, i) => i !== 1)).toEqual([
      ...GRAPH.split('\n')
        .filter((_, i) => i !== 1)
        .slice(0, -1),
      added,
      '',
    ]);
  });

  test('with -q, done waits for graph.lock without saying so', async () => {
    const p = project({ ok: 'exit 0' });
    const holder = holdLock(join(p.wgDir, 'graph.lock'), 'sleep 0.6'); // past the 200 ms after which done says it waits
    await holder.held;
    const r = await runCli(['done', 't1', '--dir', p.wgDir, '-q'], p.project, p.home);
    expect(await holder.exited).toBe(0);
    expect([r.code, r.stdout, r.stderr]).toEqual([0, "Marked 't1' as done\n", '']);
    expect(JSON.parse(lines(p.graph)[1]).status).toBe('done');
  });

  test('while done writes, the lock is held exclusively and released afterwards', async () => {
    const { withFileLock } = await import('../../src/shared/lock.js');
    const p = project({});
    const lock = join(p.wgDir, 'graph.lock');
    const probe = () => spawnSync('flock', ['-n', lock, 'true']).status;
    const value = await withFileLock(lock, probe);
    expect(value).toBe(1); // busy while held
    expect(probe()).toBe(0); // free again
  });
});
