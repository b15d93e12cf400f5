// Everything the gate reads before a scenario runs: the place, the task and its graph, config, policies, manifest, base and
// what changed since it, as facts with their sources.
import path from 'node:path';
import { layerKeys, loadLayers } from '../config/layers.js';
import { keyEnvNames, type ConfigFile } from '../config/load-toml.js';
import { locateWgDir } from '../config/locate.js';
import { analyzeCycles } from '../graph/cycles.js';
import { readGraph, type GraphTask } from '../graph/graph.js';
import { readTaskFromGraph, type Task } from '../graph/read-tasks.js';
import { loadPolicySet, type PolicySet } from '../policy/load.js';
import { HAS_NUL, hasNul, PolicyError, withOwnKeys } from '../shared/errors.js';
import { runGit, type GitRunner } from '../shared/git.js';
import { readTextFile } from '../shared/read-file.js';
import { spellingsOf, useKeys } from '../shared/secrets.js';
import { GATE_TABLE, NAMESPACES } from '../stages/index.js';
import type { Finding } from '../stages/gate.js';
import { chooseBase, type BaseChoice } from './base.js';
import { jobsOf } from './jobs.js';
import { blockersFact, cycleFact, doneConfigFact, evaluationFact, taskFact } from './done-facts.js';
import { manifestFact, requestFact, type GateSourceFiles } from './facts.js';
import { compareWithBase, type BaseComparison } from './grow-only.js';
import { ignoredKeyMessage, loadManifest, manifestCandidates, resolveManifestPath, scenariosOwnedBy, type Manifest, type Scenario } from './manifest.js';
import { blobOf, emptyPolicyState, findingsDetail, manifestFindings, policyFindings, policyStateAt } from './weakening.js';
import type { DoneRequest } from './request.js';

/** Where the gate runs: a wg project, or standalone (no wg dir: only with `--manifest` and `--full-smoke`). */
export interface Place {
  wgDir: string | null;
  projectRoot: string;
  task: Task;
  /** `graph.jsonl:<line>` of the task, for provenance. */
  taskFile: string | null;
  /** Every task of the graph (empty standalone). */
  tasks: Map<string, GraphTask>;
}

/** What the gate decides from, before any scenario runs. */
export interface GateInputs {
  place: Place;
  policies: PolicySet;
  manifest: Manifest | null;
  resolved: { path: string | null; how: string };
  /** The manifest as messages name it. */
  label: string;
  base: BaseChoice;
  cmp: BaseComparison;
  owned: Scenario[];
  selected: Scenario[];
  /** Facts known before the run (everything but `summary` and `results`). */
  facts: Record<string, unknown>;
  sources: GateSourceFiles;
  notices: string[];
  /** The project's config file (for the decision log's location and masking), when there is a wg dir. */
  local?: ConfigFile;
  /** Secret values of the project and global config, masked wherever scenario output or a record could show them. */
  secrets: string[];
  /** The config's key values, which messages mask (see useKeys). */
  keys: readonly string[];
}

/** The manifest label when none is found: it reads as the place scenarios are gone from or absent in. */
const NO_MANIFEST_LABEL = 'the working tree (no smoke manifest found)';

function locate(req: DoneRequest, env: NodeJS.ProcessEnv, cwd: string): Place {
  let wgDir: string;
  try {
    wgDir = locateWgDir({ dir: req.dir, env, cwd }).wgDir;
  } catch (e) {
    // INVARIANT: standalone only when no wg dir was asked for and the whole manifest is run (e.g. `npm run smoke`).
    const standalone = e instanceof PolicyError && !req.dir && !env.WG_DIR && !!req.manifest && !!req.fullSmoke;
    if (!standalone) throw e;
    return { wgDir: null, projectRoot: cwd, task: { id: req.taskId, priority: 10 } as Task, taskFile: null, tasks: new Map() };
  }
  const projectRoot = path.dirname(wgDir);
  const graph = path.join(wgDir, 'graph.jsonl');
  const shownAs = path.relative(projectRoot, graph);
  // wg: `WG not initialized. Run 'wg init' first.`
  const text = readTextFile(graph, { shownAs, what: 'graph', help: "this wg dir has no graph yet: run 'wg init' first" });
  const loaded = readTaskFromGraph(graph, shownAs, req.taskId);
  const tasks = readGraph(text, shownAs);
  return { wgDir, projectRoot, task: loaded.task, taskFile: `${loaded.file}:${loaded.line}`, tasks };
}

/** A path for messages: relative to cwd when inside it, else absolute. */
export function shown(p: string, cwd: string): string {
  const rel = path.relative(cwd, p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}

/** The `task`, `blockers`, `evaluation` and `cycle` facts; standalone, a task with nothing around it. */
function graphFacts(place: Place) {
  const t = place.task;
  const gt = place.tasks.get(t.id);
  const record = gt?.record ?? (t as Record<string, unknown>);
  const task = taskFact(t, record, gt?.status ?? 'open', gt?.after ?? []);
  if (!gt) {
    const none = { unresolved: [], count: 0, detail: '', failed: [], sameCycle: [], pendingEval: [], missing: [] };
    const cycle = { member: false, members: [], configured: false, othersClosed: true, exhausted: false };
    return { task, blockers: none, evaluation: evaluationFact(t.id, place.tasks), cycle };
  }
  const cycles = analyzeCycles(place.tasks);
  return {
    task,
    blockers: blockersFact(gt, place.tasks, cycles.cycleOf),
    evaluation: evaluationFact(t.id, place.tasks),
    cycle: cycleFact(gt, place.tasks, cycles),
  };
}

/** A gate without a wg dir reads no config, so no key values (one list: useKeys sorts only a new one). */
const NO_KEYS: readonly string[] = [];

/** The `config` fact and where each of its keys was read. */
function configFacts(place: Place, env: NodeJS.ProcessEnv) {
  if (!place.wgDir) return { fact: doneConfigFact({}), sources: {}, local: undefined, secrets: [], keys: NO_KEYS };
  const layers = loadLayers({ wgDir: place.wgDir, home: env.HOME || undefined });
  const table = (c: ConfigFile) => (c.data.dispatcher ?? {}) as Record<string, unknown>;
  const fact = doneConfigFact({ local: table(layers.local), global: table(layers.global) });
  const sources: Record<string, { layer: 'local' | 'global' | 'default'; file: string | null; key: string }> = {};
  for (const [path, key] of [
    ['verifyMode', 'verify_mode'],
    ['verifyAutospawn', 'verify_autospawn_enabled'],
  ] as const) {
    const layer = Object.hasOwn(table(layers.local), key) ? layers.local : Object.hasOwn(table(layers.global), key) ? layers.global : null;
    const canonical = `dispatcher.${key}`;
    sources[path] = layer
      ? { layer: layer === layers.local ? 'local' : 'global', file: layer.file, key: layer.aliases.get(canonical) ?? canonical }
      : { layer: 'default', file: null, key: canonical };
  }
  // A key kept in the environment (`api_key_env = "OPENROUTER_API_KEY"`) is a secret too: a scenario can print it.
  const fromEnv = [layers.local, layers.global].flatMap(keyEnvNames).flatMap((name) => {
    const value = env[name];
    return value ? spellingsOf(value) : [];
  });
  return { fact, sources, local: layers.local, secrets: [...layers.local.secrets, ...layers.global.secrets, ...fromEnv], keys: layerKeys(layers) };
}

/** A git runner that answers a repeated query from memory (one decision asks the same read-only questions twice). */
function memoized(git: GitRunner): GitRunner {
  const seen = new Map<string, ReturnType<GitRunner>>();
  return (args, dir) => {
    const key = `${dir}\0${args.join('\0')}`;
    if (!seen.has(key)) seen.set(key, git(args, dir));
    return seen.get(key)!;
  };
}

/** The request's text fields, named as their flags (or as fields where no flag gives them): none may hold a NUL. */
const TEXT_FIELDS = { taskId: 'taskId', dir: '--dir', cwd: 'cwd', manifest: '--manifest', base: '--base', logDir: 'logDir' } as const;

/**
 * A manifest chosen by `--manifest` or `$WG_SMOKE_MANIFEST` while the usual search finds another one: the gate would
 * judge by a manifest (any file committed at the base, even an empty one) other than the project's, so it is a finding.
 */
function manifestChosen(resolved: { path: string | null; how: string }, where: Parameters<typeof resolveManifestPath>[0], cwd: string): Finding[] {
  if (!resolved.path || (where.flag === undefined && !where.env.WG_SMOKE_MANIFEST)) return [];
  const usual = resolveManifestPath({ ...where, flag: undefined, env: { ...where.env, WG_SMOKE_MANIFEST: undefined } }).path;
  if (!usual || usual === resolved.path) return [];
  return [
    {
      kind: 'manifest-chosen',
      // The chosen file last: the `(<how>)` a message puts after `what` then reads as what chose it.
      what: `the project's manifest \`${shown(usual, cwd)}\` is replaced by \`${shown(resolved.path, cwd)}\``,
      by: resolved.how,
    },
  ];
}

/** Reads everything the gate decides from, before any scenario runs. Throws PolicyError on bad input. */
export async function gatherInputs(req: DoneRequest, env: NodeJS.ProcessEnv, cwd: string, beforeRun?: (task: Task) => void): Promise<GateInputs> {
  for (const [k, flag] of Object.entries(TEXT_FIELDS))
    if (hasNul(req[k as keyof typeof TEXT_FIELDS])) throw new PolicyError('usage', `${flag} ${HAS_NUL}`, { key: flag });
  jobsOf(req.jobs, 'jobs');
  const git = memoized(req.git ?? runGit);
  const place = locate(req, env, cwd);
  beforeRun?.(place.task);
  const projectPolicyDir = place.wgDir ? path.join(place.wgDir, 'policies') : undefined;
  const policies = await loadPolicySet(GATE_TABLE, { projectPolicyDir, projectRoot: place.projectRoot, namespaces: NAMESPACES }).catch((e: unknown) => {
    // The policy error was built before the config was read: built again with its keys (a bad config set its files' own as it failed).
    try {
      useKeys(configFacts(place, env).keys);
    } catch {
      // the policy error is still the one reported
    }
    throw e instanceof PolicyError ? e.remasked() : e;
  });
  const config = configFacts(place, env);
  const repoDir = place.wgDir ?? cwd;
  const base = chooseBase({ explicit: req.base, repoDir, git });
  const where = { flag: req.manifest, env, wgDir: repoDir, projectRoot: place.projectRoot, cwd, git, toplevel: base.top };
  const resolved = resolveManifestPath(where);
  const manifest = resolved.path ? loadManifest(resolved.path) : null;
  const label = resolved.path ? shown(resolved.path, cwd) : NO_MANIFEST_LABEL;
  const cmp = compareWithBase({
    manifest,
    label,
    candidates: manifestCandidates(where),
    repoDir,
    base: base.rev,
    shownBase: base.label,
    explicit: base.explicit,
    git,
    known: { top: base.top, sha: base.sha },
    shown: (p) => shown(p, cwd),
  });

  // What changed since the base that can weaken the gate. Without a git base nothing is accepted.
  const bundled = await withOwnKeys(loadPolicySet(GATE_TABLE, { namespaces: NAMESPACES }), config.keys); // see decideGate
  const baseState =
    projectPolicyDir && base.top && base.sha
      ? policyStateAt({ policyDir: projectPolicyDir, top: base.top, sha: base.sha, git, table: GATE_TABLE })
      : emptyPolicyState();
  const findings: Finding[] = [
    ...policyFindings(policies, bundled, baseState, GATE_TABLE),
    ...(cmp.before && cmp.repo ? manifestFindings({ now: manifest, before: cmp.before, repo: cmp.repo, git, label }) : []),
    ...(base.moved ? [{ kind: 'base-moved' as const, what: base.moved, by: '--base' }] : []),
    ...manifestChosen(resolved, where, cwd),
  ];
  const weakening = {
    base: base.label,
    compared: !!base.sha,
    baseIsHead: base.isHead,
    onIntegrationBranch: base.onIntegrationBranch,
    findings,
    count: findings.length,
    detail: findingsDetail(findings),
  };

  const owned = manifest ? scenariosOwnedBy(manifest, place.task.id) : [];
  const selected = req.fullSmoke ? (manifest?.scenarios ?? []) : owned;
  const ownerless = (manifest?.scenarios ?? []).filter((s) => s.owners.length === 0).map((s) => `\`${s.name}\` (${s.line ? `${label}:${s.line}` : label})`);
  const facts: Record<string, unknown> = {
    ...graphFacts(place),
    request: requestFact(req, env),
    manifest: manifestFact(
      {
        path: resolved.path,
        label,
        how: resolved.how,
        scenarios: manifest?.scenarios.length ?? 0,
        ignored: (manifest?.ignored ?? []).map((k) => ignoredKeyMessage(k, label)),
        ownerless,
      },
      { ...cmp, baseLabel: cmp.file && cmp.file !== resolved.path ? shown(cmp.file, cwd) : undefined },
    ),
    config: config.fact,
    weakening,
  };
  const graphFile = place.wgDir ? path.relative(place.projectRoot, path.join(place.wgDir, 'graph.jsonl')) : null;
  const notices = [
    ...(place.wgDir ? [] : [`no wg directory: gating \`${place.task.id}\` standalone (the whole manifest, bundled policies only)`]),
    ...(resolved.path || cmp.compared ? [] : [`${resolved.how}: nothing to run`]),
    ...(base.note ? [base.note] : []),
    ...(cmp.note ? [cmp.note] : []),
  ];
  return {
    place,
    policies,
    manifest,
    resolved,
    label,
    base,
    cmp,
    owned,
    selected,
    facts,
    sources: { taskFile: place.taskFile, graphFile, manifestFile: resolved.path ? label : null, config: config.sources },
    notices,
    local: config.local,
    secrets: config.secrets,
    keys: config.keys,
  };
}

/** The manifest part of the verdict: where, how found, the base comparison, and the blob ids read. */
export function manifestOfVerdict(i: GateInputs) {
  const { resolved, cmp } = i;
  return {
    path: resolved.path,
    how: resolved.how,
    base: cmp.base,
    compared: cmp.compared,
    lost: cmp.lost,
    ...(cmp.at ? { at: cmp.at } : {}),
    // Git's blob id, so the record names exactly what was read, in or out of git.
    blob: resolved.path ? blobOf(resolved.path) : null,
    ...(cmp.baseBlob ? { baseBlob: cmp.baseBlob } : {}),
  };
}
