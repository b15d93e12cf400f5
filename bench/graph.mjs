// The bench project: a wg project with a generated graph.jsonl whose tasks vary every field the spawn policies read.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * Local config: no executor pinned (so executors vary), a dispatcher model, a premium tier of its own, tag routing, a
 * registry entry, two endpoints (one the default).
 */
export const LOCAL_CONFIG = `[dispatcher]
model = "claude:sonnet"
max_agents = 8

[tiers]
premium = "openrouter:anthropic/claude-opus-4"

[[tag_routing]]
tag = "research"
model = "openrouter:qwen/qwen3-coder"

[[tag_routing]]
tag = "docs"
model = "claude:haiku"

[[model_registry]]
id = "lab-llama"
provider = "oai-compat"
model = "llama3"
tier = "fast"
endpoint = "lab"

[[llm_endpoints.endpoints]]
name = "openrouter"
provider = "openrouter"
url = "https://openrouter.ai/api/v1"
api_key_env = "OPENROUTER_API_KEY"
is_default = true

[[llm_endpoints.endpoints]]
name = "lab"
provider = "oai-compat"
url = "http://127.0.0.1:8088/v1"
api_key = "bench-secret-not-real-0001"
`;

/** The other wg files a plan reads: executor TOMLs, agency agents and a role, the model cache, the agent registry. */
export const WG_FILES = {
  'executors/codex.toml':
    '[executor]\ntype = "codex"\ncommand = "codex"\nargs = ["exec", "--json"]\ntimeout = 600\n[executor.env]\nWG_TASK_ID = "{{task_id}}"\n',
  'executors/claude.toml': '[executor]\ntype = "claude"\ncommand = "claude"\nargs = ["--print", "--verbose", "--output-format", "stream-json"]\n',
  'agency/cache/agents/impl.yaml':
    'id: a1impl\nrole_id: r-impl\ntradeoff_id: t-fast\nname: Implementer\nperformance: { task_count: 4 }\npreferred_model: "claude:haiku"\n',
  'agency/cache/agents/review.yaml':
    'id: b2review\nrole_id: r-review\ntradeoff_id: t-careful\nname: Reviewer\nperformance: { task_count: 2 }\nexecutor: codex\n',
  'agency/cache/roles/impl.yaml': 'id: r-impl\nname: Implementer\ndescription: writes code\nperformance: { task_count: 4 }\ndefault_exec_mode: light\n',
  'model_cache.json': JSON.stringify({
    models: ['qwen/qwen3-coder', 'openai/gpt-5.5', 'anthropic/claude-sonnet-4', 'deepseek/deepseek-v3.2'].map((id) => ({ id })),
  }),
  'service/registry.json': JSON.stringify({ agents: {}, next_agent_id: 42 }),
};

/** Global config: an agent model the local dispatcher model outranks, and endpoints the local list replaces. */
export const GLOBAL_CONFIG = `[agent]
model = "claude:opus"

[[llm_endpoints.endpoints]]
name = "home"
provider = "anthropic"
is_default = true
`;

/**
 * The mix, per field: [value, weight]; `undefined` leaves the field out. Models come from the task, its tier, its tags
 * (tag routing), its agent (agency), the registry and the model cache; refusals come from an unknown executor, an
 * unknown exec_mode, an unknown endpoint name, an endpoint URL with credentials, bare claude, an unknown bare model and
 * a model the executor cannot run.
 */
export const MIX = {
  model: [
    [undefined, 40],
    ['claude:opus', 10],
    ['claude:sonnet', 8],
    ['claude:haiku', 6],
    ['codex:gpt-5.5', 8],
    ['nex:qwen3-coder', 8],
    ['openrouter:anthropic/claude-sonnet-4', 8],
    ['local:llama3', 2],
    ['opus', 4],
    ['gemini:gemini-2.5-pro', 6],
    ['gpt-5.5', 3],
    ['lab-llama', 3],
    ['no-such-model', 1],
  ],
  executor: [
    [undefined, 70],
    ['claude', 8],
    ['native', 8],
    ['codex', 5],
    ['nex', 3],
    ['shell', 2],
    ['bogus', 1],
  ],
  exec: [
    [undefined, 90],
    ['make test', 10],
  ],
  exec_mode: [
    [undefined, 70],
    ['full', 10],
    ['light', 8],
    ['bare', 3],
    ['shell', 4],
    ['native', 3],
    ['turbo', 1],
  ],
  endpoint: [
    [undefined, 80],
    ['openrouter', 6],
    ['lab', 6],
    ['nowhere', 2],
    ['http://127.0.0.1:9000/v1', 4],
    ['https://user:pass@llm.example/v1', 1],
  ],
  tier: [
    [undefined, 50],
    ['fast', 20],
    ['standard', 20],
    ['premium', 10],
  ],
  status: [
    ['open', 60],
    ['in-progress', 15],
    ['blocked', 10],
    ['done', 15],
  ],
  priority: [
    [undefined, 30],
    ['high', 20],
    [10, 30],
    ['low', 20],
  ],
  session_id: [
    [undefined, 95],
    ['3f1c9a60-session', 5],
  ],
  agent: [
    [undefined, 80],
    ['a1', 10],
    ['b2', 6],
    ['zz', 4],
  ],
  timeout: [
    [undefined, 85],
    ['30m', 10],
    ['90s', 5],
  ],
};

const TAGS = ['backend', 'frontend', 'docs', 'urgent', 'research', 'eval'];

/** A small deterministic PRNG (mulberry32), so every run and every test sees the same graph. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick(random, choices) {
  const total = choices.reduce((s, [, w]) => s + w, 0);
  let r = random() * total;
  for (const [v, w] of choices) if ((r -= w) < 0) return v;
  return choices.at(-1)[0];
}

/** `n` task records, as wg writes them (kind first, optional fields left out, some with logs and descriptions). */
export function benchTasks(n = 10_000, seed = 13) {
  const random = rng(seed);
  const tasks = [];
  for (let i = 0; i < n; i++) {
    const t = { kind: 'task', id: `task-${String(i).padStart(5, '0')}`, title: `Bench task ${i}` };
    for (const field of Object.keys(MIX)) {
      const v = pick(random, MIX[field]);
      if (v !== undefined) t[field] = v;
    }
    const tags = TAGS.filter(() => random() < 0.2);
    if (tags.length) t.tags = tags;
    if (random() < 0.3) t.description = `Generated for the benchmark: ${'x'.repeat(Math.floor(random() * 300))}`;
    if (random() < 0.2) t.log = [{ timestamp: '2026-01-02T03:04:05.000000000+00:00', actor: 'bench', message: 'created' }];
    t.created_at = '2026-01-02T03:04:05.000000000+00:00';
    tasks.push(t);
  }
  return tasks;
}

/** Writes the bench project under a new temp folder: `<root>/project/.wg/{config.toml,graph.jsonl,…WG_FILES}` and `<root>/home/.wg/{config.toml,active-profile}`. */
export function benchProject(n = 10_000, seed = 13) {
  const root = mkdtempSync(join(tmpdir(), 'wgp-bench-graph-'));
  const wgDir = join(root, 'project', '.wg');
  const home = join(root, 'home');
  mkdirSync(wgDir, { recursive: true });
  mkdirSync(join(home, '.wg'), { recursive: true });
  writeFileSync(join(wgDir, 'config.toml'), LOCAL_CONFIG);
  writeFileSync(join(home, '.wg', 'config.toml'), GLOBAL_CONFIG);
  writeFileSync(join(home, '.wg', 'active-profile'), 'anthropic\n');
  for (const [rel, text] of Object.entries(WG_FILES)) {
    mkdirSync(dirname(join(wgDir, rel)), { recursive: true });
    writeFileSync(join(wgDir, rel), text);
  }
  const tasks = benchTasks(n, seed);
  writeFileSync(join(wgDir, 'graph.jsonl'), tasks.map((t) => JSON.stringify(t)).join('\n') + '\n');
  return { root, wgDir, home, tasks, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
