// Value expressions in `then.value`: literals, `{fact, path}` references, lookups, `{{fact.path}}` templates, merge and concat.

/**
 * A reference to a fact value; `where` picks the first array element matching, `get` reads a path below the result,
 * `alias` renames the result, `render` fills named `{{name}}` placeholders inside the value's strings.
 */
export interface FactRef {
  fact: string;
  path?: string;
  where?: Record<string, unknown>;
  get?: string;
  alias?: Record<string, string>;
  render?: Record<string, string>;
}

const REF_KEYS = new Set(['fact', 'path', 'where', 'get', 'alias', 'render']);

/** True for `{fact: …}` objects whose keys are all reference keys. */
export function isFactRef(x: unknown): x is FactRef {
  return !!x && typeof x === 'object' && !Array.isArray(x) && typeof (x as FactRef).fact === 'string' && Object.keys(x).every((k) => REF_KEYS.has(k));
}

/** The combining expressions: `{merge: [objects…]}` (later non-null values win) and `{concat: [items…]}` (one list). */
export type Combinator = 'merge' | 'concat';

/** The combinator an expression is (a mapping with that one key holding a list), or null. */
export function combinatorOf(x: unknown): { op: Combinator; items: unknown[] } | null {
  if (!x || typeof x !== 'object' || Array.isArray(x)) return null;
  const keys = Object.keys(x);
  if (keys.length !== 1 || (keys[0] !== 'merge' && keys[0] !== 'concat')) return null;
  const items = (x as Record<string, unknown>)[keys[0]];
  return Array.isArray(items) ? { op: keys[0] as Combinator, items } : null;
}

/** `{{fact.path}}` placeholders in a string. */
// A path holds no brace: with `{` allowed, `{{a.{{a.{{a.…` made every `{{` read to the end (quadratic).
export const TEMPLATE = /\{\{\s*([A-Za-z_][\w-]*)(?:\.([^{}\s]+))?\s*\}\}/g;

/** `{{name}}` placeholders a `render` map may fill: a bare name written without spaces, as wg's executor templates are. */
export const NAMED_PLACEHOLDER = /\{\{([A-Za-z_][\w-]*)\}\}/g;

/** Every fact reference an expression makes (refs, lookups, render maps and templates), for checks and provenance. */
export function collectRefs(expr: unknown, out: Array<{ fact: string; path?: string }> = []): Array<{ fact: string; path?: string }> {
  if (typeof expr === 'string') {
    for (const m of expr.matchAll(TEMPLATE)) out.push({ fact: m[1], path: m[2] });
  } else if (isFactRef(expr)) {
    out.push({ fact: expr.fact, path: expr.path });
    if (expr.where) collectRefs(Object.values(expr.where), out);
    if (expr.render) collectRefs(Object.values(expr.render), out);
  } else if (Array.isArray(expr)) {
    for (const e of expr) collectRefs(e, out);
  } else if (expr && typeof expr === 'object') {
    for (const v of Object.values(expr)) collectRefs(v, out);
  }
  return out;
}

/** Plain dotted-path lookup (`a.b.0.c`) through own properties only: no JSONPath, nothing inherited, nothing that runs code. */
export function getPath(root: unknown, path: string | undefined): unknown {
  if (!path) return root;
  let cur: unknown = root;
  for (const seg of path.split('.')) {
    if (cur === null || cur === undefined || typeof cur !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(cur, seg)) return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

/** A fact's value at a path (own properties only: `__proto__` or `constructor` is simply unset). */
export function readFact(facts: Readonly<Record<string, unknown>>, fact: string, path: string | undefined): unknown {
  return Object.prototype.hasOwnProperty.call(facts, fact) ? getPath(facts[fact], path) : undefined;
}
