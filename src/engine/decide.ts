// decide: the pure decision core. Runs a stage table over a policy set and facts; no I/O, no field or stage names.
import type { LoadedRule } from '../policy/schema.js';
import type { PolicySet } from '../policy/load.js';
import type { StageSpec, StageTable } from '../policy/stage.js';
import { PolicyError } from '../shared/errors.js';
import { dedupeSources, type Source, type SourceMapper } from '../shared/source.js';
import type { Determining, EffectOutcome, ProvenanceEntry, RuleDecision } from './decision.js';
import type { StageRun } from './compile.js';
import { COMPILED, REFERENCE, type Evaluator, type MessageKey } from './evaluator.js';
import type { RuleTrace } from './run-rules.js';

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
  /**
   * How rules are evaluated: `compiled` (default; plain functions built once per policy revision) or `reference`
   * (json-rules-engine itself). Both give identical decisions, provenance and traces (a differential test holds them together).
   */
  evaluator?: EvaluatorName;
  /**
   * Called each time the decision goes on after waiting for json-rules-engine: the caller sets again what messages
   * depend on (its config's keys, see useKeys), since other work may have run meanwhile.
   */
  resumed?: () => void;
}

/** The two evaluators of the policy format; json-rules-engine (`reference`) defines its semantics. */
export type EvaluatorName = 'compiled' | 'reference';

/** `WG_POLICY_NO_CACHE=1` turns every cache off, the compiled rules included (read once per process). */
const DEFAULT_EVALUATOR: EvaluatorName = process.env.WG_POLICY_NO_CACHE === '1' ? 'reference' : 'compiled';

/** A stage's trace whose per-rule traces materialise on first read (explanations and records read them; plans do not). */
class LazyStageTrace implements StageTrace {
  winner: string | null = null;
  value?: unknown;
  rejected?: string;
  outcome?: EffectOutcome;
  private traces?: RuleTrace[];
  constructor(
    readonly stage: string,
    readonly field: string,
    readonly combine: StageSpec['combine'],
    private readonly run: StageRun,
    private readonly count: number,
  ) {}

  get rules(): RuleTrace[] {
    return (this.traces ??= Array.from({ length: this.count }, (_, i) => this.run.trace(i)));
  }

  toJSON(): Omit<StageTrace, never> {
    const { stage, field, combine, rules, winner, value, rejected, outcome } = this;
    return { stage, field, combine, rules, winner, value, rejected, outcome };
  }
}

const policies = new WeakMap<LoadedRule, string>();
/** A rule's `file:line`, built once per rule. */
function policyOf(r: LoadedRule): string {
  let p = policies.get(r);
  if (p === undefined) policies.set(r, (p = `${r.file}:${r.line}`));
  return p;
}

/** One decision in progress: the live facts, what is decided so far, and the next stage to run. */
class Decision {
  readonly out: DecideResult = { values: {}, provenance: {}, outcomes: {}, allowed: true, determining: [], trace: [], warnings: [] };
  readonly live: Record<string, unknown>;
  private readonly results: Record<string, unknown> = {};
  private readonly shown: Record<string, unknown> = {};
  private readonly viaCopies = new Map<string, { entry: ProvenanceEntry; via: Source[] }>();
  /** Per stage run: what it put into the results and provenance facts (to replay a stage's facts for a late trace). */
  private readonly assigned: Array<{ field: string; fact: unknown; shown: unknown } | undefined> = [];
  private readonly sourcesOf: SourceMapper;
  private readonly describe: (s: Source) => string;
  private readonly subject: string;
  private index = 0;
  private stopped = false;
  /** The sources the current stage's winner read, before dedupeSources (one array per decision, refilled per stage). */
  private readonly found: Source[] = [];
  /** Adds the sources behind one read of the current stage's winner to `found`. */
  private readonly addSources = (fact: string, path: string | undefined, v: unknown): void => {
    // A read of an earlier result carries that result's sources, plus any the mapper knows for the path below it.
    if (fact === this.table.resultsFact && path) for (const s of viaEarlier(this.out.provenance, path, this.viaCopies)) this.found.push(s);
    for (const s of this.sourcesOf(fact, path, v, this.live)) this.found.push(s);
  };

  constructor(
    private readonly table: StageTable,
    private readonly set: PolicySet,
    facts: Readonly<Record<string, unknown>>,
    options: DecideOptions,
    readonly ev: Evaluator,
  ) {
    // Object.assign, not a spread: a spread object grown by more keys is a slow path in V8.
    this.live = Object.assign({}, facts);
    if (table.resultsFact) this.live[table.resultsFact] = this.results;
    if (table.provenanceFact) this.live[table.provenanceFact] = this.shown;
    this.sourcesOf = options.sourcesOf ?? (() => []);
    this.describe = options.describe ?? ((s: Source) => `${s.layer} ${s.file ?? ''} ${s.key}`.replace(/\s+/g, ' '));
    this.subject = options.subject ?? 'the request';
  }

  /** The rules of the next stage to run (sorted by priority, then file order), or null when the decision is complete. */
  next(): readonly LoadedRule[] | null {
    if (this.stopped || this.index >= this.table.stages.length) return null;
    return this.set.byStage.get(this.table.stages[this.index].name) ?? [];
  }

  /** For the stage about to run: a thunk giving the earlier results as they are now, built only if a trace of it is read. */
  replayer(): () => Record<string, unknown> | null {
    const k = this.index;
    return () => this.factsBefore(k);
  }

  /** The results and provenance facts as stage `k` saw them: rebuilt from what each earlier stage assigned. */
  private factsBefore(k: number): Record<string, unknown> | null {
    const { resultsFact, provenanceFact } = this.table;
    if (!resultsFact && !provenanceFact) return null;
    const results: Record<string, unknown> = {};
    const shown: Record<string, unknown> = {};
    for (const a of this.assigned.slice(0, k)) {
      if (!a) continue;
      results[a.field] = a.fact;
      shown[a.field] = a.shown;
    }
    const over: Record<string, unknown> = {};
    if (resultsFact) over[resultsFact] = results;
    if (provenanceFact) over[provenanceFact] = shown;
    return over;
  }

  /** Takes the current stage's evaluation: combines its matching rules and moves to the next stage. */
  apply(run: StageRun): void {
    const stage = this.table.stages[this.index++];
    const { out, live, ev } = this;
    const rules = this.set.byStage.get(stage.name) ?? [];
    const st = new LazyStageTrace(stage.name, stage.field, stage.combine, run, rules.length);
    out.trace.push(st);
    const matched: number[] = [];
    for (let i = 0; i < run.matched.length; i++) if (run.matched[i]) matched.push(i);
    if (stage.combine === 'deny-overrides') {
      const outcome = combineEffects(
        stage,
        this.table,
        matched.map((i) => rules[i]),
        (rule, key) => ev.message(rule, key, live),
        this.subject,
      );
      st.outcome = outcome;
      out.outcomes[stage.name] = outcome;
      if (!outcome.allowed) out.allowed = false;
      for (const d of outcome.determining) out.determining.push({ stage: stage.name, field: d.effect, rule: d.rule, policy: d.policy });
      return;
    }
    if (matched.length === 0) {
      const message = `no \`${stage.name}\` rule matched ${this.subject}; the policy set needs a default rule for \`${stage.name}\``;
      return this.stop(new PolicyError('no-rule-matched', message, { help: 'run `wg-policy explain` to see every rule' }));
    }
    const winner = rules[matched[0]];
    st.winner = winner.id;
    out.determining.push({ stage: stage.name, field: stage.field, rule: winner.id, policy: policyOf(winner) });
    if (winner.then.reject !== undefined) {
      st.rejected = ev.message(winner, 'reject', live);
      const help = winner.then.help === undefined ? undefined : ev.message(winner, 'help', live);
      return this.stop(new PolicyError('rule-rejected', st.rejected, { rule: winner.id, file: winner.file, line: winner.line, help }));
    }
    const { value, reads } = ev.value(winner, live);
    st.value = value;
    if (stage.value && !valueFits(stage, value)) {
      const at = { rule: winner.id, file: winner.file, line: winner.line };
      return this.stop(new PolicyError('rule-value', `rule \`${winner.id}\` gave \`${stage.name}\` the invalid value ${JSON.stringify(value)}`, at));
    }
    this.found.length = 0;
    for (const r of reads) this.addSources(r.fact, r.path, r.value);
    run.eachTrue(matched[0], this.addSources);
    let sources = dedupeSources(this.found);
    if (sources.length === 0) sources = [{ layer: 'default', file: winner.file, key: `${winner.id}.then.value`, value }];
    const shadowed: ProvenanceEntry['shadowed'] = [];
    for (let k = 1; k < matched.length; k++) {
      const t = rules[matched[k]];
      shadowed.push({
        rule: t.id,
        value: t.then.reject !== undefined ? { reject: ev.message(t, 'reject', live) } : ev.valueOnly(t, live),
        policy: policyOf(t),
      });
    }
    const earlier = out.provenance[stage.field];
    // A later stage that confirms a field leaves the deciding rule's provenance in place.
    if (!earlier || (earlier.value !== value && JSON.stringify(earlier.value) !== JSON.stringify(value))) {
      if (earlier) shadowed.push({ rule: earlier.rule, value: earlier.value, policy: earlier.policy });
      out.provenance[stage.field] = { value, rule: winner.id, policy: policyOf(winner), sources, shadowed };
    }
    out.values[stage.field] = value;
    const fact = stage.toFact ? stage.toFact(value, live) : value;
    const entry = out.provenance[stage.field];
    const shown = { rule: entry.rule, from: describeAll(entry.sources, this.describe) };
    this.results[stage.field] = fact;
    this.shown[stage.field] = shown;
    this.assigned[this.index - 1] = { field: stage.field, fact, shown };
    const warnings = stage.warnings?.(value, sources, live);
    if (warnings) for (const w of warnings) out.warnings.push(w);
  }

  /** A decision that stopped: nothing is allowed; the determining rules are the winners so far. */
  private stop(error: PolicyError): void {
    this.out.error = error;
    this.out.allowed = false;
    this.stopped = true;
  }
}

/** Per stage: values its schema already accepted (primitives by value, objects by identity: facts are never mutated). */
const accepted = new WeakMap<StageSpec, { prims: Map<unknown, true>; objects: WeakSet<object> }>();

/** True when a first-match stage's value fits its schema; a value seen before is not parsed again. */
function valueFits(stage: StageSpec, value: unknown): boolean {
  let seen = accepted.get(stage);
  if (!seen) accepted.set(stage, (seen = { prims: new Map(), objects: new WeakSet() }));
  const isObject = value !== null && typeof value === 'object';
  if (isObject ? seen.objects.has(value) : seen.prims.has(value)) return true;
  if (!stage.value!.safeParse(value).success) return false;
  if (isObject) seen.objects.add(value);
  else {
    if (seen.prims.size >= 1024) seen.prims.clear();
    seen.prims.set(value, true);
  }
  return true;
}

/** Runs every stage of `table` in order over `facts`; later stages see earlier results through the table's results fact. */
export async function decide(table: StageTable, set: PolicySet, facts: Readonly<Record<string, unknown>>, options: DecideOptions = {}): Promise<DecideResult> {
  const d = new Decision(table, set, facts, options, (options.evaluator ?? DEFAULT_EVALUATOR) === 'compiled' ? COMPILED : REFERENCE);
  for (let rules = d.next(); rules; rules = d.next()) {
    const pending = d.ev.run(rules, d.live, d.replayer());
    if (pending instanceof Promise) {
      const ran = await pending;
      options.resumed?.();
      d.apply(ran);
    } else d.apply(pending);
  }
  return d.out;
}

/** decide with the compiled evaluator, synchronously (what the hot paths call); identical results. */
export function decideSync(table: StageTable, set: PolicySet, facts: Readonly<Record<string, unknown>>, options: DecideOptions = {}): DecideResult {
  const d = new Decision(table, set, facts, options, COMPILED);
  for (let rules = d.next(); rules; rules = d.next()) d.apply(COMPILED.run(rules, d.live, d.replayer()));
  return d.out;
}

/** The evaluator `decide` uses when none is named: compiled, or the reference with `WG_POLICY_NO_CACHE=1`. */
export const defaultEvaluator = (): EvaluatorName => DEFAULT_EVALUATOR;

/** The sources of an earlier field, as a later stage that read it through the results fact sees them (`via` the field). */
function viaEarlier(
  provenance: Readonly<Record<string, ProvenanceEntry>>,
  path: string,
  copies: Map<string, { entry: ProvenanceEntry; via: Source[] }>,
): Source[] {
  const dot = path.indexOf('.');
  const field = dot < 0 ? path : path.slice(0, dot);
  const entry = Object.prototype.hasOwnProperty.call(provenance, field) ? provenance[field] : undefined;
  if (!entry) return [];
  // INVARIANT: an entry's sources never change once recorded, so its copies are shared until the field is decided anew.
  let c = copies.get(field);
  if (!c || c.entry !== entry) copies.set(field, (c = { entry, via: entry.sources.map((s) => viaCopy(s, field)) }));
  return c.via;
}

/** `Object.assign({}, s, { via: s.via ?? field })`, without the second object. */
function viaCopy(s: Source, field: string): Source {
  const copy = Object.assign({}, s);
  copy.via = s.via ?? field;
  return copy;
}

function describeAll(sources: readonly Source[], describe: (s: Source) => string): string {
  // (the direct sources, else all of them).map(describe).join(', '), without building the two arrays.
  const all = !sources.some((s) => !s.via);
  let out = '';
  let first = true;
  for (const s of sources) {
    if (!all && s.via) continue;
    out = first ? describe(s) : `${out}, ${describe(s)}`;
    first = false;
  }
  return out;
}

/** Any matching deny wins and lists every matching deny; else matching allows allow; else deny with no determining rule. */
function combineEffects(
  stage: StageSpec,
  table: StageTable,
  matched: readonly LoadedRule[],
  message: (rule: LoadedRule, key: MessageKey) => string,
  subject: string,
): EffectOutcome {
  const of = (effect: string): RuleDecision[] =>
    matched
      .filter((r) => r.then.effect === effect)
      .map((r) => ({
        rule: r.id,
        policy: policyOf(r),
        effect: r.then.effect!,
        message: message(r, 'message'),
        ...(r.then.help === undefined ? {} : { help: message(r, 'help') }),
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
