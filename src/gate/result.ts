// Scenario results and progress events (schemas), and wg's one-line render format; no process code, so cheap to load.
import * as z from 'zod/mini';
import { ScenarioResultSchema, type ScenarioResult } from '../stages/gate.js';

export { OutcomeSchema, ScenarioResultSchema, type Outcome, type ScenarioResult } from '../stages/gate.js';

/** Progress events, for a live display. */
export const ScenarioEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('start'), index: z.number(), name: z.string() }),
  z.object({ type: z.literal('finish'), index: z.number(), name: z.string(), result: ScenarioResultSchema }),
]);
export type ScenarioEvent = z.infer<typeof ScenarioEventSchema>;

/** wg's render format: `  PASS  a`, `  SKIP  a — why`, `  FAIL  a (exit N)` + stderr tail, `  ERROR a — why`. */
export function renderResultLine(r: ScenarioResult): string {
  const tail = r.stderrTail ? r.stderrTail.split('\n').map((l) => `        ${l}`) : [];
  switch (r.outcome) {
    case 'pass':
      return `  PASS  ${r.name}`;
    case 'skip':
      return `  SKIP  ${r.name} — ${r.reason ?? 'scenario emitted SKIP (exit 77)'}`;
    case 'error':
      return `  ERROR ${r.name} — ${r.reason ?? 'could not run the scenario'}`;
    case 'timeout':
      return [`  FAIL  ${r.name} (${r.reason ?? 'timed out'})`, ...tail].join('\n');
    case 'fail':
      // wg reports a signal death as exit -1.
      return [`  FAIL  ${r.name} (exit ${r.exitCode ?? -1})`, ...tail].join('\n');
  }
}
