// The gate verdict: schema, and rule traces → decision (any deny wins; no allow means deny), with the determining rules.
import * as z from 'zod/mini';
import type { RuleTrace } from '../engine/run-rules.js';
import { renderMessage } from '../engine/values.js';
import { GateRequestFactSchema, SummaryFactSchema } from './facts.js';
import { ScenarioResultSchema } from './result.js';

/** A rule that took part in the decision, with its policy location `file:line` and its rendered message. */
export const RuleDecisionSchema = z.object({
  rule: z.string(),
  policy: z.string(),
  effect: z.enum(['allow', 'warn', 'deny']),
  message: z.string(),
});
export type RuleDecision = z.infer<typeof RuleDecisionSchema>;

/** Whether a task may go to done, and why (Cedar: the decision plus the policies that determined it). */
export const VerdictSchema = z.object({
  task: z.string(),
  gate: z.literal('done'),
  allowed: z.boolean(),
  effect: z.enum(['allow', 'deny']),
  /** Every matching deny rule when denied; every matching allow rule when allowed; empty when nothing allowed. */
  determining: z.array(RuleDecisionSchema),
  /** Matching warn rules: never decide, always reported. */
  warnings: z.array(RuleDecisionSchema),
  /** Facts worth knowing that no rule decided (grow-only not compared, no manifest, no allow rule matched). */
  notices: z.array(z.string()),
  results: z.array(ScenarioResultSchema),
  summary: SummaryFactSchema,
  request: GateRequestFactSchema,
  manifest: z.object({
    path: z.nullable(z.string()),
    how: z.string(),
    base: z.string(),
    compared: z.boolean(),
    lost: z.array(z.string()),
    /** Where the base manifest was read (`HEAD:tests/smoke/manifest.toml`), when it was. */
    at: z.optional(z.string()),
  }),
  policyRevision: z.string(),
});
export type Verdict = z.infer<typeof VerdictSchema>;

/** The decision part of a verdict. */
export interface Decision {
  allowed: boolean;
  effect: 'allow' | 'deny';
  determining: RuleDecision[];
  warnings: RuleDecision[];
  notices: string[];
}

const asDecision = (t: RuleTrace, facts: Record<string, unknown>): RuleDecision => ({
  rule: t.rule.id,
  policy: `${t.rule.file}:${t.rule.line}`,
  effect: t.rule.then.effect!,
  message: renderMessage(t.rule.then.message ?? '', facts),
});

/**
 * Combines rule outcomes: any matching deny wins and lists every matching deny; else matching allows
 * allow; else deny with no determining rule. Warn rules never decide. INVARIANT: traces are in priority, file order.
 */
export function combine(traces: readonly RuleTrace[], facts: Record<string, unknown>, taskId: string): Decision {
  const matched = traces.filter((t) => t.matched);
  const of = (effect: string) => matched.filter((t) => t.rule.then.effect === effect).map((t) => asDecision(t, facts));
  const [denies, allows, warnings] = [of('deny'), of('allow'), of('warn')];
  if (denies.length > 0) return { allowed: false, effect: 'deny', determining: denies, warnings, notices: [] };
  if (allows.length > 0) return { allowed: true, effect: 'allow', determining: allows, warnings, notices: [] };
  return {
    allowed: false,
    effect: 'deny',
    determining: [],
    warnings,
    notices: [`Smoke gate refused 'wg done ${taskId}': no gate rule allowed it (no allow means deny); run \`wg-policy check\` and see the \`gate: done\` policy files`],
  };
}
