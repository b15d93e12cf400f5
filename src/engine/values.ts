// Resolves a rule's value expression or message template against facts, recording every fact path it read.
import { getPath, isFactRef, readFact, TEMPLATE } from '../policy/value-expr.js';

/** A fact path an expression read, with the value it saw (and the array index a `where` lookup matched). */
export interface Read {
  fact: string;
  path?: string;
  value: unknown;
}

const WHOLE = /^\{\{\s*([A-Za-z_][\w-]*)(?:\.([^}\s]+))?\s*\}\}$/;

function render(template: string, facts: Readonly<Record<string, unknown>>, reads: Read[]): string {
  return template.replace(TEMPLATE, (_m, fact: string, path?: string) => {
    const v = readFact(facts, fact, path);
    reads.push({ fact, path, value: v });
    if (v === undefined || v === null) return '';
    return typeof v === 'object' ? JSON.stringify(v) : String(v);
  });
}

function resolve(expr: unknown, facts: Readonly<Record<string, unknown>>, reads: Read[]): unknown {
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
  if (isFactRef(expr)) {
    let v = readFact(facts, expr.fact, expr.path);
    let path = expr.path;
    if (expr.where) {
      const want = Object.entries(expr.where).map(([k, e]) => [k, resolve(e, facts, reads)] as const);
      const list = Array.isArray(v) ? v : [];
      const i = list.findIndex((item) => want.every(([k, w]) => getPath(item, k) === w));
      v = i >= 0 ? list[i] : undefined;
      path = i >= 0 ? `${expr.path ? `${expr.path}.` : ''}${i}` : expr.path;
    }
    reads.push({ fact: expr.fact, path, value: v });
    if (expr.alias && typeof v === 'string' && Object.prototype.hasOwnProperty.call(expr.alias, v)) v = expr.alias[v];
    return v ?? null;
  }
  if (Array.isArray(expr)) return expr.map((e) => resolve(e, facts, reads));
  if (expr && typeof expr === 'object') return Object.fromEntries(Object.entries(expr).map(([k, e]) => [k, resolve(e, facts, reads)]));
  return expr;
}

/** The value of an expression, and the fact paths it read. */
export function resolveValue(expr: unknown, facts: Readonly<Record<string, unknown>>): { value: unknown; reads: Read[] } {
  const reads: Read[] = [];
  return { value: resolve(expr, facts, reads), reads };
}

/** A message with `{{fact.path}}` placeholders filled in. */
export function renderMessage(template: string, facts: Readonly<Record<string, unknown>>): string {
  return render(template, facts, []);
}
