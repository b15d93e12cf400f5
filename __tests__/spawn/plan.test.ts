// Named tests for planSpawn: the original regression, executor scoping, provenance completeness, one decider.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { decideSpawn, planSpawn } from '../../src/spawn/plan.js';
import { SpawnPlanSchema, type SpawnPlan } from '../../src/spawn/plan-schema.js';
import { SPAWN_TABLE, TABLES } from '../../src/stages/index.js';
import { cli, ROOT, scratch } from '../support/project.js';

const CANARY = 'sk-or-v1-CANARY-8f3e2d';

/** The project from the original bug: local claude pin, model opus, a global openrouter default. */
function floorProject(task: Record<string, unknown> = {}) {
  const s = scratch({
    // inherit_global makes the global openrouter default count, as in the worst case of the bug.
    'project/.wg/config.toml': '[dispatcher]\nexecutor = "claude"\nmodel = "claude:opus"\n\n[llm_endpoints]\ninherit_global = true\n',
    'home/.wg/config.toml': `[[llm_endpoints.endpoints]]\nname = "openrouter"\nprovider = "openrouter"\napi_key = "${CANARY}"\nis_default = true\n`,
  });
  writeFileSync(join(s.wgDir, 'graph.jsonl'), `${JSON.stringify({ kind: 'task', id: 't1', title: 'fix it', status: 'open', ...task })}\n`);
  return s;
}

test('test_executor_floor_is_honored', async () => {
  const s = floorProject();
  const plan = await planSpawn({ taskId: 't1', dir: s.wgDir, home: s.home, env: {} });
  expect(plan.executor).toBe('claude');
  expect(plan.endpoint).toBeNull();
  expect(plan.argv.slice(0, 5)).toEqual(['timeout', '--signal=TERM', '--kill-after=30', '1800', 'claude']);
  expect(plan.argv.filter((a) => /endpoint|api-key/.test(a))).toEqual([]);
  expect(plan.provenance.executor).toMatchObject({
    rule: 'executor.local-dispatcher',
    sources: [{ layer: 'local', file: '.wg/config.toml', key: 'dispatcher.executor', value: 'claude' }],
  });
  expect(plan.provenance.endpoint.rule).toBe('endpoint.none-for-claude');
  expect(JSON.stringify(plan)).not.toContain(CANARY);
});

test('no endpoint for claude even when task.endpoint is set (named or URL)', async () => {
  for (const endpoint of ['openrouter', 'https://openrouter.ai/api/v1']) {
    const s = floorProject({ endpoint });
    const plan = await planSpawn({ taskId: 't1', dir: s.wgDir, home: s.home, env: {} });
    expect(plan.endpoint).toBeNull();
    expect(plan.env).not.toHaveProperty('WG_ENDPOINT_NAME');
    expect(plan.argv.some((a) => a.includes('endpoint') || a.includes('openrouter'))).toBe(false);
    expect(plan.provenance.endpoint.shadowed.map((x) => x.rule)).toContain(endpoint.startsWith('http') ? 'endpoint.task-url' : 'endpoint.task-named');
  }
});

test('provenance traces every field to a rule, a policy file:line and a source', async () => {
  const s = scratch({
    'project/.wg/config.toml': '[[llm_endpoints.endpoints]]\nname = "lab"\nprovider = "oai-compat"\nurl = "http://127.0.0.1:8088"\napi_key = "k-CANARY"\n',
  });
  writeFileSync(join(s.wgDir, 'graph.jsonl'), `${JSON.stringify({ kind: 'task', id: 't9', title: 'x', model: 'nex:qwen3' })}\n`);
  const plan: SpawnPlan = await planSpawn({ taskId: 't9', dir: s.wgDir, home: s.home, env: {} });
  expect(SpawnPlanSchema.safeParse(plan).success).toBe(true);
  const fields = new Set<string>(SPAWN_TABLE.stages.map((st) => st.field));
  expect(Object.keys(plan.provenance).sort()).toEqual([...fields].sort());
  for (const [field, p] of Object.entries(plan.provenance)) {
    expect([field, p.rule]).toEqual([field, expect.stringMatching(/^[a-z-]+\.[a-z0-9.-]+$/)]);
    expect(p.policy).toMatch(/^policies\/spawn\/[a-z-]+\.yaml:\d+$/);
    const [file, line] = p.policy.split(':');
    const text = readFileSync(join(ROOT, file), 'utf8').split('\n');
    expect(text[Number(line) - 1]).toContain(`id: ${p.rule}`); // file:line points at the rule
    expect(p.sources.length).toBeGreaterThan(0);
    for (const src of p.sources) expect(['task', 'cli', 'local', 'global', 'default']).toContain(src.layer);
  }
  expect(plan.provenance.model.sources).toEqual([{ layer: 'task', file: '.wg/graph.jsonl:1', key: 'model', value: 'nex:qwen3' }]);
  expect(plan.provenance.endpoint.sources).toContainEqual(expect.objectContaining({ layer: 'local', key: 'llm_endpoints.endpoints[0]' }));
  // The plan's fields are exactly the provenance values.
  expect(plan.executor).toBe(plan.provenance.executor.value);
  expect(plan.argv).toEqual(plan.provenance.argv.value);
  expect(plan.env).toEqual(plan.provenance.env.value);
  expect(JSON.stringify(plan)).not.toContain('CANARY');
});

test('the plan is deterministic: the same input gives the same plan, shadowed lists included', async () => {
  const s = floorProject();
  const a = await planSpawn({ taskId: 't1', dir: s.wgDir, home: s.home, env: {} });
  const b = await planSpawn({ taskId: 't1', dir: s.wgDir, home: s.home, env: {} });
  expect(b).toEqual(a);
});

test('concurrent planSpawn calls in one process do not interfere (one Engine per evaluation)', async () => {
  const s = floorProject();
  const t = scratch({ 'project/.wg/config.toml': '[dispatcher]\nexecutor = "codex"\n' });
  writeFileSync(join(t.wgDir, 'graph.jsonl'), `${JSON.stringify({ kind: 'task', id: 't1', title: 'x' })}\n`);
  const runs = await Promise.all(Array.from({ length: 20 }, (_, i) => planSpawn({ taskId: 't1', dir: i % 2 ? s.wgDir : t.wgDir, home: s.home, env: {} })));
  runs.forEach((p, i) => expect(p.executor).toBe(i % 2 ? 'claude' : 'codex'));
});

// --- planSpawn is the only decider -------------------------------------------------------------

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('every entry point calls planSpawn and nothing else in src/ chooses an executor, model, endpoint or argv', () => {
  const files = sourceFiles(join(ROOT, 'src')).map((p) => ({ rel: relative(join(ROOT, 'src'), p), text: readFileSync(p, 'utf8') }));
  // 1. Executor names and executor flags are policy data: no TypeScript literal outside the vocabulary files.
  // wg's own data: the executor names a stage may produce, and wg's built-in executor table and agent default.
  const vocabulary = new Set(['stages/spawn.ts', 'stages/spawn-facts.ts', 'config/model-spec.ts', 'config/executors.ts', 'config/agency.ts']);
  const literal = /['"`](claude|native|codex|nex|shell|--model|--endpoint[-a-z]*|--api-key|native-exec|bypassPermissions)['"`]/;
  const offenders = files.filter((f) => !vocabulary.has(f.rel) && literal.test(f.text.replace(/^\s*(\/\/|\*).*$/gm, '')));
  expect(offenders.map((f) => `${f.rel}: ${literal.exec(f.text)?.[0]}`)).toEqual([]);
  // 2. Rules are evaluated only by the decision core, and the core is run only by planSpawn (spawn) and the gate.
  const evaluators = files.filter((f) => /evaluateRules\(/.test(f.text) && !f.rel.startsWith('engine/')).map((f) => f.rel);
  expect(evaluators).toEqual([]);
  const deciders = files
    .filter((f) => /\bdecide\(/.test(f.text) && !f.rel.startsWith('engine/'))
    .map((f) => f.rel)
    .sort();
  // tools/ decide again only to compare (policy tests, audit replay): they act on nothing and record nothing.
  expect(deciders).toEqual(['gate/decide.ts', 'spawn/plan.ts', 'tools/replay.ts']);
  const spawnDeciders = files.filter((f) => /decide\(SPAWN_TABLE/.test(f.text)).map((f) => f.rel);
  expect(spawnDeciders).toEqual(['spawn/plan.ts', 'tools/replay.ts']);
  for (const f of files.filter((x) => x.rel.startsWith('tools/')))
    expect([f.rel, /appendDecision|recordDecision|markDone/.test(f.text)]).toEqual([f.rel, false]);
  // 3. Nothing assigns plan fields outside spawn/plan.ts.
  const assigns = files.filter((f) => f.rel !== 'spawn/plan.ts' && /\.(executor|argv|endpoint)\s*=[^=]/.test(f.text));
  expect(assigns.map((f) => f.rel)).toEqual([]);
  // 4. Every entry point that yields a plan goes through spawn/plan.ts (planSpawn or decideSpawn): the library and the CLI.
  const index = files.find((f) => f.rel === 'index.ts')!;
  expect(index.text).toMatch(/export \{ planSpawn, decideSpawn[^}]*\} from '\.\/spawn\/plan\.js'/);
  const planners = files.filter((f) => f.rel.startsWith('cli/commands/') && /explain|plan/.test(f.rel));
  expect(planners.length).toBeGreaterThan(1);
  for (const f of planners) expect([f.rel, /(plan|decide)Spawn\(/.test(f.text)]).toEqual([f.rel, true]);
});

test('the CLI plan equals the library plan', async () => {
  const s = floorProject();
  const lib = await planSpawn({ taskId: 't1', dir: s.wgDir, home: s.home, env: {} });
  const r = cli(['plan', 't1', '--dir', s.wgDir], { home: s.home });
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout)).toEqual(lib);
  expect(r.stderr.trim()).toBe(
    'SpawnPlan task=t1 executor=claude (executor.local-dispatcher ← local .wg/config.toml dispatcher.executor), ' +
      'model=claude:opus (model.local-dispatcher ← local .wg/config.toml dispatcher.model), endpoint=none (endpoint.none-for-claude)',
  );
  expect(r.stdout + r.stderr).not.toContain(CANARY);
});

test('shared code (engine/, policy/, audit/, shared/) names no field, stage or gate: those live in the stage tables', () => {
  const names = new Set(TABLES.flatMap((t) => t.stages.flatMap((st) => [st.name, st.field])));
  const files = ['engine', 'policy', 'audit', 'shared'].flatMap((d) => sourceFiles(join(ROOT, 'src', d)));
  const offenders = files.flatMap((p) => {
    const text = readFileSync(p, 'utf8').replace(/^\s*(\/\/|\*).*$/gm, '');
    return [...text.matchAll(/(['"`])([A-Za-z-]+)\1/g)].filter((m) => names.has(m[2])).map((m) => `${relative(ROOT, p)}: ${m[0]}`);
  });
  expect(offenders).toEqual([]);
});

test('a library caller that asks for the decision log records exactly what the CLI records', async () => {
  const s = floorProject();
  try {
    const libLog = join(s.root, 'lib.jsonl');
    const cliLog = join(s.root, 'cli.jsonl');
    const { closeAuditLog } = await import('../../src/audit/append.js');
    await planSpawn({ taskId: 't1', dir: s.wgDir, home: s.home, env: {} }, { decisionLog: { path: libLog }, warn: () => {} });
    await closeAuditLog();
    expect(cli(['plan', 't1', '--dir', s.wgDir, '--audit-log', cliLog], { home: s.home }).code).toBe(0);
    const strip = (file: string) => {
      const { id: _i, ts: _t, actor: _a, seq: _s, prev: _p, hash: _h, ...rest } = JSON.parse(readFileSync(file, 'utf8').trim());
      return rest;
    };
    const lib = strip(libLog);
    expect(lib.kind).toBe('spawn');
    expect(lib.rules.map((r: { rule: string }) => r.rule)).toContain('executor.local-dispatcher');
    expect(lib).toEqual(strip(cliLog));
    expect(JSON.stringify(lib)).not.toContain(CANARY);
  } finally {
    s.cleanup();
  }
});

test('an outcome builds its explanation and its record once, on first read, and carries no copy of its inputs as data', async () => {
  const s = floorProject();
  const outcome = await decideSpawn({ taskId: 't1', dir: s.wgDir, home: s.home, env: {} });
  expect(Object.keys(outcome)).toEqual(['plan', 'error']);
  const explanation = outcome.explanation;
  expect(outcome.explanation).toBe(explanation);
  const decision = outcome.decision;
  expect(outcome.decision).toBe(decision);
  expect(decision).toMatchObject({ kind: 'spawn', taskId: 't1', policyRevision: explanation.policyRevision, result: outcome.plan });
  expect(JSON.stringify(decision)).not.toContain(CANARY);
});
