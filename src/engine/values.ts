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

/** A value expression compiled once: resolves as resolveValue does, pushing what it read onto `reads`. */
export type CompiledExpr = (facts: Readonly<Record<string, unknown>>, reads: Read[]) => unknown;

const own = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/** readFact(facts, fact, path) with the path split once: own properties only, as getPath walks them. */
function factReader(fact: string, path: string | undefined): (facts: Readonly<Record<string, unknown>>) => unknown {
  const segments = path ? path.split('.') : [];
  return (facts) => {
    if (!own(facts, fact)) return undefined;
    let cur: unknown = facts[fact];
    for (const seg of segments) {
      if (cur === null || cur === undefined || typeof cur !== 'object' || !own(cur, seg)) return undefined;
      cur = (cur as Record<string, unknown>)[seg];
    }
    return cur;
  };
}

/** The parts of a template: literal text and `{{fact.path}}` placeholders, as `String.replace` with TEMPLATE sees them. */
function compileTemplate(template: string): CompiledExpr {
  const parts: Array<string | { fact: string; path: string | undefined; read: (facts: Readonly<Record<string, unknown>>) => unknown }> = [];
  let at = 0;
  for (const m of template.matchAll(TEMPLATE)) {
    parts.push(template.slice(at, m.index), { fact: m[1], path: m[2], read: factReader(m[1], m[2]) });
    at = m.index + m[0].length;
  }
  if (parts.length === 0) return () => template;
  parts.push(template.slice(at));
  return (facts, reads) => {
    let out = '';
    for (const p of parts) {
      if (typeof p === 'string') {
        out += p;
        continue;
      }
      const v = p.read(facts);
      reads.push({ fact: p.fact, path: p.path, value: v });
      out += v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    }
    return out;
  };
}

/** Compiles an expression with exactly resolve()'s semantics (same value, same reads in the same order). */
export function compileExpr(expr: unknown): CompiledExpr {
  if (typeof expr === 'string') {
    const whole = WHOLE.exec(expr);
    if (whole) {
      const [, fact, path] = whole;
      const read = factReader(fact, path);
      return (facts, reads) => {
        const v = read(facts);
        reads.push({ fact, path, value: v });
        return v ?? null;
      };
    }
    return compileTemplate(expr);
  }
  if (isFactRef(expr)) {
    const { fact, path, alias } = expr;
    const read = factReader(fact, path);
    const where = expr.where ? Object.entries(expr.where).map(([k, e]) => [k, compileExpr(e)] as const) : undefined;
    return (facts, reads) => {
      let v = read(facts);
      let at = path;
      if (where) {
        const want = where.map(([k, e]) => [k, e(facts, reads)] as const);
        const list = Array.isArray(v) ? v : [];
        const i = list.findIndex((item) => want.every(([k, w]) => getPath(item, k) === w));
        v = i >= 0 ? list[i] : undefined;
        at = i >= 0 ? `${path ? `${path}.` : ''}${i}` : path;
      }
      reads.push({ fact, path: at, value: v });
      if (alias && typeof v === 'string' && own(alias, v)) v = alias[v];
      return v ?? null;
    };
  }
  if (Array.isArray(expr)) {
    const items = expr.map(compileExpr);
    return (facts, reads) => items.map((e) => e(facts, reads));
  }
  if (expr && typeof expr === 'object') {
    const entries = Object.entries(expr).map(([k, e]) => [k, compileExpr(e)] as const);
    if (entries.some(([k]) => k === '__proto__')) return (facts, reads) => Object.fromEntries(entries.map(([k, e]) => [k, e(facts, reads)]));
    return (facts, reads) => {
      const out: Record<string, unknown> = {};
      for (const [k, e] of entries) out[k] = e(facts, reads);
      return out;
    };
  }
  return () => expr;
}

/** Compiles a message template with exactly renderMessage()'s semantics. */
export function compileMessage(template: string): (facts: Readonly<Record<string, unknown>>) => string {
  const t = compileTemplate(template);
  return (facts) => t(facts, []) as string;
}
