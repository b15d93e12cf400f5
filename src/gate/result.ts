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

/** A duration for people: `0.4 s`. */
export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/**
 * wg's render format with each scenario's duration: `  PASS  a (0.4 s)`, `  SKIP  a (0.1 s) — why`,
 * `  FAIL  a (exit N, 0.2 s)` + stderr tail, `  ERROR a (0.0 s) — why`; with `log`, a failure's log file follows.
 */
export function renderResultLine(r: ScenarioResult, log = false): string {
  const d = seconds(r.durationMs);
  const tail = r.stderrTail ? r.stderrTail.split('\n').map((l) => `        ${l}`) : [];
  const logLine = log ? [`        log: ${r.logFile}`] : [];
  switch (r.outcome) {
    case 'pass':
      return `  PASS  ${r.name} (${d})`;
    case 'skip':
      return `  SKIP  ${r.name} (${d}) — ${r.reason ?? 'scenario emitted SKIP (exit 77)'}`;
    case 'error':
      return [`  ERROR ${r.name} (${d}) — ${r.reason ?? 'could not run the scenario'}`, ...logLine].join('\n');
    case 'timeout':
      return [`  FAIL  ${r.name} (${r.reason ?? 'timed out'}, ${d})`, ...tail, ...logLine].join('\n');
    case 'fail':
      // wg reports a signal death as exit -1.
      return [`  FAIL  ${r.name} (exit ${r.exitCode ?? -1}, ${d})`, ...tail, ...logLine].join('\n');
  }
}
