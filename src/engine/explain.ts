// The explanation of a decision, for any stage table: per stage the winner, what it read, the rules that lost, why the rest failed.
import type { ProvenanceEntry } from './decision.js';
import type { StageTrace } from './decide.js';
import type { ConditionTrace, RuleTrace } from './run-rules.js';

const show = (v: unknown) => (v === undefined || v === null ? 'unset' : JSON.stringify(v));

/** A condition value that reads another fact (`{fact, path}`), as the engine takes it: an object with an own `fact`. */
const readsFact = (v: unknown): v is { fact: string; path?: unknown } =>
  v !== null && typeof v === 'object' && Object.prototype.hasOwnProperty.call(v, 'fact') && typeof (v as { fact: unknown }).fact === 'string';

/**
 * The right-hand side of a condition: a literal as the value; a fact reference (`written`, from the policy file) by its
 * name, with the value it read once evaluated (`unset` when it read nothing: the trace then holds the reference itself).
 */
function operand(c: ConditionTrace, written: unknown): string {
  if (!readsFact(written)) return show(c.expected);
  const name = `${written.fact}${typeof written.path === 'string' && written.path ? `.${written.path}` : ''}`;
  if (!c.evaluated) return name;
  const unread = JSON.stringify(c.expected) === JSON.stringify(written);
  return `${name} (${unread ? 'unset' : `= ${show(c.expected)}`})`;
}

const condition = (c: ConditionTrace, written: unknown) =>
  `${c.fact}${c.path ? `.${c.path}` : ''} ${c.operator}${(c.operator === 'isSet' || c.operator === 'hasCredentials') && c.expected === true ? '' : ` ${operand(c, written)}`}`;

/** A rule's leaf conditions as written, in the order traces list them (`all`, else `any`, else `not`, else a leaf). */
function leavesOf(node: unknown, out: Array<Record<string, unknown>> = []): Array<Record<string, unknown>> {
  const n = (node ?? {}) as Record<string, unknown>;
  for (const key of ['all', 'any'] as const)
    if (Array.isArray(n[key])) {
      for (const c of n[key] as unknown[]) leavesOf(c, out);
      return out;
    }
  if (n.not) return leavesOf(n.not, out);
  out.push(n);
  return out;
}
const loc = (r: RuleTrace) => `${r.rule.file}:${r.rule.line}`;

function outcomeOf(t: RuleTrace, s: StageTrace): string {
  if (s.combine === 'deny-overrides') return t.matched ? `matched: ${t.rule.then.effect}` : 'did not match';
  return t.rule.id === s.winner ? 'won' : t.matched ? 'matched, lost' : 'did not match';
}

function conditionsOf(t: RuleTrace) {
  const written = leavesOf(t.rule.when);
  return t.conditions.map((c, k) => ({
    condition: condition(c, written[k]?.value),
    actual: c.evaluated ? (c.actual ?? null) : 'not evaluated',
    result: c.result,
  }));
}

/** Every stage with every rule and every condition's actual value (what `explain --json` prints). */
export function explainStages(trace: readonly StageTrace[], provenance: Readonly<Record<string, ProvenanceEntry>> = {}) {
  return trace.map((s) => ({
    stage: s.stage,
    field: s.field,
    combine: s.combine,
    winner: s.winner,
    value: s.rejected !== undefined ? { reject: s.rejected } : s.outcome ? { effect: s.outcome.effect } : s.value,
    read: s.winner ? provenance[s.field]?.sources : undefined,
    rules: s.rules.map((t) => ({
      rule: t.rule.id,
      policy: loc(t),
      priority: t.rule.priority,
      outcome: outcomeOf(t, s),
      conditions: conditionsOf(t),
    })),
  }));
}
export type ExplainedStage = ReturnType<typeof explainStages>[number];

/** The part a reader needs: per stage the winner (or determining rules), what it read, the rules that lost, why the others failed. */
export function compactStages(stages: readonly ExplainedStage[]) {
  return stages.map((s) => {
    const pick = ({ rule, policy, priority }: ExplainedStage['rules'][number]) => ({ rule, policy, priority });
    const decided = s.combine === 'deny-overrides' ? s.rules.filter((r) => r.outcome.startsWith('matched')) : s.rules.filter((r) => r.outcome === 'won');
    return {
      stage: s.stage,
      field: s.field,
      value: s.value,
      won: decided.map(pick)[0] ?? null,
      ...(s.combine === 'deny-overrides' ? { matched: decided.map((r) => ({ ...pick(r), outcome: r.outcome })) } : {}),
      read: s.read,
      lost: s.rules.filter((r) => r.outcome === 'matched, lost').map(pick),
      failed: s.rules
        .filter((r) => r.outcome === 'did not match')
        .map((r) => {
          const why = r.conditions.find((c) => c.result === false) ?? r.conditions.find((c) => c.actual === 'not evaluated');
          const detail = !why
            ? 'no condition matched'
            : why.actual === 'not evaluated'
              ? `${why.condition}: not evaluated`
              : `${why.condition} failed: actual ${show(why.actual)}`;
          return { rule: r.rule, policy: r.policy, why: detail };
        }),
    };
  });
}
export type CompactStage = ReturnType<typeof compactStages>[number];

/** A compact explanation as stored in decision records: the subject, the policy revision, the error, the stages. */
export interface CompactExplanation {
  task: string;
  policyRevision: string;
  error: unknown;
  stages: CompactStage[];
}

type Ranked = { priority: number };

/** Why a matching rule lost to the winner: a lower priority, or the same priority and a later place in the set's order. */
function lostOn(r: Ranked, winner: Ranked | null): string {
  return winner && r.priority === winner.priority ? 'same priority, later in file order' : 'lower priority';
}

/** Human text for `explain` and `audit show`. */
export function renderExplanation(x: CompactExplanation): string {
  const out: string[] = [`task ${x.task} (policy revision ${x.policyRevision})`];
  for (const s of x.stages) {
    out.push('', `${s.stage} → ${s.field} = ${JSON.stringify(s.value)}`);
    if (s.matched) for (const m of s.matched) out.push(`  ${m.outcome.replace('matched: ', '')}: ${m.rule} (${m.policy}, priority ${m.priority})`);
    else if (s.won) out.push(`  decided by ${s.won.rule} (${s.won.policy}, priority ${s.won.priority})`);
    for (const src of s.read ?? [])
      out.push(`  read ${src.layer}${src.file ? ` ${src.file}` : ''} ${src.key} = ${JSON.stringify(src.value)}${src.via ? ` (via ${src.via})` : ''}`);
    if (s.lost.length) out.push('  also matched, lost:', ...s.lost.map((r) => `    ${r.rule} (${r.policy}, priority ${r.priority}; ${lostOn(r, s.won)})`));
    if (s.failed.length) out.push('  did not match:', ...s.failed.map((r) => `    ${r.rule} (${r.policy}): ${r.why}`));
  }
  if (x.error) out.push('', `rejected: ${String((x.error as { message?: unknown }).message)}`);
  return `${out.join('\n')}\n`;
}

/**
 * The short explanation `explain` prints by default: per stage the value, the rule that decided it, the values it read
 * and the next rule that would have won without it.
 */
export function renderSummary(x: CompactExplanation): string {
  const out: string[] = [`task ${x.task} (policy revision ${x.policyRevision})`];
  for (const s of x.stages) {
    const by = s.matched
      ? s.matched.map((m) => `${m.rule} (${m.outcome.replace('matched: ', '')})`).join(', ')
      : s.won
        ? `${s.won.rule} (${s.won.policy})`
        : 'no rule';
    out.push(`${s.stage} → ${s.field} = ${JSON.stringify(s.value)}  ← ${by}`);
    for (const src of (s.read ?? []).filter((r) => !r.via))
      out.push(`    read ${src.layer}${src.file ? ` ${src.file}` : ''} ${src.key} = ${JSON.stringify(src.value)}`);
    if (s.lost[0]) out.push(`    next: ${s.lost[0].rule} (${s.lost[0].policy}, priority ${s.lost[0].priority}; ${lostOn(s.lost[0], s.won)})`);
  }
  if (x.error) out.push('', `rejected: ${String((x.error as { message?: unknown }).message)}`);
  out.push('', 'more: --all (every rule), --field <field>, --why-not <rule-id>');
  return `${out.join('\n')}\n`;
}

/** The stages deciding one field (or named like it), for `explain --field`. */
export function onlyField<T extends { stage: string; field: string }>(stages: readonly T[], field: string): T[] {
  return stages.filter((s) => s.field === field || s.stage === field);
}

/** Why a rule did not decide: it won; it matched but a higher-priority rule beat it; or its first failing condition. */
export function whyNot(stages: readonly ExplainedStage[], ruleId: string): string | null {
  for (const s of stages) {
    const i = s.rules.findIndex((r) => r.rule === ruleId);
    if (i < 0) continue;
    const r = s.rules[i];
    const at = `${r.rule} (${r.policy}, priority ${r.priority})`;
    if (r.outcome === 'won') return `${at} decided ${s.stage}: ${JSON.stringify(s.value)}`;
    if (r.outcome.startsWith('matched: ')) return `${at} matched and counted in ${s.stage} (${r.outcome.slice(9)})`;
    if (r.outcome === 'matched, lost') {
      const winner = s.rules.find((x) => x.outcome === 'won');
      if (!winner) return `${at} matched, but a higher-priority rule beat it in ${s.stage}`;
      return `${at} matched, but ${winner.rule} (${winner.policy}, priority ${winner.priority}) beat it in ${s.stage} (${lostOn(r, winner)})`;
    }
    const failed = r.conditions.find((c) => c.result === false);
    if (failed) return `${at} did not match: ${failed.condition} failed, actual ${show(failed.actual)}`;
    const skipped = r.conditions.find((c) => c.actual === 'not evaluated');
    return `${at} did not match${skipped ? `: ${skipped.condition} was not evaluated (an earlier condition decided)` : ''}`;
  }
  return null;
}
