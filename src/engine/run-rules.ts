// The only importer of json-rules-engine: evaluates one stage's rules against facts and keeps every condition's result.
import { Engine, type RuleProperties, type TopLevelCondition } from 'json-rules-engine';
import { isSet } from '../shared/is-set.js';
import { testPattern } from '../shared/regex.js';
import { hasCredentials } from '../shared/secrets.js';
import { FLAG_OPERATORS, type Condition, type LoadedRule } from '../policy/schema.js';
import { getPath } from '../policy/value-expr.js';

/** One leaf condition as evaluated: the fact value seen, or `evaluated: false` when the engine short-circuited. */
export interface ConditionTrace {
  fact: string;
  path?: string;
  operator: string;
  expected: unknown;
  actual: unknown;
  evaluated: boolean;
  result: boolean | null;
}

/** A rule's outcome for one evaluation. */
export interface RuleTrace {
  rule: LoadedRule;
  matched: boolean;
  conditions: ConditionTrace[];
}

/** A list operand: a list or a string as json-rules-engine reads it; unset is empty; anything else is no list. */
const asList = (v: unknown): { indexOf(x: unknown): number } | null =>
  Array.isArray(v) ? v : typeof v === 'string' ? { indexOf: (x) => (typeof x === 'string' ? v.indexOf(x) : -1) } : v === undefined || v === null ? [] : null;

/** Operators wg-policy adds, and safe versions of json-rules-engine's list operators (same results on lists). */
const OPERATORS: Array<[string, (actual: unknown, expected: unknown) => boolean]> = [
  ['isSet', (a, e) => isSet(a) === (e !== false)],
  ['hasCredentials', (a, e) => (typeof a === 'string' && hasCredentials(a)) === (e !== false)],
  ['matches', (a, pattern) => testPattern(pattern, a)],
  ['in', (a, b) => (asList(b)?.indexOf(a) ?? -1) > -1],
  [
    'notIn',
    (a, b) => {
      const list = asList(b);
      return list !== null && list.indexOf(a) === -1;
    },
  ],
];

/** json-rules-engine wants a `value` on every leaf; flag operators (`isSet`) default to `true`. */
function toEngineCondition(c: Condition): TopLevelCondition {
  const n = c as Record<string, unknown>;
  if (Array.isArray(n.all)) return { all: (n.all as Condition[]).map(toEngineCondition) } as TopLevelCondition;
  if (Array.isArray(n.any)) return { any: (n.any as Condition[]).map(toEngineCondition) } as TopLevelCondition;
  if (n.not) return { not: toEngineCondition(n.not as Condition) } as TopLevelCondition;
  const value = n.value === undefined && FLAG_OPERATORS.has(String(n.operator)) ? true : n.value;
  return { ...n, value } as unknown as TopLevelCondition;
}

function leaves(node: Record<string, unknown>, out: ConditionTrace[]): ConditionTrace[] {
  for (const key of ['all', 'any'] as const) {
    if (Array.isArray(node[key])) {
      for (const c of node[key] as Record<string, unknown>[]) leaves(c, out);
      return out;
    }
  }
  if (node.not) return leaves(node.not as Record<string, unknown>, out);
  const evaluated = node.result !== undefined;
  out.push({
    fact: node.fact as string,
    path: node.path as string | undefined,
    operator: node.operator as string,
    expected: evaluated && node.valueResult !== undefined ? node.valueResult : node.value,
    actual: node.factResult,
    evaluated,
    result: evaluated ? (node.result as boolean) : null,
  });
  return out;
}

/**
 * Evaluates rules against facts on a fresh Engine (json-rules-engine keeps run state on the Engine,
 * so an Engine is never shared between evaluations). Returns one trace per rule, in the rules' order.
 */
export async function evaluateRules(rules: readonly LoadedRule[], facts: Readonly<Record<string, unknown>>): Promise<RuleTrace[]> {
  if (rules.length === 0) return [];
  const engine = new Engine([], { allowUndefinedFacts: true, pathResolver: (obj: object, path: string) => getPath(obj, path) });
  for (const [name, op] of OPERATORS) engine.addOperator(name, op);
  for (const name of Object.keys(facts)) engine.addFact(name, facts[name] as never);
  for (const rule of rules) {
    const props: RuleProperties = { name: rule.id, priority: rule.priority, conditions: toEngineCondition(rule.when as Condition), event: { type: rule.id } };
    engine.addRule(props);
  }
  const { results, failureResults } = await engine.run();
  const byId = new Map<string, RuleTrace>();
  const ruleById = new Map(rules.map((r) => [r.id, r]));
  for (const [list, matched] of [
    [results, true],
    [failureResults, false],
  ] as const) {
    for (const r of list) {
      const rule = ruleById.get(r.name as string)!;
      byId.set(rule.id, { rule, matched, conditions: leaves(r.conditions as unknown as Record<string, unknown>, []) });
    }
  }
  return rules.map((r) => byId.get(r.id)!);
}
