// The compiled evaluator: a stage's rules turned once per policy revision into plain functions that decide exactly as
// json-rules-engine does (run-rules.ts stays the reference; a differential test holds the two together).
import { FLAG_OPERATORS, type LoadedRule } from '../policy/schema.js';
import { getPath } from '../policy/value-expr.js';
import { OPERATOR_TABLE } from './operators.js';
import type { ConditionTrace, RuleTrace } from './run-rules.js';

type Facts = Readonly<Record<string, unknown>>;
/** Per leaf k of a rule: `[3k]` the fact value seen, `[3k+1]` the condition value seen, `[3k+2]` the result (unset: not evaluated). */
type Slots = unknown[];
/**
 * A compiled condition. `slots` (null on the fast path) receives what its leaves saw; `over` (null on the fast path)
 * replaces some facts for reads with a path (a replayed stage sees the earlier results as they were then).
 */
type Node = (facts: Facts, slots: Slots | null, over: Facts | null) => boolean;
type Reader = (facts: Facts, over: Facts | null) => unknown;

/** A leaf as json-rules-engine sees it (flag operators' `value` defaulted to true, then cloned), with its slot. */
interface Leaf {
  fact: string;
  path: string | undefined;
  operator: string;
  value: unknown;
  slot: number;
}

/** A compiled rule: its test and its leaves, in the order run-rules.ts reports them. */
interface CompiledRule {
  rule: LoadedRule;
  test: Node;
  leaves: readonly Leaf[];
}

/** A stage's rules compiled. */
export interface CompiledStage {
  rules: readonly CompiledRule[];
}

const has = (o: object, k: PropertyKey) => Object.prototype.hasOwnProperty.call(o, k);

/** json-rules-engine's almanac.factValue: an unknown fact is undefined; a path is resolved only inside an object. */
function reader(fact: unknown, path: unknown): Reader {
  // INVARIANT: facts are registered under their own keys, so only an own string key names a fact (Map semantics).
  if (typeof fact !== 'string') return () => undefined;
  if (!path) return (facts) => (has(facts, fact) ? facts[fact] : undefined);
  const segments = typeof path === 'string' ? path.split('.') : null;
  return (facts, over) => {
    const from = over !== null && has(over, fact) ? over : facts;
    const root = has(from, fact) ? from[fact] : undefined;
    if (root === null || typeof root !== 'object') return root;
    if (!segments) return getPath(root, path as string); // a non-string path fails as it does in the engine
    let cur: unknown = root;
    for (const seg of segments) {
      if (cur === null || cur === undefined || typeof cur !== 'object' || !has(cur, seg)) return undefined;
      cur = (cur as Record<string, unknown>)[seg];
    }
    return cur;
  };
}

/** json-rules-engine's almanac.getValue: an object with an own `fact` is a fact reference, anything else a literal. */
function valueReader(value: unknown): Reader {
  if (value !== null && typeof value === 'object' && has(value, 'fact')) {
    const ref = value as { fact: unknown; path?: unknown };
    return reader(ref.fact, ref.path);
  }
  return () => value;
}

/** Properties of Object.prototype without a setter: the `clone` package json-rules-engine uses skips keys named like them. */
const skipsKey = (proto: object, key: string) => {
  const d = Object.getOwnPropertyDescriptor(proto, key);
  return d !== undefined && d.set == null;
};

/**
 * A condition value as json-rules-engine evaluates it: deep-copied by the `clone` package (which drops object keys
 * named like a data property of the object's prototype, such as `valueOf`, and assigns `__proto__` through its setter).
 * Values come from policy files, so only plain objects, arrays and primitives occur.
 */
export function engineClone(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    const child: unknown[] = [];
    for (const i in v) (child as unknown as Record<string, unknown>)[i] = engineClone((v as unknown as Record<string, unknown>)[i]);
    return child;
  }
  const proto = Object.getPrototypeOf(v) as object | null;
  const child = Object.create(proto) as Record<string, unknown>;
  for (const k in v) {
    if (proto && skipsKey(proto, k)) continue;
    child[k] = engineClone((v as Record<string, unknown>)[k]);
  }
  return child;
}

function compileLeaf(n: Record<string, unknown>, leaves: Leaf[]): Node {
  const operator = n.operator as string;
  // INVARIANT: the engine evaluates (and traces) a clone of the condition's value, not the value itself.
  const value = engineClone(n.value === undefined && FLAG_OPERATORS.has(String(operator)) ? true : n.value);
  const slot = 3 * leaves.length;
  leaves.push({ fact: n.fact as string, path: n.path as string | undefined, operator, value, slot });
  const op = OPERATOR_TABLE.get(operator);
  if (!op)
    return () => {
      throw new Error(`Unknown operator: ${operator}`);
    };
  const lhs = reader(n.fact, n.path);
  const rhs = valueReader(value);
  return (facts, slots, over) => {
    const expected = rhs(facts, over);
    const actual = lhs(facts, over);
    const result = op(actual, expected);
    if (slots !== null) {
      slots[slot] = actual;
      slots[slot + 1] = expected;
      slots[slot + 2] = result;
    }
    return result;
  };
}

/** json-rules-engine orders a leaf by its own `priority`, else by its fact's (always 1); booleans are always 1 (toEngineCondition drops theirs). */
function priorityOf(n: Record<string, unknown>): unknown {
  return n.priority ? n.priority : 1;
}

/** json-rules-engine's prioritizeAndRun: siblings grouped by priority, highest first; every member of a group runs; later groups are skipped once the answer is known. */
function group(children: Array<{ node: Node; priority: unknown }>, op: 'all' | 'any'): Node {
  if (children.length === 0) return () => true;
  if (children.length === 1) return children[0].node;
  const sets: Record<string, Node[]> = {};
  for (const c of children) (sets[c.priority as string] ??= []).push(c.node);
  const ordered = Object.keys(sets)
    .sort((a, b) => (Number(a) > Number(b) ? -1 : 1))
    .map((k) => sets[k]);
  const any = op === 'any';
  const runSet = (set: Node[], facts: Facts, slots: Slots | null, over: Facts | null) => {
    let all = true;
    let some = false;
    for (const node of set) {
      if (node(facts, slots, over) === true) some = true;
      else all = false;
    }
    return any ? some : all;
  };
  if (ordered.length === 1) {
    const only = ordered[0];
    return (facts, slots, over) => runSet(only, facts, slots, over);
  }
  return (facts, slots, over) => {
    let cursor = !any;
    for (const set of ordered) {
      if (any ? cursor : !cursor) break; // INVARIANT: the engine evaluates no further group once the answer is known
      cursor = runSet(set, facts, slots, over);
    }
    return cursor;
  };
}

/** Compiles one condition node in run-rules.ts's toEngineCondition order: `all`, `any`, `not`, else a leaf. */
function compileNode(c: unknown, leaves: Leaf[]): { node: Node; priority: unknown } {
  const n = c as Record<string, unknown>;
  if (Array.isArray(n.all)) return { node: compileGroup(n.all, 'all', leaves), priority: 1 };
  if (Array.isArray(n.any)) return { node: compileGroup(n.any, 'any', leaves), priority: 1 };
  if (n.not) {
    const inner = compileNode(n.not, leaves).node;
    return { node: (facts, slots, over) => !inner(facts, slots, over), priority: 1 };
  }
  return { node: compileLeaf(n, leaves), priority: priorityOf(n) };
}

function compileGroup(list: unknown[], op: 'all' | 'any', leaves: Leaf[]): Node {
  const children = list.map((c) => compileNode(c, leaves));
  const node = group(children, op);
  return children.length === 1 ? (facts, slots, over) => node(facts, slots, over) === true : node;
}

/** A rule's root, as json-rules-engine's Rule.evaluate dispatches it (`any`, then `all`, then `not`). */
function compileRule(rule: LoadedRule): CompiledRule {
  const leaves: Leaf[] = [];
  const w = rule.when as Record<string, unknown>;
  const test: Node =
    Array.isArray(w.all) || Array.isArray(w.any) || w.not
      ? compileNode(w, leaves).node
      : () => {
          throw new Error('"conditions" root must contain a single instance of "all", "any", "not", or "condition"');
        };
  return { rule, test, leaves };
}

const compiled = new WeakMap<readonly LoadedRule[], CompiledStage>();

/** The compiled form of one stage's rules, built on first use and kept as long as the rules (one policy revision). */
export function compileStage(rules: readonly LoadedRule[]): CompiledStage {
  let c = compiled.get(rules);
  if (!c) compiled.set(rules, (c = { rules: rules.map(compileRule) }));
  return c;
}

/** One stage evaluated: which rules matched, and (on demand) every rule's trace with every condition. */
export interface StageRun {
  readonly matched: readonly boolean[];
  /** The trace of rule `i` (materialised on first use). */
  trace(i: number): RuleTrace;
  /** Calls `fn` for each condition of rule `i` that evaluated to true, in trace order (what provenance reads). */
  eachTrue(i: number, fn: (fact: string, path: string | undefined, actual: unknown) => void): void;
}

function conditionTrace(l: Leaf, slots: Slots): ConditionTrace {
  const result = slots[l.slot + 2];
  const evaluated = result !== undefined;
  const seen = slots[l.slot + 1];
  return {
    fact: l.fact,
    path: l.path,
    operator: l.operator,
    expected: evaluated && seen !== undefined ? seen : l.value,
    actual: slots[l.slot],
    evaluated,
    result: evaluated ? (result as boolean) : null,
  };
}

/**
 * A compiled stage's run. The fast path records nothing; a trace replays its rule with recording on, against the same
 * facts, with the results of earlier stages as they were when this stage ran (`replay()` gives them).
 */
class CompiledRun implements StageRun {
  private traces?: RuleTrace[];
  private over?: Facts | null;
  constructor(
    private readonly stage: CompiledStage,
    private readonly facts: Facts,
    readonly matched: boolean[],
    private readonly replay: () => Facts | null,
  ) {}

  private record(i: number, over: Facts | null): Slots {
    const r = this.stage.rules[i];
    const slots: Slots = new Array(3 * r.leaves.length);
    r.test(this.facts, slots, over);
    return slots;
  }

  trace(i: number): RuleTrace {
    const r = this.stage.rules[i];
    const traces = (this.traces ??= []);
    if (!traces[i]) {
      if (this.over === undefined) this.over = this.replay();
      const slots = this.record(i, this.over);
      traces[i] = { rule: r.rule, matched: this.matched[i], conditions: r.leaves.map((l) => conditionTrace(l, slots)) };
    }
    return traces[i];
  }

  eachTrue(i: number, fn: (fact: string, path: string | undefined, actual: unknown) => void): void {
    // INVARIANT: called while the stage's facts are still as they were when it ran, so no replay is needed.
    const slots = this.record(i, null);
    for (const l of this.stage.rules[i].leaves) if (slots[l.slot + 2] === true) fn(l.fact, l.path, slots[l.slot]);
  }
}

/**
 * Runs every rule of a compiled stage against facts, in the rules' order. `replay` gives, when a trace is asked for
 * later, the facts whose paths must be read as they were now (the live results object has moved on by then).
 */
export function runStage(stage: CompiledStage, facts: Facts, replay: () => Facts | null = () => null): StageRun {
  const matched: boolean[] = new Array(stage.rules.length);
  for (let i = 0; i < stage.rules.length; i++) matched[i] = !!stage.rules[i].test(facts, null, null);
  return new CompiledRun(stage, facts, matched, replay);
}
