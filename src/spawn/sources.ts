// Maps any fact path a spawn rule read back to the config file and key, task field, flag or wg file that fed it.
import { getPath } from '../policy/value-expr.js';
import { isSet } from '../shared/is-set.js';
import type { Source, SourceMapper } from '../shared/source.js';
import { agencySource } from '../config/agency.js';
import { CALLER_FLAGS, type CallerInput, type SpawnInputs } from './inputs.js';

/** The index after `list.` in a path, or undefined. */
const indexIn = (path: string | undefined): number | undefined => {
  const m = /^list\.(\d+)(?:\.(.+))?$/.exec(path ?? '');
  return m ? Number(m[1]) : undefined;
};

/**
 * Task fields the mapper below cites for facts other than `task` (tag routing, tiers, agency, the chat role, timeouts): a plan's
 * provenance carries them though no rule reads them from the task, so they are checked as fields rules read are.
 */
export const CITED_TASK_FIELDS: readonly string[] = ['id', 'tags', 'tier', 'agent', 'timeout'];

/** Maps `fact.path` reads to the config file and key, task field, flag or file that fed them. */
export function sourceMapper(inp: SpawnInputs): SourceMapper {
  const { layers, loaded, caller } = inp;
  const taskFile = loaded.line ? `${loaded.file}:${loaded.line}` : loaded.file;
  const taskSrc = (key: string, value: unknown): Source => ({ layer: 'task', file: taskFile, key, value });
  const given = (key: keyof CallerInput): Source[] => {
    const v = inp.flags[key];
    return isSet(v) ? [{ layer: 'cli', file: null, key: CALLER_FLAGS[key], value: v }] : [];
  };
  const configKey = (fact: 'local' | 'global', path: string, value: unknown): Source[] => {
    const file = layers[fact];
    // `prefix.<table>.model` is derived from `<table>.model`: name the key as written, with its full value.
    const m = /^prefix\.(agent|dispatcher)\.model$/.exec(path);
    const key = m ? `${m[1]}.model` : path;
    const shownValue = m ? getPath(file.data, key) : value;
    return [{ layer: fact, file: file.file, key: file.aliases.get(key) ?? key, value: shownValue }];
  };
  return (fact, path, value, facts): Source[] => {
    switch (fact) {
      case 'task':
        return isSet(value) ? [taskSrc(path ?? 'id', value)] : [];
      case 'cli':
        return path && Object.prototype.hasOwnProperty.call(CALLER_FLAGS, path) ? given(path as keyof CallerInput) : [];
      case 'local':
      case 'global':
        return isSet(value) && path ? configKey(fact, path, value) : [];
      case 'endpoints': {
        const { origin, viaProfile, list } = layers.endpoints;
        if (!origin || !path) return [];
        const m = /^list\.(\d+)/.exec(path);
        const key = m ? `llm_endpoints.endpoints[${m[1]}]` : 'llm_endpoints.endpoints';
        const out: Source[] = [{ layer: origin.layer, file: origin.file, key, value: m ? getPath(list, m[1]) : value }];
        if (viaProfile) out.push({ layer: 'global', file: viaProfile.file, key: 'active-profile', value: viaProfile.name });
        return out;
      }
      case 'spawn':
        if (path === 'nextAgentId' && inp.nextAgent.file) return [{ layer: 'local', file: inp.nextAgent.file, key: 'next_agent_id', value }];
        if (path === 'chatJournal' && value === true)
          return [{ layer: 'local', file: inp.shown('chat', inp.chat.ref, 'conversation.jsonl'), key: '(exists)', value }];
        if (path === 'chatRole' && isSet(value)) return caller.role ? given('role') : [taskSrc('id', loaded.task.id)];
        return [];
      case 'agency': {
        if (!path || !inp.agency.asked) return [];
        const asked: Source = caller.agent ? { layer: 'cli', file: null, key: '--agent', value: caller.agent } : taskSrc('agent', inp.agency.asked);
        return isSet(value) ? [asked, ...agencySource(inp.agency, path, value)] : [];
      }
      case 'tiers': {
        const i = indexIn(path);
        if (i !== undefined) return inp.tiers[i] ? [inp.tiers[i].source] : [];
        if ((path === 'task' || path === 'taskTier') && inp.taskTier) {
          const spec = inp.tiers.find((t) => t.tier === inp.taskTier)!;
          return [taskSrc('tier', loaded.task.tier), ...(path === 'task' ? [spec.source] : [])];
        }
        return [];
      }
      case 'tagRouting':
        return inp.tagMatch && path?.startsWith('match') ? [taskSrc('tags', loaded.task.tags), inp.tagMatch.source] : [];
      case 'registry': {
        const i = indexIn(path);
        return i !== undefined && inp.registry.sources[i] ? [inp.registry.sources[i]] : [];
      }
      case 'modelCache':
        return inp.modelCache.ids ? [{ layer: 'local', file: inp.modelCache.file, key: 'models', value: `${inp.modelCache.ids.length} ids` }] : [];
      case 'executors': {
        const i = indexIn(path);
        if (i === undefined || !inp.executors.sources[i]) return [];
        const key = /^list\.\d+\.(\w+)/.exec(path ?? '')?.[1];
        const all = inp.executors.sources[i];
        const one = key ? all.filter((s) => s.key === `executor.${key}`) : [];
        return one.length ? one : all;
      }
      case 'timeouts': {
        const part = path?.split('.')[0];
        const d = part ? inp.timeouts[part as keyof SpawnInputs['timeouts']] : undefined;
        if (!d) return [];
        if (part === 'caller') return [{ layer: 'cli', file: null, key: '--timeout', value: d.raw }];
        if (part === 'task') return [taskSrc('timeout', d.raw)];
        const file = layers[part as 'local' | 'global'];
        return [
          { layer: part as 'local' | 'global', file: file.file, key: file.aliases.get('dispatcher.agent_timeout') ?? 'dispatcher.agent_timeout', value: d.raw },
        ];
      }
      case 'profile':
        return layers.activeProfile && path === 'active' ? [{ layer: 'global', file: layers.activeProfile.file, key: 'active-profile', value }] : [];
      case 'plan': {
        // Lookups the model stage made: the registry entry and the model cache behind `plan.model.*`.
        const model = (facts?.plan as { model?: { registry?: { index: number } | null } } | undefined)?.model;
        if (path?.startsWith('model.registry') && model?.registry) return [inp.registry.sources[model.registry.index]].filter(Boolean);
        if (path?.startsWith('model.cache') || path === 'model.listed')
          return inp.modelCache.ids ? [{ layer: 'local', file: inp.modelCache.file, key: 'models', value: `${inp.modelCache.ids.length} ids` }] : [];
        return [];
      }
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
