// `npm run bench`: speed as figures and ratios measured in this one run (never a timed test). Prints a table and a JSON line.
// BENCH_RUNS (cold runs, default 21), BENCH_SERVE_PLANS (plans for the serve RSS run, default 100000; the bar is
// stated for 1000000: `BENCH_SERVE_PLANS=1000000 npm run bench`; 0 skips it), BENCH_ROUNDS (in-process rounds, default 3).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, timeCommands } from './cold.mjs';
import { benchGate } from './gate.mjs';
import { benchProject } from './graph.mjs';
import { benchServe } from './serve.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'wg-policy.cjs');
const demo = join(root, 'examples', 'demo');
const runs = Number(process.env.BENCH_RUNS ?? 21);
const servePlans = Number(process.env.BENCH_SERVE_PLANS ?? 100_000);
const out = {};
const say = (line) => console.log(line);
const scratch = mkdtempSync(join(tmpdir(), 'wgp-bench-'));
const graph = benchProject(10_000);

try {
  // 1. Cold `wg-policy plan` on the demo project, with the decision log on (the default) and with --no-audit, against
  // bare `node -e 0`, alternated so all three see the same machine load.
  const env = { ...process.env, HOME: join(demo, 'home'), NO_COLOR: '1' };
  const plan = [bin, 'plan', 'fix-login', '--dir', demo];
  const [nodeMs, logMs, noAuditMs] = timeCommands(
    [
      ['node', ['-e', '0']],
      ['node', [...plan, '--audit-log', join(scratch, 'policy-audit.jsonl')]],
      ['node', [...plan, '--no-audit']],
    ],
    runs,
    { env, cwd: root },
  );
  const ratio = (ms) => +(ms / nodeMs).toFixed(2);
  out.cold = {
    nodeMs: +nodeMs.toFixed(1),
    planMs: +logMs.toFixed(1),
    ratio: ratio(logMs),
    noAuditMs: +noAuditMs.toFixed(1),
    noAuditRatio: ratio(noAuditMs),
    runs,
  };
  say(`cold plan, log on:     ${logMs.toFixed(1)} ms vs node -e 0 ${nodeMs.toFixed(1)} ms → ${ratio(logMs)}× (bar ≤ 1.3; median of ${runs}, alternated)`);
  say(`cold plan, --no-audit: ${noAuditMs.toFixed(1)} ms → ${ratio(noAuditMs)}× (bar ≤ 1.2)`);

  // 2. In process, in a fresh child: the first plan, warm plans by task object and by id, planMany, and on the same
  // tasks the naive json-rules-engine use of the same rules and the hand-written floor (both checked against the plans).
  const child = spawnSync(
    process.execPath,
    [join(root, 'bench', 'inproc.mjs'), root, graph.wgDir, graph.home, join(graph.wgDir, 'graph.jsonl'), process.env.BENCH_ROUNDS ?? '3'],
    {
      encoding: 'utf8',
    },
  );
  if (child.status !== 0) throw new Error(`bench/inproc.mjs failed: ${child.stderr}`);
  const ip = JSON.parse(child.stdout);
  out.inProcess = ip;
  say(
    `first plan in a fresh process: ${ip.firstPlanMs} ms (library import ${ip.importMs} ms; policies loaded, rules compiled, ${ip.tasks}-task graph indexed)`,
  );
  say(`warm plan, by task object: ${ip.byObjectUs} µs; by id: ${ip.byIdUs} µs (median of rounds over all ${ip.tasks} tasks; bar ≤ 50 µs)`);
  say(`planMany, all ${ip.tasks} tasks in process: ${ip.planManyMs} ms`);
  say(`naive json-rules-engine, same rules: ${ip.naiveUs} µs per plan (${ip.naiveChecked} tasks, ${ip.naiveWrong} differing plans)`);
  say(`hand-written floor, same tasks: ${ip.floorUs} µs per decision (executor, model, endpoint or refusal; ${ip.floorWrong} differing from the plans)`);

  // 3. `plan --all` over the 10,000-task graph, cold process included.
  const allRuns = [];
  for (let i = 0; i < 3; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [bin, 'plan', '--all', '--dir', graph.wgDir, '-q'], {
      env: { ...process.env, HOME: graph.home },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    allRuns.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (r.status !== 1) throw new Error(`plan --all exited ${r.status}: ${r.stderr}`); // 1: the mix has refusals
  }
  out.planAll = { tasks: graph.tasks.length, ms: Math.round(median(allRuns)) };
  say(`plan --all, ${graph.tasks.length} tasks, cold: ${out.planAll.ms} ms (median of 3; bar ≤ 1500 ms)`);

  // 4. serve --stdio: throughput without and with the decision log, then RSS over many plans.
  const ids = graph.tasks.map((t) => t.id);
  const s = await benchServe({ bin, wgDir: graph.wgDir, home: graph.home, ids, plans: 5_000, warmup: 2_000 });
  const logged = await benchServe({ bin, wgDir: graph.wgDir, home: graph.home, ids, plans: 2_000, warmup: 500, record: join(scratch, 'serve-audit.jsonl') });
  out.serve = {
    plansPerSec: Math.round(5_000 / (s.ms / 1000)),
    usPerPlan: +((s.ms * 1000) / 5_000).toFixed(1),
    loggedPlansPerSec: Math.round(2_000 / (logged.ms / 1000)),
    answersNotPlans: s.failed,
  };
  say(
    `serve --stdio: ${out.serve.plansPerSec} plans/s (${out.serve.usPerPlan} µs each, stdin to stdout); with the decision log: ${out.serve.loggedPlansPerSec} plans/s`,
  );
  if (servePlans > 0) {
    const big = await benchServe({ bin, wgDir: graph.wgDir, home: graph.home, ids, plans: servePlans, warmup: 20_000 });
    out.serveRss = { plans: servePlans, warmMb: +big.warmRss.toFixed(1), endMb: +big.endRss.toFixed(1), growthMb: +(big.endRss - big.warmRss).toFixed(1) };
    say(
      `serve RSS: ${out.serveRss.warmMb} MB after 20,000 plans → ${out.serveRss.endMb} MB after ${servePlans.toLocaleString('en')} more: ${out.serveRss.growthMb >= 0 ? '+' : '−'}${Math.abs(out.serveRss.growthMb)} MB (bar < 20 MB)`,
    );
  }

  // 5. The done gate, measured from outside: 8 scenarios of `sleep 1` through the gate against the same scripts run directly.
  const g = await benchGate();
  out.gate = g;
  say(`gate overhead: ${g.overheadMs} ms beyond running the ${g.n} scenarios directly (${g.directMs} ms) → ${g.overheadRatio}×, measured from outside`);
  say(`gate parallel: --jobs 1 ${g.jobs1Ms} ms vs --jobs 8 ${g.jobs8Ms} ms → ${g.parallelRatio}× faster`);
  console.log(JSON.stringify(out));
} finally {
  graph.cleanup();
  rmSync(scratch, { recursive: true, force: true });
}
