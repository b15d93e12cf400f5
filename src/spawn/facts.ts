// Builds the facts spawn policies read from the inputs of one decision.
import type { ConfigFile } from '../config/load-toml.js';
import { parseModelSpec } from '../config/model-spec.js';
import { ROLES } from '../config/schema.js';
import type * as z from 'zod/mini';
import type { ConfigFactSchema } from '../stages/spawn.js';
import type { SpawnInputs } from './inputs.js';

export { sourceMapper, describeSource } from './sources.js';
export type { CallerInput } from './inputs.js';

/** The config data policies may read, without any key material. */
export function configFact(file: ConfigFile): z.infer<typeof ConfigFactSchema> {
  const d = file.data;
  const prefix = (spec: string | undefined) => (spec === undefined ? undefined : (parseModelSpec(spec).provider ?? undefined));
  const models = Object.fromEntries(
    ROLES.filter((r) => d.models?.[r] !== undefined).map((r) => {
      const m = d.models![r]!;
      return [r, { model: m.model, tier: m.tier, endpoint: m.endpoint }];
    }),
  );
  return {
    file: file.file,
    agent: d.agent ? { model: d.agent.model, executor: d.agent.executor } : {},
    dispatcher: d.dispatcher ? { model: d.dispatcher.model, executor: d.dispatcher.executor, agent_timeout: d.dispatcher.agent_timeout } : {},
    models,
    tiers: { fast: d.tiers?.fast, standard: d.tiers?.standard, premium: d.tiers?.premium },
    profile: d.profile,
    llm_endpoints: { inherit_global: d.llm_endpoints?.inherit_global, endpoints: file.endpoints },
    prefix: { agent: { model: prefix(d.agent?.model) }, dispatcher: { model: prefix(d.dispatcher?.model) } },
  };
}

/** The facts that come from the config layers alone, built once per layers object (kept while their files are unchanged). */
const layerFacts = new WeakMap<SpawnInputs['layers'], { local: unknown; global: unknown; endpoints: unknown }>();

function factsOfLayers(layers: SpawnInputs['layers']) {
  let f = layerFacts.get(layers);
  if (!f) {
    const { list, names, count, origin, viaProfile, looked } = layers.endpoints;
    f = {
      local: configFact(layers.local),
      global: configFact(layers.global),
      endpoints: {
        list,
        names,
        defaults: list.filter((e) => e.is_default).map((e) => e.name),
        count,
        origin: origin?.file ?? null,
        viaProfile: viaProfile?.name ?? null,
        looked,
      },
    };
    layerFacts.set(layers, f);
  }
  return f;
}

/** The tier list as policies read it, built once per effective tier list. */
const tierLists = new WeakMap<SpawnInputs['tiers'], unknown[]>();

function tierListOf(tiers: SpawnInputs['tiers']): unknown[] {
  let l = tierLists.get(tiers);
  if (!l)
    tierLists.set(tiers, (l = tiers.map(({ tier, spec, source }) => ({ tier, spec, source: { layer: source.layer, file: source.file, key: source.key } }))));
  return l;
}

/** A fact built once per input object (kept as long as it): facts are never mutated, so tasks may share them. */
function memo<K extends object, V>(map: WeakMap<K, V>, key: K, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) map.set(key, (v = make()));
  return v;
}

const registryFacts = new WeakMap<object, unknown>();
const modelCacheFacts = new WeakMap<object, unknown>();
const executorsFacts = new WeakMap<object, unknown>();
const profileFacts = new WeakMap<object, unknown>();
const agencyFacts = new WeakMap<object, unknown>();
const tagFacts = new WeakMap<object, unknown>();
const tierFacts = new WeakMap<object, Map<string | null, unknown>>();
const NO_AGENCY = Object.freeze({ asked: null, match: 'none', agent: null, role: null });
const NO_TAG = Object.freeze({ match: null });

/** Facts for the first stage; decide adds `plan` and `provenance` as stages run. */
export function buildFacts(inp: SpawnInputs): Record<string, unknown> {
  const { layers, loaded, caller, agency, modelCache, tagMatch } = inp;
  const shared = factsOfLayers(layers);
  const tiersByTask = memo(tierFacts, inp.tiers, () => new Map<string | null, unknown>());
  let tiers = tiersByTask.get(inp.taskTier);
  if (tiers === undefined) {
    const tierSpec = inp.taskTier ? inp.tiers.find((t) => t.tier === inp.taskTier)!.spec : null;
    tiersByTask.set(inp.taskTier, (tiers = { list: tierListOf(inp.tiers), task: tierSpec, taskTier: inp.taskTier }));
  }
  return {
    task: loaded.task,
    cli: caller,
    local: shared.local,
    global: shared.global,
    endpoints: shared.endpoints,
    spawn: {
      wgDir: inp.wgDirReal,
      workingDir: inp.workingDir,
      nextAgentId: inp.nextAgent.next,
      chatRef: inp.chat.ref,
      chatRole: inp.chat.role,
      chatJournal: inp.chat.journal,
    },
    agency:
      agency.match === 'none' && agency.asked === null
        ? NO_AGENCY
        : memo(agencyFacts, agency, () => ({ asked: agency.asked, match: agency.match, agent: agency.agent, role: agency.role })),
    tiers,
    tagRouting: tagMatch ? memo(tagFacts, tagMatch, () => ({ match: { tag: tagMatch.tag, model: tagMatch.model } })) : NO_TAG,
    registry: memo(registryFacts, inp.registry.list, () => ({ list: inp.registry.list })),
    modelCache: memo(modelCacheFacts, modelCache, () => ({ file: modelCache.file, present: modelCache.ids !== null, ids: modelCache.ids ?? [] })),
    executors: memo(executorsFacts, inp.executors, () => ({ list: inp.executors.list })),
    timeouts: inp.timeouts,
    profile: memo(profileFacts, layers, () => ({ active: layers.activeProfile?.name ?? null, file: layers.activeProfile?.file ?? null })),
  };
}
