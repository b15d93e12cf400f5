// `check` reading the config against the spawn rules that refuse on config alone (`executor = "cladue"`): such a rule
// refuses every task that reaches it, whatever the task, so `check` warns before any plan is made.
import type { ConfigLayers } from '../config/layers.js';
import { compileStage } from '../engine/compile.js';
import { renderMessage } from '../engine/values.js';
import type { PolicySet } from '../policy/load.js';
import { collectRefs } from '../policy/value-expr.js';
import { PolicyError } from '../shared/errors.js';
import { configFact } from '../spawn/facts.js';

/** The facts that are config as written: a rule reading only these decides the same for every task. */
const CONFIG_FACTS: ReadonlySet<string> = new Set(['local', 'global']);

/** A condition value `{fact, path}` compares with another fact, which may be a task's. */
const refersToFact = (value: unknown): boolean => value !== null && typeof value === 'object' && !Array.isArray(value) && 'fact' in value;

/**
 * `config-refused` for each `reject` rule of `set` whose conditions read only the config layers and hold for them.
 * The conditions are matched against the config's facts, never against a task: nothing is decided. A warning, since an
 * earlier rule that reads other facts may decide first for every task.
 */
export function configRefusals(set: PolicySet, layers: ConfigLayers): PolicyError[] {
  const facts = { local: configFact(layers.local), global: configFact(layers.global) };
  const out: PolicyError[] = [];
  for (const rules of set.byStage.values())
    for (const { rule, test, leaves } of compileStage(rules).rules) {
      const reject = rule.then.reject;
      if (reject === undefined || leaves.length === 0 || !leaves.every((l) => CONFIG_FACTS.has(l.fact) && !refersToFact(l.value))) continue;
      if (!test(facts, null, null)) continue;
      // A message that reads only config renders for the config alone; one that reads a task is described instead.
      const says = collectRefs(reject).every((r) => CONFIG_FACTS.has(r.fact)) ? renderMessage(reject, facts) : rule.description;
      out.push(
        new PolicyError('config-refused', `the config as written is refused by \`${rule.id}\` for every task that reaches it: ${says}`, {
          rule: rule.id,
          file: rule.file,
          line: rule.line,
        }),
      );
    }
  return out;
}
