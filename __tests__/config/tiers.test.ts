// wg's effective tiers ([tiers] > legacy `profile` preset > claude defaults), each with its source; task.tier parsing.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { emptyConfig, loadConfigFile } from '../../src/config/load-toml.js';
import { effectiveTiers, PROFILE_TIERS, taskTier } from '../../src/config/tiers.js';

const dir = mkdtempSync(join(tmpdir(), 'wgp-tiers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (text: string, shown: string) => {
  const p = join(dir, `c${n++}.toml`);
  writeFileSync(p, text);
  return loadConfigFile(p, shown);
};
const specs = (local: string, global = '') =>
  effectiveTiers(file(local, '.wg/config.toml'), global ? file(global, '~/.wg/config.toml') : emptyConfig('~/.wg/config.toml')).map((t) => [
    t.tier,
    t.spec,
    `${t.source.layer} ${t.source.key}`,
  ]);

describe('effectiveTiers', () => {
  test('test_effective_tiers_no_profile_uses_defaults', () => {
    expect(specs('')).toEqual([
      ['fast', 'claude:haiku', 'default tiers.fast'],
      ['standard', 'claude:sonnet', 'default tiers.standard'],
      ['premium', 'claude:opus', 'default tiers.premium'],
    ]);
  });

  test('test_explicit_tiers_override_profile (and the local file wins per tier)', () => {
    expect(specs('profile = "openai"\n[tiers]\nfast = "claude:haiku"\n', '[tiers]\nstandard = "claude:sonnet"\n')).toEqual([
      ['fast', 'claude:haiku', 'local tiers.fast'],
      ['standard', 'claude:sonnet', 'global tiers.standard'],
      ['premium', 'openrouter:openai/o3-pro', 'local profile'],
    ]);
  });

  test('test_unknown_profile_falls_through_to_defaults / test_dynamic_profile_falls_through_to_defaults', () => {
    expect(specs('profile = "nonexistent"\n').map((t) => t[1])).toEqual(['claude:haiku', 'claude:sonnet', 'claude:opus']);
    expect(specs('profile = "openrouter"\n').map((t) => t[1])).toEqual(['claude:haiku', 'claude:sonnet', 'claude:opus']);
  });

  test('test_builtin_profiles_exist: the static presets', () => {
    expect(Object.keys(PROFILE_TIERS)).toEqual(['anthropic', 'openrouter-open', 'openai', 'codex']);
    expect(PROFILE_TIERS.codex).toEqual({ fast: 'codex:gpt-5.4-mini', standard: 'codex:gpt-5.4', premium: 'codex:gpt-5.5' });
    expect(specs('', 'profile = "openrouter-open"\n')[2]).toEqual(['premium', 'openrouter:qwen/qwen3.5-397b-a17b', 'global profile']);
  });

  test('a profile name that is an Object property is no profile', () => {
    expect(specs('profile = "constructor"\n').map((t) => t[1])).toEqual(['claude:haiku', 'claude:sonnet', 'claude:opus']);
  });
});

test('taskTier: case-insensitive, anything else is no tier (test_tier_display_and_fromstr)', () => {
  expect(['fast', 'Standard', 'PREMIUM', 'ultra', '', 5, undefined].map(taskTier)).toEqual(['fast', 'standard', 'premium', null, null, null, null]);
});
