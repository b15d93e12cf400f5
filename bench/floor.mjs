// The hand-written floor: the bench project's decisions made by plain code (its config, agency files, model cache and
// the bundled rules' precedence hard-wired), no policies, no provenance, no file looked up. It decides what most shapes
// a plan — the model spec, the executor, the endpoint, or the refusal — and the bench counts the tasks where that
// differs from wg-policy's plan (env and argv, which follow from these, are not rebuilt).

const KNOWN = ['claude', 'openrouter', 'nex', 'oai-compat', 'openai', 'codex', 'gemini', 'ollama', 'llamacpp', 'vllm', 'local', 'native', 'anthropic'];
const EXECUTORS = ['claude', 'native', 'nex', 'codex', 'shell'];
const MODES = ['shell', 'full', 'light', 'bare', 'claude', 'native', 'nex', 'codex'];
const TIERS = { fast: 'claude:haiku', standard: 'claude:sonnet', premium: 'openrouter:anthropic/claude-opus-4' };
const ROUTES = [
  ['research', 'openrouter:qwen/qwen3-coder'],
  ['docs', 'claude:haiku'],
];
const AGENTS = [
  { id: 'a1impl', executor: 'claude', preferred_model: 'claude:haiku', mode: 'light' },
  { id: 'b2review', executor: 'codex', preferred_model: null, mode: null },
];
const CACHE = ['qwen/qwen3-coder', 'openai/gpt-5.5', 'anthropic/claude-sonnet-4', 'deepseek/deepseek-v3.2'];
const REGISTRY = ['haiku', 'sonnet', 'opus', 'claude:haiku', 'claude:sonnet', 'claude:opus', 'lab-llama'];
const ENDPOINTS = { openrouter: 'https://openrouter.ai/api/v1', lab: 'http://127.0.0.1:8088/v1' };
const USERINFO = /\b[a-z][a-z0-9+.-]*:\/\/[^\s/?#@]+@/i;

const isSet = (v) => v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0);
const alias = (e) => (e === 'nex' ? 'native' : e);

function prefixOf(spec) {
  const colon = spec.indexOf(':');
  const p = colon > 0 ? spec.slice(0, colon) : '';
  return KNOWN.includes(p) ? p : null;
}

/** The bench project's decision for a task (no caller flags): `{executor, model, endpoint}` or `{reject: rule}`. */
export function floorPlan(t) {
  const tags = Array.isArray(t.tags) ? t.tags : [];
  const tier = typeof t.tier === 'string' && TIERS[t.tier.toLowerCase()] ? t.tier.toLowerCase() : null;
  const matching = isSet(t.agent) ? AGENTS.filter((a) => a.id.startsWith(t.agent)) : [];
  const agent = matching.length === 1 ? matching[0] : null;
  const route = ROUTES.find(([tag]) => tags.includes(tag));
  const [model, from] = isSet(t.model)
    ? [t.model, 'task']
    : tier
      ? [TIERS[tier], 'task']
      : route
        ? [route[1], 'task']
        : agent?.preferred_model
          ? [agent.preferred_model, 'agent']
          : ['claude:sonnet', 'config'];
  const provider = prefixOf(model);
  if (isSet(t.executor) && !EXECUTORS.includes(t.executor)) return { reject: 'executor.unknown-in-task' };
  if (isSet(t.exec_mode) && !MODES.includes(t.exec_mode)) return { reject: 'executor.unknown-exec-mode' };
  let executor;
  if (isSet(t.exec) || t.exec_mode === 'shell') executor = 'shell';
  else if (isSet(t.executor)) executor = alias(t.executor);
  else if (['claude', 'native', 'nex', 'codex'].includes(t.exec_mode)) executor = alias(t.exec_mode);
  else if (agent && ['native', 'codex', 'shell'].includes(agent.executor)) executor = agent.executor;
  else if (provider === 'claude' || provider === 'codex') executor = provider;
  else executor = provider ? 'native' : 'claude';
  if (executor === 'claude' && provider && provider !== 'claude') return { reject: 'compat.claude-cannot-run-model' };
  if (from === 'task' && !provider && !model.includes('/') && !REGISTRY.includes(model)) {
    const lower = model.toLowerCase();
    const hits = CACHE.filter((id) => id.split('/').pop() === lower || id.split('/').pop().includes(lower));
    if (hits.length !== 1) return { reject: 'model-id.unknown-task-model-near' };
  }
  let endpoint = null;
  const ep = t.endpoint;
  if (typeof ep === 'string' && USERINFO.test(ep)) return { reject: 'endpoint.task-url-with-credentials' };
  if (executor === 'native') {
    if (typeof ep === 'string' && /^https?:\/\//.test(ep)) endpoint = ep;
    else if (isSet(ep)) {
      if (!ENDPOINTS[ep]) return { reject: 'endpoint.task-unknown-name' };
      endpoint = ep;
    } else endpoint = 'openrouter';
  }
  const mode = isSet(t.exec_mode) ? t.exec_mode : (agent?.mode ?? 'full');
  if (executor === 'shell' && !isSet(t.exec)) return { reject: 'argv.shell-needs-exec' };
  if (executor === 'claude' && mode === 'bare') return { reject: 'argv.claude-bare-unsupported' };
  return { executor, model, endpoint };
}

/** A plan (or refusal) reduced to what floorPlan decides, for comparison. */
export function floorValues(plan, error) {
  if (error) return { reject: error.rule };
  return { executor: plan.executor, model: plan.model.spec, endpoint: plan.endpoint ? (plan.endpoint.name ?? plan.endpoint.url) : null };
}

/** A plan (or refusal) reduced to what the naive planner decides, for comparison. */
export function planValues(plan, error) {
  if (error) return { reject: error.rule };
  const { executor, model, endpoint, env, argv } = plan;
  return { executor, model, endpoint: endpoint ? { name: endpoint.name, provider: endpoint.provider, url: endpoint.url } : null, env, argv };
}
