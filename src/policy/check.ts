// Static checks of loaded rules: facts, paths, operators, value expressions, unreachable rules. Never evaluates.
import { badInput, type PolicyError } from '../shared/errors.js';
import { didYouMean } from '../shared/did-you-mean.js';
import { issuePath, issueProblem, valueAt } from '../shared/zod-issues.js';
import { FACTS, LeafSchema, type LoadedRule, type PolicyKind } from './schema.js';
import { collectRefs, isFactRef } from './value-expr.js';
import type { YamlSource } from './yaml-source.js';

type Loc = (sub: readonly PropertyKey[]) => string;

function checkRef(kind: PolicyKind, fact: string, path: string | undefined, at: string, what: string): PolicyError | null {
  const facts = FACTS[kind] as Record<string, readonly string[]>;
  const known = facts[fact];
  if (!known) return badInput(`${at}: unknown fact \`${fact}\` in ${what}${didYouMean(fact, Object.keys(facts))}`, { key: fact });
  if (!path || known.includes('*')) return null;
  const ok = known.some((k) => k === path || (k.endsWith('.*') && path.startsWith(k.slice(0, -1))));
  if (ok) return null;
  return badInput(`${at}: fact \`${fact}\` has no path \`${path}\` (known: ${known.filter((k) => !k.endsWith('*')).join(', ')})${didYouMean(path, known)}`, { key: `${fact}.${path}` });
}

function checkCondition(node: unknown, kind: PolicyKind, path: PropertyKey[], loc: Loc, out: PolicyError[]): void {
  if (!node || typeof node !== 'object' || Array.isArray(node)) {
    out.push(badInput(`${loc(path)}: a condition must be a mapping with \`all\`, \`any\`, \`not\` or \`fact\``));
    return;
  }
  const n = node as Record<string, unknown>;
  for (const op of ['all', 'any'] as const) {
    if (op in n) {
      if (Object.keys(n).length !== 1 || !Array.isArray(n[op])) {
        out.push(badInput(`${loc(path)}: \`${op}\` must be the only key and hold a list of conditions`));
        return;
      }
      (n[op] as unknown[]).forEach((c, i) => checkCondition(c, kind, [...path, op, i], loc, out));
      return;
    }
  }
  if ('not' in n) {
    if (Object.keys(n).length !== 1) out.push(badInput(`${loc(path)}: \`not\` must be the only key`));
    else checkCondition(n.not, kind, [...path, 'not'], loc, out);
    return;
  }
  const r = LeafSchema.safeParse(n);
  if (!r.success) {
    const issue = r.error.issues[0];
    const key = issuePath(issue.path);
    const hint = issue.path[0] === 'operator' && typeof n.operator === 'string' ? didYouMean(n.operator, ['isSet', 'equal', 'notEqual', 'in', 'notIn', 'matches', 'contains']) : '';
    out.push(badInput(`${loc([...path, ...issue.path])}: condition \`${key || 'fact'}\` ${issueProblem(issue, valueAt(n, issue.path))}${hint}`, { key }));
    return;
  }
  const e = checkRef(kind, r.data.fact, r.data.path, loc([...path, 'fact']), 'a condition');
  if (e) out.push(e);
  if (r.data.operator === 'matches' && typeof r.data.value === 'string') {
    try {
      new RegExp(r.data.value);
    } catch (e) {
      out.push(badInput(`${loc([...path, 'value'])}: \`matches\` needs a valid regular expression: ${(e as Error).message}`));
    }
  }
  if (r.data.operator !== 'isSet' && r.data.value === undefined)
    out.push(badInput(`${loc(path)}: condition on \`${r.data.fact}\` with operator \`${r.data.operator}\` needs a \`value\``));
  if (isFactRef(r.data.value)) {
    const e2 = checkRef(kind, r.data.value.fact, r.data.value.path, loc([...path, 'value']), 'a condition value');
    if (e2) out.push(e2);
  }
}

function isUnconditional(rule: LoadedRule): boolean {
  const w = rule.when as Record<string, unknown>;
  return Array.isArray(w.all) && w.all.length === 0 && Object.keys(w).length === 1;
}

/** All problems with a set of rules; an empty list means the set may be evaluated. */
export function checkRules(
  rules: LoadedRule[],
  kind: PolicyKind,
  sources: Map<string, YamlSource>,
  indexOf: Map<LoadedRule, number>,
  /** Rules the build already checked (unchanged shipped files); only the cross-rule checks apply to them. */
  prechecked: ReadonlySet<LoadedRule> = new Set(),
): PolicyError[] {
  const out: PolicyError[] = [];
  for (const rule of rules) {
    if (prechecked.has(rule)) continue;
    const src = sources.get(rule.file);
    const base: PropertyKey[] = ['rules', indexOf.get(rule) ?? 0];
    const loc: Loc = (sub) => `${rule.file}:${src ? src.lineOf([...base, ...sub]) : rule.line}`;
    const w = rule.when as Record<string, unknown>;
    if (!('all' in w || 'any' in w || 'not' in w))
      out.push(badInput(`${loc(['when'])}: rule \`${rule.id}\`: \`when\` must start with \`all\`, \`any\` or \`not\``, { rule: rule.id }));
    else checkCondition(w, kind, ['when'], loc, out);
    const t = rule.then;
    const decides = [t.value !== undefined, t.reject !== undefined, t.effect !== undefined].filter(Boolean).length;
    if (kind === 'spawn' && decides !== 1 || kind === 'spawn' && t.effect !== undefined)
      out.push(badInput(`${loc(['then'])}: rule \`${rule.id}\`: \`then\` must have exactly one of \`value\` or \`reject\``, { rule: rule.id }));
    if (kind === 'gate' && (t.effect === undefined || t.message === undefined))
      out.push(badInput(`${loc(['then'])}: gate rule \`${rule.id}\`: \`then\` needs an \`effect\` (allow, warn or deny) and a \`message\``, { rule: rule.id }));
    for (const ref of collectRefs([t.value, t.reject, t.message])) {
      const e = checkRef(kind, ref.fact, ref.path, loc(['then']), `rule \`${rule.id}\``);
      if (e) out.push(e);
    }
  }
  // A rule below an unconditional rule of the same field can never win. (In a gate every matching rule
  // counts, so the check applies to spawn fields only.)
  if (kind !== 'spawn') return out;
  const byField = new Map<string, LoadedRule[]>();
  for (const r of rules) byField.set(r.field, [...(byField.get(r.field) ?? []), r]);
  for (const list of byField.values()) {
    const sorted = [...list].sort((a, b) => b.priority - a.priority || a.order - b.order);
    const stop = sorted.find(isUnconditional);
    if (!stop) continue;
    for (const r of sorted.slice(sorted.indexOf(stop) + 1))
      out.push(badInput(`${r.file}:${r.line}: rule \`${r.id}\` can never win: \`${stop.id}\` (${stop.file}:${stop.line}) always matches at priority ${stop.priority}`, { rule: r.id }));
  }
  return out;
}
