// Value expressions and message templates compiled once per policy revision into closures that resolve exactly as values.ts does.
import { isSet } from '../shared/is-set.js';
import { combinatorOf, getPath, isFactRef, NAMED_PLACEHOLDER, TEMPLATE, type FactRef } from '../policy/value-expr.js';
import { WHOLE, type Read } from './values.js';

type Facts = Readonly<Record<string, unknown>>;

/** A value expression compiled once: resolves as resolveValue does, pushing what it read onto `reads` in the same order (null: not recorded). */
export type CompiledExpr = (facts: Facts, reads: Read[] | null) => unknown;

const own = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/** readFact(facts, fact, path) with the path split once: own properties only, as getPath walks them. */
function factReader(fact: string, path: string | undefined): (facts: Facts) => unknown {
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

/** getPath(root, key) with the key split once (`segments` null: an empty key, the root itself). */
function pathValue(root: unknown, segments: readonly string[] | null, key: string): unknown {
  if (segments === null) return getPath(root, key);
  let cur = root;
  for (const seg of segments) {
    if (cur === null || cur === undefined || typeof cur !== 'object' || !own(cur, seg)) return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

/** The parts of a template: literal text and `{{fact.path}}` placeholders, as `String.replace` with TEMPLATE sees them. */
function compileTemplate(template: string): CompiledExpr {
  const parts: Array<string | { fact: string; path: string | undefined; read: (facts: Facts) => unknown }> = [];
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
      reads?.push({ fact: p.fact, path: p.path, value: v });
      out += v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    }
    return out;
  };
}

/** `render`: fills `{{name}}` placeholders named in the map inside every string of a value read at run time, once. */
function namedRenderer(map: Record<string, string>): (value: unknown, facts: Facts, reads: Read[] | null) => unknown {
  const fills = new Map<string, CompiledExpr>();
  for (const name of Object.keys(map)) fills.set(name, compileTemplate(map[name]));
  const walk = (value: unknown, facts: Facts, reads: Read[] | null): unknown => {
    if (typeof value === 'string') {
      return value.replace(NAMED_PLACEHOLDER, (all, name: string) => {
        const fill = own(map, name) ? fills.get(name) : undefined;
        return fill ? (fill(facts, reads) as string) : all;
      });
    }
    if (Array.isArray(value)) return value.map((v) => walk(v, facts, reads));
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, facts, reads)]));
    return value;
  };
  return walk;
}

function compileRef(expr: FactRef): CompiledExpr {
  const { fact, path, alias, get } = expr;
  const read = factReader(fact, path);
  // `where` keys split once: getPath(item, key) walks the same own properties.
  const where = expr.where ? Object.entries(expr.where).map(([k, e]) => ({ segments: k ? k.split('.') : null, k, want: compileExpr(e) })) : undefined;
  const render = expr.render ? namedRenderer(expr.render) : undefined;
  return (facts, reads) => {
    let v = read(facts);
    let at = path;
    if (where) {
      const want: unknown[] = new Array(where.length);
      for (let j = 0; j < where.length; j++) want[j] = where[j].want(facts, reads);
      const list: unknown[] = Array.isArray(v) ? v : [];
      let i = -1;
      for (let n = 0; n < list.length && i < 0; n++) {
        let all = true;
        for (let j = 0; j < where.length && all; j++) all = pathValue(list[n], where[j].segments, where[j].k) === want[j];
        if (all) i = n;
      }
      v = i >= 0 ? list[i] : undefined;
      at = i >= 0 ? `${path ? `${path}.` : ''}${i}` : path;
    }
    if (get !== undefined) {
      v = getPath(v, get);
      at = at ? `${at}.${get}` : get;
    }
    reads?.push({ fact, path: at, value: v });
    if (alias && typeof v === 'string' && own(alias, v)) v = alias[v];
    if (render) v = render(v, facts, reads);
    return v ?? null;
  };
}

/** `{merge: […]}` compiled: mappings merged left to right, a null (or unset) value never replacing one. */
function compileMerge(items: unknown[]): CompiledExpr {
  const parts = items.map(compileExpr);
  return (facts, reads) => {
    const out: Record<string, unknown> = {};
    for (const part of parts) {
      const v = part(facts, reads);
      if (!v || typeof v !== 'object' || Array.isArray(v)) continue;
      for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) out[k] = x;
    }
    return out;
  };
}

/** `{concat: […]}` compiled: a literal list is a group kept only when all its items are set; a list value is spliced. */
function compileConcat(items: unknown[]): CompiledExpr {
  const parts = items.map((item) => (Array.isArray(item) ? { group: item.map(compileExpr) } : { one: compileExpr(item) }));
  return (facts, reads) => {
    const out: unknown[] = [];
    for (const part of parts) {
      if (part.group) {
        const group = part.group.map((e) => e(facts, reads));
        if (group.every(isSet)) out.push(...group);
        continue;
      }
      const v = part.one!(facts, reads);
      if (Array.isArray(v)) out.push(...v);
      else if (v !== null && v !== undefined) out.push(v);
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
        reads?.push({ fact, path, value: v });
        return v ?? null;
      };
    }
    return compileTemplate(expr);
  }
  if (isFactRef(expr)) return compileRef(expr);
  const comb = combinatorOf(expr);
  if (comb) return comb.op === 'merge' ? compileMerge(comb.items) : compileConcat(comb.items);
  if (Array.isArray(expr)) {
    const items = expr.map(compileExpr);
    return (facts, reads) => items.map((e) => e(facts, reads));
  }
  if (expr && typeof expr === 'object') {
    const entries = Object.entries(expr).map(([k, e]) => [k, compileExpr(e)] as const);
    // Object.fromEntries makes `__proto__` an own key, as resolve() does; a plain assignment would set the prototype.
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
export function compileMessage(template: string): (facts: Facts) => string {
  const t = compileTemplate(template);
  return (facts) => t(facts, null) as string;
}
