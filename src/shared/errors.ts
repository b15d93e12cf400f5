// Errors are data: a stable code, one lowercase sentence, and where in the user's input the problem is.
import { maskKeys, maskShown, useKeys } from './secrets.js';

/** Every error code wg-policy raises on purpose, with the exit class the CLI maps it to. */
export const ERROR_CODES = {
  // 1: a policy refused or denied
  'rule-rejected': 1, // a spawn rule refused the task
  'no-rule-matched': 1, // a stage of the policy set has no rule for this input
  'task-status': 1, // a status the done decision read changed while the gate ran
  // 2: bad input or usage
  usage: 2,
  'file-unreadable': 2,
  'not-a-regular-file': 2,
  'wgdir-not-found': 2,
  'toml-syntax': 2,
  'toml-too-deep': 2,
  'yaml-syntax': 2,
  'yaml-aliases': 2,
  'config-type': 2,
  'config-deprecated': 2, // check warns: a deprecated key or model prefix
  'config-credential-url': 2,
  'config-model-format': 2, // a model spec wg's config validation refuses (wg then ignores the config)
  'config-deprecated-key': 2, // a provider key wg's config validation refuses
  'bad-duration': 2, // a timeout string wg cannot parse
  'executor-toml': 2, // an executor TOML wg cannot parse
  'executor-secret': 2, // an executor TOML that would put a secret into env or argv
  'plan-repeats-key': 2, // a plan in which a key's value from config would appear (refused, never masked)
  'plan-carries-credential': 2, // a plan that would launch a credential form (from the model cache, say; refused, never masked)
  'agent-registry': 2, // <wgdir>/service/registry.json wg cannot load
  'graph-line': 2,
  'task-not-found': 2,
  'task-field': 2,
  'task-json': 2,
  'policy-schema': 2,
  'unknown-stage': 2,
  'rule-id-namespace': 2,
  'duplicate-rule-id': 2,
  'rule-replaces-other-stage': 2,
  'unknown-disable': 2,
  'rule-locked': 2,
  'unknown-optional': 2,
  'condition-shape': 2,
  'then-shape': 2,
  'unknown-fact': 2,
  'unknown-path': 2,
  'unknown-operator': 2,
  'missing-value': 2,
  'bad-regex': 2,
  'unreachable-rule': 2,
  'shadowed-rule': 2, // check warns: a higher-priority rule matches wherever this one does
  'ambiguous-rules': 2, // check warns: two rules of one stage and priority can both match
  'config-refused': 2, // check: a reject rule reading config alone holds for the config as written
  'rule-value': 2, // a winning rule produced a value its stage does not accept
  'plan-invalid': 2,
  'manifest-not-found': 2,
  'manifest-invalid': 2,
  'duplicate-scenario': 2,
  'git-base': 2,
  'manifest-no-owners': 2, // check warns: a scenario with no owners never runs for a task
  'manifest-unknown-key': 2, // `check`: a manifest key wg ignores (a typo that silently changes the gate)
  'run-folder': 2, // the per-user scenario log folder is not the user's own
  'junit-write': 2,
  'write-failed': 2, // a file wg-policy writes (graph.jsonl) could not be written: full disk, read-only, size limit
  'lock-path': 2,
  'audit-config': 2,
  'audit-unrecordable': 2,
  'audit-log-missing': 2,
  'audit-filter': 2,
  'decision-not-found': 2,
  'decision-ambiguous': 2, // an `audit show` id prefix matches several decisions
  // 3: a bug or an environment wg-policy cannot work in
  'lock-failed': 3,
  internal: 3,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;
export type ExitClass = 1 | 2 | 3;

/** Where in the user's input (or in a policy file) the problem is. */
export interface ErrorInfo {
  file?: string;
  line?: number;
  column?: number;
  key?: string;
  rule?: string;
  help?: string;
}

/** Marks a PolicyError of either build (ES module, CommonJS): a registered symbol is the same in both. */
const BRAND = Symbol.for('wg-policy.PolicyError');

/**
 * Each line break, with the whitespace around it, as one space: what replacing the pattern `\s*\n\s*` (global) gives,
 * in linear time (the pattern is quadratic on a long run of spaces with no line break in it).
 */
export function joinLineBreaks(text: string): string {
  if (!text.includes('\n')) return text;
  const lines = text.split('\n');
  const last = lines.length - 1;
  const kept: string[] = [];
  for (let i = 0; i <= last; i++) {
    const t = i === 0 ? lines[i].trimEnd() : i === last ? lines[i].trimStart() : lines[i].trim();
    // A blank line between two breaks is part of one run of whitespace: one space for all of it.
    if (t !== '' || i === 0 || i === last) kept.push(t);
  }
  return kept.join(' ');
}

/** WG_POLICY_DEBUG=1 (read once): policy errors keep their stack, which the reporter then prints. */
const STACKS = process.env.WG_POLICY_DEBUG === '1';

/** The one error type wg-policy throws on purpose. `message` is one sentence without its location. */
export class PolicyError extends Error {
  readonly code: ErrorCode;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly key?: string;
  readonly rule?: string;
  readonly help?: string;

  constructor(code: ErrorCode, message: string, info: ErrorInfo = {}) {
    // A policy error is an answer, not a fault: its stack is captured only for WG_POLICY_DEBUG=1, which prints it
    // (a refused plan on the warm path then costs no stack walk).
    // INVARIANT: one line (multi-line output is the reporter's job), and no credential from the input echoed in it.
    const text = joinLineBreaks(maskShown(maskKeys(message)));
    const frames = Error.stackTraceLimit;
    if (!STACKS) Error.stackTraceLimit = 0;
    super(text);
    Error.stackTraceLimit = frames;
    this.name = 'PolicyError';
    this.code = code;
    for (const [k, v] of Object.entries(info))
      if (v !== undefined) Object.defineProperty(this, k, { value: typeof v === 'string' ? maskShown(maskKeys(v)) : v, enumerable: true });
  }

  /** The exit class of this error: 1 refused or denied, 2 bad input, 3 internal. */
  get exit(): ExitClass {
    return exitCodeFor(this.code);
  }

  /** The sentence with its location: `file:line:col: message`, or `message (rule r, file:line)` for a refusal. */
  format(): string {
    return formatError(this);
  }

  /** This error built again: its text masked with the keys in use now (see useKeys), for one built while another config's were. */
  remasked(): PolicyError {
    const { file, line, column, key, rule, help } = this;
    return new PolicyError(this.code, this.message, { file, line, column, key, rule, help });
  }

  /**
   * `instanceof PolicyError` holds for an error from either build: a process that loads the library both as an ES module
   * and through `require()` has two PolicyError classes (subclasses keep the plain check).
   */
  static [Symbol.hasInstance](value: unknown): boolean {
    return Function.prototype[Symbol.hasInstance].call(this, value) || (this === PolicyError && !!value && (value as Record<symbol, unknown>)[BRAND] === true);
  }

  /** A plain-data view for `--json` output and audit records. */
  toJSON(): Record<string, unknown> {
    const { code, message, file, line, column, key, rule, help } = this;
    return Object.fromEntries(Object.entries({ code, message, exit: this.exit, file, line, column, key, rule, help }).filter(([, v]) => v !== undefined));
  }
}

Object.defineProperty(PolicyError.prototype, BRAND, { value: true });
// The bundles are minified: the classes keep their names for stack traces and util.inspect.
Object.defineProperty(PolicyError, 'name', { value: 'PolicyError' });

/** `file:line:col`, `file:line` or `file`; '' without a file. */
export function where(file?: string, line?: number, column?: number): string {
  if (!file) return '';
  return line ? (column ? `${file}:${line}:${column}` : `${file}:${line}`) : file;
}

/** Composes location and sentence for printing. */
export function formatError(e: Pick<PolicyError, 'code' | 'message' | 'file' | 'line' | 'column' | 'rule'>): string {
  const at = where(e.file, e.line, e.column);
  if (exitCodeFor(e.code) === 1 && e.rule) return `${e.message} (rule ${e.rule}${at ? `, ${at}` : ''})`;
  const rule = e.rule && !e.message.includes(`\`${e.rule}\``) ? ` (rule ${e.rule})` : '';
  return `${at ? `${at}: ` : ''}${e.message}${rule}`;
}

/** Exit code for an error code (3 for anything unknown). */
export function exitCodeFor(code: string): ExitClass {
  return Object.hasOwn(ERROR_CODES, code) ? (ERROR_CODES as Record<string, ExitClass>)[code] : 3;
}

/** Shorthand for a bad-input error (exit 2) with a specific code. */
export function inputError(code: ErrorCode, message: string, info: ErrorInfo = {}): PolicyError {
  return new PolicyError(code, message, info);
}

/** Several problems at once (a policy set that fails its checks): `problems` has them all, the error is the first. */
export class PolicyProblems extends PolicyError {
  readonly problems: PolicyError[];
  constructor(problems: PolicyError[]) {
    const first = problems[0];
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''}; run \`wg-policy check\`)` : '';
    super(first.code, first.message + more, { file: first.file, line: first.line, column: first.column, key: first.key, rule: first.rule, help: first.help });
    this.problems = problems;
  }

  override remasked(): PolicyError {
    return new PolicyProblems(this.problems.map((p) => p.remasked()));
  }
}
Object.defineProperty(PolicyProblems, 'name', { value: 'PolicyProblems' });

/**
 * Waits for `pending`, then makes `keys` the keys in use again (another config's may have been set meanwhile, see
 * useKeys); an error it ends with is built again with them.
 */
export async function withOwnKeys<T>(pending: Promise<T>, keys: readonly string[]): Promise<T> {
  let value: T;
  try {
    value = await pending;
  } catch (e) {
    useKeys(keys);
    throw e instanceof PolicyError ? e.remasked() : e;
  }
  useKeys(keys);
  return value;
}

/** How an error says a string holds a NUL (`\u0000`): wg could not launch a plan carrying it. */
export const HAS_NUL = 'contains a NUL character, which no path, argument or environment variable can carry';
/** True when `value` is a string holding a NUL (see HAS_NUL). */
export const hasNul = (value: unknown): boolean => typeof value === 'string' && value.includes('\0');

/**
 * A JSON.parse error's reason without the piece of input V8 quotes (`Unexpected token 's', ..."_API_KEY":sk-pro"... is
 * not valid JSON` → `Unexpected token 's'`): the input may be a secret, and a message never echoes one.
 */
export function jsonSyntaxReason(e: unknown): string {
  // When the whole message is the quote (`"undefined" is not valid JSON`), nothing of it is left: say what is known.
  return (e as Error).message.replace(/,?\s*(\.\.\.)?"[\s\S]*"(\.\.\.)? is not valid JSON$/, '') || 'not a JSON value';
}
