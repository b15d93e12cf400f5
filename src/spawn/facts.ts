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

/** Facts for the first stage; decide adds `plan` and `provenance` as stages run. */
export function buildFacts(inp: SpawnInputs): Record<string, unknown> {
  const { layers, loaded, caller } = inp;
  const shared = factsOfLayers(layers);
  const tierSpec = inp.taskTier ? inp.tiers.find((t) => t.tier === inp.taskTier)!.spec : null;
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
    agency: { asked: inp.agency.asked, match: inp.agency.match, agent: inp.agency.agent, role: inp.agency.role },
    tiers: { list: tierListOf(inp.tiers), task: tierSpec, taskTier: inp.taskTier },
    tagRouting: { match: inp.tagMatch ? { tag: inp.tagMatch.tag, model: inp.tagMatch.model } : null },
    registry: { list: inp.registry.list },
    modelCache: { file: inp.modelCache.file, present: inp.modelCache.ids !== null, ids: inp.modelCache.ids ?? [] },
    executors: { list: inp.executors.list },
    timeouts: inp.timeouts,
    profile: { active: layers.activeProfile?.name ?? null, file: layers.activeProfile?.file ?? null },
  };
}
