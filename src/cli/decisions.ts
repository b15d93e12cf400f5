// Turns a spawn trace or a gate verdict into the decision the log records.
import type { Decision } from '../audit/event.js';
import type { GateTrace } from '../gate/decide.js';
import type { Verdict } from '../gate/verdict.js';
import type { SpawnTrace } from '../spawn/plan.js';
import type { SpawnPlan } from '../spawn/plan-schema.js';
import type { PolicyError } from '../shared/errors.js';
import { compactExplanation, explanation } from './explanation.js';

const errorOf = (e: PolicyError | null) => (e ? { code: e.code, message: e.message, ...(e.rule ? { rule: e.rule } : {}) } : undefined);

/** A spawn decision: the plan (or the refusal), the rule that decided each field, the config values they read. */
export function spawnDecision(trace: SpawnTrace, plan: SpawnPlan | null, error: PolicyError | null): Decision {
  return {
    kind: 'spawn',
    taskId: trace.taskId,
    policyRevision: trace.policyRevision,
    inputs: trace.inputs.map(({ layer, file, key, value }) => ({ layer, file, key, value })),
    result: plan,
    rules: trace.stages.flatMap((s) => {
      const won = s.rules.find((r) => r.rule.id === s.winner);
      return won ? [{ field: s.stage, rule: won.rule.id, policy: `${won.rule.file}:${won.rule.line}` }] : [];
    }),
    error: errorOf(error),
    explanation: compactExplanation(explanation(trace, plan, error)),
  };
}

/** A gate decision: the verdict with scenario outcomes, every rule that matched, and the facts they read. */
export function gateDecision(trace: GateTrace, verdict: Verdict): Decision {
  const matched = trace.rules.filter((r) => r.matched);
  const seen = new Set<string>();
  const inputs = matched
    .flatMap((r) => r.conditions.filter((c) => c.result === true))
    .map((c) => ({ layer: c.fact, file: c.fact === 'manifest' || c.fact === 'summary' ? verdict.manifest.path : null, key: `${c.fact}${c.path ? `.${c.path}` : ''}`, value: c.actual }))
    .filter((i) => (seen.has(i.key) ? false : (seen.add(i.key), true)));
  return {
    kind: 'gate',
    taskId: trace.taskId,
    policyRevision: trace.policyRevision,
    inputs,
    result: verdict,
    rules: [...verdict.determining, ...verdict.warnings].map((d) => ({ field: d.effect, rule: d.rule, policy: d.policy })),
    explanation: {
      rules: trace.rules.map((r) => ({
        rule: r.rule.id,
        policy: `${r.rule.file}:${r.rule.line}`,
        effect: r.rule.then.effect,
        matched: r.matched,
        conditions: r.conditions.map((c) => ({ fact: c.fact, path: c.path, operator: c.operator, actual: c.actual ?? null, result: c.result })),
      })),
    },
  };
}
