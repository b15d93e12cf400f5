// `wg-policy plan`: the SpawnPlan as JSON on stdout, one provenance line on stderr, the decision in the log.
import { createDiagnostics } from '../../audit/log.js';
import { planSpawn, readTaskJsonArg, type SpawnContext, type SpawnRequest, type SpawnTrace } from '../../spawn/plan.js';
import type { SpawnPlan } from '../../spawn/plan-schema.js';
import { PolicyError } from '../../shared/errors.js';
import { closeDecisionLog, recordDecision, type AuditFlags } from '../decision-log.js';
import { spawnDecision } from '../decisions.js';
import { printJson } from '../output.js';

/** Flags shared by plan and explain. */
export interface SpawnFlags {
  dir?: string;
  taskJson?: string;
  agentExecutor?: string;
  defaultModel?: string;
  promptFile?: string;
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
  let trace: SpawnTrace | undefined;
  let ctx: SpawnContext | undefined;
  const record = (plan: SpawnPlan | null, error: PolicyError | null) =>
    recordDecision(spawnDecision(trace!, plan, error), { flags, wgDir: ctx!.wgDir, local: ctx!.localConfig, secrets: ctx!.secrets, warn });
  try {
    let plan: SpawnPlan;
    try {
      plan = await planSpawn(requestFrom(taskId, flags), { warn, onTrace: (t, c) => ((trace = t), (ctx = c)) });
    } catch (e) {
      // A refusal is a decision too: it goes to the log before the error is reported.
      if (e instanceof PolicyError && e.code === 'rejected' && trace) await record(null, e);
      throw e;
    }
    // INVARIANT: recorded before it is printed, so wg never runs a plan the log does not have.
    await record(plan, null);
    printJson(plan);
    log.info(provenanceLine(plan));
  } finally {
    await closeDecisionLog(warn);
    await log.close();
  }
}
