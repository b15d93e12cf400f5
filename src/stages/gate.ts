// The gate stage table: what `done` would write (first match) and whether it may (any deny wins), and the facts their rules read.
import * as z from 'zod/mini';
import type { StageSpec, StageTable } from '../policy/stage.js';

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
  /** The end of stdout (for reports; wg discards stdout). */
  stdoutTail: z.string(),
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
  /** `--skip-verify`: wg's bypass of a task's verify command (humans only). */
  skipVerify: z.boolean(),
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
  /** Each skip with its own reason: `live (no endpoint); other (requires env X)`. */
  skippedReasons: z.string(),
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
  /** Keys wg ignores that look like typos (`owner` for `owners`), each with where it is and a did-you-mean. */
  ignored: z.array(z.string()),
  ignoredCount: z.number(),
  ignoredDetail: z.string(),
  /** Scenarios with no owners at all: they never run for any task (only with --full-smoke). */
  ownerless: z.array(z.string()),
  ownerlessCount: z.number(),
  ownerlessDetail: z.string(),
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
  /** wg's system tasks: the id starts with `.` (`.evaluate-*`, `.flip-*`, …). */
  system: z.boolean(),
  /** The `verify` command, when set. */
  verify: z.nullable(z.string()),
  /** `validation` as written (`integrated`, `llm`, `external`; anything else means none). */
  validation: z.nullable(z.string()),
  validationCommands: z.array(z.string()),
  /** Some log entry mentions `validat` (case-insensitive), as wg's integrated validation requires. */
  validationLogged: z.boolean(),
  after: z.array(z.string()),
});

/** `blockers`: the task's `after` entries sorted the way `wg done` sorts them. */
export const BlockersFactSchema = z.object({
  /** wg's blocking set, in `after` order: tasks neither done, abandoned, failed, in the task's own cycle, nor exempt below. */
  unresolved: z.array(z.string()),
  count: z.number(),
  /** wg's per-blocker lines on one line: `a (Title A): Open; b (Title B): InProgress`. */
  detail: z.string(),
  /** Failed blockers: terminal, so wg does not wait for them. */
  failed: z.array(z.string()),
  /** Blockers in the task's own cycle (strongly connected component): exempt in wg. */
  sameCycle: z.array(z.string()),
  /** pending-eval blockers of a system task (id starting with `.`): exempt in wg. */
  pendingEval: z.array(z.string()),
  /** `after` ids that name no task: ignored by wg. */
  missing: z.array(z.string()),
});

/** `evaluation`: the task's `.evaluate-<id>` task; while it is open, done goes to pending-eval. */
export const EvaluationFactSchema = z.object({
  id: z.string(),
  exists: z.boolean(),
  status: z.nullable(z.string()),
  /** It exists and is not done, failed or abandoned. */
  open: z.boolean(),
});

/** `cycle`: whether marking the task done is a point where wg may re-open a configured cycle. */
export const CycleFactSchema = z.object({
  /** The task is in a cycle (its own strongly connected component, or a self-loop). */
  member: z.boolean(),
  members: z.array(z.string()),
  /** The task, or a member of its cycle, has a `cycle_config`. */
  configured: z.boolean(),
  /** Every other member is done or abandoned, so wg's cycle iteration would be considered now. */
  othersClosed: z.boolean(),
  /** The cycle has reached its `max_iterations`. */
  exhausted: z.boolean(),
});

/** `config`: the keys of wg's merged config (`<wgdir>/config.toml` over `~/.wg/config.toml`) that `wg done` reads. */
export const DoneConfigFactSchema = z.object({
  /** `[dispatcher].verify_mode`: `separate` sends a task with a verify command to pending-validation; anything else is inline. */
  verifyMode: z.string(),
  /** `[dispatcher].verify_autospawn_enabled`. */
  verifyAutospawn: z.boolean(),
});

/** One change since the base revision that can weaken the gate. */
export const FindingSchema = z.object({
  kind: z.enum([
    'rule-disabled',
    'rule-replaced',
    'rule-removed',
    'rule-changed',
    'rule-added',
    'optional-dropped',
    'owner-removed',
    'requires-widened',
    'timeout-raised',
    'script-changed',
    'base-moved',
    'manifest-chosen',
  ]),
  /** One phrase: `bundled rule \`done.scenario-broken\` disabled`. */
  what: z.string(),
  /** The file (`file:line` where known) that made the change. */
  by: z.string(),
});
export type Finding = z.infer<typeof FindingSchema>;

/** `weakening`: project gate-policy files and the manifest compared with the base revision. */
export const WeakeningFactSchema = z.object({
  /** The base as shown in messages (`HEAD`, `merge-base of HEAD and origin/main (1a2b3c4)`). */
  base: z.string(),
  /** False when there is no git base: then nothing counts as accepted, and every override is a finding. */
  compared: z.boolean(),
  /** The base is HEAD itself, so committing a change makes it accepted. */
  baseIsHead: z.boolean(),
  /** The integration branch HEAD is checked out on (`main`), or null (another branch, or no integration branch). */
  onIntegrationBranch: z.nullable(z.string()),
  findings: z.array(FindingSchema),
  count: z.number(),
  /** `what (by); what (by)`. */
  detail: z.string(),
});

/** What `done` writes when the gate allows (a rule value of the `transition` stage). */
export const TransitionValueSchema = z.strictObject({
  /** The status written, or `unchanged` for no write. */
  status: z.enum(['done', 'pending-eval', 'pending-validation', 'unchanged']),
  /** wg's log entry message (every status but `unchanged`). */
  log: z.optional(z.string().check(z.minLength(1))),
  /** The line wg prints on stdout. */
  say: z.string().check(z.minLength(1)),
  /** `false`: the done gate does not apply at all (wg's already-done no-op: nothing runs, exit 0). */
  gate: z.optional(z.boolean()),
});
export type TransitionValue = z.infer<typeof TransitionValueSchema>;

/** Facts known before any scenario runs: the transition is decided from these alone. */
export const TRANSITION_FACTS = {
  task: GateTaskFactSchema,
  request: GateRequestFactSchema,
  evaluation: EvaluationFactSchema,
  config: DoneConfigFactSchema,
} as const;

/** The facts done-gate rules may read; `summary` and `results` exist only once scenarios ran. */
export const GATE_FACTS = {
  task: GateTaskFactSchema,
  request: GateRequestFactSchema,
  summary: SummaryFactSchema,
  manifest: ManifestFactSchema,
  results: z.array(ScenarioResultSchema),
  blockers: BlockersFactSchema,
  evaluation: EvaluationFactSchema,
  cycle: CycleFactSchema,
  config: DoneConfigFactSchema,
  weakening: WeakeningFactSchema,
  transition: TransitionValueSchema,
} as const;

/** Facts that hold scenario results: a deny rule that reads none of them is decided before scenarios run. */
export const RUN_FACTS: readonly string[] = ['summary', 'results'];

const TRANSITION_STAGE: StageSpec = {
  name: 'transition',
  field: 'transition',
  does: 'decides what done writes: done, pending-eval, pending-validation, or nothing (already done)',
  combine: 'first-match',
  facts: TRANSITION_FACTS,
  value: TransitionValueSchema,
};

const DONE_STAGE: StageSpec = { name: 'done', field: 'done', does: 'decides whether a task may go to done', combine: 'deny-overrides', facts: GATE_FACTS };

/**
 * The gate: `transition` (first match: what done would write) is decided before anything runs and is the `transition`
 * fact of `done` (every matching rule counts; any deny wins; with no deny the allows decide; no allow means deny).
 */
export const GATE_TABLE: StageTable = {
  kind: 'gate',
  fileKey: 'gate',
  stages: [TRANSITION_STAGE, DONE_STAGE],
};

/** The gate table's stages one at a time, in the order decideGate runs them. */
export const TRANSITION_TABLE: StageTable = { ...GATE_TABLE, stages: [TRANSITION_STAGE] };
export const DONE_TABLE: StageTable = { ...GATE_TABLE, stages: [DONE_STAGE] };
