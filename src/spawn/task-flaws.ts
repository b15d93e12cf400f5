// Task data is written by agents: a task field a plan would carry that is overlong, holds a credential, a config key's
// value or a NUL is refused before planning.
import type { LoadedTask } from '../graph/read-tasks.js';
import type { PolicySet } from '../policy/load.js';
import type { Condition } from '../policy/schema.js';
import { layerKeys, type ConfigLayers } from '../config/layers.js';
import { PolicyError } from '../shared/errors.js';
import { FLAWS, flawAt, flawOf, MAX_COMMAND_CHARS, MAX_FIELD_CHARS, MAX_LIST_ITEMS, MAX_TEXT_CHARS, type Flaw, type LengthLimit } from '../shared/flaws.js';
import { CITED_TASK_FIELDS } from './sources.js';
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

/** Task fields a plan may carry longer than a name: commands and free text. */
const LONGER: Readonly<Record<string, LengthLimit>> = {
  exec: MAX_COMMAND_CHARS,
  verify: MAX_COMMAND_CHARS,
  title: MAX_TEXT_CHARS,
  description: MAX_TEXT_CHARS,
};

/** The longest value a plan takes from a task path (its top-level field decides). */
function maxFor(path: string): LengthLimit {
  const field = path.split('.')[0];
  return Object.hasOwn(LONGER, field) ? LONGER[field] : MAX_FIELD_CHARS;
}

/**
 * A task path rules read (or provenance cites), whether to look for credentials in it (no rule tests it with
 * `hasCredentials` itself), and the longest value a plan takes from it.
 */
type Checked = { path: string; credentials: boolean; max: LengthLimit };

/** Per policy set and fact: the paths to check, sorted, computed once per policy revision. */
const checked = new WeakMap<PolicySet, Map<string, readonly Checked[]>>();

function pathsToCheck(policies: PolicySet, fact: string): readonly Checked[] {
  let byFact = checked.get(policies);
  if (!byFact) checked.set(policies, (byFact = new Map()));
  let paths = byFact.get(fact);
  if (!paths) {
    const { read, guarded } = pathsRead(policies, fact);
    const all = new Set([...read, ...guarded, ...CITED_TASK_FIELDS.filter((f) => f !== 'id')]); // the id: checked first, always
    byFact.set(fact, (paths = [...all].sort().map((path) => ({ path, credentials: !guarded.has(path), max: maxFor(path) }))));
  }
  return paths;
}

/**
 * Throws `task-field` (exit 2) when a task field that a policy reads (or provenance cites: CITED_TASK_FIELDS) is longer
 * than a plan takes (see MAX_FIELD_CHARS) or has more than MAX_LIST_ITEMS entries,
 * repeats a key read from config or holds a NUL (so does the task's id, which every plan's environment carries), or
 * carries credentials and no rule tests it with `hasCredentials` itself; free text no rule reads, such as a
 * description, is not checked. The message names the field, never the value: a credential is not printed, planned or
 * recorded.
 */
export function refuseTaskFlaws(loaded: LoadedTask, policies: PolicySet, fact: string, layers: ConfigLayers): void {
  // INVARIANT: a loaded task is never mutated, so a task found clean under a policy set and config stays clean under them.
  const seen = clean.get(loaded);
  if (seen?.policies === policies && seen.layers === layers) return;
  const keys = layerKeys(layers);
  const found = flawAt(loaded.task.id, 'id', (text) => flawOf(text, keys, false)) ?? firstFlaw(loaded.task, policies, fact, keys);
  if (found !== undefined) throw taskFieldError(loaded, found.at, found.flaw);
  clean.set(loaded, { policies, layers });
}

/** `task-field` for the task's field `at`, placed at the task's line: the id is named alone (it may be the flawed text). */
export function taskFieldError(loaded: LoadedTask, at: string, flaw: Flaw): PolicyError {
  const which = at === 'id' ? 'task field `id`' : `task \`${loaded.task.id}\` field \`${at}\``;
  return new PolicyError('task-field', `${which} ${flaw.sentence}`, { file: loaded.file, line: loaded.line, key: at, help: flaw.help });
}

function firstFlaw(task: LoadedTask['task'], policies: PolicySet, fact: string, keys: readonly string[]): { at: string; flaw: Flaw } | undefined {
  for (const { path, credentials, max } of pathsToCheck(policies, fact)) {
    const value = getPath(task, path);
    // Most paths a rule reads are unset or short text: only strings, lists and objects can hold a flaw.
    if (value === undefined || value === null || typeof value === 'number' || typeof value === 'boolean') continue;
    if (Array.isArray(value) && value.length > MAX_LIST_ITEMS) return { at: path, flaw: FLAWS.tooMany };
    const found = flawAt(value, path, (text) => flawOf(text, keys, credentials, max));
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Tasks (as loaded, e.g. from the graph index) already found clean, with the policy set and config they were checked against. */
const clean = new WeakMap<LoadedTask, { policies: PolicySet; layers: ConfigLayers }>();
