// The layered view of wg config: local and global kept apart; every value answers {value, layer, file, key}.
import { homedir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { globalConfigPath } from './locate.js';
import type { PublicEndpoint } from './endpoint.js';
import { emptyConfig, loadConfigFile, loadConfigFileIfPresent, type ConfigFile } from './load-toml.js';

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

/** Per wg dir and home: the paths as shown, and the last layers built (reused while both files are unchanged). */
const places = new Map<
  string,
  { localPath: string; usual: string; projectRoot: string; shown: Map<string, string>; absent?: ConfigFile; last?: ConfigLayers }
>();

function placeOf(wgDir: string, home: string) {
  const key = `${wgDir}\0${home}`;
  let place = places.get(key);
  if (!place) {
    const projectRoot = dirname(wgDir);
    place = { localPath: join(wgDir, 'config.toml'), usual: join(home, '.wg', 'config.toml'), projectRoot, shown: new Map() };
    if (places.size >= 64) places.delete(places.keys().next().value as string);
    places.set(key, place);
  }
  return place;
}

/** Loads the local (`<wgdir>/config.toml`) and global (`$HOME/.wg/config.toml`) layers; each file is kept per process while unchanged. */
export function loadLayers(opts: { wgDir: string; home?: string }): ConfigLayers {
  const home = opts.home ?? homedir();
  const place = placeOf(opts.wgDir, home);
  const { localPath, projectRoot } = place;
  const shown = (p: string) => {
    let s = place.shown.get(p);
    if (s === undefined) place.shown.set(p, (s = display(p, projectRoot, home)));
    return s;
  };
  const local = loadConfigFile(localPath, shown(localPath));
  // `~/.wg/config.toml` existing means `~/.wg` is a folder: one stat settles where the global config is (globalConfigPath).
  const { usual } = place;
  let file = usual === localPath ? undefined : loadConfigFileIfPresent(usual, shown(usual));
  if (!file) {
    const globalPath = globalConfigPath(home);
    // When the project dir is the global dir, "local" and "global" are the same file, as in wg.
    if (globalPath === localPath) file = { ...local };
    else if (globalPath === usual) file = place.absent ??= emptyConfig(shown(usual)); // just seen missing
    else file = loadConfigFile(globalPath, shown(globalPath));
  }
  const global = file;
  if (place.last && place.last.local === local && place.last.global === global) return place.last;
  return (place.last = { wgDir: opts.wgDir, projectRoot, local, global, endpoints: effectiveEndpoints(local, global) });
}
