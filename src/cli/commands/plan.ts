// `wg-policy plan`: the SpawnPlan as JSON on stdout, one provenance line on stderr, the decision in the log.
import { createDiagnostics } from '../../audit/diagnostics.js';
import { decideSpawn, planMany, readTaskJsonArg, type SpawnRequest } from '../../spawn/plan.js';
import type { CallerInput } from '../../spawn/facts.js';
import type { SpawnPlan } from '../../spawn/plan-schema.js';
import { closeDecisionLog, decisionLogOption, type AuditFlags } from '../decision-log.js';
import { drainedOrFailed, printJson } from '../output.js';
import { statusFilter } from '../../graph/status-filter.js';

/** Flags shared by plan and explain: where the task is, and what the caller passes (the request's caller input). */
export interface SpawnFlags extends CallerInput {
  dir?: string;
  taskJson?: string;
}

/** Turns CLI flags into a planSpawn request. */
export function requestFrom(taskId: string, flags: SpawnFlags): SpawnRequest {
  return {
    taskId,
    dir: flags.dir,
    taskJson: flags.taskJson ? readTaskJsonArg(flags.taskJson) : undefined,
    agentExecutor: flags.agentExecutor,
    defaultModel: flags.defaultModel,
    promptFile: flags.promptFile,
    site: flags.site,
    agent: flags.agent,
    agentId: flags.agentId,
    timeout: flags.timeout,
    role: flags.role,
  };
}

/** `SpawnPlan task=t1 executor=claude (rule ← source), model=… , endpoint=…`. */
export function provenanceLine(plan: SpawnPlan): string {
  const part = (name: string, shown: string, field: keyof SpawnPlan['provenance']) => {
    const p = plan.provenance[field];
    const direct = p.sources.filter((s) => !s.via && s.layer !== 'default');
    const from = direct.map((s) => (s.layer === 'task' ? `task ${plan.task} ${s.key}` : s.layer === 'cli' ? `cli ${s.key}` : `${s.layer} ${s.file} ${s.key}`));
    return `${name}=${shown} (${p.rule}${from.length ? ` ← ${from.join(', ')}` : ''})`;
  };
  return `SpawnPlan task=${plan.task} ${[
    part('executor', plan.executor, 'executor'),
    part('model', plan.model.spec, 'model'),
    part('endpoint', plan.endpoint ? plan.endpoint.name : 'none', 'endpoint'),
  ].join(', ')}`;
}

export async function runPlan(taskId: string, flags: SpawnFlags & AuditFlags & { quiet?: boolean }): Promise<void> {
  const log = createDiagnostics({ quiet: flags.quiet });
  const warn = (m: string) => log.warn(m);
  try {
    // INVARIANT: the library records the decision (a refusal too) before returning, so wg never runs a plan the log does not have.
    const outcome = await decideSpawn(requestFrom(taskId, flags), { warn, decisionLog: decisionLogOption(flags) });
    if (outcome.error) throw outcome.error;
    printJson(outcome.plan, { masked: false });
    log.info(provenanceLine(outcome.plan!));
  } finally {
    await closeDecisionLog(warn);
    await log.close();
  }
}

const CHUNK = 64 * 1024;

/** Writes to stdout in chunks, waiting when the reader is slow; false once the reader is gone (a closed pipe ends quietly). */
function chunkedStdout(): { write(line: string): Promise<boolean>; flush(): Promise<boolean> } {
  let buffer = '';
  let closed = false;
  // Any other write error ends the command (guardPipes: write-failed, exit 2).
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') closed = true;
  });
  const flush = async () => {
    if (closed) return false;
    const text = buffer;
    buffer = '';
    // Waits for the reader, or for the error that says it is gone (a drain never comes then).
    if (text && !process.stdout.write(text)) await drainedOrFailed(process.stdout);
    return !closed;
  };
  return {
    write: async (line) => {
      buffer += line;
      return buffer.length < CHUNK ? !closed : flush();
    },
    flush,
  };
}

/** 2 when a task had bad input, else 1 when one was refused, else 0. */
const exitFor = (counts: { refused: number; bad: number }) => (counts.bad > 0 ? 2 : counts.refused > 0 ? 1 : 0);

/** `plan --all`: every task (or every task with a listed status) as one JSON line; exit 1 if any was refused, 2 if any had bad input. */
export async function runPlanAll(flags: SpawnFlags & AuditFlags & { quiet?: boolean; status?: string; record?: boolean }): Promise<void> {
  const log = createDiagnostics({ quiet: flags.quiet });
  // Tasks alike give the same warning (an unknown agent prefix, a model outside the cache): each is shown once.
  const warned = new Set<string>();
  let repeats = 0;
  const warn = (m: string) => {
    if (warned.has(m)) return void repeats++;
    warned.add(m);
    log.warn(m);
  };
  const out = chunkedStdout();
  const status = flags.status === undefined ? undefined : statusFilter(flags.status);
  const counts = { plans: 0, refused: 0, bad: 0 };
  try {
    const { taskId: _none, taskJson: _json, ...caller } = requestFrom('', flags);
    const items = planMany({ ...caller, status }, { warn, decisionLog: flags.record ? decisionLogOption(flags) : false });
    for await (const item of items) {
      if (item.plan) counts.plans++;
      else if (item.error!.exit === 1) counts.refused++;
      else counts.bad++;
      const line = item.plan ? JSON.stringify(item.plan) : JSON.stringify({ task: item.task, error: item.error!.toJSON() });
      // A reader gone early still gets the exit code of what was decided up to then.
      if (!(await out.write(`${line}\n`))) return void (process.exitCode = exitFor(counts));
    }
    await out.flush();
    log.info(`planned ${counts.plans + counts.refused + counts.bad} tasks: ${counts.plans} plans, ${counts.refused} refused, ${counts.bad} with bad input`);
    if (repeats > 0) log.info(`${repeats} repeat(s) of warnings shown above not shown again`);
    process.exitCode = exitFor(counts);
  } finally {
    await closeDecisionLog(warn);
    await log.close();
  }
}
