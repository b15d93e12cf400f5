// The spawn stage table: each stage decides one plan field from policy rules, in this order.
import * as z from 'zod/mini';
import { EndpointSchema } from '../config/endpoint.js';
import { openRouterListed, resolveShortName } from '../config/model-cache.js';
import { deprecationWarning, parseModelSpec } from '../config/model-spec.js';
import { lookupRegistry, type RegistryModel } from '../config/registry.js';
import type { StageSpec, StageTable } from '../policy/stage.js';
import { ExecutorConfigSchema, ExecutorSchema, LaunchSchema, SPAWN_FACTS, type ModelSpecSchema } from './spawn-facts.js';

export * from './spawn-facts.js';

const Text = z.string().check(z.minLength(1));
const BUILTIN_ALIASES = ['haiku', 'sonnet', 'opus'];

/** What later stages see of a model spec: parsed, with the registry entry, model-cache answer and OpenRouter listing wg would use. */
export function modelFact(spec: string, facts: Readonly<Record<string, unknown>>): z.infer<typeof ModelSpecSchema> {
  const parsed = parseModelSpec(spec);
  const registry = ((facts.registry as { list?: RegistryModel[] } | undefined)?.list ?? []) as RegistryModel[];
  const cache = facts.modelCache as { present?: boolean; ids?: string[] } | undefined;
  const ids = cache?.present ? (cache.ids ?? []) : null;
  const bare = parsed.provider === null;
  const entry = bare ? lookupRegistry(registry, spec) : null;
  let short: z.infer<typeof ModelSpecSchema>['cache'] = null;
  if (bare && !entry && !spec.includes('/')) {
    const r = resolveShortName(spec, ids);
    short = { resolved: r.resolved, suggestions: r.suggestions.map((s) => `openrouter:${s}`).join(', ') };
  }
  const listed = spec.includes('/') && !BUILTIN_ALIASES.includes(spec) ? openRouterListed(spec, ids) : null;
  return { ...parsed, registry: entry, cache: short, listed };
}

/** A model spec from the task or the caller with a deprecated prefix warns (config files warn when they load). */
function modelWarnings(value: unknown, sources: readonly { layer: string; key: string }[], facts: Readonly<Record<string, unknown>>): string[] {
  const src = sources.find((s) => s.layer === 'task' || s.layer === 'cli');
  const taskId = (facts.task as { id?: string } | undefined)?.id;
  const w = src && deprecationWarning(src.layer === 'task' ? `task ${taskId} model` : src.key, String(value));
  return w ? [w] : [];
}

/** What wg prints when its spawn path rewrites the model id (short-name resolution, OpenRouter pre-flight). */
function modelIdWarnings(value: unknown, _sources: unknown, facts: Readonly<Record<string, unknown>>): string[] {
  const m = (facts.plan as { model?: z.infer<typeof ModelSpecSchema> } | undefined)?.model;
  const file = (facts.modelCache as { file?: string } | undefined)?.file;
  if (!m) return [];
  if (m.cache?.resolved && value === `openrouter:${m.cache.resolved}`) return [`resolved short model name \`${m.spec}\` → \`${value}\` from ${file}`];
  if (m.listed === false && m.provider && value === m.name)
    return [`model \`${m.name}\` is not in the OpenRouter model list (${file}); as wg does, the plan passes it without its \`${m.provider}:\` prefix`];
  return [];
}

const stage = (s: Omit<StageSpec, 'combine' | 'facts'>): StageSpec => ({ ...s, combine: 'first-match', facts: SPAWN_FACTS });

/**
 * modelFact per spec, kept per registry list and model-cache fact (both built once per input revision and never
 * mutated): the answer depends on nothing else, so tasks with the same model share it.
 */
const modelFacts = new WeakMap<object, WeakMap<object, Map<string, z.infer<typeof ModelSpecSchema>>>>();
const NO_CACHE = {};

function toModelFact(v: unknown, facts: Readonly<Record<string, unknown>>): z.infer<typeof ModelSpecSchema> {
  const spec = String(v);
  const registry = (facts.registry as { list?: unknown } | undefined)?.list;
  const cache = (facts.modelCache as object | undefined) ?? NO_CACHE;
  if (!registry || typeof registry !== 'object') return modelFact(spec, facts);
  let byCache = modelFacts.get(registry);
  if (!byCache) modelFacts.set(registry, (byCache = new WeakMap()));
  let bySpec = byCache.get(cache);
  if (!bySpec) byCache.set(cache, (bySpec = new Map()));
  let fact = bySpec.get(spec);
  if (!fact) {
    if (bySpec.size >= 1024) bySpec.clear();
    bySpec.set(spec, (fact = modelFact(spec, facts)));
  }
  return fact;
}

/** Stages in evaluation order. A later stage sees earlier results as the fact `plan`. */
export const SPAWN_TABLE: StageTable = {
  kind: 'spawn',
  fileKey: 'field',
  resultsFact: 'plan',
  provenanceFact: 'provenance',
  stages: [
    stage({ name: 'launch', field: 'launch', does: 'decides how the task is launched (agent process, inline shell, chat handler)', value: LaunchSchema }),
    stage({ name: 'exec-mode', field: 'execMode', does: 'picks the exec mode (task, else the agent role, else full), as written', value: Text }),
    // The model spec comes before the executor: the executor's last-resort rules read its provider prefix.
    stage({ name: 'model', field: 'model', does: 'picks the model spec, verbatim', value: Text, toFact: toModelFact, warnings: modelWarnings }),
    stage({ name: 'executor', field: 'executor', does: 'picks the executor; explicit settings outrank the model prefix', value: ExecutorSchema }),
    stage({ name: 'compat', field: 'executor', does: 'checks (or, opted in, reroutes) an executor that cannot run the model', value: ExecutorSchema }),
    stage({
      name: 'executor-config',
      field: 'executorConfig',
      does: "picks the executor's configuration: its TOML in <wgdir>/executors/, else wg's built-in",
      value: ExecutorConfigSchema,
    }),
    stage({
      name: 'model-override',
      field: 'model',
      does: "lets the executor TOML's model replace a model that came from below the agent's preference",
      value: Text,
      toFact: toModelFact,
    }),
    stage({ name: 'model-id', field: 'modelId', does: 'derives the model id the executor receives', value: Text, warnings: modelIdWarnings }),
    stage({ name: 'provider', field: 'provider', does: 'picks the provider label (WG_LLM_PROVIDER, native --provider)', value: Text }),
    stage({ name: 'endpoint', field: 'endpoint', does: 'picks the endpoint; only native gets one', value: z.nullable(EndpointSchema) }),
    stage({
      name: 'agent-id',
      field: 'agentId',
      does: "names the agent (the caller's --agent-id, else the id wg would give next)",
      value: z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/)),
    }),
    stage({ name: 'prompt-file', field: 'promptFile', does: "picks the prompt file (the caller's, else the agent's prompt.txt)", value: Text }),
    stage({
      name: 'timeout',
      field: 'timeout',
      does: 'picks the hard timeout in seconds (null: none)',
      value: z.nullable(z.int().check(z.nonnegative())),
      toFact: (v) => (v === null ? null : String(v)),
    }),
    stage({ name: 'env', field: 'env', does: 'builds the environment', value: z.record(z.string().check(z.regex(/^[A-Z_][A-Z0-9_]*$/)), z.string()) }),
    stage({ name: 'argv', field: 'argv', does: 'builds the command line', value: z.array(z.string()).check(z.minLength(1)) }),
  ],
};
