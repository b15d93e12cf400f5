// `wg-policy gate`: runs the task's smoke scenarios and prints the verdict; exit 0 allowed, 1 denied, 2 bad input.
import { statSync } from 'node:fs';
import path from 'node:path';
import { decideDone, type DoneHooks, type DoneRequest, type GateTrace, type Verdict } from '../../gate/decide.js';
import { writeJunit } from '../../gate/junit.js';
import { createProgress, styleFor, verdictLines, type ReportStyle } from '../../gate/report.js';
import { badInput } from '../../shared/errors.js';
import { closeDecisionLog, recordDecision, type AuditFlags } from '../decision-log.js';
import { gateDecision } from '../decisions.js';
import { printJson } from '../output.js';

/** Flags shared by gate and done. */
export interface GateFlags {
  dir?: string;
  manifest?: string;
  fullSmoke?: boolean;
  skipSmoke?: boolean;
  jobs?: string;
  junit?: string;
  json?: boolean;
  base?: string;
}

/** Turns CLI flags into a gate request; checks what can be checked before anything runs. */
export function gateRequest(taskId: string, flags: GateFlags): DoneRequest {
  let jobs: number | undefined;
  if (flags.jobs !== undefined) {
    if (!/^\d+$/.test(flags.jobs) || Number(flags.jobs) < 1) throw badInput(`\`--jobs\` must be a positive whole number, not \`${flags.jobs}\``, { key: '--jobs' });
    jobs = Number(flags.jobs);
  }
  if (flags.junit !== undefined) {
    const dir = path.dirname(path.resolve(flags.junit));
    let ok = false;
    try {
      ok = statSync(dir).isDirectory();
    } catch {
      // reported below
    }
    if (!ok) throw badInput(`cannot write the JUnit report \`${flags.junit}\`: the folder \`${dir}\` does not exist`, { key: '--junit' });
  }
  return { taskId, dir: flags.dir, manifest: flags.manifest, fullSmoke: flags.fullSmoke, skipSmoke: flags.skipSmoke, jobs, base: flags.base };
}

/** Progress hooks on stderr, plus `stop()` to clear a live line. */
export function progressHooks(style: ReportStyle): DoneHooks & { stop: () => void; trace: () => GateTrace | undefined } {
  const progress = createProgress(process.stderr, style);
  let trace: GateTrace | undefined;
  return {
    onStart: (p) => progress.start(p),
    onEvent: (e) => progress.event(e),
    onTrace: (t) => (trace = t),
    stop: () => progress.stop(),
    trace: () => trace,
  };
}

/** Records a verdict in the decision log (before anything acts on it). */
export async function recordVerdict(v: Verdict, trace: GateTrace | undefined, flags: AuditFlags): Promise<void> {
  if (!trace) return;
  await recordDecision(gateDecision(trace, v), { flags, wgDir: trace.wgDir, warn: (m) => process.stderr.write(`warning: ${m}\n`) });
}

/** Closes the decision log; transport failures are warnings. */
export const closeGateLog = () => closeDecisionLog((m) => process.stderr.write(`warning: ${m}\n`));

/** The verdict's messages on stderr. */
export function printVerdict(v: Verdict, style: ReportStyle): void {
  const lines = verdictLines(v, style.color);
  if (lines.length) process.stderr.write(`${lines.join('\n')}\n`);
}

export async function runGate(taskId: string, flags: GateFlags & AuditFlags): Promise<void> {
  const req = gateRequest(taskId, flags);
  const style = styleFor(process.stderr, process.env, !!flags.json);
  const hooks = progressHooks(style);
  let verdict: Verdict;
  try {
    verdict = await decideDone(req, hooks);
    hooks.stop();
    await recordVerdict(verdict, hooks.trace(), flags);
  } finally {
    hooks.stop();
    await closeGateLog();
  }
  if (flags.junit) writeJunit(flags.junit, verdict);
  printVerdict(verdict, style);
  if (flags.json) printJson(verdict);
  if (!verdict.allowed) process.exitCode = 1;
}
