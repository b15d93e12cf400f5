// `<wgdir>/model_cache.json` as wg's spawn path reads it: only `models[].id`; and wg's short-name resolution against it.
import { nearest } from '../shared/did-you-mean.js';
import { jsonSyntaxReason } from '../shared/errors.js';
import { FileCache, joinOnce } from '../shared/file-cache.js';
import { readTextFile } from '../shared/read-file.js';
import { parseModelSpec } from './model-spec.js';

/** The cached model ids, or null when there is no usable cache (wg: missing, unreadable or invalid means "no cache"). */
export interface ModelCache {
  file: string;
  ids: string[] | null;
  /** Why an existing file was not usable (wg ignores it silently; wg-policy warns). */
  problem?: string;
}

const caches = new FileCache<ModelCache>(16);

/** Reads `<wgdir>/model_cache.json` (kept per process while unchanged); `shownAs` is its display path. */
export function loadModelCache(wgDir: string, shownAs: string): ModelCache {
  const path = joinOnce(wgDir, 'model_cache.json');
  const read = () => readTextFile(path, { shownAs, what: 'model cache', missing: 'absent' });
  return caches.get(path, read, (text) => parseModelCache(text, shownAs), shownAs);
}

function parseModelCache(text: string | undefined, shownAs: string): ModelCache {
  if (text === undefined) return { file: shownAs, ids: null };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { file: shownAs, ids: null, problem: `invalid JSON (${jsonSyntaxReason(e)})` };
  }
  const models = (data as { models?: unknown } | null)?.models;
  if (!Array.isArray(models)) return { file: shownAs, ids: null, problem: 'no `models` list' };
  const ids: string[] = [];
  for (const m of models) {
    const id = (m as { id?: unknown } | null)?.id;
    if (typeof id !== 'string') return { file: shownAs, ids: null, problem: 'a `models` entry without a string `id`' };
    ids.push(id);
  }
  return { file: shownAs, ids };
}

const last = (id: string) => (id.split('/').pop() ?? id).toLowerCase();

/**
 * wg's `resolve_short_model_name`: an exact id, else the one id whose last `/` segment equals the name
 * (case-insensitive), else the one id whose last segment contains it; otherwise suggestions.
 */
export function resolveShortName(model: string, ids: readonly string[] | null): { resolved: string | null; suggestions: string[] } {
  if (ids === null) return { resolved: null, suggestions: [] };
  const { provider, name } = parseModelSpec(model);
  const bare = provider ? name : model;
  const lower = bare.toLowerCase();
  if (ids.includes(bare)) return { resolved: bare, suggestions: [] };
  const closest = () => nearest(bare, ids, 3, Buffer.byteLength(bare));
  if (bare.includes('/')) return { resolved: null, suggestions: closest() };
  for (const matches of [ids.filter((id) => last(id) === lower), ids.filter((id) => last(id).includes(lower))]) {
    if (matches.length === 1) return { resolved: matches[0], suggestions: [] };
    if (matches.length > 1) return { resolved: null, suggestions: matches };
  }
  return { resolved: null, suggestions: closest() };
}

/** wg's OpenRouter pre-flight: is a model with a `/` listed (true), unlisted (false), or unchecked (null: no cache)? */
export function openRouterListed(model: string, ids: readonly string[] | null): boolean | null {
  if (ids === null) return null;
  const { provider, name } = parseModelSpec(model);
  const s = provider ? name : model;
  return s === 'openrouter/auto' || ids.includes(s);
}
