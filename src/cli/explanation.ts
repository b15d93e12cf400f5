// The per-field explanation of a spawn trace: built for `explain`, stored in audit records, rendered for both.
import type { ConditionTrace, RuleTrace } from '../engine/run-rules.js';
import type { SpawnTrace } from '../spawn/plan.js';
import type { SpawnPlan } from '../spawn/plan-schema.js';
import type { PolicyError } from '../shared/errors.js';

const show = (v: unknown) => (v === undefined || v === null ? 'unset' : JSON.stringify(v));
const cond = (c: ConditionTrace) =>
  `${c.fact}${c.path ? `.${c.path}` : ''} ${c.operator}${c.operator === 'isSet' && c.expected === true ? '' : ` ${show(c.expected)}`}`;
const loc = (r: RuleTrace) => `${r.rule.file}:${r.rule.line}`;

/** Every rule with every condition's actual value (what `explain --json` prints). */
export function explanation(trace: SpawnTrace, plan: SpawnPlan | null, error: PolicyError | null) {
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
      read: s.winner ? plan?.provenance[s.field as keyof SpawnPlan['provenance']]?.sources : undefined,
      rules: s.rules.map((t) => ({
        rule: t.rule.id,
        policy: loc(t),
        priority: t.rule.priority,
        outcome: t.rule.id === s.winner ? 'won' : t.matched ? 'matched, lost' : 'did not match',
        conditions: t.conditions.map((c) => ({ condition: cond(c), actual: c.evaluated ? (c.actual ?? null) : 'not evaluated', result: c.result })),
      })),
    })),
  };
}
export type Explanation = ReturnType<typeof explanation>;

/** The part a reader needs: per stage the winner, what it read, the rules that lost, and why the others failed. */
export function compactExplanation(x: Explanation) {
  return {
    task: x.task,
    policyRevision: x.policyRevision,
    error: x.error,
    stages: x.stages.map((s) => ({
      stage: s.stage,
      field: s.field,
      value: s.value,
      won: s.rules.filter((r) => r.outcome === 'won').map(({ rule, policy, priority }) => ({ rule, policy, priority }))[0] ?? null,
      read: s.read,
      lost: s.rules.filter((r) => r.outcome === 'matched, lost').map(({ rule, policy, priority }) => ({ rule, policy, priority })),
      failed: s.rules
        .filter((r) => r.outcome === 'did not match')
        .map((r) => {
          const why = r.conditions.find((c) => c.result === false) ?? r.conditions.find((c) => c.actual === 'not evaluated');
          const detail = !why ? 'no condition matched' : why.actual === 'not evaluated' ? `${why.condition}: not evaluated` : `${why.condition} failed: actual ${show(why.actual)}`;
          return { rule: r.rule, policy: r.policy, why: detail };
        }),
    })),
  };
}
export type CompactExplanation = ReturnType<typeof compactExplanation>;

/** Human text for `explain` and `audit show`. */
export function renderExplanation(x: CompactExplanation): string {
  const out: string[] = [`task ${x.task} (policy revision ${x.policyRevision})`];
  for (const s of x.stages) {
    out.push('', `${s.stage} → ${s.field} = ${JSON.stringify(s.value)}`);
    if (s.won) out.push(`  decided by ${s.won.rule} (${s.won.policy}, priority ${s.won.priority})`);
    for (const src of s.read ?? [])
      out.push(`  read ${src.layer}${src.file ? ` ${src.file}` : ''} ${src.key} = ${JSON.stringify(src.value)}${src.via ? ` (via ${src.via})` : ''}`);
    if (s.lost.length) out.push('  also matched, lost on priority:', ...s.lost.map((r) => `    ${r.rule} (${r.policy}, priority ${r.priority})`));
    if (s.failed.length) out.push('  did not match:', ...s.failed.map((r) => `    ${r.rule} (${r.policy}): ${r.why}`));
  }
  if (x.error) out.push('', `rejected: ${String((x.error as { message?: unknown }).message)}`);
  return `${out.join('\n')}\n`;
}
