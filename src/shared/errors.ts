// Errors are data: a stable code, one sentence, and where in the user's input the problem is.

/** Stable error codes; the CLI maps each to an exit code. */
export type ErrorCode =
  | 'bad-input' // a file or flag the user gave cannot be read or is invalid → exit 2
  | 'usage' // wrong command-line usage → exit 2
  | 'rejected' // a policy rule refused the request → exit 1
  | 'denied' // the done gate denied → exit 1
  | 'internal'; // a bug in wg-policy → exit 3

export interface ErrorInfo {
  file?: string;
  line?: number;
  key?: string;
  help?: string;
  rule?: string;
}

/** The one error type wg-policy throws on purpose. */
export class PolicyError extends Error {
  readonly code: ErrorCode;
  readonly file?: string;
  readonly line?: number;
  readonly key?: string;
  readonly help?: string;
  readonly rule?: string;

  constructor(code: ErrorCode, message: string, info: ErrorInfo = {}) {
    super(message);
    this.name = 'PolicyError';
    this.code = code;
    Object.assign(this, info);
  }

  /** A plain-data view for `--json` output and audit records. */
  toJSON(): Record<string, unknown> {
    const { code, message, file, line, key, help, rule } = this;
    return Object.fromEntries(
      Object.entries({ code, message, file, line, key, help, rule }).filter(([, v]) => v !== undefined),
    );
  }
}

/** Shorthand for bad user input (exit 2). */
export function badInput(message: string, info: ErrorInfo = {}): PolicyError {
  return new PolicyError('bad-input', message, info);
}

/** Exit code for an error code. */
export function exitCodeFor(code: ErrorCode): number {
  switch (code) {
    case 'rejected':
    case 'denied':
      return 1;
    case 'bad-input':
    case 'usage':
      return 2;
    default:
      return 3;
  }
}

/** `file:line` or `file` for messages. */
export function where(file: string, line?: number): string {
  return line ? `${file}:${line}` : file;
}
