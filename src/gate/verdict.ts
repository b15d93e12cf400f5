// The gate verdict: whether a task may go to done and why (Cedar: the decision plus the rules that determined it).
import * as z from 'zod/mini';
import { RuleDecisionSchema } from '../engine/decision.js';
import { GateRequestFactSchema, ScenarioResultSchema, SummaryFactSchema } from '../stages/gate.js';

export { RuleDecisionSchema, type RuleDecision } from '../engine/decision.js';

export const VerdictSchema = z.object({
  task: z.string(),
  /** The gate's stage (`done`). */
  gate: z.string(),
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
