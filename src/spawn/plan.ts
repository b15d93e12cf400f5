// planSpawn: the only function that decides what launches a task. A thin shell: read inputs, build facts, decide, record.
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { logDestination, recordDecision, type DecisionLogOption } from '../audit/destination.js';
import type { Decision } from '../audit/event.js';
import { loadLayers } from '../config/layers.js';
import { locateWgDir } from '../config/locate.js';
import { parseModelSpec } from '../config/model-spec.js';
import { decide } from '../engine/decide.js';
import { refuseTaskCredentials } from './task-credentials.js';
import { readTaskFromGraph, readTaskFromJson, type LoadedTask } from '../graph/read-tasks.js';
import { loadPolicySet } from '../policy/load.js';
import { factsForRecord } from '../policy/stage.js';
import { PolicyError } from '../shared/errors.js';
import { maskShown } from '../shared/secrets.js';
import { readTextFile } from '../shared/read-file.js';
import { NAMESPACES, SPAWN_TABLE } from '../stages/index.js';
import { buildFacts, describeSource, sourceMapper } from './facts.js';
import { readSpawnInputs, type CallerInput } from './inputs.js';
import { SpawnPlanSchema, type SpawnPlan } from './plan-schema.js';
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
}

/** A decision with everything around it: the plan or the refusal, the explanation, the record. */
export interface SpawnOutcome {
  plan: SpawnPlan | null;
  /** A refusal (`rule-rejected`, `no-rule-matched`): exit 1. */
  error: PolicyError | null;
  explanation: SpawnExplanation;
  decision: Decision;
}

function loadTask(req: SpawnRequest, wgDir: string, projectRoot: string): LoadedTask {
  if (req.task) return readTaskFromJson(JSON.stringify(req.task), '(task object)', req.taskId);
  if (req.taskJson) return readTaskFromJson(req.taskJson.text, req.taskJson.file, req.taskId);
  if (!req.taskId) throw new PolicyError('usage', 'a task id or a task JSON is required');
  const path = join(wgDir, 'graph.jsonl');
  return readTaskFromGraph(path, relative(projectRoot, path), req.taskId);
}

/** The fact holding the task (see facts.ts). */
const TASK_FACT = 'task';

/**
 * Decides a spawn and returns the outcome, a refusal included (recorded when asked). Throws PolicyError for bad input
 * (unreadable or invalid config, task or policy files; a rule that produced an invalid value).
 */
export async function decideSpawn(req: SpawnRequest, options: SpawnOptions = {}): Promise<SpawnOutcome> {
  const warnTo = options.warn ?? ((m: string) => process.stderr.write(`warning: ${m}\n`));
  // INVARIANT: a warning echoes task or config text; credentials in it are masked before the caller sees it.
  const warn = (m: string) => warnTo(maskShown(m));
  const env = req.env ?? process.env;
  const { wgDir } = locateWgDir({ dir: req.dir, env, cwd: req.cwd ?? process.cwd() });
  const layers = loadLayers({ wgDir, home: req.home || env.HOME || undefined }); // an empty HOME is no home
  for (const w of [...layers.global.warnings, ...layers.local.warnings]) warn(w);
  const loaded = loadTask(req, wgDir, layers.projectRoot);
  const policies = await loadPolicySet(SPAWN_TABLE, { projectPolicyDir: join(wgDir, 'policies'), projectRoot: layers.projectRoot, namespaces: NAMESPACES });
  const taskId = loaded.task.id;
  refuseTaskCredentials(loaded, policies, TASK_FACT);
  const inputs = readSpawnInputs(layers, loaded, callerOf(req), warn);
  const facts = buildFacts(inputs);
  const result = await decide(SPAWN_TABLE, policies, facts, {
    sourcesOf: sourceMapper(inputs),
    describe: describeSource(taskId),
    subject: `task \`${taskId}\``,
  });
  for (const w of result.warnings) warn(w);
  if (result.error && result.error.exit !== 1) throw result.error;
  const plan = result.error ? null : assemble(taskId, result.values, result.provenance, policies.revision);
  const explanation = spawnExplanation(taskId, policies.revision, result, plan, result.error ?? null);
  const decision = spawnDecision(explanation, result, result.error ?? null, factsForRecord(SPAWN_TABLE, facts));
  if (options.decisionLog) {
    const dest = logDestination({
      explicit: options.decisionLog.path,
      env,
      wgDir,
      config: layers.local.exists ? { data: layers.local.data, file: layers.local.file } : undefined,
    });
    // INVARIANT: recorded before it is returned, so wg never runs a plan the log does not have.
    await recordDecision(decision, dest, { secrets: [...layers.local.secrets, ...layers.global.secrets], warn });
  }
  return { plan, error: result.error ?? null, explanation, decision };
}

/** The caller's inputs of a request (and nothing else: the request also carries where to look). */
function callerOf(req: SpawnRequest): CallerInput {
  const { agentExecutor, defaultModel, promptFile, site, agent, agentId, timeout, role } = req;
  return Object.fromEntries(
    Object.entries({ agentExecutor, defaultModel, promptFile, site, agent, agentId, timeout, role }).filter(([, v]) => v !== undefined),
  );
}

/** The plan from the decided fields; a plan that does not fit the contract is bad input naming the rule. */
function assemble(
  taskId: string,
  values: Record<string, unknown>,
  provenance: Record<string, { rule: string; policy: string; value: unknown }>,
  policyRevision: string,
): SpawnPlan {
  const model = parseModelSpec(String(values.model));
  const r = SpawnPlanSchema.safeParse({
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
    provenance,
    policyRevision,
  });
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = String(issue.path[0]);
  const p = provenance[field === 'model' ? 'modelId' : field];
  throw new PolicyError('plan-invalid', `the policy set produced an invalid \`${issue.path.join('.')}\` for task \`${taskId}\`: ${JSON.stringify(p?.value)}`, {
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
