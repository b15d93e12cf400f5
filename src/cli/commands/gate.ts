// `wg-policy gate`: runs the task's smoke scenarios and prints the verdict; exit 0 allowed, 1 denied, 2 bad input.
import { statSync } from 'node:fs';
import path from 'node:path';
import { decideGate, type DoneHooks, type DoneRequest, type Verdict } from '../../gate/decide.js';
import { jobsOf } from '../../gate/jobs.js';
import { junitWriteError, writeJunit } from '../../gate/junit.js';
import { sharedWithOutput } from '../../shared/write-file.js';
import { createProgress, styleFor, verdictLines, type ReportStyle } from '../../gate/report.js';
import { colorFor } from '../color.js';
import { closeDecisionLog, decisionLogOption, type AuditFlags } from '../decision-log.js';
import { printJson } from '../output.js';

/** Flags shared by gate and done. */
export interface GateFlags {
  dir?: string;
  manifest?: string;
  fullSmoke?: boolean;
  skipSmoke?: boolean;
  skipVerify?: boolean;
  jobs?: string;
  junit?: string;
  json?: boolean;
  base?: string;
  /** `-q`: no header, result or progress lines; warnings and denials still print. */
  quiet?: boolean;
}

/** Turns CLI flags into a gate request; checks what can be checked before anything runs. */
export function gateRequest(taskId: string, flags: GateFlags & AuditFlags): DoneRequest {
  const jobs = jobsOf(flags.jobs, '--jobs');
  if (flags.junit !== undefined) {
    const dir = path.dirname(path.resolve(flags.junit));
    let ok = false;
    try {
      ok = statSync(dir).isDirectory();
    } catch {
      // reported below
    }
    if (!ok) throw junitWriteError(flags.junit, `the folder \`${dir}\` does not exist`);
    const shared = sharedWithOutput(flags.junit); // found before any scenario runs
    if (shared) throw junitWriteError(flags.junit, shared);
  }
  return {
    taskId,
    dir: flags.dir,
    manifest: flags.manifest,
    fullSmoke: flags.fullSmoke,
    skipSmoke: flags.skipSmoke,
    skipVerify: flags.skipVerify,
    jobs,
    base: flags.base,
    decisionLog: decisionLogOption(flags),
  };
}

const warn = (m: string) => process.stderr.write(`warning: ${m}\n`);

/** How the gate prints on stderr: colour as --color / --no-color / NO_COLOR / FORCE_COLOR say, live lines in a terminal. */
export function gateStyle(flags: GateFlags): ReportStyle {
  return styleFor(process.stderr, process.env, !!flags.json, colorFor(process.stderr));
}

/** Progress on stderr (none with -q), the JUnit report before the verdict is recorded, and `stop()` to clear a live line. */
export function gateHooks(style: ReportStyle, flags: GateFlags): DoneHooks & { stop: () => void } {
  const progress = createProgress(process.stderr, style);
  return {
    onStart: (p) => {
      if (!flags.quiet) progress.start(p);
    },
    onEvent: (e) => {
      if (!flags.quiet) progress.event(e);
    },
    // INVARIANT: a verdict is recorded only once every output it promises exists.
    beforeRecord: (v) => {
      progress.stop();
      if (flags.junit) writeJunit(flags.junit, v);
    },
    warn,
    stop: () => progress.stop(),
  };
}

/** Closes the decision log; transport failures are warnings. */
export const closeGateLog = () => closeDecisionLog(warn);

/** The verdict's messages on stderr; with -q only warnings and, when denied, the rules that denied. */
export function printVerdict(v: Verdict, style: ReportStyle, quiet = false, said?: string | null): void {
  const lines = verdictLines(v, style.color, quiet, said);
  if (lines.length) process.stderr.write(`${lines.join('\n')}\n`);
}

export async function runGate(taskId: string, flags: GateFlags & AuditFlags): Promise<void> {
  const req = gateRequest(taskId, flags);
  const style = gateStyle(flags);
  const hooks = gateHooks(style, flags);
  let verdict: Verdict;
  try {
    verdict = (await decideGate(req, hooks)).verdict;
  } finally {
    hooks.stop();
    await closeGateLog();
  }
  printVerdict(verdict, style, flags.quiet);
  if (flags.json) printJson(verdict);
  if (!verdict.allowed) process.exitCode = 1;
}
