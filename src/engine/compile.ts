// The compiled evaluator: a stage's rules turned once per policy revision into plain functions that decide exactly as
// json-rules-engine does (run-rules.ts stays the reference; a differential test holds the two together).
import { FLAG_OPERATORS, type LoadedRule } from '../policy/schema.js';
import { getPath } from '../policy/value-expr.js';
import { OPERATOR_TABLE } from './operators.js';
import type { ConditionTrace, RuleTrace } from './run-rules.js';

type Facts = Readonly<Record<string, unknown>>;
/** Per leaf k of a stage: `[3k]` the fact value seen, `[3k+1]` the condition value seen, `[3k+2]` the result (unset: not evaluated). */
type Slots = unknown[];
/** A compiled condition: evaluates against facts and writes what its leaves saw into slots. */
type Node = (facts: Facts, slots: Slots) => boolean;

/** A leaf as json-rules-engine sees it (flag operators' `value` defaulted to true), with its slot. */
interface Leaf {
  fact: string;
  path: string | undefined;
  operator: string;
  value: unknown;
  slot: number;
}

/** A stage's rules compiled: each rule's test and its leaves, in the order run-rules.ts reports them. */
export interface CompiledStage {
  rules: ReadonlyArray<{ rule: LoadedRule; test: Node; leaves: readonly Leaf[] }>;
  slots: number;
}

const has = (o: object, k: PropertyKey) => Object.prototype.hasOwnProperty.call(o, k);

/** json-rules-engine's almanac.factValue: an unknown fact is undefined; a path is resolved only inside an object. */
function reader(fact: unknown, path: unknown): (facts: Facts) => unknown {
  // INVARIANT: facts are registered under their own keys, so only an own string key names a fact (Map semantics).
  if (typeof fact !== 'string') return () => undefined;
  if (!path) return (facts) => (has(facts, fact) ? facts[fact] : undefined);
  const segments = typeof path === 'string' ? path.split('.') : null;
  return (facts) => {
    const root = has(facts, fact) ? facts[fact] : undefined;
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
function valueReader(value: unknown): (facts: Facts) => unknown {
  if (value !== null && typeof value === 'object' && has(value, 'fact')) {
    const ref = value as { fact: unknown; path?: unknown };
    return reader(ref.fact, ref.path);
  }
  return () => value;
}

/** Where a rule's leaves go: its own list, with slots numbered across the whole stage. */
interface Ctx {
  leaves: Leaf[];
  next: number;
}

function compileLeaf(n: Record<string, unknown>, ctx: Ctx): Node {
  const operator = n.operator as string;
  const value = n.value === undefined && FLAG_OPERATORS.has(String(operator)) ? true : n.value;
  const slot = ctx.next;
  ctx.next += 3;
  ctx.leaves.push({ fact: n.fact as string, path: n.path as string | undefined, operator, value, slot });
  const op = OPERATOR_TABLE.get(operator);
  if (!op)
    return () => {
      throw new Error(`Unknown operator: ${operator}`);
    };
  const lhs = reader(n.fact, n.path);
  const rhs = valueReader(value);
  return (facts, slots) => {
    const expected = rhs(facts);
    const actual = lhs(facts);
    const result = op(actual, expected);
    slots[slot] = actual;
    slots[slot + 1] = expected;
    slots[slot + 2] = result;
    return result;
  };
}

/** A condition's priority as json-rules-engine orders siblings: booleans always 1 (toEngineCondition drops theirs), a leaf's own or its fact's (1). */
function priorityOf(n: Record<string, unknown>, isLeaf: boolean): unknown {
  return isLeaf && n.priority ? n.priority : 1;
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
  const runSet = (set: Node[], facts: Facts, slots: Slots) => {
    let all = true;
    let some = false;
    for (const node of set) {
      if (node(facts, slots) === true) some = true;
      else all = false;
    }
    return any ? some : all;
  };
  if (ordered.length === 1) {
    const only = ordered[0];
    return (facts, slots) => runSet(only, facts, slots);
  }
  return (facts, slots) => {
    let cursor = !any;
    for (const set of ordered) {
      if (any ? cursor : !cursor) break; // INVARIANT: the engine evaluates no further group once the answer is known
      cursor = runSet(set, facts, slots);
    }
    return cursor;
  };
}

/** Compiles one condition node in run-rules.ts's toEngineCondition order: `all`, `any`, `not`, else a leaf. */
function compileNode(c: unknown, ctx: Ctx): { node: Node; priority: unknown } {
  const n = c as Record<string, unknown>;
  if (Array.isArray(n.all)) return { node: compileGroup(n.all, 'all', ctx), priority: 1 };
  if (Array.isArray(n.any)) return { node: compileGroup(n.any, 'any', ctx), priority: 1 };
  if (n.not) {
    const inner = compileNode(n.not, ctx).node;
    return { node: (facts, slots) => !inner(facts, slots), priority: 1 };
  }
  return { node: compileLeaf(n, ctx), priority: priorityOf(n, true) };
}

function compileGroup(list: unknown[], op: 'all' | 'any', ctx: Ctx): Node {
  const children = list.map((c) => compileNode(c, ctx));
  const node = group(children, op);
  return children.length === 1 ? (facts, slots) => node(facts, slots) === true : node;
}

/** A rule's root, as json-rules-engine's Rule.evaluate dispatches it (`any`, then `all`, then `not`). */
function compileRoot(rule: LoadedRule, ctx: Ctx): Node {
  const w = rule.when as Record<string, unknown>;
  if (Array.isArray(w.all) || Array.isArray(w.any) || w.not) return compileNode(w, ctx).node;
  return () => {
    throw new Error('"conditions" root must contain a single instance of "all", "any", "not", or "condition"');
  };
}

const compiled = new WeakMap<readonly LoadedRule[], CompiledStage>();

/** The compiled form of one stage's rules, built on first use and kept as long as the rules (one policy revision). */
export function compileStage(rules: readonly LoadedRule[]): CompiledStage {
  let c = compiled.get(rules);
  if (!c) {
    const ctx: Ctx = { leaves: [], next: 0 };
    const list = rules.map((rule) => {
      ctx.leaves = [];
      const test = compileRoot(rule, ctx);
      return { rule, test, leaves: ctx.leaves };
    });
    c = { rules: list, slots: ctx.next };
    compiled.set(rules, c);
  }
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

/** A compiled stage's run: the slots every leaf wrote, read back only when a trace is asked for. */
class CompiledRun implements StageRun {
  private traces?: RuleTrace[];
  constructor(
    private readonly stage: CompiledStage,
    private readonly slots: Slots,
    readonly matched: boolean[],
  ) {}

  trace(i: number): RuleTrace {
    const r = this.stage.rules[i];
    const traces = (this.traces ??= []);
    return (traces[i] ??= { rule: r.rule, matched: this.matched[i], conditions: r.leaves.map((l) => conditionTrace(l, this.slots)) });
  }

  eachTrue(i: number, fn: (fact: string, path: string | undefined, actual: unknown) => void): void {
    for (const l of this.stage.rules[i].leaves) if (this.slots[l.slot + 2] === true) fn(l.fact, l.path, this.slots[l.slot]);
  }
}

/** Runs every rule of a compiled stage against facts, in the rules' order. */
export function runStage(stage: CompiledStage, facts: Facts): StageRun {
  const slots: Slots = new Array(stage.slots);
  const matched: boolean[] = [];
  for (const r of stage.rules) matched.push(!!r.test(facts, slots));
  return new CompiledRun(stage, slots, matched);
}
