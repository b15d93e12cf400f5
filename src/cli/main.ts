// CLI entry: runs one command line and maps the outcome to an exit code (`start` for bin/, `runCommandLine` for a
// process that runs many). A plain `plan` runs without loading commander (the cold-start fast path, read by
// plan-args.ts); every other command line goes to commander (program.ts, loaded on demand).
import { exitCodeFor, PolicyError } from '../shared/errors.js';
import { useKeys } from '../shared/secrets.js';
import { guardOutput } from './guard-output.js';
import { guardPipes, reportError } from './output.js';
import { planArgs } from './plan-args.js';

async function main(argv: string[]): Promise<number> {
  try {
    const plan = planArgs(argv);
    if (!plan) return await (await import('./program.js')).runProgram(argv);
    const run = await import('./commands/plan.js');
    await (plan.flags.all ? run.runPlanAll(plan.flags) : run.runPlan(plan.taskId!, plan.flags));
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    // stdout stays empty for plan (its stdout is the plan); commands with --json get the error as data.
    reportError(e, argv.includes('--json'));
    // A usage error found past commander (a value the library checks) points to --help as commander's own do.
    if (e instanceof PolicyError && e.code === 'usage' && !e.help) process.stderr.write('(run with --help for usage)\n');
    return e instanceof PolicyError ? exitCodeFor(e.code) : 3;
  }
}

const flushed = (s: NodeJS.WriteStream) => new Promise<void>((resolve) => s.write('', () => resolve()));

/** The process entry (bin/wg-policy.cjs): runs `process.argv` with stdout and stderr guarded for good, then exits. */
export function start(): void {
  guardPipes();
  guardOutput();
  void main(process.argv).then(async (code) => {
    // Every decision is on disk by now (the commands await the log). Exit explicitly once stdout and stderr are
    // flushed, so a handle some transport left open can never keep wg waiting on a finished command.
    await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
    process.exit(code);
  });
}

/**
 * One command line in a process that runs many (the tests' CLI host): `argv` as `start` runs it, with stdout and
 * stderr guarded for this command only; the exit code. `env` decides colour, as `process.env` does for `start`; the
 * command itself reads `process.env`, which the caller sets. Module state (the input caches) carries over, as in
 * `serve`.
 */
export async function runCommandLine(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  useKeys([]); // reset: no keys are masked until this command line loads a config
  const unguard = guardOutput(argv, env);
  try {
    return await main(argv);
  } finally {
    unguard();
  }
}
