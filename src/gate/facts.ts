// Gate facts: the request (who asks, which flags), the run summary and the manifest comparison, as plain data for the rules.
import type { Source, SourceMapper } from '../shared/source.js';
import type { GateRequestFact, ManifestFact, ScenarioResult, SummaryFact } from '../stages/gate.js';

/** The request fact from flags and env. */
export function requestFact(flags: { skipSmoke?: boolean; fullSmoke?: boolean; skipVerify?: boolean }, env: NodeJS.ProcessEnv): GateRequestFact {
  const agent = env.WG_AGENT_ID !== undefined;
  return {
    agent,
    agentId: agent ? (env.WG_AGENT_ID as string) : null,
    human: !agent,
    skipSmoke: !!flags.skipSmoke,
    override: env.WG_SMOKE_AGENT_OVERRIDE === '1',
    fullSmoke: !!flags.fullSmoke,
    skipVerify: !!flags.skipVerify,
  };
}

/** Why a broken scenario broke, worded as wg does: `exit N`, `timed out after Ns`, or the error reason. */
export function brokenReason(r: ScenarioResult): string {
  if (r.outcome === 'fail') return `exit ${r.exitCode ?? -1}`;
  return r.reason ?? r.outcome;
}

const isBroken = (r: ScenarioResult) => r.outcome === 'fail' || r.outcome === 'timeout' || r.outcome === 'error';

/** The summary fact; `ran: false` (with no results) when the run was bypassed. */
export function summaryFact(results: readonly ScenarioResult[], selected: number, owned: number, ran: boolean): SummaryFact {
  const names = (o: ScenarioResult['outcome']) => results.filter((r) => r.outcome === o).map((r) => r.name);
  const broken = results.filter(isBroken);
  const skipped = names('skip');
  return {
    selected,
    owned,
    ran,
    passed: names('pass').length,
    skipped,
    skippedCount: skipped.length,
    skippedDetail: skipped.join(', '),
    skippedReasons: results
      .filter((r) => r.outcome === 'skip')
      .map((r) => `${r.name} (${r.reason ?? 'scenario emitted SKIP (exit 77)'})`)
      .join('; '),
    failed: names('fail'),
    timedOut: names('timeout'),
    errored: names('error'),
    broken: broken.map((r) => r.name),
    brokenCount: broken.length,
    brokenDetail: broken.map((r) => `${r.name} (${brokenReason(r)})`).join(', '),
    allSkipped: ran && selected > 0 && skipped.length === selected,
  };
}

/** The manifest fact; `ignored` and `ownerless` are sentences ready for messages. */
export function manifestFact(
  m: { path: string | null; label: string; how: string; scenarios: number; ignored: string[]; ownerless: string[] },
  cmp: { base: string; compared: boolean; lost: string[]; baseLabel?: string },
): ManifestFact {
  const from = cmp.baseLabel && cmp.lost.length ? ` (listed in ${cmp.baseLabel} at ${cmp.base})` : '';
  return {
    path: m.path,
    label: m.label,
    how: m.how,
    found: m.path !== null,
    scenarios: m.scenarios,
    base: cmp.base,
    compared: cmp.compared,
    lost: cmp.lost,
    lostCount: cmp.lost.length,
    lostDetail: `${cmp.lost.join(', ')}${from}`,
    ignored: m.ignored,
    ignoredCount: m.ignored.length,
    ignoredDetail: m.ignored.join('; '),
    ownerless: m.ownerless,
    ownerlessCount: m.ownerless.length,
    ownerlessDetail: m.ownerless.join(', '),
  };
}

const REQUEST_KEYS: Readonly<Record<string, string>> = {
  agent: '$WG_AGENT_ID',
  agentId: '$WG_AGENT_ID',
  human: '$WG_AGENT_ID',
  override: '$WG_SMOKE_AGENT_OVERRIDE',
  skipSmoke: '--skip-smoke',
  fullSmoke: '--full-smoke',
  skipVerify: '--skip-verify',
};

/** Where the facts of a gate came from: the task's graph line, the graph, the manifest, the config file of each key. */
export interface GateSourceFiles {
  taskFile: string | null;
  graphFile: string | null;
  manifestFile: string | null;
  /** `config` fact path → the layer and file its key was read from. */
  config?: Readonly<Record<string, { layer: 'local' | 'global' | 'default'; file: string | null; key: string }>>;
}

/** Maps gate fact reads to their sources: the task line, the graph, the caller's flags and env, config, the manifest, the scenario runs. */
export function gateSourceMapper(files: GateSourceFiles): SourceMapper {
  const { taskFile, manifestFile } = files;
  return (fact, path, value): Source[] => {
    const key = path ? `${fact}.${path}` : fact;
    switch (fact) {
      case 'task':
        return [{ layer: 'task', file: taskFile, key: path ?? 'id', value }];
      case 'blockers':
      case 'evaluation':
      case 'cycle':
        return [{ layer: 'task', file: files.graphFile, key, value }];
      case 'config': {
        const c = path ? files.config?.[path] : undefined;
        return [{ layer: c?.layer ?? 'default', file: c?.file ?? null, key: c?.key ?? key, value }];
      }
      case 'weakening':
        return [{ layer: 'manifest', file: manifestFile, key, value }];
      case 'request':
        return [{ layer: 'cli', file: null, key: path && Object.hasOwn(REQUEST_KEYS, path) ? REQUEST_KEYS[path] : key, value }];
      case 'manifest':
        return [{ layer: 'manifest', file: manifestFile, key, value }];
      case 'summary':
      case 'results':
        return [{ layer: 'run', file: manifestFile, key, value }];
      default:
        return [];
    }
  };
}
