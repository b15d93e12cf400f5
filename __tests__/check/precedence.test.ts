// Pictures of the precedence: every rule of every stage, in priority order, with the facts it reads.
import { dot, factsRead, markdownPrecedence, mermaid } from '../../src/check/precedence.js';
import { loadPolicySet } from '../../src/policy/load.js';
import { GATE_TABLE, NAMESPACES, SPAWN_TABLE, TABLES } from '../../src/stages/index.js';
import { createRequire } from 'node:module';
import { ROOT } from '../support/project.js';
import { hostCli } from '../support/cli-host.js';

const require = createRequire(import.meta.url);

let sets: Record<string, Awaited<ReturnType<typeof loadPolicySet>>>;
beforeAll(async () => {
  sets = Object.fromEntries(await Promise.all(TABLES.map(async (t) => [t.kind, await loadPolicySet(t, { namespaces: NAMESPACES })] as const)));
});

test.each(TABLES.map((t) => [t.kind, t] as const))('%s: mermaid and dot name every rule, chained in priority order', (_kind, table) => {
  const set = sets[table.kind];
  const m = mermaid(table, set);
  const d = dot(table, set);
  for (const stage of table.stages) {
    const rules = set.byStage.get(stage.name) ?? [];
    expect(rules.length).toBeGreaterThan(0);
    const at = rules.map((r) => m.indexOf(`${r.id} · ${r.priority}`));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at); // priority order
    for (let i = 1; i < rules.length; i++) expect(d).toContain(`${JSON.stringify(rules[i - 1].id)} -> ${JSON.stringify(rules[i].id)};`);
  }
});

test('the facts a rule reads come from its conditions and its value', () => {
  const rule = sets.spawn.byStage.get('executor')!.find((r) => r.id === 'executor.local-dispatcher')!;
  expect(factsRead(rule)).toEqual(['local.dispatcher.executor']);
  const endpoint = sets.spawn.byStage.get('endpoint')!.find((r) => r.id === 'endpoint.task-unknown-name')!;
  expect(factsRead(endpoint)).toEqual(expect.arrayContaining(['task.endpoint', 'endpoints.names', 'endpoints.looked']));
});

test('the markdown precedence has one table per stage, in table order', () => {
  const md = markdownPrecedence(SPAWN_TABLE, sets.spawn);
  expect([...md.matchAll(/^\*\*`([a-z-]+)`\*\* → /gm)].map((m) => m[1])).toEqual(SPAWN_TABLE.stages.map((s) => s.name));
  expect(markdownPrecedence(GATE_TABLE, sets.gate)).toMatch(/^\| 100 \| `done\.scenario-broken` \| `summary\.broken`.* → deny \|$/m);
});

test('wg-policy graph prints Mermaid by default and DOT on request; a bad choice is a usage error', () => {
  const m = hostCli(['graph', '--bundled']);
  expect(m.code).toBe(0);
  expect(m.stdout.startsWith('flowchart TB\n')).toBe(true);
  const d = hostCli(['graph', '--bundled', '--kind', 'gate', '--format', 'dot']);
  expect(d.code).toBe(0);
  expect(d.stdout).toMatch(/^digraph "wg-policy gate" \{/);
  const bad = hostCli(['graph', '--bundled', '--format', 'png']);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('Allowed choices are mermaid, dot');
});

test('the README precedence section is generated from the bundled policies (run `npm run docs` after editing them)', async () => {
  const { precedenceSection, START, END } = await import('../../src/build/readme-precedence.js');
  const readme = require('node:fs').readFileSync(require('node:path').join(ROOT, 'README.md'), 'utf8') as string;
  const inReadme = readme.slice(readme.indexOf(START) + START.length, readme.indexOf(END)).trim();
  expect(inReadme).toBe((await precedenceSection()).trim());
  expect(inReadme).toContain("| 100 | `model.task` | `task.model` | the task's own model |");
});
