// Gate facts: the request (who asks, which flags), the run summary and the manifest comparison, as plain data for the rules.
import * as z from 'zod/mini';
import type { ScenarioResult } from './result.js';

/** Who asks and with which flags; `agent` means `WG_AGENT_ID` is present in the env (any value), as in wg. */
export const GateRequestFactSchema = z.object({
  agent: z.boolean(),
  agentId: z.nullable(z.string()),
  human: z.boolean(),
  skipSmoke: z.boolean(),
  /** `WG_SMOKE_AGENT_OVERRIDE=1`. */
  override: z.boolean(),
  fullSmoke: z.boolean(),
});
export type GateRequestFact = z.infer<typeof GateRequestFactSchema>;

/** Counts and name lists derived from the results; `*Detail` strings are ready for messages. */
export const SummaryFactSchema = z.object({
  /** Scenarios chosen for this gate: the task's own, or all of them with --full-smoke. */
  selected: z.number(),
  owned: z.number(),
  /** False when --skip-smoke bypassed running anything. */
  ran: z.boolean(),
  passed: z.number(),
  skipped: z.array(z.string()),
  skippedCount: z.number(),
  skippedDetail: z.string(),
  failed: z.array(z.string()),
  timedOut: z.array(z.string()),
  errored: z.array(z.string()),
  /** failed + timed out + errored, in manifest order. */
  broken: z.array(z.string()),
  brokenCount: z.number(),
  /** wg's wording: `a (exit 1), b (script not found: …)`. */
  brokenDetail: z.string(),
  allSkipped: z.boolean(),
});
export type SummaryFact = z.infer<typeof SummaryFactSchema>;

/** The manifest used and its grow-only comparison with the base revision. */
export const ManifestFactSchema = z.object({
  path: z.nullable(z.string()),
  /** The path for messages, or `the working tree (no smoke manifest found)` when none was found. */
  label: z.string(),
  how: z.string(),
  found: z.boolean(),
  scenarios: z.number(),
  base: z.string(),
  compared: z.boolean(),
  lost: z.array(z.string()),
  lostCount: z.number(),
  /** The lost names; when the base manifest was another file, followed by where it was: `a, b (listed in tests/smoke/manifest.toml at HEAD)`. */
  lostDetail: z.string(),
});
export type ManifestFact = z.infer<typeof ManifestFactSchema>;

/** The request fact from flags and env. */
export function requestFact(flags: { skipSmoke?: boolean; fullSmoke?: boolean }, env: NodeJS.ProcessEnv): GateRequestFact {
  const agent = env.WG_AGENT_ID !== undefined;
  return {
    agent,
    agentId: agent ? (env.WG_AGENT_ID as string) : null,
    human: !agent,
    skipSmoke: !!flags.skipSmoke,
    override: env.WG_SMOKE_AGENT_OVERRIDE === '1',
    fullSmoke: !!flags.fullSmoke,
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
    failed: names('fail'),
    timedOut: names('timeout'),
    errored: names('error'),
    broken: broken.map((r) => r.name),
    brokenCount: broken.length,
    brokenDetail: broken.map((r) => `${r.name} (${brokenReason(r)})`).join(', '),
    allSkipped: ran && selected > 0 && skipped.length === selected,
  };
}

/** The manifest fact. */
export function manifestFact(
  m: { path: string | null; label: string; how: string; scenarios: number },
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
  };
}
