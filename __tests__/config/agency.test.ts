// The agent wg's spawn path uses: one agent file whose id starts with the prefix, its role by role_id prefix.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from '@jest/globals';
import { agencySource, loadAgency } from '../../src/config/agency.js';

const dir = mkdtempSync(join(tmpdir(), 'wgp-agency-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const agent = (id: string, extra = '') => `id: ${id}\nrole_id: r\ntradeoff_id: t\nname: N\nperformance: { task_count: 1 }\n${extra}`;
function wgDir(agents: Record<string, string>, roles: Record<string, string> = {}) {
  const d = join(dir, `wg${n++}`);
  for (const [sub, files] of [
    ['agents', agents],
    ['roles', roles],
  ] as const) {
    mkdirSync(join(d, 'agency', 'cache', sub), { recursive: true });
    for (const [f, text] of Object.entries(files)) writeFileSync(join(d, 'agency', 'cache', sub, f), text);
  }
  return d;
}

test('no prefix asks for no agent and reads nothing', () => {
  expect(loadAgency(join(dir, 'missing'), '.wg', undefined, () => {})).toEqual({ asked: null, agent: null, match: 'none', role: null });
});

test("one match by the YAML's id prefix: its executor (default claude), preferences and role", () => {
  const d = wgDir(
    { 'x.yaml': agent('abc123', 'preferred_model: "claude:haiku"\n'), 'y.yaml': agent('zzz') },
    { 'r.yaml': 'id: r-1\nname: R\ndescription: d\nperformance: { task_count: 0 }\ndefault_exec_mode: light\n' },
  );
  const warnings: string[] = [];
  const a = loadAgency(d, '.wg', 'abc', (w) => warnings.push(w));
  expect(a).toEqual({
    asked: 'abc',
    match: 'found',
    agent: {
      id: 'abc123',
      file: '.wg/agency/cache/agents/x.yaml',
      executor: 'claude',
      preferred_model: 'claude:haiku',
      preferred_provider: null,
      role_id: 'r',
    },
    role: { id: 'r-1', file: '.wg/agency/cache/roles/r.yaml', default_exec_mode: 'light' },
  });
  expect(warnings).toEqual([]);
  expect(agencySource(a, 'agent.preferred_model', 'claude:haiku')).toEqual([
    { layer: 'local', file: '.wg/agency/cache/agents/x.yaml', key: 'preferred_model', value: 'claude:haiku' },
  ]);
  expect(agencySource(a, 'role.default_exec_mode', 'light')[0]).toMatchObject({ file: '.wg/agency/cache/roles/r.yaml' });
});

test.each([
  { note: 'no match', prefix: 'q', match: 'no-match', warning: 'no agent in .wg/agency/cache/agents matches `q`' },
  { note: 'several matches', prefix: 'a', match: 'ambiguous', warning: 'agent prefix `a` matches 2 agents (a1, a2)' },
])('$note: no agent, as in wg, with a warning', ({ prefix, match, warning }) => {
  const warnings: string[] = [];
  const a = loadAgency(wgDir({ '1.yaml': agent('a1'), '2.yaml': agent('a2') }), '.wg', prefix, (w) => warnings.push(w));
  expect(a).toMatchObject({ agent: null, match });
  expect(warnings.join('\n')).toContain(warning);
});

test('corrupt files are skipped with a warning; .yml is not read; motivation_id stands for tradeoff_id', () => {
  const warnings: string[] = [];
  const d = wgDir({
    'bad.yaml': 'id: a1\n: : :\n',
    'noperf.yaml': 'id: a1x\nrole_id: r\ntradeoff_id: t\nname: N\n',
    'notrade.yaml': 'id: a1y\nrole_id: r\nname: N\nperformance: { task_count: 0 }\n',
    'other.yml': agent('a1z'),
    'ok.yaml': 'id: a1w\nrole_id: r\nmotivation_id: m\nname: N\nperformance: { task_count: 2 }\n',
  });
  expect(loadAgency(d, '.wg', 'a1', (w) => warnings.push(w)).agent?.id).toBe('a1w');
  expect(warnings).toHaveLength(3);
  expect(warnings.every((w) => w.startsWith('skipping corrupt YAML file .wg/agency/cache/agents/'))).toBe(true);
  expect(warnings.join('\n')).toContain('`tradeoff_id` is required');
});
