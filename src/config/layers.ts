// The layered view of wg config: local and global kept apart; every value answers {value, layer, file, key}.
import { homedir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { globalConfigPath } from './locate.js';
import type { PublicEndpoint } from './endpoint.js';
import { loadConfigFile, type ConfigFile } from './load-toml.js';

/** The effective endpoint list for native spawns, and which file it came from. */
export interface EffectiveEndpoints {
  list: PublicEndpoint[];
  names: string[];
  count: number;
  origin: { layer: 'local' | 'global'; file: string } | null;
  /** Why the list is what it is, for messages. */
  looked: string;
}

/** Both config layers of a project. */
export interface ConfigLayers {
  wgDir: string;
  projectRoot: string;
  local: ConfigFile;
  global: ConfigFile;
  endpoints: EffectiveEndpoints;
}

/** `~/…` for paths under home, project-relative otherwise. */
function display(path: string, projectRoot: string, home: string): string {
  const rel = relative(projectRoot, path);
  if (!rel.startsWith('..')) return rel;
  const h = relative(home, path);
  return h.startsWith('..') ? path : `~/${h}`;
}

/**
 * The local list replaces the global one; global endpoints count only when the local file has no
 * endpoint list and sets `[llm_endpoints] inherit_global = true`.
 */
function effectiveEndpoints(local: ConfigFile, global: ConfigFile): EffectiveEndpoints {
  const make = (list: PublicEndpoint[], origin: EffectiveEndpoints['origin'], looked: string): EffectiveEndpoints => ({
    list,
    names: list.map((e) => e.name),
    count: list.length,
    origin,
    looked,
  });
  if (local.endpoints !== undefined) return make(local.endpoints, { layer: 'local', file: local.file }, `${local.file} [[llm_endpoints.endpoints]]`);
  const inherit = local.data.llm_endpoints?.inherit_global === true;
  if (inherit && global.endpoints !== undefined)
    return make(global.endpoints, { layer: 'global', file: global.file }, `${global.file} [[llm_endpoints.endpoints]] (inherited: inherit_global = true)`);
  const why = inherit
    ? `${local.file} (no [[llm_endpoints.endpoints]]) and ${global.file} (none either)`
    : `${local.file} (no [[llm_endpoints.endpoints]]); ${global.file} was not consulted because ${local.file} does not set [llm_endpoints] inherit_global = true`;
  return make([], null, why);
}

/** Loads the local (`<wgdir>/config.toml`) and global (`$HOME/.wg/config.toml`) layers. */
export function loadLayers(opts: { wgDir: string; home?: string }): ConfigLayers {
  const home = opts.home ?? homedir();
  const projectRoot = dirname(opts.wgDir);
  const localPath = join(opts.wgDir, 'config.toml');
  const globalPath = globalConfigPath(home);
  const local = loadConfigFile(localPath, display(localPath, projectRoot, home));
  // When the project dir is the global dir, "local" and "global" are the same file, as in wg.
  const global = globalPath === localPath ? { ...local } : loadConfigFile(globalPath, display(globalPath, projectRoot, home));
  return { wgDir: opts.wgDir, projectRoot, local, global, endpoints: effectiveEndpoints(local, global) };
}
