// The record of a gate decision (what the decision log keeps) and its explanation.
import type { Decision } from '../audit/event.js';
import type { DecideResult } from '../engine/decide.js';
import { compactStages, explainStages } from '../engine/explain.js';
import { dedupeSources, type SourceMapper } from '../shared/source.js';
import { TRANSITION_TABLE } from '../stages/gate.js';
import type { Verdict } from './verdict.js';

/** Every gate rule with every condition's actual value. */
export function gateExplanation(verdict: Verdict, result: DecideResult) {
  return { task: verdict.task, policyRevision: verdict.policyRevision, error: null, stages: explainStages(result.trace) };
}

/** A gate decision: the verdict with scenario outcomes, every rule that matched, and the facts they read. */
export function gateDecision(verdict: Verdict, result: DecideResult, sourcesOf: SourceMapper): Decision {
  const read = result.trace.flatMap((s) => s.rules.filter((r) => r.matched).flatMap((r) => r.conditions.filter((c) => c.result === true)));
  const x = gateExplanation(verdict, result);
  return {
    kind: 'gate',
    taskId: verdict.task,
    policyRevision: verdict.policyRevision,
    inputs: dedupeSources(read.flatMap((c) => sourcesOf(c.fact, c.path, c.actual))).map(({ layer, file, key, value }) => ({ layer, file, key, value })),
    result: verdict,
    // The rules that decided, then the warnings (field: their effect), as the log has always listed them; then the
    // rule that decided what done writes (field: `transition`), unless it is the determining rule already.
    rules: [
      ...[...verdict.determining, ...verdict.warnings].map((d) => ({ field: d.effect, rule: d.rule, policy: d.policy })),
      ...(verdict.determining.some((d) => d.rule === verdict.transition.rule)
        ? []
        : [{ field: TRANSITION_TABLE.stages[0].field, rule: verdict.transition.rule, policy: verdict.transition.policy }]),
    ],
    explanation: { task: x.task, policyRevision: x.policyRevision, error: null, stages: compactStages(x.stages) },
  };
}
