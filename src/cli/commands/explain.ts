// `wg-policy explain`: per field, the winner, the config values it read, the rules that lost, and why the rest failed.
import { createDiagnostics } from '../../audit/log.js';
import { planSpawn, type SpawnTrace } from '../../spawn/plan.js';
import type { SpawnPlan } from '../../spawn/plan-schema.js';
import { PolicyError } from '../../shared/errors.js';
import { compactExplanation, explanation, renderExplanation } from '../explanation.js';
import { printJson } from '../output.js';
import { requestFrom, type SpawnFlags } from './plan.js';

export async function runExplain(taskId: string, flags: SpawnFlags & { json?: boolean }): Promise<void> {
  const log = createDiagnostics();
  let trace: SpawnTrace | undefined;
  let plan: SpawnPlan | null = null;
  let error: PolicyError | null = null;
  try {
    plan = await planSpawn(requestFrom(taskId, flags), { warn: (m) => log.warn(m), onTrace: (t) => (trace = t) });
  } catch (e) {
    // A rejection still has a trace worth showing; bad input does not.
    if (!(e instanceof PolicyError) || e.code !== 'rejected' || !trace) {
      await log.close();
      throw e;
    }
    error = e;
  }
  const x = explanation(trace!, plan, error);
  if (flags.json) printJson(x);
  else process.stdout.write(renderExplanation(compactExplanation(x)));
  await log.close();
  if (error) process.exitCode = 1;
}
