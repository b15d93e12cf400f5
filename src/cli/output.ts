// Shared CLI output: JSON on stdout, errors as one sentence on stderr, never a stack trace for user errors.
import { PolicyError } from '../shared/errors.js';

/** Writes data to stdout as JSON (stdout is protocol: nothing else goes there). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** One clear sentence on stderr; the stack only with WG_POLICY_DEBUG=1 or for internal errors. */
export function reportError(e: unknown): void {
  if (e instanceof PolicyError) {
    process.stderr.write(`wg-policy: ${e.message}\n`);
    if (e.help) process.stderr.write(`  help: ${e.help}\n`);
    if (process.env.WG_POLICY_DEBUG === '1' && e.stack) process.stderr.write(`${e.stack}\n`);
    return;
  }
  const err = e as Error;
  process.stderr.write(`wg-policy: internal error: ${err?.message ?? String(e)}\n${err?.stack ?? ''}\n`);
}
