// This project's own smoke/: the manifest loads, every script exists, the five original scenarios kept; `npm run smoke` is self-contained.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Verdict } from '../../src/gate/decide.js';
import { loadManifest } from '../../src/gate/manifest.js';
import { readTaskFromGraph } from '../../src/graph/read-tasks.js';
import { cli, ROOT, scratch } from '../support/project.js';

const manifest = loadManifest(join(ROOT, 'smoke', 'manifest.toml'));

test('every scenario has its script and every script is a scenario', () => {
  for (const s of manifest.scenarios) expect([s.name, existsSync(s.script)]).toEqual([s.name, true]);
  const scripts = readdirSync(join(ROOT, 'smoke', 'scenarios')).filter((f) => f.endsWith('.sh') && !f.startsWith('_'));
  expect(scripts.sort()).toEqual(manifest.scenarios.map((s) => s.script.split('/').pop()).sort());
});

test('the five scenarios the original gate started with are there; the live ones declare what they need', () => {
  const byName = new Map(manifest.scenarios.map((s) => [s.name, s]));
  for (const name of ['claude_executor_with_global_openrouter_default', 'priority_int_and_string_deserialize']) {
    expect(byName.get(name)?.requires).toEqual({ commands: [], env: [], urls: [] });
  }
  for (const name of ['nex_two_message_against_lambda01', 'dispatcher_boot_no_orphan_supervisor', 'chat_create_via_ipc_works']) {
    expect(byName.get(name)?.requires.commands).toContain('wg');
  }
  expect(byName.get('nex_two_message_against_lambda01')?.requires.env).toEqual(['WG_SMOKE_LAMBDA01_URL']);
  for (const s of manifest.scenarios) expect([s.name, s.owners]).toEqual([s.name, expect.arrayContaining(['smoke-gate-is'])]);
});

describe('npm run smoke', () => {
  const script = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.smoke;
  const gate = script.split('&&').pop()!.trim().split(/\s+/);

  test('runs the gate on smoke-all from smoke/.wg with the whole manifest', () => {
    expect(gate.slice(0, 4)).toEqual(['node', 'bin/wg-policy.cjs', 'gate', 'smoke-all']);
    expect(gate).toEqual(expect.arrayContaining(['--dir', 'smoke', '--full-smoke', '--manifest', 'smoke/manifest.toml']));
    const graph = join(ROOT, 'smoke', '.wg', 'graph.jsonl');
    expect(readTaskFromGraph(graph, 'smoke/.wg/graph.jsonl', 'smoke-all').task).toMatchObject({ id: 'smoke-all', status: 'open' });
  });

  test('a wg dir in a parent folder (a user’s ~/.wg) is not used; the decision log goes to smoke/.wg', () => {
    // <root>/.wg is the parent (and global) wg dir without smoke-all; <root>/pkg is a copy of this package's smoke setup.
    const s = scratch({ '.wg/graph.jsonl': '{"kind":"task","id":"other","status":"open"}\n', 'pkg/smoke/scenarios/ok.sh': 'echo fine\n' });
    const pkg = join(s.root, 'pkg');
    mkdirSync(join(pkg, 'smoke', '.wg'), { recursive: true });
    copyFileSync(join(ROOT, 'smoke', '.wg', 'graph.jsonl'), join(pkg, 'smoke', '.wg', 'graph.jsonl'));
    writeFileSync(join(pkg, 'smoke', 'manifest.toml'), '[[scenario]]\nname = "ok"\nscript = "scenarios/ok.sh"\nowners = ["smoke-gate-is"]\n');
    const r = cli([...gate.slice(2), '--json'], { cwd: pkg, home: s.root, env: { CI: '1' } });
    expect(r.stderr).not.toContain('cannot read task');
    expect(r.code).toBe(0);
    const v = JSON.parse(r.stdout) as Verdict;
    expect(v).toMatchObject({ task: 'smoke-all', allowed: true, summary: { selected: 1, passed: 1 } });
    expect(v.manifest.path).toBe(join(pkg, 'smoke', 'manifest.toml'));
    expect(v.notices.join('\n')).not.toContain('no wg directory');
    expect(existsSync(join(pkg, 'smoke', '.wg', 'policy-audit.jsonl'))).toBe(true);
    expect(existsSync(join(s.root, '.wg', 'policy-audit.jsonl'))).toBe(false);
  });
});
