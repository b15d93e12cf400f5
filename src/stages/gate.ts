// The gate stage table: the done gate's one stage (any deny wins), and the schemas of the facts its rules read.
import * as z from 'zod/mini';
import type { StageTable } from '../policy/stage.js';

/** wg's exit-code contract: 0 pass, 77 skip, anything else fail; `timeout` is a fail, `error` a spawn problem. */
export const OutcomeSchema = z.enum(['pass', 'fail', 'skip', 'timeout', 'error']);

/** The result of one scenario run. */
export const ScenarioResultSchema = z.object({
  name: z.string(),
  outcome: OutcomeSchema,
  exitCode: z.nullable(z.number()),
  signal: z.nullable(z.string()),
  timedOut: z.boolean(),
  durationMs: z.number(),
  stderrTail: z.string(),
  reason: z.optional(z.string()),
  logFile: z.string(),
  owners: z.array(z.string()),
});
export type ScenarioResult = z.infer<typeof ScenarioResultSchema>;
export type Outcome = z.infer<typeof OutcomeSchema>;

/** Who asks and with which flags; `agent` means `WG_AGENT_ID` is present in the env (any value), as in wg. */
export const GateRequestFactSchema = z.object({
  agent: z.boolean(),
  agentId: z.nullable(z.string()),
  human: z.boolean(),
  skipSmoke: z.boolean(),
  /** `WG_SMOKE_AGENT_OVERRIDE=1`. */
  override: z.boolean(),
  fullSmoke: z.boolean(),
});
export type GateRequestFact = z.infer<typeof GateRequestFactSchema>;

/** Counts and name lists derived from the results; `*Detail` strings are ready for messages. */
export const SummaryFactSchema = z.object({
  /** Scenarios chosen for this gate: the task's own, or all of them with --full-smoke. */
  selected: z.number(),
  owned: z.number(),
  /** False when --skip-smoke bypassed running anything. */
  ran: z.boolean(),
  passed: z.number(),
  skipped: z.array(z.string()),
  skippedCount: z.number(),
  skippedDetail: z.string(),
  failed: z.array(z.string()),
  timedOut: z.array(z.string()),
  errored: z.array(z.string()),
  /** failed + timed out + errored, in manifest order. */
  broken: z.array(z.string()),
  brokenCount: z.number(),
  /** wg's wording: `a (exit 1), b (script not found: …)`. */
  brokenDetail: z.string(),
  allSkipped: z.boolean(),
});
export type SummaryFact = z.infer<typeof SummaryFactSchema>;

/** The manifest used and its grow-only comparison with the base revision. */
export const ManifestFactSchema = z.object({
  path: z.nullable(z.string()),
  /** The path for messages, or `the working tree (no smoke manifest found)` when none was found. */
  label: z.string(),
  how: z.string(),
  found: z.boolean(),
  scenarios: z.number(),
  base: z.string(),
  compared: z.boolean(),
  lost: z.array(z.string()),
  lostCount: z.number(),
  /** The lost names; when the base manifest was another file, followed by where it was: `a, b (listed in tests/smoke/manifest.toml at HEAD)`. */
  lostDetail: z.string(),
});
export type ManifestFact = z.infer<typeof ManifestFactSchema>;

/** `task`: the task being gated, as read from graph.jsonl. */
export const GateTaskFactSchema = z.object({
  id: z.string(),
  title: z.nullable(z.string()),
  status: z.string(),
  priority: z.number(),
  tags: z.array(z.string()),
  assigned: z.nullable(z.string()),
});

/** The facts gate rules may read. */
export const GATE_FACTS = {
  task: GateTaskFactSchema,
  request: GateRequestFactSchema,
  summary: SummaryFactSchema,
  manifest: ManifestFactSchema,
  results: z.array(ScenarioResultSchema),
} as const;

/** The done gate: every matching rule counts; any deny wins; with no deny the allows decide; no allow means deny. */
export const GATE_TABLE: StageTable = {
  kind: 'gate',
  fileKey: 'gate',
  stages: [{ name: 'done', field: 'done', does: 'decides whether a task may go to done', combine: 'deny-overrides', facts: GATE_FACTS }],
};
