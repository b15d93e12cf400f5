// The spawn pipeline as a named table of stages; each stage decides one plan field from policy rules.

/** Stages in evaluation order. A later stage sees earlier results as the fact `plan`. */
export const SPAWN_STAGES = [
  // The model spec comes first: the executor's last-resort rules read its provider prefix.
  { stage: 'model', field: 'model', does: 'picks the model spec, verbatim' },
  { stage: 'executor', field: 'executor', does: 'picks the executor; explicit settings outrank the model prefix' },
  { stage: 'compat', field: 'executor', does: 'checks (or, opted in, reroutes) an executor that cannot run the model' },
  { stage: 'model-id', field: 'modelId', does: 'derives the model id the executor receives' },
  { stage: 'endpoint', field: 'endpoint', does: 'picks the endpoint; only native gets one' },
  { stage: 'env', field: 'env', does: 'builds the environment' },
  { stage: 'argv', field: 'argv', does: 'builds the command line' },
] as const;

export type SpawnStage = (typeof SPAWN_STAGES)[number];
export type PlanField = SpawnStage['field'];

/** Stage names, as policy files name them in `field:`. */
export const SPAWN_FIELDS: readonly string[] = SPAWN_STAGES.map((s) => s.stage);
