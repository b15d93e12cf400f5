// wg's effective tiers: `[tiers].<t>` > the legacy `profile = "<name>"` preset > claude:haiku|sonnet|opus; and task.tier.
import type { Source } from '../shared/source.js';
import type { ConfigFile } from './load-toml.js';

export const TIERS = ['fast', 'standard', 'premium'] as const;
export type TierName = (typeof TIERS)[number];

/** wg's built-in tier defaults (`Tier::default_alias`). */
export const DEFAULT_TIERS: Readonly<Record<TierName, string>> = { fast: 'claude:haiku', standard: 'claude:sonnet', premium: 'claude:opus' };

/** wg's built-in provider profiles named by the legacy top-level `profile` key (`openrouter` is dynamic: no tiers). */
export const PROFILE_TIERS: Readonly<Record<string, Readonly<Record<TierName, string>>>> = {
  anthropic: DEFAULT_TIERS,
  'openrouter-open': { fast: 'openrouter:deepseek/deepseek-v3.2', standard: 'openrouter:qwen/qwen3-coder', premium: 'openrouter:qwen/qwen3.5-397b-a17b' },
  openai: { fast: 'openrouter:openai/gpt-4o-mini', standard: 'openrouter:openai/gpt-4o', premium: 'openrouter:openai/o3-pro' },
  codex: { fast: 'codex:gpt-5.4-mini', standard: 'codex:gpt-5.4', premium: 'codex:gpt-5.5' },
};

/** One tier's effective model spec and the input it came from. */
export interface TierSpec {
  tier: TierName;
  spec: string;
  source: Source;
}

/** The value of a key in the merged config (local wins), with its layer. */
function merged(local: ConfigFile, global: ConfigFile, read: (f: ConfigFile) => string | undefined): { file: ConfigFile; value: string } | undefined {
  for (const file of [local, global]) {
    const value = read(file);
    if (value !== undefined) return { file, value };
  }
  return undefined;
}

const layerOf = (f: ConfigFile, local: ConfigFile): 'local' | 'global' => (f === local ? 'local' : 'global');

/** The three effective tiers, each with its source (a `[tiers]` key, the `profile` key, or wg's default). */
export function effectiveTiers(local: ConfigFile, global: ConfigFile): TierSpec[] {
  const profile = merged(local, global, (f) => f.data.profile);
  const preset = profile && Object.prototype.hasOwnProperty.call(PROFILE_TIERS, profile.value) ? PROFILE_TIERS[profile.value] : undefined;
  return TIERS.map((tier): TierSpec => {
    const own = merged(local, global, (f) => f.data.tiers?.[tier]);
    if (own) return { tier, spec: own.value, source: { layer: layerOf(own.file, local), file: own.file.file, key: `tiers.${tier}`, value: own.value } };
    if (preset && profile)
      return { tier, spec: preset[tier], source: { layer: layerOf(profile.file, local), file: profile.file.file, key: 'profile', value: profile.value } };
    return { tier, spec: DEFAULT_TIERS[tier], source: { layer: 'default', file: "wg's built-in tiers", key: `tiers.${tier}`, value: DEFAULT_TIERS[tier] } };
  });
}

/** task.tier as wg parses it (`Tier::from_str`, case-insensitive), or null when it names no tier. */
export function taskTier(value: unknown): TierName | null {
  if (typeof value !== 'string') return null;
  const t = value.toLowerCase();
  return (TIERS as readonly string[]).includes(t) ? (t as TierName) : null;
}
