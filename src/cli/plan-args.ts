// `wg-policy plan`'s command line read without commander (the cold-start fast path); anything it is not sure of goes to commander.
import type { AuditFlags } from './decision-log.js';
import type { SpawnFlags } from './commands/plan.js';

/** The flags of `plan` (and `plan --all`) as commander hands them to the command. */
export type PlanFlags = SpawnFlags & AuditFlags & { quiet?: boolean; all?: boolean; status?: string; record?: boolean };

/** `plan`'s options that take a value, by flag, with commander's attribute name. */
export const PLAN_VALUE_OPTIONS: Readonly<Record<string, keyof PlanFlags>> = {
  '--dir': 'dir',
  '--task-json': 'taskJson',
  '--agent-executor': 'agentExecutor',
  '--default-model': 'defaultModel',
  '--prompt-file': 'promptFile',
  '--site': 'site',
  '--agent': 'agent',
  '--agent-id': 'agentId',
  '--timeout': 'timeout',
  '--role': 'role',
  '--audit-log': 'auditLog',
  '--status': 'status',
};

/** `plan`'s boolean flags, by flag, with the attribute and the value commander gives it. */
export const PLAN_BOOLEAN_OPTIONS: Readonly<Record<string, readonly [keyof PlanFlags, boolean]>> = {
  '--no-audit': ['audit', false],
  '-q': ['quiet', true],
  '--quiet': ['quiet', true],
  '--all': ['all', true],
  '--record': ['record', true],
};

const own = (table: object, key: string) => Object.prototype.hasOwnProperty.call(table, key);
/** What commander would read as an option (one dash and more). */
const looksLikeOption = (arg: string) => arg.length > 1 && arg[0] === '-';

/** The usage error of a `plan` command line that parsed (commander prints it as its own), or undefined. */
export function planUsageError(taskId: string | undefined, flags: PlanFlags): string | undefined {
  if (flags.all && taskId !== undefined) return 'give a task id or --all, not both';
  if (flags.all && flags.taskJson) return '--task-json plans one task; it cannot be combined with --all';
  if (!flags.all && (flags.status !== undefined || flags.record)) return '--status and --record go with --all';
  if (flags.record && flags.audit === false) return '--record records the decisions and --no-audit records none: give one of them';
  if (!flags.all && taskId === undefined) return "missing required argument 'task-id'";
  return undefined;
}

/**
 * `argv` (`node`, the script, `plan`, …) read as commander reads it — a task id, `--name value`, `--name=value`, the
 * boolean flags, the last of a repeated option winning — or undefined for anything else: another command, help,
 * version, colour flags, `--`, short-flag groups, unknown options, a value that looks like an option, a second
 * operand, a usage error. Undefined means "let commander parse it"; a result is exactly what commander would run.
 */
export function planArgs(argv: readonly string[]): { taskId: string | undefined; flags: PlanFlags } | undefined {
  if (argv[2] !== 'plan') return undefined;
  const flags: PlanFlags = { audit: true };
  let taskId: string | undefined;
  for (let i = 3; i < argv.length; i++) {
    const arg = argv[i];
    if (!looksLikeOption(arg)) {
      if (taskId !== undefined) return undefined;
      taskId = arg;
    } else if (own(PLAN_BOOLEAN_OPTIONS, arg)) {
      const [key, value] = PLAN_BOOLEAN_OPTIONS[arg];
      (flags as Record<string, unknown>)[key] = value;
    } else if (own(PLAN_VALUE_OPTIONS, arg)) {
      const value = argv[++i];
      if (value === undefined || looksLikeOption(value)) return undefined;
      (flags as Record<string, unknown>)[PLAN_VALUE_OPTIONS[arg]] = value;
    } else {
      const eq = arg.indexOf('=');
      const name = arg.slice(0, eq);
      if (!arg.startsWith('--') || eq < 3 || !own(PLAN_VALUE_OPTIONS, name)) return undefined;
      (flags as Record<string, unknown>)[PLAN_VALUE_OPTIONS[name]] = arg.slice(eq + 1);
    }
  }
  return planUsageError(taskId, flags) === undefined ? { taskId, flags } : undefined;
}
