// Fault injection: a full or read-only disk under the decision log, graph.jsonl and the JUnit path; kill -9 of done
// and plan at random points; config and policy files replaced or half-written mid-run; a lock holder that dies.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyLog } from '../../src/audit/chain.js';
import { headPathFor, logFilesInOrder } from '../../src/audit/files.js';
import { BIN, scratch } from '../support/project.js';
import { expectRefused, run } from '../support/hostile.js';
import { sized, STRESS } from '../support/stress.js';

const TASK = { kind: 'task', id: 't1', title: 'a task', status: 'in-progress' };
const OTHER = { kind: 'task', id: 'o', title: 'another task', status: 'open', description: 'x'.repeat(1500) };

let cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});

function project(files: Record<string, string> = {}) {
  const s = scratch(files);
  cleanups.push(() => s.cleanup());
  writeFileSync(join(s.wgDir, 'graph.jsonl'), `${JSON.stringify(OTHER)}\n${JSON.stringify(TASK)}\n`);
  return s;
}

/**
 * Makes `dir` read-only: a read-only tmpfs remount where the machine allows mounting (root with CAP_SYS_ADMIN), else
 * null and the caller uses the file-size-limit route (every write fails, EFBIG), which takes the same failure paths.
 */
function readOnlyMount(dir: string, fill: (d: string) => void): boolean {
  mkdirSync(dir, { recursive: true });
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { stdio: 'ignore' }).status !== 0) {
    fill(dir);
    return false;
  }
  cleanups.push(() => void spawnSync('umount', ['-l', dir], { stdio: 'ignore' }));
  fill(dir);
  if (spawnSync('mount', ['-o', 'remount,ro', dir], { stdio: 'ignore' }).status !== 0) return false;
  return true;
}

describe('a full disk (file size limit) and a read-only folder', () => {
  test('decision log: plan exits 2, prints no plan, leaves no half record; the log verifies and later records chain on', () => {
    const s = project();
    expect(run(['plan', 't1', '--dir', s.wgDir], { home: s.home }).code).toBe(0);
    const log = join(s.wgDir, 'policy-audit.jsonl');
    const before = readFileSync(log);
    const r = run(['plan', 't1', '--dir', s.wgDir], { home: s.home, fileLimitBlocks: Math.floor(before.length / 1024) + 1 });
    expectRefused(r, 'audit-unrecordable');
    expect(r.stdout).toBe('');
    expect(readFileSync(log).equals(before)).toBe(true);
    expect(run(['plan', 't1', '--dir', s.wgDir], { home: s.home }).code).toBe(0);
    expect(run(['audit', 'verify', '--dir', s.wgDir], { home: s.home }).code).toBe(0);
    expect(readFileSync(log, 'utf8').trim().split('\n')).toHaveLength(2);
  });

  test('decision log in a read-only folder: gate records nothing and allows nothing', () => {
    const s = project();
    const ro = join(s.root, 'ro');
    const mounted = readOnlyMount(ro, () => undefined);
    const r = run(['gate', 't1', '--dir', s.wgDir, '--skip-smoke', '--audit-log', join(ro, 'log.jsonl')], {
      home: s.home,
      cwd: s.project,
      ...(mounted ? {} : { fileLimitBlocks: 0 }),
    });
    expectRefused(r, 'audit-unrecordable');
    expect(existsSync(join(ro, 'log.jsonl'))).toBe(false);
  });

  test('graph.jsonl: done exits 2 naming it and leaves the graph byte for byte, no temp file behind', () => {
    const s = project();
    // A task line longer than the one block the limit allows, so the rewrite cannot fit.
    const graph = join(s.wgDir, 'graph.jsonl');
    writeFileSync(graph, `${JSON.stringify(OTHER)}\n${JSON.stringify({ ...TASK, description: 'x'.repeat(2000) })}\n`);
    const before = readFileSync(graph);
    const r = run(['done', 't1', '--dir', s.wgDir, '--skip-smoke', '--no-audit'], { home: s.home, cwd: s.project, fileLimitBlocks: 1 });
    expectRefused(r, 'write-failed');
    expect(r.stderr).toContain('graph.jsonl');
    expect(readFileSync(graph).equals(before)).toBe(true);
    expect(spawnSync('ls', ['-A', s.wgDir], { encoding: 'utf8' }).stdout).not.toMatch(/graph\.tmp/);
  });

  test('graph.jsonl in a read-only wg dir: done exits 2, the verdict says why, the graph is unchanged', () => {
    const s = scratch();
    cleanups.push(() => s.cleanup());
    const wg = join(s.root, 'ro', '.wg');
    const graph = `${JSON.stringify(OTHER)}\n${JSON.stringify(TASK)}\n`;
    const mounted = readOnlyMount(join(s.root, 'ro'), (d) => {
      mkdirSync(join(d, '.wg'), { recursive: true });
      writeFileSync(join(d, '.wg', 'graph.jsonl'), graph);
      writeFileSync(join(d, '.wg', 'graph.lock'), '');
    });
    const r = run(['done', 't1', '--dir', wg, '--skip-smoke', '--no-audit'], {
      home: s.home,
      cwd: join(s.root, 'ro'),
      ...(mounted ? {} : { fileLimitBlocks: 0 }),
    });
    expectRefused(r, 'write-failed');
    expect(readFileSync(join(wg, 'graph.jsonl'), 'utf8')).toBe(graph);
  });

  test('JUnit path: gate exits 2 before recording, so no allowed verdict is in the log', () => {
    const s = project();
    const r = run(['gate', 't1', '--dir', s.wgDir, '--skip-smoke', '--junit', join(s.root, 'j.xml')], { home: s.home, cwd: s.project, fileLimitBlocks: 0 });
    expectRefused(r, 'junit-write');
    const log = join(s.wgDir, 'policy-audit.jsonl');
    expect(existsSync(log) ? readFileSync(log, 'utf8') : '').not.toContain('"allowed":true');
    expect(existsSync(join(s.root, 'j.xml'))).toBe(false);
  });
});

/** Starts the CLI, SIGKILLs it after `ms`, and resolves when it is gone. */
function killAfter(args: string[], ms: number, opts: { home: string; cwd: string }): Promise<number | null> {
  return new Promise((resolve) => {
    const child: ChildProcess = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd,
      env: { PATH: process.env.PATH, HOME: opts.home, NO_COLOR: '1' },
      stdio: 'ignore',
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

/** `audit verify` exits 0 (the output is in the failure message when it does not). */
function expectVerifies(s: { wgDir: string; home: string }): void {
  const v = run(['audit', 'verify', '--dir', s.wgDir], { home: s.home });
  expect({ code: v.code, out: v.code === 0 ? '' : v.stdout + v.stderr }).toEqual({ code: 0, out: '' });
}

/**
 * After each kill: the chain verifies. `npm test` checks it in process, as `audit verify` does (verifyLog over the log's
 * files and its head); `npm run stress` runs `audit verify` itself every time. Each sweep ends with a real `audit verify`.
 */
async function expectVerifiesAfterKill(s: { wgDir: string; home: string }): Promise<void> {
  if (STRESS) return expectVerifies(s);
  const log = join(s.wgDir, 'policy-audit.jsonl');
  const r = await verifyLog(logFilesInOrder(log), { head: headPathFor(log) });
  expect({ ok: r.ok, problem: r.problem }).toEqual({ ok: true, problem: undefined });
}

/**
 * A deterministic spread of kill points (ms) over a CLI run's life: start-up, reading, deciding, writing. All ten
 * under `npm run stress`; four of them, one per phase, in `npm test`.
 */
const KILL_POINTS = sized([40, 160, 260, 420], [5, 40, 80, 120, 160, 200, 260, 330, 420, 600]);

describe('kill -9 at any point', () => {
  test('done: graph.jsonl is always the old or the new file; the log always verifies', async () => {
    const s = project();
    const graph = join(s.wgDir, 'graph.jsonl');
    const old = readFileSync(graph, 'utf8');
    let changed = 0;
    for (const ms of KILL_POINTS) {
      writeFileSync(graph, old);
      await killAfter(['done', 't1', '--dir', s.wgDir, '--skip-smoke'], ms, { home: s.home, cwd: s.project });
      const now = readFileSync(graph, 'utf8');
      if (now !== old) {
        changed++;
        const lines = now.split('\n');
        expect(lines[0]).toBe(old.split('\n')[0]);
        expect(JSON.parse(lines[1])).toMatchObject({ id: 't1', status: 'done' });
        expect(lines).toHaveLength(old.split('\n').length);
      }
      if (existsSync(join(s.wgDir, 'policy-audit.jsonl'))) await expectVerifiesAfterKill(s);
    }
    // The last run is never killed: it completes and chains onto whatever the killed runs left.
    writeFileSync(graph, old);
    expect(run(['done', 't1', '--dir', s.wgDir, '--skip-smoke'], { home: s.home, cwd: s.project }).code).toBe(0);
    expect(run(['audit', 'verify', '--dir', s.wgDir], { home: s.home }).code).toBe(0);
    expect(changed).toBeLessThanOrEqual(KILL_POINTS.length);
  }, 60_000);

  test('plan: the log always verifies and a later plan chains on', async () => {
    const s = project();
    for (const ms of KILL_POINTS) {
      await killAfter(['plan', 't1', '--dir', s.wgDir, '-q'], ms, { home: s.home, cwd: s.project });
      if (existsSync(join(s.wgDir, 'policy-audit.jsonl'))) await expectVerifiesAfterKill(s);
    }
    expect(run(['plan', 't1', '--dir', s.wgDir, '-q'], { home: s.home }).code).toBe(0);
    expectVerifies(s);
  }, 60_000);
});

/** Plans run one after another while the files change under them (8 under `npm run stress`). */
const PLANS_WHILE_SWAPPING = sized(4, 8);

describe('files replaced or half-written mid-run', () => {
  test('config.toml and a policy file swapped while plans run: every plan is one of the valid answers or one sentence', async () => {
    const s = project({ 'project/.wg/config.toml': '[dispatcher]\nexecutor = "claude"\n' });
    const config = join(s.wgDir, 'config.toml');
    const policy = join(s.wgDir, 'policies', 'p.yaml');
    mkdirSync(join(s.wgDir, 'policies'), { recursive: true });
    const versions = ['[dispatcher]\nexecutor = "claude"\n', '[dispatcher]\nexecutor = "codex"\n', '[dispatcher]\nexecutor = "cod', ''];
    const policies = [
      'field: executor\nrules:\n  - id: executor.swap\n    description: swap\n    priority: 500\n    when: { all: [] }\n    then: { value: shell }\n',
      'field: executor\nrules:\n  - id: executor.swap\n    descr',
    ];
    let stop = false;
    const writer = (async () => {
      for (let i = 0; !stop; i++) {
        // Half the time atomically (rename), half the time in place (a reader may see a half-written file).
        const text = versions[i % versions.length];
        if (i % 2) {
          writeFileSync(`${config}.new`, text);
          renameSync(`${config}.new`, config);
        } else writeFileSync(config, text);
        if (i % 5 === 0) writeFileSync(policy, policies[(i / 5) % 2]);
        await new Promise((r) => setTimeout(r, 3));
      }
    })();
    const outcomes = new Set<string>();
    try {
      for (let i = 0; i < PLANS_WHILE_SWAPPING; i++) {
        const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
          const child = spawn(process.execPath, [BIN, 'plan', 't1', '--dir', s.wgDir, '--no-audit', '-q'], {
            env: { PATH: process.env.PATH, HOME: s.home, NO_COLOR: '1' },
          });
          let stdout = '';
          let stderr = '';
          child.stdout.on('data', (d) => (stdout += d));
          child.stderr.on('data', (d) => (stderr += d));
          child.on('exit', (code) => resolve({ code, stdout, stderr }));
        });
        expect([0, 1, 2]).toContain(r.code);
        expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
        if (r.code === 0) outcomes.add(JSON.parse(r.stdout).executor);
        else expect(r.stderr).toMatch(/\[[a-z-]+\]\n/);
      }
    } finally {
      stop = true;
      await writer;
    }
    for (const e of outcomes) expect(['claude', 'codex', 'shell']).toContain(e);
  }, 60_000);
});

describe('a lock holder that dies', () => {
  test('done waits for graph.lock, then proceeds when the holder is killed', async () => {
    const s = project();
    const lock = join(s.wgDir, 'graph.lock');
    writeFileSync(lock, '');
    // Its own process group, so the holder and its sleep die together (nothing is left behind).
    const holder = spawn('flock', ['-x', '-o', lock, 'sleep', '30'], { stdio: 'ignore', detached: true });
    const killHolder = () => {
      try {
        process.kill(-holder.pid!, 'SIGKILL');
      } catch {
        // gone already
      }
    };
    cleanups.push(killHolder);
    // Until the holder holds it (flock -n fails), with no fixed sleep.
    while (spawnSync('flock', ['-n', lock, 'true']).status === 0) await new Promise((r) => setTimeout(r, 20));
    let said: () => void = () => undefined;
    const waiting = new Promise<void>((resolve) => (said = resolve));
    const done = new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, 'done', 't1', '--dir', s.wgDir, '--skip-smoke', '--no-audit'], {
        cwd: s.project,
        env: { PATH: process.env.PATH, HOME: s.home, NO_COLOR: '1' },
      });
      let stderr = '';
      child.stderr.on('data', (d) => {
        stderr += d;
        if (stderr.includes('waiting for graph.lock')) said();
      });
      child.on('exit', (code) => {
        said();
        resolve({ code, stderr });
      });
    });
    // The holder dies only once done has said it is waiting for the lock (or has exited, which fails below).
    await waiting;
    killHolder();
    const r = await done;
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('waiting for graph.lock');
    expect(JSON.parse(readFileSync(join(s.wgDir, 'graph.jsonl'), 'utf8').split('\n')[1]).status).toBe('done');
  }, 60_000);
});
