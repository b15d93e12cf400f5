// Gate speed, measured in one run from outside the process: the gate's wall time against the same scenarios run directly
// in parallel (its overhead), and --jobs 1 against --jobs 8.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './cold.mjs';

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'wg-policy.cjs');

/** A scratch project whose task t1 owns `n` scenarios that each sleep `secs`. */
function project(n, secs) {
  const root = mkdtempSync(join(tmpdir(), 'wgp-bench-gate-'));
  const wgDir = join(root, '.wg');
  const smoke = join(root, 'tests', 'smoke');
  mkdirSync(wgDir, { recursive: true });
  mkdirSync(smoke, { recursive: true });
  writeFileSync(join(wgDir, 'graph.jsonl'), '{"kind":"task","id":"t1","title":"bench","status":"in-progress"}\n');
  const names = Array.from({ length: n }, (_, i) => `sleep_${i + 1}`);
  writeFileSync(
    join(smoke, 'manifest.toml'),
    names.map((s) => `[[scenario]]\nname = "${s}"\nscript = "${s}.sh"\nowners = ["t1"]\ntimeout_seconds = 30\n`).join('\n'),
  );
  for (const s of names) writeFileSync(join(smoke, `${s}.sh`), `sleep ${secs}\n`);
  return { root, wgDir };
}

/** One gate run: wall time (ms) and the verdict. */
function gate(p, jobs) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [BIN, 'gate', 't1', '--dir', p.wgDir, '--jobs', String(jobs), '--json'], {
    cwd: p.root,
    env: { PATH: process.env.PATH, HOME: p.root, NO_COLOR: '1', CI: '1' },
    encoding: 'utf8',
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`wg-policy gate --jobs ${jobs} exited ${r.status}: ${r.stderr}`);
  return { ms, verdict: JSON.parse(r.stdout) };
}

/** The scenarios run directly, all at once, from outside: the wall time until the last one exits (what no gate can beat). */
async function direct(p, n) {
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from(
      { length: n },
      (_, i) => new Promise((resolve) => spawn('bash', [join(p.root, 'tests', 'smoke', `sleep_${i + 1}.sh`)], { stdio: 'ignore' }).on('exit', resolve)),
    ),
  );
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/**
 * N one-second scenarios, all measured from outside the process: the gate's wall time at --jobs 8 against the wall time
 * of the same scripts run directly in parallel (overhead: process start, policy and manifest loading, git, supervision),
 * and --jobs 1 against --jobs 8, all in this one run.
 */
export async function benchGate({ n = 8, secs = 1, runs = 3 } = {}) {
  const p = project(n, secs);
  try {
    const gateMs = [];
    const directMs = [];
    for (let i = 0; i < runs; i++) {
      directMs.push(await direct(p, n));
      gateMs.push(gate(p, 8).ms);
    }
    const jobs8Ms = median(gateMs);
    const baseMs = median(directMs);
    const jobs1Ms = gate(p, 1).ms;
    const round = (x) => Math.round(x * 100) / 100;
    return {
      n,
      directMs: Math.round(baseMs),
      overheadMs: Math.round(jobs8Ms - baseMs),
      overheadRatio: round(jobs8Ms / baseMs),
      jobs1Ms: Math.round(jobs1Ms),
      jobs8Ms: Math.round(jobs8Ms),
      parallelRatio: round(jobs1Ms / jobs8Ms),
    };
  } finally {
    rmSync(p.root, { recursive: true, force: true });
  }
}
