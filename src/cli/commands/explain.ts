// `wg-policy explain`: per field, the winner, the config values it read, the rules that lost, and why the rest failed.
import { createDiagnostics } from '../../audit/diagnostics.js';
import { renderExplanation } from '../../engine/explain.js';
import { decideSpawn } from '../../spawn/plan.js';
import { compactExplanation } from '../../spawn/record.js';
import { printJson } from '../output.js';
import { requestFrom, type SpawnFlags } from './plan.js';

export async function runExplain(taskId: string, flags: SpawnFlags & { json?: boolean }): Promise<void> {
  const log = createDiagnostics();
  try {
    // A refusal still has a trace worth showing; bad input throws.
    const outcome = await decideSpawn(requestFrom(taskId, flags), { warn: (m) => log.warn(m), decisionLog: false });
    if (flags.json) printJson(outcome.explanation);
    else process.stdout.write(renderExplanation(compactExplanation(outcome.explanation)));
    if (outcome.error) process.exitCode = 1;
  } finally {
    await log.close();
  }
}
