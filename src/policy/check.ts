// Static checks of loaded rules against their stage table: facts, paths, operators, values, unreachable rules. Never evaluates.
import { didYouMean } from '../shared/did-you-mean.js';
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
  if (leaf.operator === 'matches' && typeof leaf.value === 'string') {
    try {
      new RegExp(leaf.value);
    } catch (e) {
      report('bad-regex', [...path, 'value'], `\`matches\` needs a valid regular expression: ${(e as Error).message}`);
    }
  }
  if (!FLAG_OPERATORS.has(leaf.operator) && leaf.value === undefined)
    report('missing-value', path, `condition on \`${leaf.fact}\` with operator \`${leaf.operator}\` needs a \`value\``);
  if (isFactRef(leaf.value)) checkRef(stage, leaf.value.fact, leaf.value.path, 'a condition value', [...path, 'value'], report);
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
