// `wg-policy plan`: the SpawnPlan as JSON on stdout, one provenance line on stderr through winston.
import { createDiagnostics } from '../../audit/log.js';
import { planSpawn, readTaskJsonArg, type SpawnRequest } from '../../spawn/plan.js';
import type { SpawnPlan } from '../../spawn/plan-schema.js';
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

export async function runPlan(taskId: string, flags: SpawnFlags & { quiet?: boolean }): Promise<void> {
  const log = createDiagnostics({ quiet: flags.quiet });
  try {
    const plan = await planSpawn(requestFrom(taskId, flags), { warn: (m) => log.warn(m) });
    printJson(plan);
    log.info(provenanceLine(plan));
  } finally {
    await log.close();
  }
}
