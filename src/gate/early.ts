// Denials decided before scenarios run: deny rules that read no scenario result deny whatever the scenarios would give.
import type { DecideResult } from '../engine/decide.js';
import type { EffectOutcome } from '../engine/decision.js';
import type { LoadedRule } from '../policy/schema.js';
import { collectRefs, isFactRef } from '../policy/value-expr.js';

/** Every fact a rule reads: in its conditions (and their values) and in its message and help. */
export function factsRead(rule: LoadedRule): Set<string> {
  const out = new Set<string>();
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    for (const k of ['all', 'any'] as const) if (Array.isArray(n[k])) (n[k] as unknown[]).forEach(walk);
    if (n.not) walk(n.not);
    if (typeof n.fact === 'string') {
      out.add(n.fact);
      if (isFactRef(n.value) || typeof n.value === 'string') for (const r of collectRefs(n.value)) out.add(r.fact);
    }
  };
  walk(rule.when);
  for (const r of collectRefs([rule.then.message, rule.then.help])) out.add(r.fact);
  return out;
}

/**
 * The part of a pre-run decision that stands whatever the scenarios give: the matching deny rules (and warn rules)
 * that read none of `runFacts`. Null when no such deny matched, so the scenarios must run.
 */
export function earlyDenial(pre: DecideResult, stage: string, runFacts: readonly string[]): DecideResult | null {
  const outcome = pre.outcomes[stage];
  if (!outcome || outcome.allowed) return null;
  const rules = new Map(pre.trace.flatMap((s) => s.rules.map((t) => [t.rule.id, t.rule] as const)));
  const standing = (id: string) => {
    const r = rules.get(id);
    return !!r && ![...factsRead(r)].some((f) => runFacts.includes(f));
  };
  const determining = outcome.determining.filter((d) => d.effect === 'deny' && standing(d.rule));
  if (determining.length === 0) return null;
  const early: EffectOutcome = { ...outcome, determining, warnings: outcome.warnings.filter((w) => standing(w.rule)), notices: [] };
  return {
    ...pre,
    outcomes: { ...pre.outcomes, [stage]: early },
    allowed: false,
    determining: pre.determining.filter((d) => d.stage !== stage || determining.some((x) => x.rule === d.rule)),
  };
}
