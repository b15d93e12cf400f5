// The gate verdict: whether a task may go to done and why (Cedar: the decision plus the rules that determined it).
import * as z from 'zod/mini';
import { RuleDecisionSchema } from '../engine/decision.js';
import {
  BlockersFactSchema,
  EvaluationFactSchema,
  GateRequestFactSchema,
  ScenarioResultSchema,
  SummaryFactSchema,
  TransitionValueSchema,
  WeakeningFactSchema,
} from '../stages/gate.js';

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
  /** What `done` writes when allowed (or wrote nothing for), and the `transition` rule that decided it. */
  transition: z.extend(TransitionValueSchema, { rule: z.string(), policy: z.string() }),
  /** The task's status and its `.evaluate-<id>` task as the decision read them (checked again before done writes). */
  taskStatus: z.string(),
  evaluation: EvaluationFactSchema,
  /** The task's blockers as wg sorts them (the reporter lists the unresolved ones). */
  blockers: BlockersFactSchema,
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
    /** Git blob ids (`git hash-object`) of the manifest used and of the base manifest, when there were any. */
    blob: z.nullable(z.string()),
    baseBlob: z.optional(z.string()),
  }),
  /** Every bundled gate rule a project file disabled or replaced, with the file (and line) that did it. */
  overrides: z.object({
    disabled: z.array(z.object({ id: z.string(), by: z.string() })),
    replaced: z.array(z.object({ id: z.string(), was: z.string(), by: z.string() })),
  }),
  /** Changes since the base revision that can weaken the gate. */
  weakening: WeakeningFactSchema,
  /** Every policy file the verdict used, with its origin and sha256. */
  policyFiles: z.array(z.object({ file: z.string(), origin: z.string(), sha256: z.string() })),
  policyRevision: z.string(),
  /** Wall time of the whole gate, and of the scenario runs alone. */
  elapsedMs: z.number(),
  runMs: z.number(),
});
export type Verdict = z.infer<typeof VerdictSchema>;
