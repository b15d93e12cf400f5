// Task data is written by agents: a credential in a task field (a URL with a key, a header) is refused before planning.
import type { LoadedTask } from '../graph/read-tasks.js';
import type { PolicySet } from '../policy/load.js';
import type { Condition } from '../policy/schema.js';
import { HAS_NUL, PolicyError } from '../shared/errors.js';
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

/** What makes a task string unplannable: credentials in it, or a NUL no argument or environment variable can carry. */
const flawOf = (text: string): string | undefined => (carriesCredential(text) ? CARRIES_CREDENTIALS : text.includes('\0') ? HAS_NUL : undefined);

/** The dotted path of the first string in `value` (depth first, in key order) with a flaw, and the flaw; or undefined. */
function flawAt(value: unknown, at: string): { at: string; flaw: string } | undefined {
  if (typeof value === 'string') {
    const flaw = flawOf(value);
    return flaw === undefined ? undefined : { at, flaw };
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = flawAt(value[i], at ? `${at}.${i}` : String(i));
      if (found !== undefined) return found;
    }
  } else if (value && typeof value === 'object') {
    for (const k of Object.keys(value)) {
      const found = flawAt((value as Record<string, unknown>)[k], at ? `${at}.${k}` : k);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/**
 * Throws `task-field` (exit 2) when a task field that a policy reads carries credentials and no rule tests it with
 * `hasCredentials` itself, or holds a NUL (so does the task's id, which every plan's environment carries); free text
 * no rule reads, such as a description, is not checked. The message names the field, never the value: a credential is
 * not printed, planned or recorded.
 */
export function refuseTaskCredentials(loaded: LoadedTask, policies: PolicySet, fact: string): void {
  // INVARIANT: a loaded task is never mutated, so a task found clean under a policy set stays clean under it.
  if (clean.get(loaded) === policies) return;
  const refuse = (at: string, flaw: string, help?: string) =>
    new PolicyError('task-field', `task \`${loaded.task.id}\` field \`${at}\` ${flaw}`, { file: loaded.file, line: loaded.line, key: at, help });
  if (loaded.task.id.includes('\0')) throw new PolicyError('task-field', `task field \`id\` ${HAS_NUL}`, { file: loaded.file, line: loaded.line, key: 'id' });
  for (const path of pathsToCheck(policies, fact)) {
    const value = getPath(loaded.task, path);
    // Most paths a rule reads are unset or short text: only strings, lists and objects can carry credentials.
    if (value === undefined || value === null || typeof value === 'number' || typeof value === 'boolean') continue;
    const found = flawAt(value, path);
    if (found === undefined) continue;
    const help =
      found.flaw === CARRIES_CREDENTIALS ? 'keep keys in config (api_key_env, api_key_file or api_key_ref) and name the endpoint in the task' : undefined;
    throw refuse(found.at, found.flaw, help);
  }
  clean.set(loaded, policies);
}

/** Tasks (as loaded, e.g. from the graph index) already found clean, with the policy set they were checked against. */
const clean = new WeakMap<LoadedTask, PolicySet>();
