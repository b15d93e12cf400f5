// wg's model registry: six built-in entries (haiku/sonnet/opus, bare and claude:-prefixed) then [[model_registry]].
import type { Source } from '../shared/source.js';
import type { ConfigFile } from './load-toml.js';
import type { TierName } from './tiers.js';

/** A registry entry as policies read it, with the index it has in the effective list. */
export interface RegistryModel {
  index: number;
  id: string;
  provider: string;
  model: string;
  tier: TierName;
  endpoint: string | null;
}

const BUILTIN: ReadonlyArray<[string, string, TierName]> = [
  ['haiku', 'haiku', 'fast'],
  ['sonnet', 'sonnet', 'standard'],
  ['opus', 'opus', 'premium'],
  ['claude:haiku', 'haiku', 'fast'],
  ['claude:sonnet', 'sonnet', 'standard'],
  ['claude:opus', 'opus', 'premium'],
];

/** The effective registry: built-ins whose id no user entry reuses, then the user's entries (a local list replaces the global one). */
export function effectiveRegistry(local: ConfigFile, global: ConfigFile): { list: RegistryModel[]; sources: Source[] } {
  const from = local.data.model_registry !== undefined ? local : global.data.model_registry !== undefined ? global : undefined;
  const user = from?.data.model_registry ?? [];
  const ids = new Set(user.map((e) => e.id));
  const list: RegistryModel[] = [];
  const sources: Source[] = [];
  for (const [id, model, tier] of BUILTIN) {
    if (ids.has(id)) continue;
    list.push({ index: list.length, id, provider: 'anthropic', model, tier, endpoint: null });
    sources.push({ layer: 'default', file: "wg's built-in model registry", key: id, value: model });
  }
  user.forEach((e, i) => {
    list.push({ index: list.length, id: e.id, provider: e.provider, model: e.model, tier: e.tier, endpoint: e.endpoint ?? null });
    sources.push({
      layer: from === local ? 'local' : 'global',
      file: from!.file,
      key: `model_registry[${i}]`,
      value: { id: e.id, provider: e.provider, model: e.model },
    });
  });
  return { list, sources };
}

/** wg's registry lookup for a bare name: the entry with that id, else the first whose `model` is that name. */
export function lookupRegistry(list: readonly RegistryModel[], name: string): RegistryModel | null {
  return list.find((e) => e.id === name) ?? list.find((e) => e.model === name) ?? null;
}
