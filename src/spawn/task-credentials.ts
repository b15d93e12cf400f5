// Task data is written by agents: a credential in a task field (a URL with a key, a header) is refused before planning.
import type { LoadedTask } from '../graph/read-tasks.js';
import type { PolicySet } from '../policy/load.js';
import type { Condition } from '../policy/schema.js';
import { PolicyError } from '../shared/errors.js';
import { hasCredentials } from '../shared/secrets.js';
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

/** Every string in the task's own data with the dotted path it sits at. */
function* strings(value: unknown, at: string): Generator<[string, string]> {
  if (typeof value === 'string') yield [at, value];
  else if (Array.isArray(value)) for (let i = 0; i < value.length; i++) yield* strings(value[i], at ? `${at}.${i}` : String(i));
  else if (value && typeof value === 'object') for (const k of Object.keys(value)) yield* strings((value as Record<string, unknown>)[k], at ? `${at}.${k}` : k);
}

/**
 * Throws `task-field` (exit 2) when a task field that a policy reads carries credentials and no rule tests it with
 * `hasCredentials` itself (free text no rule reads, such as a description, is not checked). The message
 * names the field, never the value: the credential is not printed, planned or recorded.
 */
export function refuseTaskCredentials(loaded: LoadedTask, policies: PolicySet, fact: string): void {
  const { read, guarded } = pathsRead(policies, fact);
  for (const path of [...read].sort()) {
    if (guarded.has(path)) continue;
    for (const [at, text] of strings(getPath(loaded.task, path), path)) {
      if (!hasCredentials(text)) continue;
      throw new PolicyError(
        'task-field',
        `task \`${loaded.task.id}\` field \`${at}\` carries credentials (a URL with a user, key or token, or an authorization header); wg-policy never plans, prints or records them`,
        {
          file: loaded.file,
          line: loaded.line,
          key: at,
          help: 'keep keys in config (api_key_env, api_key_file or api_key_ref) and name the endpoint in the task',
        },
      );
    }
  }
}
