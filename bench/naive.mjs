// The naive json-rules-engine use of the same rules: one Engine per stage built once (rules added once, dotted paths),
// each plan an engine.run per stage over the facts wg-policy would give it, the highest-priority success wins, its value
// resolved; no provenance, no traces, no checks.
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);

const get = (root, path) => {
  if (!path) return root;
  let cur = root;
  for (const seg of String(path).split('.')) {
    if (cur === null || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, seg)) return undefined;
    cur = cur[seg];
  }
  return cur;
};
const isSet = (v) => v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0);
const TEMPLATE = /\{\{\s*([A-Za-z_][\w-]*)(?:\.([^}\s]+))?\s*\}\}/g;
const WHOLE = /^\{\{\s*([A-Za-z_][\w-]*)(?:\.([^}\s]+))?\s*\}\}$/;
const NAMED = /\{\{([A-Za-z_][\w-]*)\}\}/g;
const USERINFO = /\b[a-z][a-z0-9+.-]*:\/\/[^\s/?#@]+@/i;

const render = (t, facts) =>
  t.replace(TEMPLATE, (_m, f, p) => {
    const v = get(facts[f], p);
    return v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  });
const renderNamed = (v, map, facts) =>
  typeof v === 'string'
    ? v.replace(NAMED, (all, n) => (Object.prototype.hasOwnProperty.call(map, n) ? render(map[n], facts) : all))
    : Array.isArray(v)
      ? v.map((x) => renderNamed(x, map, facts))
      : v && typeof v === 'object'
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, renderNamed(x, map, facts)]))
        : v;

function resolve(expr, facts) {
  if (typeof expr === 'string') {
    const whole = WHOLE.exec(expr);
    return whole ? (get(facts[whole[1]], whole[2]) ?? null) : render(expr, facts);
  }
  if (Array.isArray(expr)) return expr.map((e) => resolve(e, facts));
  if (!expr || typeof expr !== 'object') return expr;
  if (typeof expr.fact === 'string') {
    let v = get(facts[expr.fact], expr.path);
    if (expr.where) {
      const want = Object.entries(expr.where).map(([k, e]) => [k, resolve(e, facts)]);
      v = (Array.isArray(v) ? v : []).find((item) => want.every(([k, w]) => get(item, k) === w));
    }
    if (expr.get !== undefined) v = get(v, expr.get);
    if (expr.alias && typeof v === 'string' && Object.prototype.hasOwnProperty.call(expr.alias, v)) v = expr.alias[v];
    if (expr.render) v = renderNamed(v, expr.render, facts);
    return v ?? null;
  }
  if (Array.isArray(expr.merge)) {
    const out = {};
    for (const item of expr.merge) {
      const v = resolve(item, facts);
      if (v && typeof v === 'object' && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) out[k] = x;
    }
    return out;
  }
  if (Array.isArray(expr.concat)) {
    const out = [];
    for (const item of expr.concat) {
      if (Array.isArray(item)) {
        const group = item.map((e) => resolve(e, facts));
        if (group.every(isSet)) out.push(...group);
      } else {
        const v = resolve(item, facts);
        if (Array.isArray(v)) out.push(...v);
        else if (v !== null && v !== undefined) out.push(v);
      }
    }
    return out;
  }
  return Object.fromEntries(Object.entries(expr).map(([k, e]) => [k, resolve(e, facts)]));
}

/** Engines for the bundled spawn rules (the library's own policy set and stage order), built once. */
export async function naivePlanner(root, lib) {
  const { Engine } = require(join(root, 'node_modules', 'json-rules-engine'));
  const table = lib.SPAWN_TABLE;
  const set = await lib.loadPolicySet(table, { namespaces: lib.TABLES.flatMap((t) => t.stages.map((s) => s.name)) });
  const engines = table.stages.map((stage) => {
    const engine = new Engine([], { allowUndefinedFacts: true, pathResolver: get });
    engine.addOperator('isSet', (a, e) => isSet(a) === (e !== false));
    engine.addOperator('hasCredentials', (a, e) => (typeof a === 'string' && USERINFO.test(a)) === (e !== false));
    engine.addOperator('matches', (a, p) => typeof a === 'string' && new RegExp(String(p)).test(a));
    engine.addOperator('in', (a, b) => (Array.isArray(b) ? b.indexOf(a) > -1 : false));
    engine.addOperator('notIn', (a, b) => (Array.isArray(b) ? b.indexOf(a) === -1 : b === undefined || b === null));
    const rules = set.byStage.get(stage.name) ?? [];
    const fix = (c) =>
      c.all ? { all: c.all.map(fix) } : c.any ? { any: c.any.map(fix) } : c.not ? { not: fix(c.not) } : { ...c, value: c.value === undefined ? true : c.value };
    rules.forEach((r, order) => engine.addRule({ name: `${order}`, priority: r.priority, conditions: fix(r.when), event: { type: r.id } }));
    return { stage, engine, rules };
  });
  /** One plan from the facts a decision reads: `{executor, model, endpoint, env, argv}` or `{reject: rule}`. */
  return async (facts) => {
    const plan = {};
    const provenance = {};
    const values = {};
    const live = { ...facts, plan, provenance };
    for (const { stage, engine, rules } of engines) {
      const { results } = await engine.run(live);
      const winner = results.map((r) => rules[Number(r.name)]).sort((a, b) => b.priority - a.priority || rules.indexOf(a) - rules.indexOf(b))[0];
      if (!winner) return { reject: `no ${stage.name} rule` };
      if (winner.then.reject !== undefined) return { reject: winner.id };
      const value = resolve(winner.then.value, live);
      if (!(stage.field in values) || JSON.stringify(values[stage.field]) !== JSON.stringify(value)) provenance[stage.field] = { rule: winner.id };
      values[stage.field] = value;
      plan[stage.field] = stage.toFact ? stage.toFact(value, live) : value;
    }
    const e = values.endpoint;
    return {
      executor: values.executor,
      model: { spec: plan.model.spec, provider: plan.model.provider, id: values.modelId },
      endpoint: e ? { name: e.name, provider: e.provider, url: e.url } : null,
      env: values.env,
      argv: values.argv,
    };
  };
}
