// wg's validate_model_format on the merged config: the first bad model spec or provider key, in wg's order, names its file.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from '@jest/globals';
import { emptyConfig, loadConfigFile } from '../../src/config/load-toml.js';
import { validateModelFormat } from '../../src/config/validate.js';
import { thrown } from '../support/thrown.js';

const dir = mkdtempSync(join(tmpdir(), 'wgp-validate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (text: string | undefined, shown: string) => {
  if (text === undefined) return emptyConfig(shown);
  const p = join(dir, `c${n++}.toml`);
  writeFileSync(p, text);
  return loadConfigFile(p, shown);
};
const check = (local?: string, global?: string) => () => validateModelFormat(file(local, '.wg/config.toml'), file(global, '~/.wg/config.toml'));

test('validate_format_accepts_default_config, and prefixed specs everywhere', () => {
  expect(check()).not.toThrow();
  expect(check('[agent]\nmodel = "claude:opus"\n[tiers]\nfast = "openai:gpt-4o"\n[models.triage]\nmodel = "ollama:llama3"\n')).not.toThrow();
});

test.each<{ note: string; local?: string; global?: string; want: Record<string, unknown> }>([
  {
    note: 'a bare [agent].model',
    local: '[agent]\nmodel = "opus"\n',
    want: { code: 'config-model-format', key: 'agent.model', line: 2, file: '.wg/config.toml' },
  },
  { note: 'a bare global [dispatcher].model', global: '[dispatcher]\nmodel = "haiku"\n', want: { key: 'dispatcher.model', file: '~/.wg/config.toml' } },
  { note: 'the key as written under [coordinator]', local: '[coordinator]\nmodel = "haiku"\n', want: { key: 'coordinator.model' } },
  {
    note: '[dispatcher].provider present',
    local: '[dispatcher]\nprovider = "openrouter"\n',
    want: { code: 'config-deprecated-key', key: 'dispatcher.provider' },
  },
  {
    note: 'a [models.<role>].provider',
    global: '[models.triage]\nmodel = "claude:haiku"\nprovider = "anthropic"\n',
    want: { code: 'config-deprecated-key', key: 'models.triage.provider', line: 3 },
  },
  { note: 'a bare [tiers] value', local: '[tiers]\npremium = "opus"\n', want: { key: 'tiers.premium' } },
  {
    note: "wg's order: agent.model before the dispatcher and tiers",
    local: '[tiers]\nfast = "x"\n[dispatcher]\nmodel = "y"\n[agent]\nmodel = "z"\n',
    want: { key: 'agent.model' },
  },
  {
    note: "wg's order: models.default before the roles",
    local: '[models.evaluator]\nmodel = "a"\n[models.default]\nmodel = "b"\n',
    want: { key: 'models.default.model' },
  },
  {
    note: 'a global-only role model is checked when the project has no [agent].model',
    global: '[models.evaluator]\nmodel = "haiku"\n',
    want: { key: 'models.evaluator.model' },
  },
])('$note', ({ local, global, want }) => {
  const e = thrown(check(local, global));
  expect(e).toMatchObject({ code: 'config-model-format', ...want });
  expect(e.message).toContain('wg refuses such a config and would ignore the whole file');
});

test('the merged view: a local value hides a bad global one; a stripped global role model is not checked', () => {
  expect(check('[agent]\nmodel = "claude:opus"\n', '[agent]\nmodel = "opus"\n')).not.toThrow();
  expect(check('[agent]\nmodel = "claude:opus"\n', '[models.evaluator]\nmodel = "haiku"\n')).not.toThrow();
  expect(thrown(check('[agent]\nmodel = "claude:opus"\n[models.evaluator]\ntier = "fast"\n', '[models.evaluator]\nmodel = "haiku"\n'))).toMatchObject({
    key: 'models.evaluator.model',
    file: '~/.wg/config.toml',
  });
});
