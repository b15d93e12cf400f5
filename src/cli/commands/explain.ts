// `wg-policy explain`: per field, the winner, the config values it read, the rules that lost, and why the rest failed.
import { createDiagnostics } from '../../audit/log.js';
import type { ConditionTrace, RuleTrace } from '../../engine/run-rules.js';
import { planSpawn, type SpawnTrace } from '../../spawn/plan.js';
import type { SpawnPlan } from '../../spawn/plan-schema.js';
import { PolicyError } from '../../shared/errors.js';
import { printJson } from '../output.js';
import { requestFrom, type SpawnFlags } from './plan.js';

const show = (v: unknown) => (v === undefined || v === null ? 'unset' : JSON.stringify(v));
const cond = (c: ConditionTrace) =>
  `${c.fact}${c.path ? `.${c.path}` : ''} ${c.operator}${c.operator === 'isSet' && c.expected === true ? '' : ` ${show(c.expected)}`}`;

/** The explanation as data (also what `--json` prints). */
export function explanation(trace: SpawnTrace, plan: SpawnPlan | null, error: PolicyError | null) {
  const ruleView = (t: RuleTrace, winner: string | null) => ({
    rule: t.rule.id,
    policy: `${t.rule.file}:${t.rule.line}`,
    priority: t.rule.priority,
    outcome: t.rule.id === winner ? 'won' : t.matched ? 'matched, lost' : 'did not match',
    conditions: t.conditions.map((c) => ({
      condition: cond(c),
      actual: c.evaluated ? (c.actual === undefined ? null : c.actual) : 'not evaluated',
      result: c.result,
    })),
  });
  return {
    task: trace.taskId,
    policyRevision: trace.policyRevision,
    plan,
    error: error?.toJSON() ?? null,
    stages: trace.stages.map((s) => ({
      stage: s.stage,
      field: s.field,
      winner: s.winner,
      value: s.rejected !== undefined ? { reject: s.rejected } : s.value,
      read: plan?.provenance[s.field as keyof SpawnPlan['provenance']]?.rule === s.winner ? plan?.provenance[s.field as keyof SpawnPlan['provenance']].sources : undefined,
      rules: s.rules.map((r) => ruleView(r, s.winner)),
    })),
  };
}

function render(x: ReturnType<typeof explanation>): string {
  const out: string[] = [`task ${x.task} (policy revision ${x.policyRevision})`];
  for (const s of x.stages) {
    out.push('', `${s.stage} → ${s.field} = ${JSON.stringify(s.value)}`);
    const win = s.rules.find((r) => r.outcome === 'won');
    if (win) out.push(`  decided by ${win.rule} (${win.policy}, priority ${win.priority})`);
    for (const src of s.read ?? [])
      out.push(`  read ${src.layer}${src.file ? ` ${src.file}` : ''} ${src.key} = ${JSON.stringify(src.value)}${src.via ? ` (via ${src.via})` : ''}`);
    const lost = s.rules.filter((r) => r.outcome === 'matched, lost');
    if (lost.length) out.push('  also matched, lost on priority:', ...lost.map((r) => `    ${r.rule} (${r.policy}, priority ${r.priority})`));
    const failed = s.rules.filter((r) => r.outcome === 'did not match');
    if (failed.length) out.push('  did not match:');
    for (const r of failed) {
      const why = r.conditions.find((c) => c.result === false) ?? r.conditions.find((c) => c.actual === 'not evaluated');
      const detail = why ? (why.actual === 'not evaluated' ? `${why.condition}: not evaluated` : `${why.condition} failed: actual ${show(why.actual)}`) : 'no condition matched';
      out.push(`    ${r.rule} (${r.policy}): ${detail}`);
    }
  }
  if (x.error) out.push('', `rejected: ${String(x.error.message)}`);
  return `${out.join('\n')}\n`;
}

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
  else process.stdout.write(render(x));
  await log.close();
  if (error) process.exitCode = 1;
}
