// Real wg files (from wg's repository, unmodified) load unchanged and plan as wg would route them.
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { planSpawn } from '../../src/spawn/plan.js';
import { normalizePriority, readTaskFromGraph } from '../../src/graph/read-tasks.js';
import { ROOT, scratch } from '../support/project.js';

const SAMPLES = join(ROOT, '__tests__', 'fixtures', 'wg-samples');

function withGraph(s: { wgDir: string }, tasks: object[]) {
  require('node:fs').writeFileSync(join(s.wgDir, 'graph.jsonl'), tasks.map((t) => JSON.stringify({ kind: 'task', title: 'x', ...t })).join('\n'));
}
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);

test.each([
  ['profile-claude.toml', 'claude', 'claude:opus', 'opus'],
  ['profile-codex.toml', 'codex', 'codex:gpt-5.5', 'gpt-5.5'],
])('global %s routes to %s', async (file, executor, spec, id) => {
  const s = scratch();
  require('node:fs').mkdirSync(join(s.home, '.wg'));
  copyFileSync(join(SAMPLES, file), join(s.home, '.wg', 'config.toml'));
  withGraph(s, [{ id: 't1' }]);
  const plan = await planSpawn({ taskId: 't1', dir: s.wgDir, home: s.home, env: {} });
  expect([plan.executor, plan.model.spec, plan.model.id, plan.endpoint]).toEqual([executor, spec, id, null]);
  expect(plan.provenance.model.sources[0]).toMatchObject({ layer: 'global', file: '~/.wg/config.toml', key: 'dispatcher.model' });
});

test('the nex profile as a project config routes to native against its is_default endpoint', async () => {
  const s = scratch();
  copyFileSync(join(SAMPLES, 'profile-nex.toml'), join(s.wgDir, 'config.toml'));
  withGraph(s, [{ id: 't1' }]);
  const plan = await planSpawn({ taskId: 't1', dir: s.wgDir, home: s.home, env: {} });
  expect(plan.executor).toBe('native');
  expect(plan.model).toEqual({ spec: 'nex:qwen3-coder-30b', provider: 'nex', id: 'nex:qwen3-coder-30b' });
  expect(plan.endpoint).toEqual({ name: 'default', provider: 'oai-compat', url: 'http://127.0.0.1:8088' });
  expect(plan.provenance.endpoint.rule).toBe('endpoint.is-default');
});

test('the legacy .workgraph project (old config and graph) loads and plans', async () => {
  const s = scratch();
  const legacy = join(s.project, '.workgraph');
  require('node:fs').renameSync(s.wgDir, legacy);
  copyFileSync(join(SAMPLES, 'legacy-workgraph-config.toml'), join(legacy, 'config.toml'));
  copyFileSync(join(SAMPLES, 'legacy-workgraph-graph.jsonl'), join(legacy, 'graph.jsonl'));
  const exec = await planSpawn({ taskId: 'run-hello', cwd: s.project, home: s.home, env: {} });
  expect(exec.executor).toBe('shell');
  // wg wraps every agent process in its hard timeout (agent_timeout, default 30m).
  expect(exec.argv).toEqual(['timeout', '--signal=TERM', '--kill-after=30', '1800', 'bash', '-c', 'python3 hello.py']);
  expect(exec.env).toMatchObject({ TASK_ID: 'run-hello', TASK_TITLE: 'run-hello', WG_EXECUTOR_TYPE: 'shell' });
  const plain = await planSpawn({ taskId: 'implement-db', cwd: s.project, home: s.home, env: {} });
  expect([plain.executor, plain.model.spec, plain.model.id]).toEqual(['claude', 'claude:haiku', 'haiku']);
  expect(plain.provenance.executor).toMatchObject({
    rule: 'executor.local-agent',
    sources: [{ layer: 'local', file: '.workgraph/config.toml', key: 'agent.executor' }],
  });
});

test('graph.jsonl: actor lines skipped, later duplicate wins, priority forms as wg reads them', () => {
  const s = scratch();
  const lines =
    readFileSync(join(SAMPLES, 'legacy-workgraph-graph.jsonl'), 'utf8') + '\n{"kind":"task","id":"write-hello","title":"again","priority":"HIGH"}\n';
  require('node:fs').writeFileSync(join(s.wgDir, 'graph.jsonl'), lines);
  const t = readTaskFromGraph(join(s.wgDir, 'graph.jsonl'), '.wg/graph.jsonl', 'write-hello');
  expect(t.task.title).toBe('again');
  expect(t.line).toBe(11); // the blank line 10 is skipped
  expect(t.task.priority).toBe(50);
  expect([7, 'critical', 'high', 'normal', 'low', 'idle', 'urgent', { name: 'normal', value: 50 }, null, true, -3, 2.5].map(normalizePriority)).toEqual([
    7, 100, 50, 10, 5, 0, 10, 10, 10, 10, 10, 10,
  ]);
});
