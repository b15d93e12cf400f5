// decideDone: the only function that decides whether a task may go to done. A thin shell: locate the manifest, run the
// task's scenarios, build facts, decide, record.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { logDestination, recordDecision, type DecisionLogOption } from '../audit/destination.js';
import type { Decision } from '../audit/event.js';
import { loadConfigFile } from '../config/load-toml.js';
import { locateWgDir } from '../config/locate.js';
import { decide } from '../engine/decide.js';
import { readTaskFromGraph, type Task } from '../graph/read-tasks.js';
import { loadPolicySet } from '../policy/load.js';
import { PolicyError } from '../shared/errors.js';
import type { GitRunner } from '../shared/git.js';
import { GATE_TABLE, NAMESPACES } from '../stages/index.js';
import { gateSourceMapper, manifestFact, requestFact, summaryFact } from './facts.js';
import { compareWithBase } from './grow-only.js';
import { loadManifest, manifestCandidates, resolveManifestPath, scenariosOwnedBy, type Manifest } from './manifest.js';
import { gateDecision } from './record.js';
import type { ScenarioEvent } from './result.js';
import type { RunOptions } from './run-scenarios.js';
import type { Verdict } from './verdict.js';

export { VerdictSchema, type Verdict, type RuleDecision } from './verdict.js';

/** What to gate: a task by id, the caller's flags, and where to look. */
export interface DoneRequest {
  taskId: string;
  dir?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** `--manifest` (cwd-relative); else `$WG_SMOKE_MANIFEST` and wg's search. */
  manifest?: string;
  fullSmoke?: boolean;
  skipSmoke?: boolean;
  jobs?: number;
  /** Git revision for the grow-only check (default `HEAD`). */
  base?: string;
  /** Where scenario logs go (default: `<tmp>/wg-policy-smoke/<task>-XXXXXX`, pruned after a day). */
  logDir?: string;
  /** Runner knobs for tests. */
  run?: Pick<RunOptions, 'graceMs' | 'timeoutScaleMs' | 'urlTimeoutMs'>;
  git?: GitRunner;
  /** Record the verdict in the decision log before returning (default: not recorded). The CLI's `gate` and `done` record. */
  decisionLog?: DecisionLogOption;
}

/** What is about to run, for a header line. */
export interface GatePlan {
  taskId: string;
  count: number;
  manifest: string;
}

export interface DoneHooks {
  /** The task as read, before anything runs; throw a PolicyError to refuse early (done: status check). */
  beforeRun?: (task: Task) => void;
  /** Called once before scenarios run (not when nothing runs). */
  onStart?: (plan: GatePlan) => void;
  onEvent?: (e: ScenarioEvent) => void;
  /** Sees the verdict before it is recorded (e.g. to write a report it promises); a throw stops before the record. */
  beforeRecord?: (verdict: Verdict) => void | Promise<void>;
  warn?: (message: string) => void;
}

/** A verdict with everything around it: the decision record that was (or would be) written. */
export interface GateOutcome {
  verdict: Verdict;
  decision: Decision;
}

/** Where the gate runs: a wg project, or standalone (no wg dir: only with `--manifest` and `--full-smoke`). */
interface Place {
  wgDir: string | null;
  projectRoot: string;
  task: Task;
  /** `graph.jsonl:<line>` of the task, for provenance. */
  taskFile: string | null;
}

function locate(req: DoneRequest, env: NodeJS.ProcessEnv, cwd: string): Place {
  let wgDir: string;
  try {
    wgDir = locateWgDir({ dir: req.dir, env, cwd }).wgDir;
  } catch (e) {
    // INVARIANT: standalone only when no wg dir was asked for and the whole manifest is run (e.g. `npm run smoke`).
    const standalone = e instanceof PolicyError && !req.dir && !env.WG_DIR && !!req.manifest && !!req.fullSmoke;
    if (!standalone) throw e;
    return { wgDir: null, projectRoot: cwd, task: { id: req.taskId, priority: 10 } as Task, taskFile: null };
  }
  const projectRoot = path.dirname(wgDir);
  const graph = path.join(wgDir, 'graph.jsonl');
  const loaded = readTaskFromGraph(graph, path.relative(projectRoot, graph), req.taskId);
  return { wgDir, projectRoot, task: loaded.task, taskFile: `${loaded.file}:${loaded.line}` };
}

/** The manifest label when none is found: it reads as the place scenarios are gone from or absent in. */
const NO_MANIFEST_LABEL = 'the working tree (no smoke manifest found)';

const LOG_RETENTION_MS = 24 * 3600 * 1000;

/** A new folder for this run's scenario logs under `<tmp>/wg-policy-smoke/`; runs older than a day are pruned. */
function freshLogDir(taskId: string): string {
  const root = path.join(os.tmpdir(), 'wg-policy-smoke');
  mkdirSync(root, { recursive: true });
  for (const name of readdirSync(root)) {
    const p = path.join(root, name);
    try {
      if (Date.now() - statSync(p).mtimeMs > LOG_RETENTION_MS) rmSync(p, { recursive: true, force: true });
    } catch {
      // another run pruned it, or it is not ours to remove
    }
  }
  return mkdtempSync(path.join(root, `${taskId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 60)}-`));
}

/** A path for messages: relative to cwd when inside it, else absolute. */
function shown(p: string, cwd: string): string {
  const rel = path.relative(cwd, p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}

/**
 * Runs the task's smoke scenarios (or all of them with `fullSmoke`; none with `skipSmoke`) and lets the `gate: done`
 * policy rules decide; records the verdict when asked. Throws PolicyError for a missing task, an unreadable or invalid
 * manifest or policy file, or a bad `base`; never allows on bad input.
 */
export async function decideGate(req: DoneRequest, hooks: DoneHooks = {}): Promise<GateOutcome> {
  const env = req.env ?? process.env;
  const cwd = req.cwd ?? process.cwd();
  const place = locate(req, env, cwd);
  hooks.beforeRun?.(place.task);
  const policies = await loadPolicySet(GATE_TABLE, {
    projectPolicyDir: place.wgDir ? path.join(place.wgDir, 'policies') : undefined,
    projectRoot: place.projectRoot,
    namespaces: NAMESPACES,
  });
  const where = { flag: req.manifest, env, wgDir: place.wgDir ?? cwd, projectRoot: place.projectRoot, cwd, git: req.git };
  const resolved = resolveManifestPath(where);
  const manifest: Manifest | null = resolved.path ? loadManifest(resolved.path) : null;
  const base = req.base ?? 'HEAD';
  const label = resolved.path ? shown(resolved.path, cwd) : NO_MANIFEST_LABEL;
  const cmp = compareWithBase({
    manifest,
    label,
    candidates: manifestCandidates(where),
    repoDir: place.wgDir ?? cwd,
    base,
    explicit: req.base !== undefined,
    git: req.git,
    shown: (p) => shown(p, cwd),
  });
  const owned = manifest ? scenariosOwnedBy(manifest, place.task.id) : [];
  const selected = req.fullSmoke ? (manifest?.scenarios ?? []) : owned;
  const ran = !req.skipSmoke;
  let results: Verdict['results'] = [];
  if (ran && selected.length > 0) {
    hooks.onStart?.({ taskId: place.task.id, count: selected.length, manifest: label });
    const logDir = req.logDir ?? freshLogDir(place.task.id);
    // The runner (and execa) loads only when something runs: most tasks own no scenario.
    const { runScenarios } = await import('./run-scenarios.js');
    results = await runScenarios(selected, { jobs: req.jobs, logDir, env, onEvent: hooks.onEvent, ...req.run });
  }
  const t = place.task;
  const facts: Record<string, unknown> = {
    task: { id: t.id, title: t.title ?? null, status: t.status ?? 'open', priority: t.priority, tags: t.tags ?? [], assigned: t.assigned ?? null },
    request: requestFact(req, env),
    summary: summaryFact(results, selected.length, owned.length, ran),
    manifest: manifestFact(
      { path: resolved.path, label, how: resolved.how, scenarios: manifest?.scenarios.length ?? 0 },
      { ...cmp, baseLabel: cmp.file && cmp.file !== resolved.path ? shown(cmp.file, cwd) : undefined },
    ),
    results,
  };
  const sourcesOf = gateSourceMapper(place.taskFile, resolved.path ? label : null);
  const result = await decide(GATE_TABLE, policies, facts, { sourcesOf, subject: `'wg done ${t.id}'` });
  const stage = GATE_TABLE.stages[0].name;
  const outcome = result.outcomes[stage];
  const notices = [
    ...(place.wgDir ? [] : [`no wg directory: gating \`${t.id}\` standalone (the whole manifest, bundled policies only)`]),
    ...(resolved.path || cmp.compared ? [] : [`${resolved.how}: nothing to run`]),
    ...(cmp.note ? [cmp.note] : []),
    ...outcome.notices,
  ];
  const verdict: Verdict = {
    task: t.id,
    gate: stage,
    allowed: result.allowed,
    effect: outcome.effect,
    determining: outcome.determining,
    warnings: outcome.warnings,
    notices,
    results,
    summary: facts.summary as Verdict['summary'],
    request: facts.request as Verdict['request'],
    manifest: { path: resolved.path, how: resolved.how, base: cmp.base, compared: cmp.compared, lost: cmp.lost, ...(cmp.at ? { at: cmp.at } : {}) },
    policyRevision: policies.revision,
  };
  const decision = gateDecision(verdict, result, sourcesOf);
  await hooks.beforeRecord?.(verdict);
  if (req.decisionLog) {
    const local = place.wgDir
      ? loadConfigFile(path.join(place.wgDir, 'config.toml'), path.relative(place.projectRoot, path.join(place.wgDir, 'config.toml')))
      : undefined;
    const dest = logDestination({
      explicit: req.decisionLog.path,
      env,
      wgDir: place.wgDir,
      config: local?.exists ? { data: local.data, file: local.file } : undefined,
    });
    await recordDecision(decision, dest, { secrets: local?.secrets, warn: hooks.warn ?? ((m) => process.stderr.write(`warning: ${m}\n`)) });
  }
  return { verdict, decision };
}

/** The verdict alone (see {@link decideGate}). */
export async function decideDone(req: DoneRequest, hooks: DoneHooks = {}): Promise<Verdict> {
  return (await decideGate(req, hooks)).verdict;
}
