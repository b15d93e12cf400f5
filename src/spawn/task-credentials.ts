// Task data is written by agents: a credential in a task field (a URL with a key, a header) is refused before planning.
import type { LoadedTask } from '../graph/read-tasks.js';
import type { PolicySet } from '../policy/load.js';
import type { Condition } from '../policy/schema.js';
import type { ConfigLayers } from '../config/layers.js';
import type { SpawnPlan } from './plan-schema.js';
import { HAS_NUL, hasNul, PolicyError } from '../shared/errors.js';
import { CARRIES_CREDENTIALS, carriesCredential, containsKey, REPEATS_KEY } from '../shared/secrets.js';
import { collectRefs, getPath } from '../policy/value-expr.js';

const GUARD_OPERATOR = 'hasCredentials';

/** The task paths rules read (conditions, values, messages), and those they test with `hasCredentials` themselves. */
function pathsRead(policies: PolicySet, fact: string): { read: Set<string>; guarded: Set<string> } {
  const read = new Set<string>();
  const guarded = new Set<string>();
  const walk = (c: unknown) => {
    if (!c || typeof c !== 'object') return;
    const n = c as Record<string, unknown>;
    for (const k of ['all', 'any'] as const) if (Array.isArray(n[k])) (n[k] as Condition[]).forEach(walk);
    if (n.not) walk(n.not);
    if (n.fact === fact && typeof n.path === 'string') (n.operator === GUARD_OPERATOR ? guarded : read).add(n.path);
    for (const r of collectRefs(n.value)) if (r.fact === fact && r.path) read.add(r.path);
  };
  for (const rules of policies.byStage.values())
    for (const r of rules) {
      walk(r.when);
      for (const ref of collectRefs(r.then)) if (ref.fact === fact && ref.path) read.add(ref.path);
    }
  return { read, guarded };
}

/** A task path rules read, and whether to look for credentials in it (no rule tests it with `hasCredentials` itself). */
type Checked = { path: string; credentials: boolean };

/** Per policy set and fact: the paths to check, sorted, computed once per policy revision. */
const checked = new WeakMap<PolicySet, Map<string, readonly Checked[]>>();

function pathsToCheck(policies: PolicySet, fact: string): readonly Checked[] {
  let byFact = checked.get(policies);
  if (!byFact) checked.set(policies, (byFact = new Map()));
  let paths = byFact.get(fact);
  if (!paths) {
    const { read, guarded } = pathsRead(policies, fact);
    byFact.set(fact, (paths = [...new Set([...read, ...guarded])].sort().map((path) => ({ path, credentials: !guarded.has(path) }))));
  }
  return paths;
}

/** What is wrong with a string, if anything: a flaw's sentence (see CARRIES_CREDENTIALS, HAS_NUL, REPEATS_KEY). */
type FlawOf = (text: string) => string | undefined;

const repeatsKey =
  (keys: readonly string[]): FlawOf =>
  (text) =>
    containsKey(text, keys) ? REPEATS_KEY : undefined;

/** What a task string must not be: a key's value, credentials (where no rule tests for them itself), a NUL. */
const taskFlaw =
  (keys: readonly string[], credentials: boolean): FlawOf =>
  (text) =>
    containsKey(text, keys) ? REPEATS_KEY : credentials && carriesCredential(text) ? CARRIES_CREDENTIALS : hasNul(text) ? HAS_NUL : undefined;

/**
 * The first string in `value` (depth first, in key order) with a flaw: its dotted path after `at`, and the flaw; or
 * undefined. The path is spelled out only when a flaw is found.
 */
function flawAt(value: unknown, at: string, flawOf: FlawOf): { at: string; flaw: string } | undefined {
  const found = firstFlawIn(value, flawOf);
  if (found === undefined) return undefined;
  const inner = found.path.reverse(); // collected leaf first
  return { at: (at ? [at, ...inner] : inner).join('.'), flaw: found.flaw };
}

function firstFlawIn(value: unknown, flawOf: FlawOf): { path: Array<string | number>; flaw: string } | undefined {
  if (typeof value === 'string') {
    const flaw = flawOf(value);
    return flaw === undefined ? undefined : { path: [], flaw };
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = firstFlawIn(value[i], flawOf);
      if (found !== undefined) {
        found.path.push(i);
        return found;
      }
    }
  } else if (value && typeof value === 'object') {
    for (const k of Object.keys(value)) {
      const found = firstFlawIn((value as Record<string, unknown>)[k], flawOf);
      if (found !== undefined) {
        found.path.push(k);
        return found;
      }
    }
  }
  return undefined;
}

/**
 * Throws `task-field` (exit 2) when a task field that a policy reads repeats a key read from config or holds a NUL (so
 * does the task's id, which every plan's environment carries), or carries credentials and no rule tests it with
 * `hasCredentials` itself; free text no rule reads, such as a description, is not checked. The message names the
 * field, never the value: a credential is not printed, planned or recorded.
 */
export function refuseTaskCredentials(loaded: LoadedTask, policies: PolicySet, fact: string, layers: ConfigLayers): void {
  // INVARIANT: a loaded task is never mutated, so a task found clean under a policy set and config stays clean under them.
  const seen = clean.get(loaded);
  if (seen?.policies === policies && seen.layers === layers) return;
  const keys = configKeys(layers);
  const found = flawAt(loaded.task.id, 'id', taskFlaw(keys, false)) ?? firstFlaw(loaded.task, policies, fact, keys);
  if (found !== undefined) {
    const which = found.at === 'id' ? 'task field `id`' : `task \`${loaded.task.id}\` field \`${found.at}\``;
    throw new PolicyError('task-field', `${which} ${found.flaw}`, {
      file: loaded.file,
      line: loaded.line,
      key: found.at,
      help: found.flaw === CARRIES_CREDENTIALS ? 'keep keys in config (api_key_env, api_key_file or api_key_ref) and name the endpoint in the task' : undefined,
    });
  }
  clean.set(loaded, { policies, layers });
}

function firstFlaw(task: LoadedTask['task'], policies: PolicySet, fact: string, keys: readonly string[]): { at: string; flaw: string } | undefined {
  const [withCredentials, withoutCredentials] = [taskFlaw(keys, true), taskFlaw(keys, false)];
  for (const { path, credentials } of pathsToCheck(policies, fact)) {
    const value = getPath(task, path);
    // Most paths a rule reads are unset or short text: only strings, lists and objects can hold a flaw.
    if (value === undefined || value === null || typeof value === 'number' || typeof value === 'boolean') continue;
    const found = flawAt(value, path, credentials ? withCredentials : withoutCredentials);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Tasks (as loaded, e.g. from the graph index) already found clean, with the policy set and config they were checked against. */
const clean = new WeakMap<LoadedTask, { policies: PolicySet; layers: ConfigLayers }>();

/** The key values of both config layers (computed once per layers object). */
const keysOf = new WeakMap<ConfigLayers, readonly string[]>();

export function configKeys(layers: ConfigLayers): readonly string[] {
  let keys = keysOf.get(layers);
  if (!keys) keysOf.set(layers, (keys = [...layers.local.keys, ...layers.global.keys]));
  return keys;
}

/**
 * Throws `plan-repeats-key` (exit 2) when a key's value from config appears in what a plan launches (its fields but
 * provenance, and the executor TOML it runs), whatever route brought it (a TOML's argument, a caller's flag, a default
 * that equals a weak key): the plan is refused, never masked into one that would launch something else. Names where,
 * never the value.
 */
export function refusePlannedKeys(plan: SpawnPlan, keys: readonly string[]): void {
  if (keys.length === 0) return;
  const { provenance, ...launched } = plan;
  const flawOf = repeatsKey(keys);
  const found = flawAt(launched, '', flawOf) ?? flawAt(provenance.executorConfig.value, 'provenance.executorConfig.value', flawOf);
  if (found !== undefined)
    throw new PolicyError('plan-repeats-key', `the plan for task \`${plan.task}\` at \`${found.at}\` ${REPEATS_KEY}`, {
      key: found.at,
      help: 'keep keys out of executor TOMLs, flags and task fields; a key that equals planned text (a tier or a model name) is too weak: change it',
    });
}
