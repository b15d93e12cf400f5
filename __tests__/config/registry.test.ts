// wg's model registry: the six built-ins, user entries after them (a user id replaces a built-in), lookup by id then model.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from '@jest/globals';
import { emptyConfig, loadConfigFile } from '../../src/config/load-toml.js';
import { effectiveRegistry, lookupRegistry } from '../../src/config/registry.js';

const dir = mkdtempSync(join(tmpdir(), 'wgp-reg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (text: string, shown: string) => {
  const p = join(dir, `c${n++}.toml`);
  writeFileSync(p, text);
  return loadConfigFile(p, shown);
};
const entry = (id: string, model: string, tier = 'fast') => `[[model_registry]]\nid = "${id}"\nprovider = "openrouter"\nmodel = "${model}"\ntier = "${tier}"\n`;

test('test_effective_registry_returns_builtins_when_empty', () => {
  const { list, sources } = effectiveRegistry(emptyConfig('l'), emptyConfig('g'));
  expect(list.map((e) => e.id)).toEqual(['haiku', 'sonnet', 'opus', 'claude:haiku', 'claude:sonnet', 'claude:opus']);
  expect(list.every((e) => e.provider === 'anthropic' && !e.model.includes('-'))).toBe(true);
  expect(sources[0]).toMatchObject({ layer: 'default', key: 'haiku' });
});

test('test_effective_registry_custom_overrides_builtin, and a local list replaces the global one', () => {
  const local = file(entry('haiku', 'my-haiku') + entry('custom', 'a/b'), '.wg/config.toml');
  const global = file(entry('ignored', 'x/y'), '~/.wg/config.toml');
  const { list, sources } = effectiveRegistry(local, global);
  expect(list.map((e) => [e.index, e.id, e.model])).toEqual([
    [0, 'sonnet', 'sonnet'],
    [1, 'opus', 'opus'],
    [2, 'claude:haiku', 'haiku'],
    [3, 'claude:sonnet', 'sonnet'],
    [4, 'claude:opus', 'opus'],
    [5, 'haiku', 'my-haiku'],
    [6, 'custom', 'a/b'],
  ]);
  expect(sources[6]).toMatchObject({ layer: 'local', file: '.wg/config.toml', key: 'model_registry[1]' });
  expect(effectiveRegistry(emptyConfig('l'), global).list.at(-1)).toMatchObject({ id: 'ignored' });
});

test('lookupRegistry: by id first, then the first entry whose model is the name', () => {
  const { list } = effectiveRegistry(file(entry('my-custom', 'anthropic/claude-3.5-sonnet') + entry('sonnet-alias', 'sonnet'), 'l'), emptyConfig('g'));
  expect(lookupRegistry(list, 'my-custom')?.model).toBe('anthropic/claude-3.5-sonnet');
  expect(lookupRegistry(list, 'anthropic/claude-3.5-sonnet')?.id).toBe('my-custom');
  expect(lookupRegistry(list, 'sonnet')?.id).toBe('sonnet');
  expect(lookupRegistry(list, 'nothing')).toBeNull();
});
