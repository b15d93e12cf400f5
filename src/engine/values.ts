// Resolves a rule's value expression or message template against facts, recording every fact path it read.
import { isSet } from '../shared/is-set.js';
import { combinatorOf, getPath, isFactRef, NAMED_PLACEHOLDER, readFact, TEMPLATE, type FactRef } from '../policy/value-expr.js';

/** A fact path an expression read, with the value it saw (and the array index a `where` lookup matched). */
export interface Read {
  fact: string;
  path?: string;
  value: unknown;
}

type Facts = Readonly<Record<string, unknown>>;

/** A string that is exactly one `{{fact.path}}` placeholder (it keeps the value's type). */
export const WHOLE = /^\{\{\s*([A-Za-z_][\w-]*)(?:\.([^{}\s]+))?\s*\}\}$/; // a path as TEMPLATE reads it

function render(template: string, facts: Facts, reads: Read[]): string {
  return template.replace(TEMPLATE, (_m, fact: string, path?: string) => {
    const v = readFact(facts, fact, path);
    reads.push({ fact, path, value: v });
    if (v === undefined || v === null) return '';
    return typeof v === 'object' ? JSON.stringify(v) : String(v);
  });
}

/** Fills `{{name}}` placeholders named in `map` inside every string of `value`, once (filled text is not rescanned). */
function renderNamed(value: unknown, map: Record<string, string>, facts: Facts, reads: Read[]): unknown {
  if (typeof value === 'string')
    return value.replace(NAMED_PLACEHOLDER, (all, name: string) => (Object.prototype.hasOwnProperty.call(map, name) ? render(map[name], facts, reads) : all));
  if (Array.isArray(value)) return value.map((v) => renderNamed(v, map, facts, reads));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderNamed(v, map, facts, reads)]));
  return value;
}

function resolveRef(expr: FactRef, facts: Facts, reads: Read[]): unknown {
  let v = readFact(facts, expr.fact, expr.path);
  let path = expr.path;
  if (expr.where) {
    const want = Object.entries(expr.where).map(([k, e]) => [k, resolve(e, facts, reads)] as const);
    const list = Array.isArray(v) ? v : [];
    const i = list.findIndex((item) => want.every(([k, w]) => getPath(item, k) === w));
    v = i >= 0 ? list[i] : undefined;
    path = i >= 0 ? `${expr.path ? `${expr.path}.` : ''}${i}` : expr.path;
  }
  if (expr.get !== undefined) {
    v = getPath(v, expr.get);
    path = path ? `${path}.${expr.get}` : expr.get;
  }
  reads.push({ fact: expr.fact, path, value: v });
  if (expr.alias && typeof v === 'string' && Object.prototype.hasOwnProperty.call(expr.alias, v)) v = expr.alias[v];
  if (expr.render) v = renderNamed(v, expr.render, facts, reads);
  return v ?? null;
}

/** `{merge: […]}`: mappings merged left to right, a null (or unset) value never replacing one; other items skipped. */
function merge(items: unknown[], facts: Facts, reads: Read[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const item of items) {
    const v = resolve(item, facts, reads);
    if (!v || typeof v !== 'object' || Array.isArray(v)) continue;
    for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) out[k] = x;
  }
  return out;
}

/** `{concat: […]}`: one list; a list value is spliced, null skipped; a literal list is a group kept only when all its items are set. */
function concat(items: unknown[], facts: Facts, reads: Read[]): unknown[] {
  const out: unknown[] = [];
  for (const item of items) {
    if (Array.isArray(item)) {
      const group = item.map((e) => resolve(e, facts, reads));
      if (group.every(isSet)) out.push(...group);
      continue;
    }
    const v = resolve(item, facts, reads);
    if (Array.isArray(v)) out.push(...v);
    else if (v !== null && v !== undefined) out.push(v);
  }
  return out;
}

function resolve(expr: unknown, facts: Facts, reads: Read[]): unknown {
  if (typeof expr === 'string') {
    // A string that is exactly one placeholder keeps the value's type (null stays null).
    const whole = WHOLE.exec(expr);
    if (whole) {
      const v = readFact(facts, whole[1], whole[2]);
      reads.push({ fact: whole[1], path: whole[2], value: v });
      return v ?? null;
    }
    return render(expr, facts, reads);
  }
  if (isFactRef(expr)) return resolveRef(expr, facts, reads);
  const comb = combinatorOf(expr);
  if (comb) return comb.op === 'merge' ? merge(comb.items, facts, reads) : concat(comb.items, facts, reads);
  if (Array.isArray(expr)) return expr.map((e) => resolve(e, facts, reads));
  if (expr && typeof expr === 'object') return Object.fromEntries(Object.entries(expr).map(([k, e]) => [k, resolve(e, facts, reads)]));
  return expr;
}

/** The value of an expression, and the fact paths it read. */
export function resolveValue(expr: unknown, facts: Facts): { value: unknown; reads: Read[] } {
  const reads: Read[] = [];
  return { value: resolve(expr, facts, reads), reads };
}

/** A message with `{{fact.path}}` placeholders filled in. */
export function renderMessage(template: string, facts: Facts): string {
  return render(template, facts, []);
}
