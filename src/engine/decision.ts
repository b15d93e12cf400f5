// The shapes a decision is made of: per-field provenance (first-match stages) and rule decisions (deny-overrides stages).
import * as z from 'zod/mini';
import { SourceSchema } from '../shared/source.js';

/** Where a decided field came from: the winning rule, its policy `file:line`, the sources it read, the rules that lost. */
export const ProvenanceEntrySchema = z.object({
  value: z.unknown(),
  rule: z.string(),
  policy: z.string(),
  sources: z.array(SourceSchema),
  shadowed: z.array(z.object({ rule: z.string(), value: z.unknown(), policy: z.string() })),
});
export type ProvenanceEntry = z.infer<typeof ProvenanceEntrySchema>;

/** A rule that took part in a deny-overrides decision, with its policy `file:line` and its rendered message. */
export const RuleDecisionSchema = z.object({
  rule: z.string(),
  policy: z.string(),
  effect: z.enum(['allow', 'warn', 'deny']),
  message: z.string(),
  help: z.optional(z.string()),
});
export type RuleDecision = z.infer<typeof RuleDecisionSchema>;

/** The outcome of one deny-overrides stage: any deny wins; no allow means deny. */
export const EffectOutcomeSchema = z.object({
  allowed: z.boolean(),
  effect: z.enum(['allow', 'deny']),
  /** Every matching deny rule when denied; every matching allow rule when allowed; empty when nothing allowed. */
  determining: z.array(RuleDecisionSchema),
  /** Matching warn rules: never decide, always reported. */
  warnings: z.array(RuleDecisionSchema),
  notices: z.array(z.string()),
});
export type EffectOutcome = z.infer<typeof EffectOutcomeSchema>;

/** A rule that determined a decision: per first-match stage its winner, per deny-overrides stage its determining rules. */
export const DeterminingSchema = z.object({ stage: z.string(), field: z.string(), rule: z.string(), policy: z.string() });
export type Determining = z.infer<typeof DeterminingSchema>;
