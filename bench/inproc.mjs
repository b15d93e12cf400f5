// In-process speed, run as a fresh child by bench/run.mjs: the first plan, warm plans by task object and by id, planMany,
// and, on the same tasks, the naive json-rules-engine use of the same rules and the hand-written floor. Prints one JSON line.
import { join } from 'node:path';
import { floorPlan, floorValues, planValues } from './floor.mjs';
import { naivePlanner } from './naive.mjs';

const [root, wgDir, home, tasksFile, roundsArg] = process.argv.slice(2);
const rounds = Number(roundsArg ?? 7);
const started = performance.now();
const lib = await import(join(root, 'dist', 'index.mjs'));
const importMs = performance.now() - started;
const { readFileSync } = await import('node:fs');
const records = readFileSync(tasksFile, 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l));
const tasks = records.map(({ kind: _kind, ...t }) => t);
const warn = () => {};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// 1. The first plan in a fresh process: policies loaded and compiled, the graph indexed, the code cold.
let t0 = performance.now();
await lib.decideSpawn({ taskId: tasks[0].id, dir: wgDir, home, env: {} }, { warn });
const firstPlanMs = performance.now() - t0;

/** Median over rounds of the mean µs per call of `f` across `items`. */
async function perCall(items, f, n = rounds) {
  const means = [];
  for (let r = 0; r < n; r++) {
    const t = performance.now();
    for (let i = 0; i < items.length; i++) await f(items[i]);
    means.push(((performance.now() - t) * 1000) / items.length);
  }
  return median(means);
}

// 2. Warm plans, every task of the graph per round (no decision cache: each call decides again).
const byObject = await perCall(tasks, (t) => lib.decideSpawn({ task: t, dir: wgDir, home, env: {} }, { warn }));
const byId = await perCall(tasks, (t) => lib.decideSpawn({ taskId: t.id, dir: wgDir, home, env: {} }, { warn }));

// 3. planMany over the whole graph (inputs read once per call).
const manyMs = [];
for (let r = 0; r < 3; r++) {
  t0 = performance.now();
  for await (const _item of lib.planMany({ dir: wgDir, home, env: {} }, { warn }));
  manyMs.push(performance.now() - t0);
}

// 4. The reference values, then the naive engine and the floor on the same tasks (each checked against them). The naive
// planner gets the facts wg-policy's own decision read (from its record), so it runs the same rules on the same input.
const want = new Map();
const floorWant = new Map();
for await (const item of lib.planMany({ dir: wgDir, home, env: {} }, { warn })) {
  want.set(item.task, JSON.stringify(planValues(item.plan, item.error)));
  floorWant.set(item.task, JSON.stringify(floorValues(item.plan, item.error)));
}
const naive = await naivePlanner(root, lib);
const naiveTasks = [];
for (const t of tasks.slice(0, 2000)) {
  const o = await lib.decideSpawn({ taskId: t.id, dir: wgDir, home, env: {} }, { warn });
  naiveTasks.push({ id: t.id, facts: o.decision.facts });
}
let naiveWrong = 0;
for (const t of naiveTasks) if (JSON.stringify(await naive(t.facts)) !== want.get(t.id)) naiveWrong++;
const naiveUs = await perCall(naiveTasks, (t) => naive(t.facts), 3);
let floorWrong = 0;
for (const t of tasks) if (JSON.stringify(floorPlan(t)) !== floorWant.get(t.id)) floorWrong++;
const floorRounds = [];
for (let r = 0; r < 21; r++) {
  const t = performance.now();
  for (const task of tasks) floorPlan(task);
  floorRounds.push(((performance.now() - t) * 1000) / tasks.length);
}

process.stdout.write(
  `${JSON.stringify({
    tasks: tasks.length,
    importMs: +importMs.toFixed(1),
    firstPlanMs: +firstPlanMs.toFixed(1),
    byObjectUs: +byObject.toFixed(1),
    byIdUs: +byId.toFixed(1),
    planManyMs: Math.round(median(manyMs)),
    naiveUs: +naiveUs.toFixed(1),
    naiveChecked: naiveTasks.length,
    naiveWrong,
    floorUs: +median(floorRounds).toFixed(2),
    floorWrong,
  })}\n`,
);
