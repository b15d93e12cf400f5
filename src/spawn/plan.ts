// planSpawn: the only function that decides what launches a task. A thin shell: read inputs, build facts, decide, record.
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { logDestination, recordDecision, type DecisionLogOption } from '../audit/destination.js';
import type { Decision } from '../audit/event.js';
import { layerKeys, loadLayers, useLayerKeys, type ConfigLayers } from '../config/layers.js';
import { assertWgDir, locateWgDir } from '../config/locate.js';
import { parseModelSpec } from '../config/model-spec.js';
import { decide, decideSync, defaultEvaluator, type DecideResult, type EvaluatorName } from '../engine/decide.js';
import { statusOf } from '../graph/node-schema.js';
import { checkStatuses } from '../graph/status-filter.js';
import { readTaskFromGraph, readTaskFromJson, readTaskFromObject, taskFromIndex, type LoadedTask } from '../graph/read-tasks.js';
import { findIndexedTask, graphIndex, indexedTasks } from '../graph/task-index.js';
import { cachedPolicySet, loadPolicySet, type PolicySet } from '../policy/load.js';
import { refuseUnsafePlan } from './plan-checks.js';
import { refuseTaskFlaws } from './task-flaws.js';
import { factsForRecord } from '../policy/stage.js';
import { PolicyError, withOwnKeys } from '../shared/errors.js';
import { maskKeys, maskShown } from '../shared/secrets.js';
import { readTextFile } from '../shared/read-file.js';
import { NAMESPACES, SPAWN_TABLE } from '../stages/index.js';
import { buildFacts, describeSource, sourceMapper } from './facts.js';
import { CALLER_KEYS, checkCaller, readSpawnInputs, sharedReader, type CallerInput, type SharedReader } from './inputs.js';
import { PLAN_KEYS, PlanFieldsSchema, PROVENANCE_KEYS, type SpawnPlan } from './plan-schema.js';
import { spawnDecision, spawnExplanation, type SpawnExplanation } from './record.js';

/** What to plan: a task by id (from graph.jsonl) or given as JSON, plus the caller's inputs. */
export interface SpawnRequest extends CallerInput {
  taskId?: string;
  /** A task given directly: `{text, file}` of its JSON (CLI `--task-json`), or an object (library). */
  taskJson?: { text: string; file: string };
  task?: Record<string, unknown>;
  dir?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  home?: string;
}

/** How to plan: where warnings go, and whether (and where) the decision is recorded. */
export interface SpawnOptions {
  /** Deprecation and other warnings (default: stderr). */
  warn?: (message: string) => void;
  /** Record the decision in the decision log before returning (default: not recorded). The CLI's `plan` records. */
  decisionLog?: DecisionLogOption;
  /** Which evaluator runs the rules (default: compiled; `reference` is json-rules-engine itself). Both decide identically. */
  evaluator?: EvaluatorName;
}

/** A decision with everything around it: the plan or the refusal, the explanation, the record. */
export interface SpawnOutcome {
  plan: SpawnPlan | null;
  /** A refusal (`rule-rejected`, `no-rule-matched`): exit 1. */
  error: PolicyError | null;
  /** What `explain` shows (built on first read). */
  readonly explanation: SpawnExplanation;
  /** The decision record (built on first read, or when recorded). */
  readonly decision: Decision;
}

/** Everything a plan reads besides the task and the policy set: resolved once per call (or once per batch in planMany). */
interface SpawnContext {
  env: NodeJS.ProcessEnv;
  wgDir: string;
  layers: ConfigLayers;
  graph: { path: string; shownAs: string };
  policyOptions: { projectPolicyDir: string; projectRoot: string; namespaces: typeof NAMESPACES };
  /** The wg files every task shares (model cache, executors, agent registry), read once per call or per batch. */
  shared: SharedReader;
}

/** Per wg dir: where its policies and graph are (path arithmetic done once per process). */
const places = new Map<string, { policyDir: string; graph: SpawnContext['graph'] }>();

function placeOf(wgDir: string, projectRoot: string): { policyDir: string; graph: SpawnContext['graph'] } {
  const key = `${wgDir}\0${projectRoot}`;
  let p = places.get(key);
  if (!p) {
    const path = join(wgDir, 'graph.jsonl');
    p = { policyDir: join(wgDir, 'policies'), graph: { path, shownAs: relative(projectRoot, path) } };
    if (places.size >= 64) places.delete(places.keys().next().value as string);
    places.set(key, p);
  }
  return p;
}

/** Locates the wg dir and reads the config layers, each kept per process while its files are unchanged. */
function prepare(req: Omit<SpawnRequest, 'taskId' | 'task' | 'taskJson'>, batch = false): SpawnContext {
  const env = req.env ?? process.env;
  const where = locateWgDir({ dir: req.dir, env, cwd: req.cwd ?? process.cwd(), defer: true });
  const { wgDir } = where;
  let layers: ConfigLayers;
  try {
    layers = loadLayers({ wgDir, home: req.home || env.HOME || undefined }); // an empty HOME is no home
  } catch (e) {
    assertWgDir(where); // INVARIANT: a missing wg dir is reported before anything read from it
    throw e;
  }
  // A local config.toml that exists proves the folder exists; otherwise check it now.
  if (!layers.local.exists) assertWgDir(where);
  const { policyDir, graph } = placeOf(wgDir, layers.projectRoot);
  return {
    env,
    wgDir,
    layers,
    graph,
    policyOptions: { projectPolicyDir: policyDir, projectRoot: layers.projectRoot, namespaces: NAMESPACES },
    shared: sharedReader(layers, batch),
  };
}

/** The spawn policy set of a context: kept per process while its files are unchanged (synchronous then), else loaded. */
function policiesOf(ctx: SpawnContext): PolicySet | Promise<PolicySet> {
  // A load waits: this config's keys are set again after it, and an error it built meanwhile is built again with them.
  return cachedPolicySet(SPAWN_TABLE, ctx.policyOptions) ?? withOwnKeys(loadPolicySet(SPAWN_TABLE, ctx.policyOptions), layerKeys(ctx.layers));
}

function loadTask(req: SpawnRequest, ctx: SpawnContext): LoadedTask {
  if (req.task) return readTaskFromObject(req.task, '(task object)', req.taskId);
  if (req.taskJson) return readTaskFromJson(req.taskJson.text, req.taskJson.file, req.taskId);
  if (!req.taskId) throw new PolicyError('usage', 'a task id or a task JSON is required');
  return readTaskFromGraph(ctx.graph.path, ctx.graph.shownAs, req.taskId);
}

/**
 * Decides one task in a prepared context. Synchronous with the compiled evaluator and no decision log (the hot path);
 * the explanation and the record are built when first read (or recorded).
 */
function decideTask(
  ctx: SpawnContext,
  policies: PolicySet,
  loaded: LoadedTask,
  caller: CallerInput,
  options: SpawnOptions,
  warn: (m: string) => void,
): SpawnOutcome | Promise<SpawnOutcome> {
  const { layers } = ctx;
  useLayerKeys(layers); // this decision's messages are built from here on without an await (finish sets them again)
  const taskId = loaded.task.id;
  refuseTaskFlaws(loaded, policies, TASK_FACT, layers);
  const inputs = readSpawnInputs(layers, loaded, caller, warn, ctx.shared);
  const facts = buildFacts(inputs);
  const how = { sourcesOf: sourceMapper(inputs), describe: describeSource(taskId), subject: `task \`${taskId}\`` };
  const finish = (result: DecideResult): SpawnOutcome | Promise<SpawnOutcome> => {
    useLayerKeys(layers); // set where the decision goes on, not where a wait ended: other work may run between the two
    for (const w of result.warnings) warn(w);
    if (result.error && result.error.exit !== 1) throw result.error;
    const error = result.error ?? null;
    const plan = error ? null : assemble(taskId, result.values, result.provenance, policies.revision);
    if (plan) refuseUnsafePlan(plan, layerKeys(layers), loaded);
    const outcome = new Outcome(plan, error, taskId, policies.revision, result, facts);
    if (!options.decisionLog) return outcome;
    const dest = logDestination({
      explicit: options.decisionLog.path,
      env: ctx.env,
      wgDir: ctx.wgDir,
      config: layers.local.exists ? { data: layers.local.data, file: layers.local.file } : undefined,
    });
    // INVARIANT: recorded before it is returned, so wg never runs a plan the log does not have.
    const recorded = recordDecision(outcome.decision, dest, { secrets: [...layers.local.secrets, ...layers.global.secrets], warn, env: ctx.env });
    return withOwnKeys(recorded, layerKeys(layers)).then(() => outcome);
  };
  if ((options.evaluator ?? defaultEvaluator()) === 'reference')
    return decide(SPAWN_TABLE, policies, facts, { ...how, evaluator: 'reference', resumed: () => useLayerKeys(layers) }).then(finish);
  return finish(decideSync(SPAWN_TABLE, policies, facts, how));
}

/**
 * A decision's outcome, its explanation and record built on first read. A class, not an object literal with getters:
 * with the literal, each outcome kept its plan's objects alive through minor GCs (see eslint.config.js).
 */
class Outcome implements SpawnOutcome {
  #explanation?: SpawnExplanation;
  #decision?: Decision;
  readonly #taskId: string;
  readonly #revision: string;
  readonly #result: DecideResult;
  readonly #facts: Record<string, unknown>;

  constructor(
    readonly plan: SpawnPlan | null,
    readonly error: PolicyError | null,
    taskId: string,
    revision: string,
    result: DecideResult,
    facts: Record<string, unknown>,
  ) {
    this.#taskId = taskId;
    this.#revision = revision;
    this.#result = result;
    this.#facts = facts;
  }

  get explanation(): SpawnExplanation {
    return (this.#explanation ??= spawnExplanation(this.#taskId, this.#revision, this.#result, this.plan, this.error));
  }

  get decision(): Decision {
    return (this.#decision ??= spawnDecision(this.explanation, this.#result, this.error, factsForRecord(SPAWN_TABLE, this.#facts)));
  }
}

/** The caller's inputs of a request (and nothing else: the request also carries where to look). */
function callerOf(req: CallerInput): CallerInput {
  const out: CallerInput = {};
  for (const k of CALLER_KEYS) if (req[k] !== undefined) out[k] = req[k];
  return out;
}

const stderrWarn = (m: string) => process.stderr.write(`warning: ${m}\n`);
/** The caller's warning sink; a warning echoes task or config text, so credentials in it are masked first. */
const warnerOf = (options: SpawnOptions) => {
  const to = options.warn ?? stderrWarn;
  return (m: string) => to(maskShown(maskKeys(m)));
};

/** Config warnings, once per call (or per batch). */
function warnLayers(ctx: SpawnContext, warn: (m: string) => void): void {
  for (const w of ctx.layers.global.warnings) warn(w);
  for (const w of ctx.layers.local.warnings) warn(w);
}

/** The fact holding the task (see facts.ts). */
const TASK_FACT = 'task';

/**
 * Decides a spawn and returns the outcome, a refusal included (recorded when asked). Throws PolicyError for bad input
 * (unreadable or invalid config, task or policy files; a rule that produced an invalid value).
 */
export async function decideSpawn(req: SpawnRequest, options: SpawnOptions = {}): Promise<SpawnOutcome> {
  const warn = warnerOf(options);
  const ctx = prepare(req);
  warnLayers(ctx, warn);
  const loaded = loadTask(req, ctx);
  const pending = policiesOf(ctx);
  const policies = pending instanceof Promise ? await pending : pending;
  return decideTask(ctx, policies, loaded, callerOf(req), options, warn);
}

/** What planMany plans: every task of graph.jsonl (optionally only some statuses), or the tasks given (ids or objects). */
export interface ManyRequest extends Omit<SpawnRequest, 'taskId' | 'task' | 'taskJson'> {
  tasks?: ReadonlyArray<string | Record<string, unknown>>;
  /** Only tasks whose status (default `open`) is one of these. */
  status?: readonly string[];
}

/** One task's outcome in planMany: its plan, or why it has none (a refusal, exit 1; bad task input, exit 2). */
export interface ManyItem {
  task: string;
  plan: SpawnPlan | null;
  error: PolicyError | null;
}

/**
 * What a file every task may read says when it is bad (the agent registry, an executor TOML, an agency file, the
 * model cache): one error for the whole batch, not the same error once per task.
 */
const SHARED_INPUT_ERRORS: ReadonlySet<string> = new Set([
  'agent-registry',
  'executor-toml',
  'executor-secret',
  'toml-syntax',
  'toml-too-deep',
  'yaml-syntax',
  'yaml-aliases',
  'file-unreadable',
  'not-a-regular-file',
]);

/**
 * Plans many tasks with the shared inputs read once: one item per task, in graph order (or the order given). A task
 * that is refused or has bad fields is an item with its error; bad shared input (config, policies, a malformed graph)
 * throws. Records each decision when `decisionLog` is given (`wg-policy plan --all` records only with `--record`).
 */
export async function* planMany(req: ManyRequest, options: SpawnOptions = {}): AsyncGenerator<ManyItem> {
  if (req.status) checkStatuses(req.status, 'status'); // a bad filter is bad input before anything is read
  const warn = warnerOf(options);
  const ctx = prepare(req, true);
  warnLayers(ctx, warn);
  const policies = await policiesOf(ctx);
  useLayerKeys(ctx.layers); // set again after the wait: a graph or flag error below is built with this config's keys
  const caller = callerOf(req);
  checkCaller(caller, layerKeys(ctx.layers)); // a bad flag is one error for the batch, not one per task
  // Tasks named by id are found in the graph, read once here: a malformed graph is one error for the batch.
  const index = !req.tasks || req.tasks.some((t) => typeof t === 'string') ? graphIndex(ctx.graph.path, ctx.graph.shownAs) : undefined;
  if (index?.error) throw index.error;
  const wanted = req.status && new Set(req.status);
  const items = req.tasks ?? indexedTasks(index!).map((t) => t.id);
  for (const item of items) {
    useLayerKeys(ctx.layers); // the caller may have planned for another project since the last yield
    const id = typeof item === 'string' ? item : shownIdOf(item);
    let loaded: LoadedTask;
    try {
      loaded = typeof item === 'string' ? taskFromIndex(index!, item) : loadTask({ task: item }, ctx);
    } catch (e) {
      if (!(e instanceof PolicyError)) throw e;
      // A task outside the asked statuses is skipped even when its other fields are bad.
      const raw = wanted && index && typeof item === 'string' ? findIndexedTask(index, item)?.record.status : undefined;
      if (!(typeof raw === 'string' && !wanted!.has(raw))) yield { task: id, plan: null, error: e };
      continue;
    }
    if (wanted && !wanted.has(statusOf(loaded.task))) continue;
    try {
      const pending = decideTask(ctx, policies, loaded, caller, options, warn);
      const outcome = pending instanceof Promise ? await pending : pending;
      yield { task: id, plan: outcome.plan, error: outcome.error };
    } catch (e) {
      if (!(e instanceof PolicyError) || e.code === 'audit-unrecordable' || SHARED_INPUT_ERRORS.has(e.code)) throw e;
      yield { task: id, plan: null, error: e };
    }
  }
}

/** The id an item of a task object is reported under: a string or number id as written, else empty (never a throw). */
function shownIdOf(item: Record<string, unknown>): string {
  try {
    const id = item.id;
    return typeof id === 'string' || typeof id === 'number' ? String(id) : '';
  } catch {
    return ''; // a getter that throws: the read below says so as the item's error
  }
}

/** The plan from the decided fields; a plan that does not fit the contract is bad input naming the rule. */
function assemble(
  taskId: string,
  values: Record<string, unknown>,
  provenance: Record<string, { rule: string; policy: string; value: unknown }>,
  policyRevision: string,
): SpawnPlan {
  const model = parseModelSpec(String(values.model));
  const r = PlanFieldsSchema.safeParse({
    task: taskId,
    launch: values.launch,
    executor: values.executor,
    execMode: values.execMode,
    model: { spec: model.spec, provider: model.provider, id: values.modelId },
    provider: values.provider,
    endpoint: values.endpoint ?? null,
    agentId: values.agentId,
    promptFile: values.promptFile,
    timeout: values.timeout ?? null,
    env: values.env,
    argv: values.argv,
    policyRevision,
  });
  const missing = PROVENANCE_KEYS.find((k) => provenance[k] === undefined);
  if (r.success && missing === undefined) {
    // INVARIANT: decide builds provenance entries in ProvenanceEntrySchema's shape, so this equals SpawnPlanSchema's parse (a test holds it).
    const entries: Record<string, unknown> = {};
    for (const k of PROVENANCE_KEYS) entries[k] = provenance[k];
    const plan: Record<string, unknown> = {};
    for (const k of PLAN_KEYS) plan[k] = k === 'provenance' ? entries : r.data[k];
    return plan as SpawnPlan;
  }
  const path = r.success ? ['provenance', missing!] : r.error.issues[0].path;
  const field = String(path[0]);
  const p = provenance[field === 'model' ? 'modelId' : field];
  throw new PolicyError('plan-invalid', `the policy set produced an invalid \`${path.join('.')}\` for task \`${taskId}\`: ${JSON.stringify(p?.value)}`, {
    rule: p?.rule,
    file: p?.policy.replace(/:\d+$/, ''),
    line: p ? Number(p.policy.split(':').pop()) : undefined,
  });
}

/**
 * Resolves executor, model, endpoint, env and argv for one task from wg's layered config and the policy files; every
 * field carries the rule that decided it and the config values that fed it. Throws PolicyError: `rule-rejected` (or
 * `no-rule-matched`) when the policy refuses, an input error code for unreadable or invalid input.
 */
export async function planSpawn(req: SpawnRequest, options: SpawnOptions = {}): Promise<SpawnPlan> {
  const outcome = await decideSpawn(req, options);
  if (outcome.error) throw outcome.error;
  return outcome.plan!;
}

/** Reads `--task-json FILE` (`-` = stdin) for the CLI. */
export function readTaskJsonArg(file: string): { text: string; file: string } {
  if (file === '-') {
    try {
      return { text: readFileSync(0, 'utf8'), file: '(stdin)' };
    } catch (e) {
      throw new PolicyError('file-unreadable', `cannot read the task from stdin: ${(e as Error).message}`, { key: '--task-json' });
    }
  }
  return { text: readTextFile(file, { what: 'task JSON file' }), file };
}
