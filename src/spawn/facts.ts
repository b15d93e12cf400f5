// Builds the facts spawn policies read, and maps any fact path back to the config file and key that fed it.
import { join, relative } from 'node:path';
import type { ConfigLayers } from '../config/layers.js';
import type { ConfigFile } from '../config/load-toml.js';
import type { LoadedTask } from '../graph/read-tasks.js';
import { getPath } from '../policy/value-expr.js';
import { isSet } from '../shared/is-set.js';
import type { Source, SourceMapper } from '../shared/source.js';
import type * as z from 'zod/mini';
import type { ConfigFactSchema } from '../stages/spawn.js';

/** What the caller of planSpawn passed (wg's agency executor and the dispatcher's default model). */
export interface CallerInput {
  agentExecutor?: string;
  defaultModel?: string;
  promptFile?: string;
}

const CLI_FLAGS: Readonly<Record<string, string>> = { agentExecutor: '--agent-executor', defaultModel: '--default-model', promptFile: '--prompt-file' };

/** The config data policies may read, without any key material. */
export function configFact(file: ConfigFile): z.infer<typeof ConfigFactSchema> {
  const d = file.data;
  return {
    file: file.file,
    agent: d.agent ? { model: d.agent.model, executor: d.agent.executor } : {},
    dispatcher: d.dispatcher ? { model: d.dispatcher.model, executor: d.dispatcher.executor } : {},
    llm_endpoints: { inherit_global: d.llm_endpoints?.inherit_global, endpoints: file.endpoints },
  };
}

/** The facts that come from the config layers alone, built once per layers object (the layers are kept while their files are unchanged). */
const layerFacts = new WeakMap<ConfigLayers, { local: unknown; global: unknown; endpoints: unknown; agents: string }>();

function factsOfLayers(layers: ConfigLayers) {
  let f = layerFacts.get(layers);
  if (!f) {
    const { list, names, count, origin, looked } = layers.endpoints;
    f = {
      local: configFact(layers.local),
      global: configFact(layers.global),
      endpoints: { list, names, defaults: list.filter((e) => e.is_default).map((e) => e.name), count, origin: origin?.file ?? null, looked },
      agents: relative(layers.projectRoot, join(layers.wgDir, 'agents')),
    };
    layerFacts.set(layers, f);
  }
  return f;
}

/** `<wgdir>/agents/<task>/prompt.txt` relative to the project root (path arithmetic skipped for ids that are one plain segment). */
function promptFileOf(layers: ConfigLayers, agents: string, id: string): string {
  if (/^[\w-][\w.-]*$/.test(id) && id !== '..' && agents !== '' && !agents.startsWith('..')) return `${agents}/${id}/prompt.txt`;
  return relative(layers.projectRoot, join(layers.wgDir, 'agents', id, 'prompt.txt'));
}

/** Facts for the first stage; decide adds `plan` and `provenance` as stages run. */
export function buildFacts(layers: ConfigLayers, loaded: LoadedTask, caller: CallerInput): Record<string, unknown> {
  const { task } = loaded;
  const mode = typeof task.exec_mode === 'string' && ['full', 'light', 'bare'].includes(task.exec_mode) ? task.exec_mode : 'full';
  const shared = factsOfLayers(layers);
  const promptFile = caller.promptFile ?? promptFileOf(layers, shared.agents, task.id);
  return {
    task,
    cli: { agentExecutor: caller.agentExecutor, defaultModel: caller.defaultModel },
    local: shared.local,
    global: shared.global,
    endpoints: shared.endpoints,
    spawn: { promptFile, execMode: mode },
  };
}

/** Maps `fact.path` reads to the config file and key, task field or flag that fed them. */
export function sourceMapper(layers: ConfigLayers, loaded: LoadedTask, caller: CallerInput): SourceMapper {
  const taskFile = loaded.line ? `${loaded.file}:${loaded.line}` : loaded.file;
  return (fact, path, value): Source[] => {
    switch (fact) {
      case 'task':
        return isSet(value) ? [{ layer: 'task', file: taskFile, key: path ?? 'id', value }] : [];
      case 'cli':
        return isSet(value) && path ? [{ layer: 'cli', file: null, key: CLI_FLAGS[path] ?? path, value }] : [];
      case 'local':
      case 'global': {
        if (!isSet(value) || !path) return [];
        const file = layers[fact];
        return [{ layer: fact, file: file.file, key: file.aliases.get(path) ?? path, value }];
      }
      case 'endpoints': {
        const origin = layers.endpoints.origin;
        if (!origin || !path) return [];
        const m = /^list\.(\d+)/.exec(path);
        const key = m ? `llm_endpoints.endpoints[${m[1]}]` : 'llm_endpoints.endpoints';
        const shown = m ? getPath(layers.endpoints.list, m[1]) : value;
        return [{ layer: origin.layer, file: origin.file, key, value: shown }];
      }
      case 'spawn':
        if (path === 'execMode' && isSet(loaded.task.exec_mode)) return [{ layer: 'task', file: taskFile, key: 'exec_mode', value: loaded.task.exec_mode }];
        if (path === 'promptFile' && caller.promptFile) return [{ layer: 'cli', file: null, key: '--prompt-file', value }];
        return [];
      default:
        return [];
    }
  };
}

/** A source as one phrase for messages: `task t1 model`, `--default-model`, `local .wg/config.toml dispatcher.executor`. */
export function describeSource(taskId: string): (s: Source) => string {
  return (s) =>
    s.layer === 'task'
      ? `task ${taskId} ${s.key}`
      : s.layer === 'cli'
        ? s.key
        : s.layer === 'default'
          ? `default in ${s.file}`
          : `${s.layer} ${s.file} ${s.key}`;
}
