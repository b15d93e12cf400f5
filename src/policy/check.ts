// Static checks of loaded rules against their stage table: facts, paths, operators, values, unreachable rules. Never evaluates.
import { didYouMean } from '../shared/did-you-mean.js';
import { patternProblem } from '../shared/regex.js';
import { PolicyError, type ErrorCode } from '../shared/errors.js';
import type { Located } from '../shared/toml.js';
import { issuePath, issueSentence } from '../shared/zod-issues.js';
import { FLAG_OPERATORS, LeafSchema, OPERATORS, type LoadedRule } from './schema.js';
import { factVocabulary, knownPath, type StageSpec, type StageTable } from './stage.js';
import { collectRefs, isFactRef } from './value-expr.js';

type Problem = (code: ErrorCode, sub: readonly PropertyKey[], message: string, key?: string) => void;

function checkRef(stage: StageSpec, fact: string, path: string | undefined, what: string, sub: readonly PropertyKey[], report: Problem): void {
  const vocabulary = factVocabulary(stage);
  const known = vocabulary.get(fact);
  if (!known) {
    report('unknown-fact', sub, `unknown fact \`${fact}\` in ${what}${didYouMean(fact, vocabulary.keys())}`, fact);
    return;
  }
  if (!path || knownPath(known, path)) return;
  const listed = known.filter((k) => !k.endsWith('*'));
  report('unknown-path', sub, `fact \`${fact}\` has no path \`${path}\` (known: ${listed.join(', ')})${didYouMean(path, listed)}`, `${fact}.${path}`);
}

function checkCondition(node: unknown, stage: StageSpec, path: PropertyKey[], report: Problem): void {
  if (!node || typeof node !== 'object' || Array.isArray(node)) {
    report('condition-shape', path, 'a condition must be a mapping with `all`, `any`, `not` or `fact`');
    return;
  }
  const n = node as Record<string, unknown>;
  for (const op of ['all', 'any'] as const) {
    if (Object.prototype.hasOwnProperty.call(n, op)) {
      if (Object.keys(n).length !== 1 || !Array.isArray(n[op])) {
        report('condition-shape', path, `\`${op}\` must be the only key and hold a list of conditions`);
        return;
      }
      (n[op] as unknown[]).forEach((c, i) => checkCondition(c, stage, [...path, op, i], report));
      return;
    }
  }
  if (Object.prototype.hasOwnProperty.call(n, 'not')) {
    if (Object.keys(n).length !== 1) report('condition-shape', path, '`not` must be the only key');
    else checkCondition(n.not, stage, [...path, 'not'], report);
    return;
  }
  const r = LeafSchema.safeParse(n);
  if (!r.success) {
    const issue = r.error.issues[0];
    const isOperator = issue.path[0] === 'operator' && typeof n.operator === 'string';
    const message = isOperator
      ? `unknown operator \`${String(n.operator)}\` (known: ${OPERATORS.join(', ')})${didYouMean(String(n.operator), OPERATORS)}`
      : `condition ${issueSentence(issue, n, { whole: 'condition', known: () => Object.keys(LeafSchema.shape) })}`;
    report(isOperator ? 'unknown-operator' : 'condition-shape', [...path, ...issue.path], message, issuePath(issue.path));
    return;
  }
  const leaf = r.data;
  checkRef(stage, leaf.fact, leaf.path, 'a condition', [...path, 'fact'], report);
  if (leaf.operator === 'matches' && leaf.value !== undefined) {
    // INVARIANT: a pattern is written in the policy, never read from task or config data, and runs in linear time.
    const problem =
      typeof leaf.value === 'string' ? patternProblem(leaf.value) : 'the pattern must be a string written in the policy, not a fact or another value';
    if (problem) report('bad-regex', [...path, 'value'], `\`matches\` needs a valid regular expression: ${problem}`);
  }
  if ((leaf.operator === 'in' || leaf.operator === 'notIn') && leaf.value !== undefined && !Array.isArray(leaf.value) && !isFactRef(leaf.value))
    report('condition-shape', [...path, 'value'], `\`${leaf.operator}\` needs a list or a fact reference as its \`value\``);
  if (!FLAG_OPERATORS.has(leaf.operator) && leaf.value === undefined)
    report('missing-value', path, `condition on \`${leaf.fact}\` with operator \`${leaf.operator}\` needs a \`value\``);
  if (isFactRef(leaf.value)) checkRef(stage, leaf.value.fact, leaf.value.path, 'a condition value', [...path, 'value'], report);
}

/** ` (allowed: a, b); did you mean `a`?` for a stage whose value is one of a few strings. */
function literalHint(stage: StageSpec, value: unknown): string {
  const def = (stage.value as unknown as { _zod?: { def?: { entries?: Record<string, string> } } })._zod?.def;
  const allowed = def?.entries ? Object.values(def.entries) : [];
  if (!allowed.length) return '';
  return ` (allowed: ${allowed.join(', ')})${typeof value === 'string' ? didYouMean(value, allowed) : ''}`;
}

function isUnconditional(rule: LoadedRule): boolean {
  const w = rule.when as Record<string, unknown>;
  return Array.isArray(w.all) && w.all.length === 0 && Object.keys(w).length === 1;
}

/** What `then` must hold for a stage's way of combining rules, or a problem sentence. */
function thenProblem(rule: LoadedRule, stage: StageSpec): string | null {
  const t = rule.then;
  if (stage.combine === 'first-match') {
    const decides = [t.value !== undefined, t.reject !== undefined].filter(Boolean).length;
    if (decides !== 1 || t.effect !== undefined) return `rule \`${rule.id}\`: \`then\` must have exactly one of \`value\` or \`reject\``;
    return null;
  }
  if (t.effect === undefined || t.message === undefined || t.value !== undefined || t.reject !== undefined)
    return `rule \`${rule.id}\`: \`then\` needs an \`effect\` (allow, warn or deny) and a \`message\`, and nothing else but \`help\``;
  return null;
}

/** All problems with a set of rules; an empty list means the set may be evaluated. */
export function checkRules(
  rules: readonly LoadedRule[],
  table: StageTable,
  sources: ReadonlyMap<string, Located>,
  indexOf: ReadonlyMap<LoadedRule, number>,
  /** Rules the build already checked (unchanged shipped files); only the cross-rule checks apply to them. */
  prechecked: ReadonlySet<LoadedRule> = new Set(),
): PolicyError[] {
  const out: PolicyError[] = [];
  const stages = new Map(table.stages.map((s) => [s.name, s]));
  for (const rule of rules) {
    if (prechecked.has(rule)) continue;
    const stage = stages.get(rule.stage)!;
    const src = sources.get(rule.file);
    const base: PropertyKey[] = ['rules', indexOf.get(rule) ?? 0];
    const report: Problem = (code, sub, message, key) => {
      const pos = src?.positionOf([...base, ...sub]);
      out.push(new PolicyError(code, message, { file: rule.file, line: pos?.line ?? rule.line, column: pos?.column, key, rule: rule.id }));
    };
    const w = rule.when as Record<string, unknown>;
    if (!['all', 'any', 'not'].some((k) => Object.prototype.hasOwnProperty.call(w, k)))
      report('condition-shape', ['when'], `rule \`${rule.id}\`: \`when\` must start with \`all\`, \`any\` or \`not\``);
    else checkCondition(w, stage, ['when'], report);
    const then = thenProblem(rule, stage);
    if (then) report('then-shape', ['then'], then);
    for (const ref of collectRefs([rule.then.value, rule.then.reject, rule.then.message, rule.then.help]))
      checkRef(stage, ref.fact, ref.path, `rule \`${rule.id}\``, ['then'], report);
    // A literal value (no fact reference, no placeholder) can be checked now instead of when it wins.
    const value = rule.then.value;
    if (stage.value && value !== undefined && collectRefs(value).length === 0 && !stage.value.safeParse(value).success)
      report(
        'rule-value',
        ['then', 'value'],
        `rule \`${rule.id}\` gives \`${rule.stage}\` the value ${JSON.stringify(value)}, which it does not accept${literalHint(stage, value)}`,
      );
  }
  // A rule below an unconditional rule of the same first-match stage can never win. (Where any deny wins, every
  // matching rule counts.)
  const byStage = new Map<string, LoadedRule[]>();
  for (const r of rules) if (stages.get(r.stage)?.combine === 'first-match') byStage.set(r.stage, [...(byStage.get(r.stage) ?? []), r]);
  for (const list of byStage.values()) {
    const sorted = [...list].sort((a, b) => b.priority - a.priority || a.order - b.order);
    const stop = sorted.find(isUnconditional);
    if (!stop) continue;
    for (const r of sorted.slice(sorted.indexOf(stop) + 1))
      out.push(
        new PolicyError(
          'unreachable-rule',
          `rule \`${r.id}\` can never win: \`${stop.id}\` (${stop.file}:${stop.line}) always matches at priority ${stop.priority}`,
          { file: r.file, line: r.line, rule: r.id },
        ),
      );
  }
  return out;
}

/** One leaf of a rule's `all` list, as the overlap analysis reads it. */
interface Clause {
  key: string;
  operator: string;
  value: unknown;
}

/** The rule's conditions as a list of leaves that must all hold, or null when it uses `any`/`not` (not analysed). */
function clauses(rule: LoadedRule): Clause[] | null {
  const w = rule.when as Record<string, unknown>;
  if (!Array.isArray(w.all)) return null;
  const out: Clause[] = [];
  for (const c of w.all as Array<Record<string, unknown>>) {
    if (typeof c?.fact !== 'string') return null;
    const value = c.value === undefined && FLAG_OPERATORS.has(String(c.operator)) ? true : c.value;
    if (isFactRef(value)) return null;
    out.push({ key: `${c.fact}.${String(c.path ?? '')}`, operator: String(c.operator), value });
  }
  return out;
}

/** True when two leaves on the same fact path cannot both hold (equal a / equal b, isSet / not set, in / equal outside it, …). */
function contradict(a: Clause, b: Clause): boolean {
  if (a.key !== b.key) return false;
  const same = (x: unknown, y: unknown) => JSON.stringify(x) === JSON.stringify(y);
  const ops = (p: string, q: string): [Clause, Clause] | null =>
    a.operator === p && b.operator === q ? [a, b] : b.operator === p && a.operator === q ? [b, a] : null;
  if (a.operator === b.operator && ['equal', 'isSet', 'hasCredentials'].includes(a.operator)) return !same(a.value, b.value);
  let m: [Clause, Clause] | null;
  if ((m = ops('equal', 'notEqual'))) return same(m[0].value, m[1].value);
  if ((m = ops('equal', 'in')) && Array.isArray(m[1].value)) return !m[1].value.some((v) => same(v, m![0].value));
  if ((m = ops('equal', 'notIn')) && Array.isArray(m[1].value)) return m[1].value.some((v) => same(v, m![0].value));
  if ((m = ops('isSet', 'equal') ?? ops('isSet', 'in'))) return m[0].value === false;
  return false;
}

/** `b`'s conditions include all of `a`'s (so `b` matches only where `a` does). */
function implies(b: Clause[], a: Clause[]): boolean {
  return a.every((ca) => b.some((cb) => cb.key === ca.key && cb.operator === ca.operator && JSON.stringify(cb.value) === JSON.stringify(ca.value)));
}

/**
 * Warnings `check` reports but loading does not refuse: a rule shadowed by a higher-priority rule of its first-match
 * stage whose conditions it includes (it can never win), and pairs of rules of one stage and priority that can both
 * match (the tie is broken by file order alone). Rules using `any` or `not` are not analysed.
 */
export function overlapWarnings(rules: readonly LoadedRule[], table: StageTable): PolicyError[] {
  const out: PolicyError[] = [];
  const stages = new Map(table.stages.map((s) => [s.name, s]));
  const byStage = new Map<string, LoadedRule[]>();
  for (const r of rules) if (stages.get(r.stage)?.combine === 'first-match') byStage.set(r.stage, [...(byStage.get(r.stage) ?? []), r]);
  for (const list of byStage.values()) {
    const sorted = [...list].sort((a, b) => b.priority - a.priority || a.order - b.order);
    const parsed = new Map(sorted.map((r) => [r, clauses(r)]));
    sorted.forEach((low, i) => {
      const lc = parsed.get(low);
      if (!lc || isUnconditional(low)) return;
      for (const high of sorted.slice(0, i)) {
        const hc = parsed.get(high);
        if (!hc || isUnconditional(high)) continue;
        if (high.priority > low.priority && implies(lc, hc)) {
          out.push(
            new PolicyError(
              'shadowed-rule',
              `rule \`${low.id}\` can never win: whenever it matches, \`${high.id}\` (${high.file}:${high.line}, priority ${high.priority}) matches too`,
              { file: low.file, line: low.line, rule: low.id },
            ),
          );
          return;
        }
        if (high.priority === low.priority && !lc.some((c) => hc.some((d) => contradict(c, d))))
          out.push(
            new PolicyError(
              'ambiguous-rules',
              `rules \`${high.id}\` (${high.file}:${high.line}) and \`${low.id}\` have priority ${low.priority} and can both match; file order decides`,
              { file: low.file, line: low.line, rule: low.id },
            ),
          );
      }
    });
  }
  return out;
}
