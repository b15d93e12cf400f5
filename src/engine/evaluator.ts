// The two evaluators of the policy format: json-rules-engine itself (the reference) and the compiled plain functions.
import type { LoadedRule } from '../policy/schema.js';
import { compileStage, runStage, type StageRun } from './compile.js';
import { compileExpr, compileMessage, type CompiledExpr } from './compile-values.js';
import { renderMessage, resolveValue, type Read } from './values.js';

type Facts = Readonly<Record<string, unknown>>;
/** The message fields of a rule's `then`. */
export type MessageKey = 'reject' | 'message' | 'help';

/** How a stage's rules are evaluated and a winner's `then` is resolved. */
export interface Evaluator {
  /**
   * Every rule of one stage against facts (json-rules-engine answers asynchronously). `replay` gives the facts whose
   * paths a trace read later must see as they are now (the compiled evaluator records nothing until a trace is asked for).
   */
  run(rules: readonly LoadedRule[], facts: Facts, replay?: () => Facts | null): StageRun | Promise<StageRun>;
  /** The rule's `then.value` and the fact paths it read. */
  value(rule: LoadedRule, facts: Facts): { value: unknown; reads: Read[] };
  /** The rule's `then.value` alone (a losing rule's value, shown in provenance without its sources). */
  valueOnly(rule: LoadedRule, facts: Facts): unknown;
  /** One of the rule's message templates, filled in. */
  message(rule: LoadedRule, key: MessageKey, facts: Facts): string;
}

/** json-rules-engine on a fresh Engine per stage, and value expressions interpreted: the semantics of the format. */
export const REFERENCE: Evaluator = {
  async run(rules, facts) {
    // json-rules-engine loads only when the reference evaluator runs (the compiled one needs none of it).
    const { evaluateRules } = await import('./run-rules.js');
    const traces = await evaluateRules(rules, facts);
    return {
      matched: traces.map((t) => t.matched),
      trace: (i) => traces[i],
      eachTrue: (i, fn) => {
        for (const c of traces[i].conditions) if (c.result === true) fn(c.fact, c.path, c.actual);
      },
    };
  },
  value: (rule, facts) => resolveValue(rule.then.value, facts),
  valueOnly: (rule, facts) => resolveValue(rule.then.value, facts).value,
  message: (rule, key, facts) => renderMessage(rule.then[key] ?? '', facts),
};

interface CompiledThen {
  value: CompiledExpr;
  messages: Partial<Record<MessageKey, (facts: Facts) => string>>;
}

const thens = new WeakMap<LoadedRule, CompiledThen>();

/** A rule's `then`, compiled on first use and kept as long as the rule (one policy revision). */
function thenOf(rule: LoadedRule): CompiledThen {
  let t = thens.get(rule);
  if (!t) thens.set(rule, (t = { value: compileExpr(rule.then.value), messages: {} }));
  return t;
}

/** Conditions, values and messages compiled once per policy revision; decides exactly as REFERENCE does. */
/** An evaluator that answers synchronously. */
export interface SyncEvaluator extends Evaluator {
  run(rules: readonly LoadedRule[], facts: Facts, replay?: () => Facts | null): StageRun;
}

export const COMPILED: SyncEvaluator = {
  run: (rules, facts, replay) => runStage(compileStage(rules), facts, replay),
  value(rule, facts) {
    const reads: Read[] = [];
    return { value: thenOf(rule).value(facts, reads), reads };
  },
  valueOnly: (rule, facts) => thenOf(rule).value(facts, null),
  message(rule, key, facts) {
    const m = thenOf(rule).messages;
    return (m[key] ??= compileMessage(rule.then[key] ?? ''))(facts);
  },
};
