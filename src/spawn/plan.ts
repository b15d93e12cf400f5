// planSpawn: the only function that decides what launches a task. Every field comes from a policy rule.
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadLayers, type Source } from '../config/layers.js';
import type { ConfigFile } from '../config/load-toml.js';
import { locateWgDir } from '../config/locate.js';
import { deprecationWarning, parseModelSpec } from '../config/model-spec.js';
import { readTaskFromGraph, readTaskFromJson, type LoadedTask } from '../graph/read-tasks.js';
import { evaluateRules, type RuleTrace } from '../engine/run-rules.js';
import { renderMessage, resolveValue } from '../engine/values.js';
import { loadPolicySet, type PolicySet } from '../policy/load.js';
import { badInput, PolicyError } from '../shared/errors.js';
import { buildFacts, sourceMapper, type CallerInput } from './facts.js';
import { SpawnPlanSchema, type ProvenanceEntry, type SpawnPlan } from './plan-schema.js';
import { SPAWN_FIELDS, SPAWN_STAGES } from './stages.js';

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

/** One stage as evaluated: every rule's outcome, the winner and its value. */
export interface StageTrace {
  stage: string;
  field: string;
  rules: RuleTrace[];
  winner: string | null;
  value: unknown;
  rejected?: string;
}

/** Everything explain and the audit log need beyond the plan; never holds key material. */
export interface SpawnTrace {
  taskId: string;
  stages: StageTrace[];
  policyRevision: string;
  policyFiles: PolicySet['files'];
  inputs: Source[];
}

/** What the caller may need besides the trace (the CLI's decision log); `secrets` are for masking only. */
export interface SpawnContext {
  wgDir: string;
  localConfig: ConfigFile;
  secrets: readonly string[];
}

export interface SpawnHooks {
  /** Receives the trace, also when a rule rejects (before the error is thrown). */
  onTrace?: (trace: SpawnTrace, context: SpawnContext) => void;
  /** Deprecation and other warnings (default: stderr). */
  warn?: (message: string) => void;
}

const policyLoc = (r: { file: string; line: number }) => `${r.file}:${r.line}`;

function dedupe(sources: Source[]): Source[] {
  const seen = new Set<string>();
  return sources.filter((s) => {
    const k = `${s.layer}|${s.file}|${s.key}|${s.via ?? ''}`;
    return seen.has(k) ? false : (seen.add(k), true);
  });
}

function describeSources(sources: Source[], taskId: string): string {
  const direct = sources.filter((s) => !s.via);
  return (direct.length ? direct : sources)
    .map((s) => (s.layer === 'task' ? `task ${taskId} ${s.key}` : s.layer === 'cli' ? s.key : s.layer === 'default' ? `default in ${s.file}` : `${s.layer} ${s.file} ${s.key}`))
    .join(', ');
}

function loadTask(req: SpawnRequest, wgDir: string, projectRoot: string): LoadedTask {
  if (req.task) return readTaskFromJson(JSON.stringify(req.task), '(task object)', req.taskId);
  if (req.taskJson) return readTaskFromJson(req.taskJson.text, req.taskJson.file, req.taskId);
  if (!req.taskId) throw badInput('a task id or a task JSON is required');
  const path = join(wgDir, 'graph.jsonl');
  return readTaskFromGraph(path, relative(projectRoot, path), req.taskId);
}

/**
 * Resolves executor, model, endpoint, env and argv for one task from wg's layered config and the policy
 * files; every field carries the rule that decided it and the config values that fed it.
 * Throws PolicyError: `rejected` when a rule refuses, `bad-input` for unreadable or invalid input.
 */
export async function planSpawn(req: SpawnRequest, hooks: SpawnHooks = {}): Promise<SpawnPlan> {
  const warn = hooks.warn ?? ((m: string) => process.stderr.write(`warning: ${m}\n`));
  const env = req.env ?? process.env;
  const { wgDir } = locateWgDir({ dir: req.dir, env, cwd: req.cwd ?? process.cwd() });
  const layers = loadLayers({ wgDir, home: req.home || env.HOME || undefined }); // an empty HOME is no home
  for (const w of [...layers.global.warnings, ...layers.local.warnings]) warn(w);
  const loaded = loadTask(req, wgDir, layers.projectRoot);
  const policies = await loadPolicySet({ kind: 'spawn', fields: SPAWN_FIELDS, projectPolicyDir: join(wgDir, 'policies'), projectRoot: layers.projectRoot });
  const taskId = loaded.task.id;
  const facts = buildFacts(layers, loaded, req);
  const plan = facts.plan as Record<string, unknown>;
  const provenance: Record<string, ProvenanceEntry> = {};
  const sourceOf = sourceMapper(layers, loaded, req, (field) => {
    const key = field === 'model' ? 'model' : field;
    return (provenance[key]?.sources ?? []).map((s) => ({ ...s, via: s.via ?? key }));
  });
  const trace: SpawnTrace = { taskId, stages: [], policyRevision: policies.revision, policyFiles: policies.files, inputs: [] };
  const context: SpawnContext = { wgDir, localConfig: layers.local, secrets: [...layers.local.secrets, ...layers.global.secrets] };

  for (const { stage, field, value: valueSchema } of SPAWN_STAGES) {
    const rules = policies.byField.get(stage) ?? [];
    const traces = await evaluateRules(rules, facts);
    const matched = traces.filter((t) => t.matched); // INVARIANT: rules are sorted by priority, then file order
    const winner = matched[0];
    const st: StageTrace = { stage, field, rules: traces, winner: winner?.rule.id ?? null, value: undefined };
    trace.stages.push(st);
    if (!winner) {
      hooks.onTrace?.(trace, context);
      throw new PolicyError('rejected', `no ${stage} rule matched task \`${taskId}\`; the policy set needs a default rule for \`${stage}\``, { help: 'run `wg-policy explain` to see every rule' });
    }
    if (winner.rule.then.reject !== undefined) {
      const message = renderMessage(winner.rule.then.reject, facts);
      st.rejected = message;
      hooks.onTrace?.(trace, context);
      throw new PolicyError('rejected', `${message} (rule ${winner.rule.id}, ${policyLoc(winner.rule)})`, { rule: winner.rule.id, file: winner.rule.file, line: winner.rule.line });
    }
    const { value, reads } = resolveValue(winner.rule.then.value, facts);
    st.value = value;
    const checked = valueSchema.safeParse(value);
    if (!checked.success)
      throw badInput(`rule \`${winner.rule.id}\` (${policyLoc(winner.rule)}) gave ${stage} the invalid value ${JSON.stringify(value)}`, {
        rule: winner.rule.id,
        file: winner.rule.file,
        line: winner.rule.line,
      });
    const fromConditions = winner.conditions.filter((c) => c.result === true).map((c) => ({ fact: c.fact, path: c.path, value: c.actual }));
    let sources = dedupe([...reads, ...fromConditions].flatMap((r) => sourceOf(r.fact, r.path, r.value)));
    if (sources.length === 0) sources = [{ layer: 'default', file: winner.rule.file, key: `${winner.rule.id}.then.value`, value }];
    const shadowed = matched.slice(1).map((t) => ({
      rule: t.rule.id,
      value: t.rule.then.reject !== undefined ? { reject: renderMessage(t.rule.then.reject, facts) } : resolveValue(t.rule.then.value, facts).value,
      policy: policyLoc(t.rule),
    }));
    const earlier = provenance[field];
    if (earlier && JSON.stringify(earlier.value) === JSON.stringify(value)) {
      // A later stage that confirms a field leaves the deciding rule's provenance in place.
    } else {
      if (earlier) shadowed.push({ rule: earlier.rule, value: earlier.value, policy: earlier.policy });
      provenance[field] = { value, rule: winner.rule.id, policy: policyLoc(winner.rule), sources, shadowed };
    }
    plan[field] = field === 'model' ? parseModelSpec(String(value)) : value;
    if (field === 'model') {
      // Config files were checked for deprecated prefixes when loaded; a task's or the caller's model is checked here.
      const src = sources.find((x) => x.layer === 'task' || x.layer === 'cli');
      const w = src && deprecationWarning(src.layer === 'task' ? `task ${taskId} model` : src.key, String(value));
      if (w) warn(w);
    }
    (facts.provenance as Record<string, unknown>)[field] = { rule: provenance[field].rule, from: describeSources(provenance[field].sources, taskId) };
    trace.inputs = dedupe(Object.values(provenance).flatMap((p) => p.sources.filter((s) => !s.via)));
  }
  hooks.onTrace?.(trace, context);

  const model = plan.model as ReturnType<typeof parseModelSpec>;
  const result = SpawnPlanSchema.safeParse({
    task: taskId,
    executor: plan.executor,
    model: { spec: model.spec, provider: model.provider, id: plan.modelId },
    endpoint: plan.endpoint ?? null,
    env: plan.env,
    argv: plan.argv,
    provenance,
    policyRevision: policies.revision,
  });
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = String(issue.path[0]);
    const p = provenance[field === 'model' ? 'modelId' : field];
    throw badInput(`the policy set produced an invalid \`${issue.path.join('.')}\` for task \`${taskId}\`${p ? ` (rule ${p.rule}, ${p.policy})` : ''}: ${JSON.stringify(p?.value)}`, { rule: p?.rule });
  }
  return result.data;
}

/** Reads `--task-json FILE` (`-` = stdin) for the CLI. */
export function readTaskJsonArg(file: string): { text: string; file: string } {
  try {
    return { text: readFileSync(file === '-' ? 0 : file, 'utf8'), file: file === '-' ? '(stdin)' : file };
  } catch (e) {
    throw badInput(`cannot read --task-json ${file}: ${(e as Error).message}`, { file });
  }
}
