// `wg-policy plan`: the SpawnPlan as JSON on stdout, one provenance line on stderr, the decision in the log.
import { createDiagnostics } from '../../audit/log.js';
import { decideSpawn, readTaskJsonArg, type SpawnRequest } from '../../spawn/plan.js';
import type { CallerInput } from '../../spawn/facts.js';
import type { SpawnPlan } from '../../spawn/plan-schema.js';
import { closeDecisionLog, decisionLogOption, type AuditFlags } from '../decision-log.js';
import { printJson } from '../output.js';

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
    printJson(outcome.plan);
    log.info(provenanceLine(outcome.plan!));
  } finally {
    await closeDecisionLog(warn);
    await log.close();
  }
}
