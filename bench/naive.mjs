// The naive json-rules-engine use of the same rules: one Engine per stage built once (rules added once, dotted paths),
// each plan an engine.run per stage, the highest-priority success wins, its value resolved; no provenance, no traces.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const require = createRequire(import.meta.url);

const STAGES = ['model', 'executor', 'compat', 'model-id', 'endpoint', 'env', 'argv'];
const FIELD = { model: 'model', executor: 'executor', compat: 'executor', 'model-id': 'modelId', endpoint: 'endpoint', env: 'env', argv: 'argv' };
const KNOWN_PROVIDERS = ['claude', 'openrouter', 'nex', 'oai-compat', 'openai', 'codex', 'gemini', 'ollama', 'llamacpp', 'vllm', 'local', 'native'];
const TEMPLATE = /\{\{\s*([A-Za-z_][\w-]*)(?:\.([^}\s]+))?\s*\}\}/g;
const WHOLE = /^\{\{\s*([A-Za-z_][\w-]*)(?:\.([^}\s]+))?\s*\}\}$/;

const get = (root, path) => {
  if (!path) return root;
  let cur = root;
  for (const seg of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, seg)) return undefined;
    cur = cur[seg];
  }
  return cur;
};
const isSet = (v) => v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0);

function resolve(expr, facts) {
  if (typeof expr === 'string') {
    const whole = WHOLE.exec(expr);
    if (whole) return get(facts[whole[1]], whole[2]) ?? null;
    return expr.replace(TEMPLATE, (_m, f, p) => {
      const v = get(facts[f], p);
      return v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    });
  }
  if (Array.isArray(expr)) return expr.map((e) => resolve(e, facts));
  if (expr && typeof expr === 'object' && typeof expr.fact === 'string') {
    let v = get(facts[expr.fact], expr.path);
    if (expr.where) {
      const want = Object.entries(expr.where).map(([k, e]) => [k, resolve(e, facts)]);
      v = (Array.isArray(v) ? v : []).find((item) => want.every(([k, w]) => get(item, k) === w));
    }
    if (expr.alias && typeof v === 'string' && Object.prototype.hasOwnProperty.call(expr.alias, v)) v = expr.alias[v];
    return v ?? null;
  }
  if (expr && typeof expr === 'object') return Object.fromEntries(Object.entries(expr).map(([k, e]) => [k, resolve(e, facts)]));
  return expr;
}

/** Engines for the bundled spawn rules, built once from the build's compiled policies. */
export function naivePlanner(root) {
  const { Engine } = require(join(root, 'node_modules', 'json-rules-engine'));
  const files = JSON.parse(readFileSync(join(root, 'dist', 'policies.json'), 'utf8'));
  const rulesOf = new Map(STAGES.map((s) => [s, []]));
  for (const [file, c] of Object.entries(files)) if (file.startsWith('policies/spawn/')) for (const r of c.body.rules ?? []) rulesOf.get(c.body.field).push(r);
  const engines = STAGES.map((stage) => {
    const engine = new Engine([], { allowUndefinedFacts: true, pathResolver: get });
    engine.addOperator('isSet', (a, e) => isSet(a) === (e !== false));
    engine.addOperator('hasCredentials', (a, e) => (typeof a === 'string' && /\b[a-z][a-z0-9+.-]*:\/\/[^\s/?#@]+@/i.test(a)) === (e !== false));
    engine.addOperator('matches', (a, p) => typeof a === 'string' && new RegExp(String(p)).test(a));
    engine.addOperator('in', (a, b) => (Array.isArray(b) ? b.indexOf(a) > -1 : false));
    engine.addOperator('notIn', (a, b) => (Array.isArray(b) ? b.indexOf(a) === -1 : b === undefined || b === null));
    const rules = rulesOf.get(stage);
    rules.forEach((r, order) => {
      const fix = (c) =>
        c.all
          ? { all: c.all.map(fix) }
          : c.any
            ? { any: c.any.map(fix) }
            : c.not
              ? { not: fix(c.not) }
              : { ...c, value: c.value === undefined ? true : c.value };
      engine.addRule({ name: `${order}`, priority: r.priority, conditions: fix(r.when), event: { type: r.id } });
    });
    return { stage, engine, rules };
  });
  return async (facts) => {
    const plan = {};
    const live = { ...facts, plan };
    for (const { stage, engine, rules } of engines) {
      const { results } = await engine.run(live);
      const winner = results.map((r) => rules[Number(r.name)]).sort((a, b) => b.priority - a.priority || rules.indexOf(a) - rules.indexOf(b))[0];
      if (!winner) return { reject: `no ${stage} rule` };
      if (winner.then.reject !== undefined) return { reject: winner.id };
      const value = resolve(winner.then.value, live);
      const field = FIELD[stage];
      if (field === 'model') {
        const colon = value.indexOf(':');
        const prefix = colon > 0 ? value.slice(0, colon) : '';
        plan.model = KNOWN_PROVIDERS.includes(prefix)
          ? { spec: value, provider: prefix, name: value.slice(colon + 1) }
          : { spec: value, provider: null, name: value };
      } else plan[field] = value;
    }
    const e = plan.endpoint;
    return {
      executor: plan.executor,
      model: { spec: plan.model.spec, provider: plan.model.provider, id: plan.modelId },
      endpoint: e ? { name: e.name, provider: e.provider, url: e.url } : null,
      env: plan.env,
      argv: plan.argv,
    };
  };
}
