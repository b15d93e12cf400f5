// `wg-policy done`: the gate, then (when allowed) the task marked done in graph.jsonl under wg's lock.
import { completeTask } from '../../gate/done.js';
import { printJson } from '../output.js';
import type { AuditFlags } from '../decision-log.js';
import { closeGateLog, gateHooks, gateRequest, gateStyle, printVerdict, type GateFlags } from './gate.js';

export async function runDone(taskId: string, flags: GateFlags & AuditFlags): Promise<void> {
  const req = gateRequest(taskId, flags);
  const style = gateStyle(flags);
  const hooks = gateHooks(style, flags);
  let outcome;
  try {
    outcome = await completeTask(req, {
      ...hooks,
      // INVARIANT: the verdict is in the log (decideGate records it) before the graph changes.
      afterVerdict: (v) => printVerdict(v, style, flags.quiet),
      onWait: () => process.stderr.write('waiting for graph.lock (another process is writing the graph)…\n'),
    });
  } finally {
    hooks.stop();
    await closeGateLog();
  }
  const { verdict, transition } = outcome;
  if (transition && !flags.quiet) process.stderr.write(`Marked '${transition.task}' as done (was ${transition.from})\n`);
  if (flags.json) printJson({ ...verdict, transition });
  if (!verdict.allowed) process.exitCode = 1;
}
