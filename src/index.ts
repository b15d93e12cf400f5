// wg-policy's public library API: the spawn decision, policy checks, and the error type.
export { planSpawn, type SpawnRequest, type SpawnHooks, type SpawnTrace, type StageTrace } from './spawn/plan.js';
export { SpawnPlanSchema, type SpawnPlan, type ProvenanceEntry } from './spawn/plan-schema.js';
export { SPAWN_STAGES } from './spawn/stages.js';
export { checkPolicies } from './policy/check-all.js';
export { PolicyError, exitCodeFor, type ErrorCode } from './shared/errors.js';
export { decideDone, VerdictSchema, type DoneRequest, type DoneHooks, type Verdict, type RuleDecision } from './gate/decide.js';
