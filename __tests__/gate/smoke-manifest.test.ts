// This project's own smoke/ manifest: loads, every script exists, no orphan script, the five original scenarios kept.
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadManifest } from '../../src/gate/manifest.js';
import { ROOT } from '../support/project.js';

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
