// wg-policy's public library API: the spawn decision, the done gate, policy checks, the decision core, and the error type.
export { planSpawn, decideSpawn, planMany, type SpawnRequest, type SpawnOptions, type SpawnOutcome, type ManyRequest, type ManyItem } from './spawn/plan.js';
export type { SpawnExplanation } from './spawn/record.js';
export { SpawnPlanSchema, type SpawnPlan, type ProvenanceEntry } from './spawn/plan-schema.js';
export {
  decideDone,
  decideGate,
  VerdictSchema,
  type DoneRequest,
  type DoneHooks,
  type GateOutcome,
  type GatePlan,
  type Verdict,
  type RuleDecision,
} from './gate/decide.js';
export type { ScenarioEvent, ScenarioResult } from './gate/result.js';
export { completeTask, type CompleteHooks, type DoneOutcome } from './gate/done.js';
export type { Transition } from './graph/transition.js';
export { checkManifest, type ManifestCheck } from './gate/check-manifest.js';
export { checkPolicies, type CheckReport, type CheckFinding } from './check/policies.js';
export { decide, type DecideResult, type StageTrace } from './engine/decide.js';
export { loadPolicySet, type PolicySet } from './policy/load.js';
export type { StageSpec, StageTable } from './policy/stage.js';
export { SPAWN_TABLE, GATE_TABLE, TABLES } from './stages/index.js';
export { PolicyError, ERROR_CODES, exitCodeFor, formatError, type ErrorCode } from './shared/errors.js';
export type { DecisionLogOption } from './audit/destination.js';
