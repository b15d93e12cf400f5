// `wg-policy done`: the gate, then (when allowed) the decided transition in graph.jsonl under wg's lock; wg's line on stdout.
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
      // The line stdout will carry is not repeated on stderr, where a terminal shows it too. Only an `unchanged`
      // transition (`Task 't1' is already done`) says what a determining rule says, and it writes nothing that could fail.
      afterVerdict: (v) => printVerdict(v, style, flags.quiet, v.allowed && !flags.json ? v.transition.say : null),
      onWait: flags.quiet ? undefined : () => process.stderr.write('waiting for graph.lock (another process is writing the graph)…\n'),
    });
  } finally {
    hooks.stop();
    await closeGateLog();
  }
  const { verdict, transition, say } = outcome;
  // stdout: the verdict as JSON with --json (`written`: what changed in graph.jsonl); else the line wg's `wg done` prints (`Marked 't1' as done`, …).
  if (flags.json) printJson({ ...verdict, written: transition, say });
  else if (say) process.stdout.write(`${say}\n`); // data, as wg prints it: -q quiets stderr only
  if (!verdict.allowed) process.exitCode = 1;
}
