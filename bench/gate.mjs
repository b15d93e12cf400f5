// Gate speed, measured in one run with the built CLI: overhead beyond the slowest scenario, and --jobs 1 against --jobs 8.
import { spawnSync } from 'node:child_process';
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

/**
 * N one-second scenarios: the wall time of the gate at --jobs 8 against its slowest scenario (overhead: process
 * start, policy and manifest loading, supervision), and --jobs 1 against --jobs 8, all in this one run.
 */
export async function benchGate({ n = 8, secs = 1, runs = 3 } = {}) {
  const p = project(n, secs);
  try {
    const parallel = Array.from({ length: runs }, () => gate(p, 8));
    const jobs8Ms = median(parallel.map((r) => r.ms));
    const slowestMs = median(parallel.map((r) => Math.max(...r.verdict.results.map((x) => x.durationMs))));
    const jobs1Ms = gate(p, 1).ms;
    const round = (x) => Math.round(x * 100) / 100;
    return {
      n,
      slowestMs: Math.round(slowestMs),
      overheadMs: Math.round(jobs8Ms - slowestMs),
      overheadRatio: round(jobs8Ms / slowestMs),
      jobs1Ms: Math.round(jobs1Ms),
      jobs8Ms: Math.round(jobs8Ms),
      parallelRatio: round(jobs1Ms / jobs8Ms),
    };
  } finally {
    rmSync(p.root, { recursive: true, force: true });
  }
}
