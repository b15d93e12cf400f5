// decide: the pure decision core. Runs a stage table over a policy set and facts; no I/O, no field or stage names.
import type { LoadedRule } from '../policy/schema.js';
import type { PolicySet } from '../policy/load.js';
import type { StageSpec, StageTable } from '../policy/stage.js';
import { PolicyError } from '../shared/errors.js';
import { dedupeSources, type Source, type SourceMapper } from '../shared/source.js';
import type { Determining, EffectOutcome, ProvenanceEntry, RuleDecision } from './decision.js';
import { evaluateRules, type RuleTrace } from './run-rules.js';
import { renderMessage, resolveValue } from './values.js';

/** One stage as evaluated: every rule's outcome, and what the stage decided. */
export interface StageTrace {
  stage: string;
  field: string;
  combine: StageSpec['combine'];
  /** Every rule of the stage, in priority then file order. */
  rules: RuleTrace[];
  /** first-match: the winning rule, its value or its refusal. */
  winner: string | null;
  value?: unknown;
  rejected?: string;
  /** deny-overrides: the outcome. */
  outcome?: EffectOutcome;
}

/** Cedar's shape: the decision, the rules that determined it, and what happened on the way. */
export interface DecideResult {
  /** Decided values by field (first-match stages). */
  values: Record<string, unknown>;
  provenance: Record<string, ProvenanceEntry>;
  /** Outcomes by stage (deny-overrides stages). */
  outcomes: Record<string, EffectOutcome>;
  /** False when a deny-overrides stage denied (or when decide stopped with an error). */
  allowed: boolean;
  determining: Determining[];
  trace: StageTrace[];
  /** Warnings the decided values raised (stage `warnings` hooks). */
  warnings: string[];
  /** Why the decision stopped: a refusal (`rule-rejected`, `no-rule-matched`) or a rule's invalid value (`rule-value`). */
  error?: PolicyError;
}

/** What decide needs from its caller besides rules and facts. */
export interface DecideOptions {
  /** Maps a fact path a rule read to the sources behind it (config file and key, task field, …). */
  sourcesOf?: SourceMapper;
  /** A source as one phrase, for `{{provenance.<field>.from}}` in messages. */
  describe?: (source: Source) => string;
  /** What is decided about, for messages (`task \`t1\``). */
  subject?: string;
}

const policyOf = (r: LoadedRule) => `${r.file}:${r.line}`;

/** Runs every stage of `table` in order over `facts`; later stages see earlier results through the table's results fact. */
export async function decide(table: StageTable, set: PolicySet, facts: Readonly<Record<string, unknown>>, options: DecideOptions = {}): Promise<DecideResult> {
  const results: Record<string, unknown> = {};
  const shownProvenance: Record<string, unknown> = {};
  const live: Record<string, unknown> = { ...facts };
  if (table.resultsFact) live[table.resultsFact] = results;
  if (table.provenanceFact) live[table.provenanceFact] = shownProvenance;
  const out: DecideResult = { values: {}, provenance: {}, outcomes: {}, allowed: true, determining: [], trace: [], warnings: [] };
  const sourcesOf = options.sourcesOf ?? (() => []);
  const describe = options.describe ?? ((s: Source) => `${s.layer} ${s.file ?? ''} ${s.key}`.replace(/\s+/g, ' '));
  const subject = options.subject ?? 'the request';

  for (const stage of table.stages) {
    const rules = set.byStage.get(stage.name) ?? [];
    const traces = await evaluateRules(rules, live); // INVARIANT: rules are sorted by priority, then file order
    const st: StageTrace = { stage: stage.name, field: stage.field, combine: stage.combine, rules: traces, winner: null };
    out.trace.push(st);
    if (stage.combine === 'deny-overrides') {
      const outcome = combineEffects(stage, table, traces, live, subject);
      st.outcome = outcome;
      out.outcomes[stage.name] = outcome;
      if (!outcome.allowed) out.allowed = false;
      for (const d of outcome.determining) out.determining.push({ stage: stage.name, field: d.effect, rule: d.rule, policy: d.policy });
      continue;
    }
    const matched = traces.filter((t) => t.matched);
    const winner = matched[0];
    if (!winner) {
      out.error = new PolicyError(
        'no-rule-matched',
        `no \`${stage.name}\` rule matched ${subject}; the policy set needs a default rule for \`${stage.name}\``,
        { help: 'run `wg-policy explain` to see every rule' },
      );
      return stop(out);
    }
    st.winner = winner.rule.id;
    out.determining.push({ stage: stage.name, field: stage.field, rule: winner.rule.id, policy: policyOf(winner.rule) });
    if (winner.rule.then.reject !== undefined) {
      st.rejected = renderMessage(winner.rule.then.reject, live);
      const help = winner.rule.then.help === undefined ? undefined : renderMessage(winner.rule.then.help, live);
      out.error = new PolicyError('rule-rejected', st.rejected, { rule: winner.rule.id, file: winner.rule.file, line: winner.rule.line, help });
      return stop(out);
    }
    const { value, reads } = resolveValue(winner.rule.then.value, live);
    st.value = value;
    if (stage.value && !stage.value.safeParse(value).success) {
      out.error = new PolicyError('rule-value', `rule \`${winner.rule.id}\` gave \`${stage.name}\` the invalid value ${JSON.stringify(value)}`, {
        rule: winner.rule.id,
        file: winner.rule.file,
        line: winner.rule.line,
      });
      return stop(out);
    }
    const viaEarlier = (fact: string, path: string | undefined): Source[] | null => {
      if (fact !== table.resultsFact || !path) return null;
      const field = path.split('.')[0];
      return (out.provenance[field]?.sources ?? []).map((s) => ({ ...s, via: s.via ?? field }));
    };
    const fromConditions = winner.conditions.filter((c) => c.result === true).map((c) => ({ fact: c.fact, path: c.path, value: c.actual }));
    // A read of an earlier result carries that result's sources, plus any the mapper knows for the path below it.
    let sources = dedupeSources(
      [...reads, ...fromConditions].flatMap((r) => [...(viaEarlier(r.fact, r.path) ?? []), ...sourcesOf(r.fact, r.path, r.value, live)]),
    );
    if (sources.length === 0) sources = [{ layer: 'default', file: winner.rule.file, key: `${winner.rule.id}.then.value`, value }];
    const shadowed = matched.slice(1).map((t) => ({
      rule: t.rule.id,
      value: t.rule.then.reject !== undefined ? { reject: renderMessage(t.rule.then.reject, live) } : resolveValue(t.rule.then.value, live).value,
      policy: policyOf(t.rule),
    }));
    const earlier = out.provenance[stage.field];
    // A later stage that confirms a field leaves the deciding rule's provenance in place.
    if (!earlier || JSON.stringify(earlier.value) !== JSON.stringify(value)) {
      if (earlier) shadowed.push({ rule: earlier.rule, value: earlier.value, policy: earlier.policy });
      out.provenance[stage.field] = { value, rule: winner.rule.id, policy: policyOf(winner.rule), sources, shadowed };
    }
    out.values[stage.field] = value;
    results[stage.field] = stage.toFact ? stage.toFact(value, live) : value;
    const entry = out.provenance[stage.field];
    shownProvenance[stage.field] = { rule: entry.rule, from: describeAll(entry.sources, describe) };
    out.warnings.push(...(stage.warnings?.(value, sources, live) ?? []));
  }
  return out;
}

/** A decision that stopped: nothing is allowed; the determining rules are the winners so far. */
function stop(out: DecideResult): DecideResult {
  out.allowed = false;
  return out;
}

function describeAll(sources: readonly Source[], describe: (s: Source) => string): string {
  const direct = sources.filter((s) => !s.via);
  return (direct.length ? direct : sources).map(describe).join(', ');
}

/** Any matching deny wins and lists every matching deny; else matching allows allow; else deny with no determining rule. */
function combineEffects(
  stage: StageSpec,
  table: StageTable,
  traces: readonly RuleTrace[],
  facts: Readonly<Record<string, unknown>>,
  subject: string,
): EffectOutcome {
  const matched = traces.filter((t) => t.matched);
  const of = (effect: string): RuleDecision[] =>
    matched
      .filter((t) => t.rule.then.effect === effect)
      .map((t) => ({
        rule: t.rule.id,
        policy: policyOf(t.rule),
        effect: t.rule.then.effect!,
        message: renderMessage(t.rule.then.message ?? '', facts),
        ...(t.rule.then.help === undefined ? {} : { help: renderMessage(t.rule.then.help, facts) }),
      }));
  const [denies, allows, warnings] = [of('deny'), of('allow'), of('warn')];
  if (denies.length > 0) return { allowed: false, effect: 'deny', determining: denies, warnings, notices: [] };
  if (allows.length > 0) return { allowed: true, effect: 'allow', determining: allows, warnings, notices: [] };
  const files = `\`${table.fileKey}: ${stage.name}\` policy files`;
  return {
    allowed: false,
    effect: 'deny',
    determining: [],
    warnings,
    notices: [`no \`${stage.name}\` rule allowed ${subject} (no allow means deny); run \`wg-policy check\` and see the ${files}`],
  };
}
