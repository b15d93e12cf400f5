// Task data is written by agents: a credential in a task field (a URL with a key, a header) is refused before planning.
import type { LoadedTask } from '../graph/read-tasks.js';
import type { PolicySet } from '../policy/load.js';
import type { Condition } from '../policy/schema.js';
import { PolicyError } from '../shared/errors.js';
import { CARRIES_CREDENTIALS, carriesCredential } from '../shared/secrets.js';
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

/** Per policy set and fact: the paths to check, sorted (read by some rule, tested by none), computed once per policy revision. */
const checked = new WeakMap<PolicySet, Map<string, readonly string[]>>();

function pathsToCheck(policies: PolicySet, fact: string): readonly string[] {
  let byFact = checked.get(policies);
  if (!byFact) checked.set(policies, (byFact = new Map()));
  let paths = byFact.get(fact);
  if (!paths) {
    const { read, guarded } = pathsRead(policies, fact);
    byFact.set(fact, (paths = [...read].sort().filter((p) => !guarded.has(p))));
  }
  return paths;
}

/** The dotted path of the first string in `value` (depth first, in key order) that carries credentials, or undefined. */
function credentialAt(value: unknown, at: string): string | undefined {
  if (typeof value === 'string') return carriesCredential(value) ? at : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = credentialAt(value[i], at ? `${at}.${i}` : String(i));
      if (found !== undefined) return found;
    }
  } else if (value && typeof value === 'object') {
    for (const k of Object.keys(value)) {
      const found = credentialAt((value as Record<string, unknown>)[k], at ? `${at}.${k}` : k);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/**
 * Throws `task-field` (exit 2) when a task field that a policy reads carries credentials and no rule tests it with
 * `hasCredentials` itself (free text no rule reads, such as a description, is not checked). The message
 * names the field, never the value: the credential is not printed, planned or recorded.
 */
export function refuseTaskCredentials(loaded: LoadedTask, policies: PolicySet, fact: string): void {
  // INVARIANT: a loaded task is never mutated, so a task found clean under a policy set stays clean under it.
  if (clean.get(loaded) === policies) return;
  for (const path of pathsToCheck(policies, fact)) {
    const value = getPath(loaded.task, path);
    // Most paths a rule reads are unset or short text: only strings, lists and objects can carry credentials.
    if (value === undefined || value === null || typeof value === 'number' || typeof value === 'boolean') continue;
    const at = credentialAt(value, path);
    if (at !== undefined)
      throw new PolicyError('task-field', `task \`${loaded.task.id}\` field \`${at}\` ${CARRIES_CREDENTIALS}`, {
        file: loaded.file,
        line: loaded.line,
        key: at,
        help: 'keep keys in config (api_key_env, api_key_file or api_key_ref) and name the endpoint in the task',
      });
  }
  clean.set(loaded, policies);
}

/** Tasks (as loaded, e.g. from the graph index) already found clean, with the policy set they were checked against. */
const clean = new WeakMap<LoadedTask, PolicySet>();
