// The per-process input caches (executor TOMLs, agency files, model cache, agent registry, active profile, configs,
// graph) notice every edit before the next plan: after each edit a warm process plans what a fresh uncached CLI plans.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { PolicyError } from '../../src/shared/errors.js';
import { decideSpawn } from '../../src/spawn/plan.js';
import { corpusCli } from '../support/cli-host.js';
import { scratch } from '../support/project.js';

let s: ReturnType<typeof scratch>;
const TASKS = [
  { kind: 'task', id: 'codex', title: 'c', model: 'codex:gpt-5.5' },
  { kind: 'task', id: 'agent', title: 'a', agent: 'a1' },
  { kind: 'task', id: 'short', title: 's', model: 'gpt-5.5' },
  { kind: 'task', id: 'native', title: 'n', model: 'nex:qwen3-coder' },
];
const agent = (model: string) => `id: a1impl\nrole_id: r\ntradeoff_id: t\nname: A\nperformance: { task_count: 1 }\npreferred_model: "${model}"\n`;
const codex = (timeout: number) => `[executor]\ntype = "codex"\ncommand = "codex"\nargs = ["exec", "--json"]\ntimeout = ${timeout}\n`;
const cache = (id: string) => JSON.stringify({ models: [{ id }] });

beforeAll(() => {
  s = scratch({
    'project/.wg/executors/codex.toml': codex(600),
    'project/.wg/agency/cache/agents/a1.yaml': agent('claude:haiku'),
    'project/.wg/model_cache.json': cache('openai/gpt-5.5'),
    'project/.wg/service/registry.json': JSON.stringify({ agents: {}, next_agent_id: 42 }),
    'home/.wg/config.toml': '[[llm_endpoints.endpoints]]\nname = "home"\nprovider = "oai-compat"\nurl = "http://127.0.0.1:9/v1"\nis_default = true\n',
    'home/.wg/active-profile': 'nex\n',
  });
  writeFileSync(join(s.wgDir, 'graph.jsonl'), TASKS.map((t) => `${JSON.stringify(t)}\n`).join(''));
});
afterAll(() => s.cleanup());

let round = 0;

/**
 * Every task as this (warm) process plans it, and as a fresh `plan --all` with every cache off prints it (the built CLI
 * run afresh for each call by the uncached CLI host, every SAMPLE-th round as its own process: see cli-host.ts).
 */
async function both(): Promise<[string[], string[]]> {
  const warm: string[] = [];
  for (const { id } of TASKS) {
    const line = await decideSpawn({ taskId: id, dir: s.wgDir, home: s.home, env: {} }, { warn: () => {} }).then(
      (o) => (o.plan ? o.plan : { task: id, error: o.error!.toJSON() }),
      (e: PolicyError) => ({ task: id, error: e.toJSON() }),
    );
    warm.push(JSON.stringify(line));
  }
  const r = await corpusCli(++round, ['plan', '--all', '--dir', s.wgDir, '-q'], { home: s.home, env: { WG_POLICY_NO_CACHE: '1' } });
  return [warm, r.stdout.trim().split('\n')];
}

test('each edited input is noticed before the next plan, and the warm plans equal the uncached ones', async () => {
  const edits: Array<[string, () => void]> = [
    ['executor TOML', () => writeFileSync(join(s.wgDir, 'executors', 'codex.toml'), codex(900))],
    ['agency agent file', () => writeFileSync(join(s.wgDir, 'agency', 'cache', 'agents', 'a1.yaml'), agent('claude:opus'))],
    ['a new agency file', () => writeFileSync(join(s.wgDir, 'agency', 'cache', 'agents', 'a2.yaml'), agent('claude:opus').replace('a1impl', 'a1other'))],
    ['model cache', () => writeFileSync(join(s.wgDir, 'model_cache.json'), cache('openai/gpt-5.5-pro'))],
    ['agent registry', () => writeFileSync(join(s.wgDir, 'service', 'registry.json'), JSON.stringify({ agents: {}, next_agent_id: 43 }))],
    ['active profile', () => rmSync(join(s.home, '.wg', 'active-profile'))],
    ['project config', () => writeFileSync(join(s.wgDir, 'config.toml'), '[agent]\nmodel = "claude:sonnet"\n')],
    ['graph', () => writeFileSync(join(s.wgDir, 'graph.jsonl'), TASKS.map((t) => `${JSON.stringify({ ...t, tier: 'premium' })}\n`).join(''))],
  ];
  const [first, fresh] = await both();
  expect(first).toEqual(fresh);
  let before = first;
  for (const [what, edit] of edits) {
    edit();
    const [after, uncached] = await both();
    expect([what, after]).toEqual([what, uncached]);
    expect([what, after]).not.toEqual([what, before]); // the edit changed some plan, so the check above could fail
    before = after;
  }
}, 120_000);
