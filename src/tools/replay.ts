// `audit replay`: the logged spawn decisions decided again, from the facts recorded in them, under the policy set in
// effect now; reports the decisions that would come out differently. Records nothing.
import { join } from 'node:path';
import type { AuditRecord } from '../audit/event.js';
import { listDecisions, type DecisionFilter, type QueryOptions } from '../audit/query.js';
import { decide } from '../engine/decide.js';
import { loadPolicySet } from '../policy/load.js';
import { factsProblem } from '../policy/stage.js';
import { PLAN_KEYS } from '../spawn/plan-schema.js';
import { NAMESPACES, SPAWN_TABLE } from '../stages/index.js';

/** What a spawn decision decided, for comparing: per field its value and rule, or the refusal. */
interface Outcome {
  values: Record<string, unknown>;
  rules: Record<string, string>;
  refused?: { code: string; rule?: string };
}

/** A logged decision that would now come out differently. */
export interface Replayed {
  id: string;
  ts: string;
  task: string;
  /** The plan fields whose values differ (`refusal` when it was or now is refused). */
  fields: string[];
  /** The stages decided by another rule, values the same or not. */
  rules: string[];
  then: Outcome;
  now: Outcome;
}

/**
 * What a plan decides, by the name its stage decides it under: every plan field but its subject, provenance and policy
 * revision, the model by its spec and its id.
 */
export const COMPARED_FIELDS: readonly string[] = PLAN_KEYS.filter((k) => k !== 'task' && k !== 'provenance' && k !== 'policyRevision').flatMap((k) =>
  k === 'model' ? ['model', 'modelId'] : [k],
);

export interface ReplayReport {
  policyRevision: string;
  replayed: number;
  /** Logged spawn decisions that carry no facts (written before the log recorded them), so cannot be replayed. */
  skipped: number;
  /** Logged spawn decisions whose facts are there but cannot be decided on (edited or damaged): why, per decision id. */
  unreadable: Array<{ id: string; why: string }>;
  changed: Replayed[];
}

function logged(r: AuditRecord): Outcome {
  const rules = Object.fromEntries(r.rules.map((x) => [x.field, x.rule]));
  if (r.error) return { values: {}, rules, refused: { code: r.error.code, rule: r.error.rule } };
  const plan = (r.result ?? {}) as Record<string, unknown>;
  const model = plan.model as { spec?: string; id?: string } | undefined;
  const values: Record<string, unknown> = { ...pick(plan), model: model?.spec, modelId: model?.id };
  return { values, rules };
}

/** Fields a plan shows as null when no rule set them (decided values leave them out). */
const NULL_WHEN_UNSET = new Set(['endpoint', 'timeout']);

/** The compared fields of a plan or of decided values; an unset endpoint or timeout is null in both. */
function pick(from: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(COMPARED_FIELDS.map((f) => [f, NULL_WHEN_UNSET.has(f) ? (from[f] ?? null) : from[f]]));
}

/** Re-decides every logged spawn decision matching `filter` under the policies of `wgDir` (and the bundled ones). */
export async function replayDecisions(
  files: string[],
  filter: DecisionFilter,
  opts: { wgDir?: string; onCorrupt?: QueryOptions['onCorrupt'] },
): Promise<ReplayReport> {
  const set = await loadPolicySet(SPAWN_TABLE, {
    projectPolicyDir: opts.wgDir && join(opts.wgDir, 'policies'),
    projectRoot: opts.wgDir && join(opts.wgDir, '..'),
    namespaces: NAMESPACES,
  });
  const report: ReplayReport = { policyRevision: set.revision, replayed: 0, skipped: 0, unreadable: [], changed: [] };
  for await (const r of listDecisions(files, { ...filter, kind: 'spawn' }, { onCorrupt: opts.onCorrupt })) {
    if (!r.facts) {
      report.skipped++;
      continue;
    }
    // A damaged record is reported as such, never replayed into a refusal a rule would be blamed for.
    const why = factsProblem(SPAWN_TABLE, r.facts);
    if (why) {
      report.unreadable.push({ id: r.id, why });
      continue;
    }
    report.replayed++;
    const result = await decide(SPAWN_TABLE, set, r.facts, { subject: `task \`${r.task}\`` });
    const now: Outcome = {
      values: result.error ? {} : pick(result.values),
      rules: Object.fromEntries(result.determining.map((d) => [d.stage, d.rule])),
      ...(result.error ? { refused: { code: result.error.code, rule: result.error.rule } } : {}),
    };
    const then = logged(r);
    const fields =
      then.refused || now.refused
        ? JSON.stringify(then.refused) === JSON.stringify(now.refused)
          ? []
          : ['refusal']
        : COMPARED_FIELDS.filter((f) => JSON.stringify(then.values[f]) !== JSON.stringify(now.values[f]));
    // Comparing the logged endpoint (the plan's) with the decided one (provenance's value, which may carry is_default).
    const strip = (v: unknown) =>
      v && typeof v === 'object'
        ? { name: (v as { name?: unknown }).name, provider: (v as { provider?: unknown }).provider, url: (v as { url?: unknown }).url }
        : v;
    const real = fields.filter((f) => f !== 'endpoint' || JSON.stringify(strip(then.values.endpoint)) !== JSON.stringify(strip(now.values.endpoint)));
    const stages = new Set([...Object.keys(then.rules), ...Object.keys(now.rules)]);
    const rules = [...stages].filter((st) => then.rules[st] !== now.rules[st]);
    if (real.length || rules.length) report.changed.push({ id: r.id, ts: r.ts, task: r.task, fields: real, rules, then, now });
  }
  return report;
}
