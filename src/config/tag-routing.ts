// wg's [[tag_routing]]: the first rule, in file order, whose tag is one of the task's tags (a local list replaces the global one).
import type { Source } from '../shared/source.js';
import type { ConfigFile } from './load-toml.js';

/** The matching rule (its tag and model) and where it is written, or null. */
export function matchTagRouting(local: ConfigFile, global: ConfigFile, tags: readonly string[]): { tag: string; model: string; source: Source } | null {
  const from = local.data.tag_routing !== undefined ? local : global.data.tag_routing !== undefined ? global : undefined;
  const rules = from?.data.tag_routing ?? [];
  const i = rules.findIndex((r) => tags.includes(r.tag));
  if (i < 0) return null;
  const { tag, model } = rules[i];
  return { tag, model, source: { layer: from === local ? 'local' : 'global', file: from!.file, key: `tag_routing[${i}].model`, value: model } };
}
