// Reads every wg file a spawn decision depends on, besides config and graph: executors, agency, registry, model cache.
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { joinOnce, sameState, stateOf, type FileState } from '../shared/file-cache.js';
import { dirname, join, relative } from 'node:path';
import { loadAgency, type Agency } from '../config/agency.js';
import { nextAgentId } from '../config/agent-registry.js';
import { parseTimeoutSecs } from '../config/duration.js';
import { loadExecutors, type ExecutorConfig } from '../config/executors.js';
import { layerKeys, type ConfigLayers } from '../config/layers.js';
import { loadModelCache, type ModelCache } from '../config/model-cache.js';
import { effectiveRegistry, type RegistryModel } from '../config/registry.js';
import { matchTagRouting } from '../config/tag-routing.js';
import { effectiveTiers, taskTier, type TierName, type TierSpec } from '../config/tiers.js';
import type { LoadedTask } from '../graph/read-tasks.js';
import { PolicyError } from '../shared/errors.js';
import { flawOf } from '../shared/flaws.js';
import type { Source } from '../shared/source.js';

/** The spawn sites wg has (`--site`). */
export const SITES = ['dispatcher', 'ipc', 'spawn', 'spawn-task', 'chat'] as const;

/** What the caller of planSpawn passed: wg's agency executor and default model, the site, the agent, and overrides. */
export interface CallerInput {
  agentExecutor?: string;
  defaultModel?: string;
  promptFile?: string;
  /** Which of wg's spawn sites asks (default `dispatcher`). */
  site?: string;
  /** The agency agent (an id prefix, as task.agent); default: the task's `agent`. */
  agent?: string;
  /** The agent id (`agent-N`) wg gives this spawn; default: the next id in `<wgdir>/service/registry.json`. */
  agentId?: string;
  /** The spawn's own timeout (`wg spawn --timeout`, IPC `timeout`), as wg writes it: `30m`, `90s`, `120`, `` (none). */
  timeout?: string;
  /** `wg spawn-task --role`. */
  role?: string;
}

/** Each caller input and the `plan` flag that gives it (the key a source or an error names). */
export const CALLER_FLAGS: Readonly<Record<keyof CallerInput, string>> = {
  agentExecutor: '--agent-executor',
  defaultModel: '--default-model',
  promptFile: '--prompt-file',
  site: '--site',
  agent: '--agent',
  agentId: '--agent-id',
  timeout: '--timeout',
  role: '--role',
};
export const CALLER_KEYS = Object.keys(CALLER_FLAGS) as (keyof CallerInput)[];

/** A timeout string with its seconds (null: the empty string, which turns the timeout off). */
export interface Duration {
  raw: string;
  secs: number | null;
}

/** Everything read for one decision, with where each part came from. */
export interface SpawnInputs {
  layers: ConfigLayers;
  loaded: LoadedTask;
  caller: CallerInput & { site: (typeof SITES)[number] };
  /** The caller's inputs as given (a flag the caller did not give has no source). */
  flags: CallerInput;
  /** Display path of a file under the wg dir. */
  shown: (...parts: string[]) => string;
  agency: Agency;
  executors: { list: ExecutorConfig[]; sources: Source[][] };
  registry: { list: RegistryModel[]; sources: Source[] };
  modelCache: ModelCache;
  tiers: TierSpec[];
  taskTier: TierName | null;
  tagMatch: ReturnType<typeof matchTagRouting>;
  nextAgent: { next: number; file: string | null };
  timeouts: { caller?: Duration; task?: Duration; local?: Duration; global?: Duration };
  wgDirReal: string;
  workingDir: string;
  /** The chat handler's inputs (the journal's display path is `shown('chat', ref, 'conversation.jsonl')`, built when a source names it). */
  chat: { ref: string; role: string | null; journal: boolean };
}

const duration = (raw: string): Duration | { error: string } => {
  if (raw === '') return { raw, secs: null };
  const p = parseTimeoutSecs(raw);
  return 'error' in p ? p : { raw, secs: p.secs };
};

/** Callers already checked, with the keys they were checked against (planMany passes one caller for every task). */
const checkedCallers = new WeakMap<CallerInput, { keys: readonly string[]; caller: SpawnInputs['caller'] }>();

/**
 * Checks the caller's inputs against the config's `keys`: each bad one is a `usage` error naming its flag. The result
 * is kept per caller object and keys.
 */
export function checkCaller(caller: CallerInput, keys: readonly string[]): SpawnInputs['caller'] {
  const seen = checkedCallers.get(caller);
  if (seen?.keys === keys) return seen.caller;
  const checked = validateCaller(caller, keys);
  checkedCallers.set(caller, { keys, caller: checked });
  return checked;
}

function validateCaller(caller: CallerInput, keys: readonly string[]): SpawnInputs['caller'] {
  // First: the messages below quote what was given.
  for (const k of CALLER_KEYS) {
    const value: unknown = caller[k];
    if (value === undefined) continue;
    const bad = typeof value !== 'string' ? 'must be a string' : flawOf(value, keys)?.sentence;
    if (bad !== undefined) throw new PolicyError('usage', `${CALLER_FLAGS[k]} ${bad}`, { key: CALLER_FLAGS[k] });
  }
  const site = caller.site ?? 'dispatcher';
  if (!(SITES as readonly string[]).includes(site))
    throw new PolicyError('usage', `unknown spawn site \`${site}\` given by --site; use ${SITES.join(', ')}`, { key: '--site' });
  if (caller.agentId !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(caller.agentId))
    throw new PolicyError('usage', `agent id \`${caller.agentId}\` given by --agent-id must be letters, digits, \`.\`, \`_\` or \`-\` (wg's ids are agent-N)`, {
      key: '--agent-id',
    });
  if (caller.timeout !== undefined) {
    const d = duration(caller.timeout);
    if ('error' in d) throw new PolicyError('usage', `timeout \`${caller.timeout}\` given by --timeout is ${d.error}`, { key: '--timeout' });
  }
  return { ...caller, site: site as (typeof SITES)[number] };
}

function chatOf(shared: SharedInputs, id: string, role: string | undefined): SpawnInputs['chat'] {
  const ref = id.startsWith('.chat-') ? `chat-${id.slice(6)}` : id.startsWith('.coordinator-') ? `coordinator-${id.slice(13)}` : id;
  const safe = !ref.includes('/') && ref !== '.' && ref !== '..';
  const journal = safe && journalExists(shared, ref);
  return {
    ref,
    role: role ?? (id.startsWith('.coordinator-') ? 'coordinator' : null),
    journal,
  };
}

/** What the config layers alone decide for every task (tiers, registry), built once per layers object. */
const perLayers = new WeakMap<
  ConfigLayers,
  { tiers: TierSpec[]; registry: SpawnInputs['registry']; shownDir: string; modelCacheFile: string; registryFile: string }
>();

function ofLayers(layers: ConfigLayers) {
  let l = perLayers.get(layers);
  if (!l) {
    const { local, global, wgDir, projectRoot } = layers;
    l = {
      tiers: effectiveTiers(local, global),
      registry: effectiveRegistry(local, global),
      shownDir: relative(projectRoot, join(wgDir)),
      modelCacheFile: relative(projectRoot, join(wgDir, 'model_cache.json')),
      registryFile: relative(projectRoot, join(wgDir, 'service', 'registry.json')),
    };
    perLayers.set(layers, l);
  }
  return l;
}

/** The wg dir's canonical path and the folder wg runs agents in, kept per wg dir while a stat of it says it is the same folder. */
const places = new Map<string, { state: FileState; real: string; workingDir: string }>();

function placeOf(wgDir: string): { real: string; workingDir: string } {
  const state = stateOf(wgDir);
  const hit = places.get(wgDir);
  if (hit && sameState(hit.state, state)) return hit;
  let real = wgDir;
  try {
    real = realpathSync(wgDir);
  } catch {
    // wg's canonicalize failed: it uses the path as given for agent files, and '' for {{working_dir}}
  }
  const place = { state, real, workingDir: real === wgDir && !existsSync(wgDir) ? '' : dirname(real) };
  if (state.kind === 'file') {
    if (places.size >= 64) places.delete(places.keys().next().value as string);
    places.set(wgDir, place);
  }
  return place;
}

/**
 * The wg files every task of a call (or of a batch) reads alike: model cache, executors, agent registry, the wg dir's
 * place. Read once per call, or once per batch in planMany: each file revalidated by one stat when this is built.
 */
export interface SharedInputs {
  layers: ConfigLayers;
  modelCache: ModelCache;
  executors: SpawnInputs['executors'];
  nextAgent: SpawnInputs['nextAgent'];
  wgDirReal: string;
  workingDir: string;
  /** Per agent prefix: the agency answer and the warnings it gave (a batch reads each prefix once). */
  agencies?: Map<string, { agency: Agency; warnings: string[] }>;
  /** A batch's listing of `<wgdir>/chat` (null: no such folder), read on first use. */
  chatEntries?: ReadonlySet<string> | null;
}

/** Reads the inputs every task of a call or batch shares (`batch`: agency and chat lookups are kept for the batch too). */
function readSharedInputs(layers: ConfigLayers, batch: boolean): SharedInputs {
  const { wgDir } = layers;
  const { modelCacheFile, registryFile, shownDir } = ofLayers(layers);
  const modelCache = loadModelCache(wgDir, modelCacheFile);
  const place = placeOf(wgDir);
  return {
    layers,
    modelCache,
    executors: loadExecutors(wgDir, shownDir),
    nextAgent: nextAgentId(wgDir, registryFile),
    wgDirReal: place.real,
    workingDir: place.workingDir,
    agencies: batch ? new Map() : undefined,
  };
}

/** The shared inputs of one call or batch, read on first use; a read that failed fails again for every task that asks. */
export type SharedReader = () => SharedInputs;

/** A SharedReader over `layers` (`batch`: one for a whole planMany run, which also keeps agency and chat lookups). */
export function sharedReader(layers: ConfigLayers, batch = false): SharedReader {
  let done: { value: SharedInputs } | { error: unknown } | undefined;
  return () => {
    if (!done) {
      try {
        done = { value: readSharedInputs(layers, batch) };
      } catch (error) {
        done = { error };
      }
    }
    if ('error' in done) throw done.error;
    return done.value;
  };
}

/** The task's agency answer: looked up once per prefix in a batch (its warnings given again for each task). */
function agencyOf(shared: SharedInputs, shownDir: string, prefix: string | undefined, warn: (m: string) => void): Agency {
  const { agencies, layers } = shared;
  if (!agencies || !prefix) return loadAgency(layers.wgDir, shownDir, prefix, warn);
  let hit = agencies.get(prefix);
  if (!hit) {
    const warnings: string[] = [];
    hit = { agency: loadAgency(layers.wgDir, shownDir, prefix, (m) => warnings.push(m)), warnings };
    agencies.set(prefix, hit);
  }
  for (const w of hit.warnings) warn(w);
  return hit.agency;
}

/** Whether `<wgdir>/chat/<ref>/conversation.jsonl` exists; a batch rules out refs without a folder from one listing. */
function journalExists(shared: SharedInputs, ref: string): boolean {
  const chat = joinOnce(shared.layers.wgDir, 'chat');
  if (shared.agencies) {
    if (shared.chatEntries === undefined) {
      try {
        shared.chatEntries = new Set(readdirSync(chat));
      } catch {
        shared.chatEntries = null; // no folder (or not one): no journal at all, as existsSync would say for each
      }
    }
    if (shared.chatEntries === null || !shared.chatEntries.has(ref)) return false;
  }
  return existsSync(join(chat, ref, 'conversation.jsonl'));
}

/** Reads the wg files a decision needs besides config and graph; bad input is a PolicyError naming file and key. */
export function readSpawnInputs(
  layers: ConfigLayers,
  loaded: LoadedTask,
  callerIn: CallerInput,
  warn: (m: string) => void,
  sharedOf: SharedReader = sharedReader(layers),
): SpawnInputs {
  const caller = checkCaller(callerIn, layerKeys(layers));
  const { wgDir, projectRoot, local, global } = layers;
  const shown = (...parts: string[]) => relative(projectRoot, join(wgDir, ...parts));
  const task = loaded.task;
  const timeouts: SpawnInputs['timeouts'] = {};
  if (caller.timeout !== undefined) timeouts.caller = duration(caller.timeout) as Duration;
  if (typeof task.timeout === 'string') {
    const d = duration(task.timeout);
    if ('error' in d)
      throw new PolicyError('bad-duration', `task \`${task.id}\` field \`timeout\` = "${task.timeout}" is ${d.error}; wg refuses to spawn it`, {
        file: loaded.file,
        line: loaded.line,
        key: 'timeout',
      });
    timeouts.task = d;
  }
  const lt = layerTimeouts(layers);
  if (lt.local) timeouts.local = lt.local;
  if (lt.global) timeouts.global = lt.global;
  const { tiers, registry, shownDir } = ofLayers(layers);
  const shared = sharedOf();
  const { modelCache } = shared;
  if (modelCache.problem) warn(`${modelCache.file}: ${modelCache.problem}; wg ignores an unusable model cache, and so does this plan`);
  return {
    layers,
    loaded,
    caller,
    flags: callerIn,
    shown,
    agency: agencyOf(shared, shownDir, caller.agent ?? (typeof task.agent === 'string' ? task.agent : undefined), warn),
    executors: shared.executors,
    registry,
    modelCache,
    tiers,
    taskTier: taskTier(task.tier),
    tagMatch: matchTagRouting(local, global, Array.isArray(task.tags) ? task.tags : []),
    nextAgent: shared.nextAgent,
    timeouts,
    wgDirReal: shared.wgDirReal,
    workingDir: shared.workingDir,
    chat: chatOf(shared, task.id, caller.role),
  };
}

/** The config layers' own timeouts (`dispatcher.agent_timeout`, checked when each file loaded), parsed once per layers object. */
const layerTimeoutsOf = new WeakMap<ConfigLayers, { local?: Duration; global?: Duration }>();

function layerTimeouts(layers: ConfigLayers): { local?: Duration; global?: Duration } {
  let t = layerTimeoutsOf.get(layers);
  if (!t) {
    t = {};
    for (const name of ['local', 'global'] as const) {
      const raw = layers[name].data.dispatcher?.agent_timeout;
      if (raw !== undefined) t[name] = duration(raw) as Duration;
    }
    layerTimeoutsOf.set(layers, t);
  }
  return t;
}
