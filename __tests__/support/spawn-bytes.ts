// The differential tests' view of a spawn decision: everything it yields, as one string to compare byte for byte.
import type { EvaluatorName } from '../../src/engine/decide.js';
import { PolicyError } from '../../src/shared/errors.js';
import { decideSpawn, type SpawnRequest } from '../../src/spawn/plan.js';

/** Everything a spawn decision yields, as bytes: plan, refusal, explanation, record and warnings (or the error it threw). */
export async function spawnBytes(req: SpawnRequest, evaluator: EvaluatorName): Promise<string> {
  const warnings: string[] = [];
  try {
    const o = await decideSpawn(req, { evaluator, warn: (m) => warnings.push(m) });
    return JSON.stringify({ plan: o.plan, error: o.error?.toJSON() ?? null, explanation: o.explanation, decision: o.decision, warnings });
  } catch (e) {
    if (!(e instanceof PolicyError)) throw e;
    return JSON.stringify({ threw: e.toJSON(), warnings });
  }
}
