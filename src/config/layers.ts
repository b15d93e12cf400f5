// The layered view of wg config: local and global kept apart; every value answers {value, layer, file, key}.
import { homedir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { readActiveProfile } from './active-profile.js';
import { globalConfigPath } from './locate.js';
import type { PublicEndpoint } from './endpoint.js';
import { PolicyError } from '../shared/errors.js';
import { useKeys } from '../shared/secrets.js';
import { emptyConfig, keysInConfigFile, loadConfigFile, loadConfigFileIfPresent, refuseOtherLayerKeys, type ConfigFile } from './load-toml.js';
import { validateModelFormat } from './validate.js';

/** The effective endpoint list for native spawns, and which file it came from. */
export interface EffectiveEndpoints {
  list: PublicEndpoint[];
  names: string[];
  count: number;
  origin: { layer: 'local' | 'global'; file: string } | null;
  /** The active named profile whose presence made the global list count (wg's inheritance policy), if it did. */
  viaProfile: { name: string; file: string } | null;
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
  /** `<global dir>/active-profile`, when a named profile is active. */
  activeProfile: { name: string; file: string } | null;
}

/** `~/…` for paths under home, project-relative otherwise. */
function display(path: string, projectRoot: string, home: string): string {
  const rel = relative(projectRoot, path);
  if (!rel.startsWith('..')) return rel;
  const h = relative(home, path);
  return h.startsWith('..') ? path : `~/${h}`;
}

/**
 * wg's endpoint inheritance: the local list replaces the global one; the global list counts when the local file has
 * none and sets `[llm_endpoints] inherit_global = true`, or leaves it unset while a named profile is active.
 */
function effectiveEndpoints(local: ConfigFile, global: ConfigFile, profile: ConfigLayers['activeProfile']): EffectiveEndpoints {
  const make = (list: PublicEndpoint[], origin: EffectiveEndpoints['origin'], looked: string, viaProfile: EffectiveEndpoints['viaProfile'] = null) => ({
    list,
    names: list.map((e) => e.name),
    count: list.length,
    origin,
    viaProfile,
    looked,
  });
  if (local.endpoints !== undefined) return make(local.endpoints, { layer: 'local', file: local.file }, `${local.file} [[llm_endpoints.endpoints]]`);
  const knob = local.data.llm_endpoints?.inherit_global;
  const byProfile = knob === undefined && profile !== null;
  const inherit = knob === true || byProfile;
  const why = knob === true ? 'inherit_global = true' : `the active named profile \`${profile?.name}\` in ${profile?.file}`;
  if (inherit && global.endpoints !== undefined)
    return make(
      global.endpoints,
      { layer: 'global', file: global.file },
      `${global.file} [[llm_endpoints.endpoints]] (inherited: ${why})`,
      byProfile ? profile : null,
    );
  const reason = inherit
    ? `${local.file} (no [[llm_endpoints.endpoints]]) and ${global.file} (none either)`
    : knob === false
      ? `${local.file} (no [[llm_endpoints.endpoints]]); ${global.file} was not consulted because ${local.file} sets [llm_endpoints] inherit_global = false`
      : `${local.file} (no [[llm_endpoints.endpoints]]); ${global.file} was not consulted because ${local.file} does not set [llm_endpoints] inherit_global = true and no named profile is active`;
  return make([], null, reason);
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
  try {
    const layers = loadBoth(opts, home, place);
    useLayerKeys(layers);
    return layers;
  } catch (e) {
    throw withKeysMasked(e, [place.localPath, place.usual, globalConfigPath(home)]);
  }
}

/** The key values of both config layers (computed once per layers object): no plan or message may show one. */
export function layerKeys(layers: ConfigLayers): readonly string[] {
  let keys = keysOf.get(layers);
  if (!keys) keysOf.set(layers, (keys = [...layers.local.keys, ...layers.global.keys]));
  return keys;
}
const keysOf = new WeakMap<ConfigLayers, readonly string[]>();

/**
 * Makes the key values of `layers` the ones messages mask (see useKeys). Loading sets them; a decision sets them again
 * wherever it goes on after an `await` or a `yield`, since another project's call may have loaded its own meanwhile.
 */
export function useLayerKeys(layers: ConfigLayers): void {
  useKeys(layerKeys(layers));
}

/**
 * A file that failed to load masks its own keys in its error; a key of the other file may be in it too (a type error
 * quoting it), so both files' keys are read afresh (an error path only) and the error rebuilt with them masked.
 */
function withKeysMasked(e: unknown, paths: readonly string[]): unknown {
  if (!(e instanceof PolicyError)) return e;
  useKeys([...new Set(paths)].flatMap(keysInConfigFile));
  return e.remasked();
}

function loadBoth(opts: { wgDir: string }, home: string, place: ReturnType<typeof placeOf>): ConfigLayers {
  const { localPath, projectRoot } = place;
  const shown = (p: string) => {
    let s = place.shown.get(p);
    if (s === undefined) place.shown.set(p, (s = display(p, projectRoot, home)));
    return s;
  };
  const local = loadConfigFile(localPath, shown(localPath));
  // `~/.wg/config.toml` existing means `~/.wg` is a folder: one stat settles where the global config is (globalConfigPath).
  const { usual } = place;
  let globalPath = usual;
  let file = usual === localPath ? undefined : loadConfigFileIfPresent(usual, shown(usual));
  if (!file) {
    globalPath = globalConfigPath(home);
    // When the project dir is the global dir, "local" and "global" are the same file, as in wg.
    if (globalPath === localPath) file = { ...local };
    else if (globalPath === usual)
      file = place.absent ??= emptyConfig(shown(usual)); // just seen missing
    else file = loadConfigFile(globalPath, shown(globalPath));
  }
  const global = file;
  const activeProfile = readActiveProfile(dirname(globalPath), dirname(global.file));
  const last = place.last;
  if (last && last.local === local && last.global === global && last.activeProfile === activeProfile) return last;
  if (global !== local && global.file !== local.file) {
    refuseOtherLayerKeys(local, global.keys);
    refuseOtherLayerKeys(global, local.keys);
  }
  validateModelFormat(local, global);
  return (place.last = { wgDir: opts.wgDir, projectRoot, local, global, endpoints: effectiveEndpoints(local, global, activeProfile), activeProfile });
}
