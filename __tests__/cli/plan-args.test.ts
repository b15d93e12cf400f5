// The `plan` fast path (no commander) reads a command line exactly as commander does, or leaves it to commander: for
// every command line it takes, commander runs `plan` with the same task id and flags; what it declines, commander runs.
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { PLAN_BOOLEAN_OPTIONS, PLAN_VALUE_OPTIONS, planArgs } from '../../src/cli/plan-args.js';
import { buildProgram } from '../../src/cli/program.js';
import { sized } from '../support/stress.js';

/** Fuzzed command lines: a third in `npm test`, all in `npm run sweeps`. */
const FUZZ_RUNS = sized(500, 1500);

type Parsed = { taskId: string | undefined; flags: Record<string, unknown> } | { usage: string };

/** What commander makes of `argv`: the task id and flags `plan`'s action gets, or the usage error (nothing runs). */
function viaCommander(argv: string[]): Parsed {
  const program = buildProgram(argv);
  const plan = program.commands.find((c) => c.name() === 'plan')!;
  let got: Parsed | undefined;
  plan.action((taskId: string | undefined, opts: Record<string, unknown>) => {
    got = { taskId, flags: { ...opts } };
  });
  // The real action's own usage checks (planUsageError) run in the fast path too; commander's run here.
  const errors: string[] = [];
  program.configureOutput({ writeErr: (s) => errors.push(s), writeOut: (s) => errors.push(s) });
  for (const c of program.commands) c.configureOutput({ writeErr: (s) => errors.push(s), writeOut: (s) => errors.push(s) });
  try {
    program.parse(argv);
  } catch {
    return { usage: errors.join('') };
  }
  return got ?? { usage: errors.join('') };
}

const node = ['node', 'wg-policy'];

describe('the fast path reads what commander reads', () => {
  const taken: string[][] = [
    ['plan', 'fix-login'],
    ['plan', 'fix-login', '--dir', 'd', '--no-audit', '-q'],
    ['plan', '--dir', 'd', 'fix-login', '--audit-log', 'x.jsonl'],
    ['plan', 'fix-login', '--dir=d', '--timeout=', '--site', 'spawn', '--quiet'],
    ['plan', 't', '--task-json', 'task.json', '--agent-executor', 'codex', '--default-model', 'claude:opus', '--prompt-file', 'p.txt'],
    ['plan', 't', '--agent', 'a1', '--agent-id', 'agent-7', '--role', 'r', '--timeout', '', '--dir', 'a', '--dir', 'b'],
    ['plan', 'help'],
    ['plan', '-'],
    ['plan', '--all'],
    ['plan', '--all', '--status', 'open,blocked', '--record', '--dir=x=y'],
  ];
  test.each(taken.map((args) => [args.join(' '), args] as const))('%s', (_line, args) => {
    const argv = [...node, ...args];
    const fast = planArgs(argv);
    expect(fast).toBeDefined();
    expect(viaCommander(argv)).toEqual({ taskId: fast!.taskId, flags: fast!.flags });
  });

  const declined: string[][] = [
    ['explain', 'fix-login'],
    ['--no-color', 'plan', 'fix-login'],
    ['plan'],
    ['plan', 'a', 'b'],
    ['plan', 'fix-login', '--help'],
    ['plan', '-h'],
    ['plan', 'x', '--version'],
    ['plan', 'x', '--color'],
    ['plan', 'x', '--no-color'],
    ['plan', 'x', '--dir'],
    ['plan', 'x', '--dir', '--no-audit'],
    ['plan', 'x', '--timeout', '-5'],
    ['plan', 'x', '-qz'],
    ['plan', 'x', '--bogus'],
    ['plan', 'x', '--no-audit=1'],
    ['plan', '--', 'x'],
    ['plan', '-1'],
    ['plan', 'x', '--all'],
    ['plan', '--all', '--task-json', 't.json'],
    ['plan', 'x', '--status', 'open'],
    ['plan', 'x', '--record'],
  ];
  test.each(declined.map((args) => [args.join(' '), args] as const))('declines %s', (_line, args) => {
    expect(planArgs([...node, ...args])).toBeUndefined();
  });

  test("its option tables are exactly `plan`'s options", () => {
    const plan = buildProgram([...node, 'plan']).commands.find((c) => c.name() === 'plan')!;
    const flags = plan.options.flatMap((o) => [o.short, o.long].filter((f): f is string => !!f));
    expect([...Object.keys(PLAN_VALUE_OPTIONS), ...Object.keys(PLAN_BOOLEAN_OPTIONS)].sort()).toEqual(flags.sort());
    for (const [flag, key] of Object.entries(PLAN_VALUE_OPTIONS)) expect(plan.options.find((o) => o.long === flag)!.attributeName()).toBe(key);
    for (const [flag, [key]] of Object.entries(PLAN_BOOLEAN_OPTIONS))
      expect(plan.options.find((o) => o.long === flag || o.short === flag)!.attributeName()).toBe(key);
  });

  test('fuzzed command lines: taken ones parse as commander parses them', () => {
    const words = [...Object.keys(PLAN_VALUE_OPTIONS), ...Object.keys(PLAN_BOOLEAN_OPTIONS), '--help', '-V', '--color', '--', '-x', '--dir=v'];
    const token = fc.oneof(fc.constantFrom(...words), fc.constantFrom('t1', 'fix-login', '', '-', 'a=b', '-5'), fc.string({ maxLength: 4 }));
    let takenCount = 0;
    fc.assert(
      fc.property(fc.array(token, { maxLength: 7 }), (rest) => {
        const argv = [...node, 'plan', ...rest];
        const fast = planArgs(argv);
        if (!fast) return;
        takenCount++;
        expect(viaCommander(argv)).toEqual({ taskId: fast.taskId, flags: fast.flags });
      }),
      { numRuns: FUZZ_RUNS },
    );
    expect(takenCount).toBeGreaterThan(FUZZ_RUNS / 30); // about one line in ten takes the fast path
  });
});
