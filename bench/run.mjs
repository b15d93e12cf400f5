// `npm run bench`: speed as ratios measured in the same run (never a timed test). Prints a table and a JSON line.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { timeCommands } from './cold.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const demo = join(root, 'examples', 'demo');
const env = { ...process.env, HOME: join(demo, 'home'), NO_COLOR: '1' };
const runs = Number(process.env.BENCH_RUNS ?? 21);
const out = {};

// 1. Cold `wg-policy plan` (decision log on, as by default) against bare `node -e 0`, alternated so both see
// the same machine load.
const bin = join(root, 'bin', 'wg-policy.cjs');
const auditLog = join(mkdtempSync(join(tmpdir(), 'wgp-bench-')), 'policy-audit.jsonl');
const plan = [bin, 'plan', 'fix-login', '--dir', demo];
const [nodeMs, planMs, noAuditMs, noCacheMs] = timeCommands(
  [
    ['node', ['-e', '0']],
    ['node', [...plan, '--audit-log', auditLog]],
    ['node', [...plan, '--no-audit']],
    // Without V8's code cache (`env` adds about a millisecond of its own).
    ['env', ['WG_POLICY_NO_CODE_CACHE=1', 'node', ...plan, '--audit-log', auditLog]],
  ],
  runs,
  { env, cwd: root },
);
const ratio = (ms) => +(ms / nodeMs).toFixed(2);
out.cold = {
  nodeMs: +nodeMs.toFixed(1),
  planMs: +planMs.toFixed(1),
  ratio: ratio(planMs),
  noAuditRatio: ratio(noAuditMs),
  noCodeCacheRatio: ratio(noCacheMs),
  runs,
};
console.log(
  `cold plan:      ${planMs.toFixed(1)} ms vs node -e 0 ${nodeMs.toFixed(1)} ms  →  ratio ${ratio(planMs)} (decision log on; median of ${runs}; bar ≤ 2.0)`,
);
console.log(`                --no-audit ${ratio(noAuditMs)}; without the V8 code cache ${ratio(noCacheMs)}`);

// 2. In-process planSpawn cost per plan (config, task, policies read each call, as the library does).
const { planSpawn } = await import(join(root, 'dist', 'index.mjs'));
const req = { taskId: 'fix-login', dir: join(demo, '.wg'), home: join(demo, 'home'), env: {} };
for (let i = 0; i < 50; i++) await planSpawn(req);
const n = 500;
const t0 = process.hrtime.bigint();
for (let i = 0; i < n; i++) await planSpawn(req);
const usPerPlan = Number(process.hrtime.bigint() - t0) / 1e3 / n;
out.inProcess = { usPerPlan: +usPerPlan.toFixed(0), plans: n };
console.log(`in-process:     ${usPerPlan.toFixed(0)} µs per planSpawn (${n} plans, warm)`);

// 3. The done gate, when its benchmark is present.
if (existsSync(join(root, 'bench', 'gate.mjs'))) {
  const { benchGate } = await import('./gate.mjs');
  const g = await benchGate();
  out.gate = g;
  console.log(`gate overhead:  ${g.overheadMs.toFixed(0)} ms beyond the slowest scenario (${g.slowestMs.toFixed(0)} ms) → ratio ${g.overheadRatio.toFixed(2)}`);
  console.log(
    `gate parallel:  ${g.n} × 1 s scenarios: --jobs 1 ${g.jobs1Ms.toFixed(0)} ms vs --jobs 8 ${g.jobs8Ms.toFixed(0)} ms → ${g.parallelRatio.toFixed(2)}× faster`,
  );
}

// 4. The decision log, when its benchmark is present.
if (existsSync(join(root, 'bench', 'audit.mjs'))) {
  const { benchAudit } = await import('./audit.mjs');
  const a = await benchAudit({ root, demo, env, runs });
  out.audit = a;
  for (const line of a.lines) console.log(line);
}
console.log(JSON.stringify(out));
