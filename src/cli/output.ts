// Shared CLI output: JSON on stdout, errors as one sentence on stderr (and as data with --json), never a stack trace for
// user errors, and a quiet end when the reader of a pipe goes away (`wg-policy audit list | head -1`).
import { PolicyError } from '../shared/errors.js';
import { errnoReason } from '../shared/read-file.js';
import { maskKeys } from '../shared/secrets.js';

let stdoutGone = false;

/**
 * A closed pipe (EPIPE) ends that stream's output quietly: later writes are dropped, the command still finishes
 * (a decision already recorded, a graph write under way) and exits with its own code. Any other failure to write (a
 * full disk, an I/O error) ends the command with exit 2 and one `write-failed` line on stderr (when stderr still works):
 * output that did not arrive must not pass for a plan or a refusal.
 */
export function guardPipes(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') {
        if (stream === process.stdout) stdoutGone = true;
        return;
      }
      if (stream === process.stdout) reportError(new PolicyError('write-failed', `cannot write to stdout: ${errnoReason(e)}`));
      process.exit(2);
    });
  }
}

/** Resolves when `stream` drains, errs or closes, whichever comes first (after a closed pipe, no drain ever comes). */
export function drainedOrFailed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      for (const event of ['drain', 'error', 'close']) stream.off(event, done);
      resolve();
    };
    for (const event of ['drain', 'error', 'close']) stream.once(event, done);
  });
}

/** True once the reader of stdout has gone away: streaming commands stop producing output. */
export function stdoutClosed(): boolean {
  return stdoutGone || process.stdout.destroyed;
}

/**
 * A JSON.stringify replacer that masks config keys in string values: data is masked before it becomes text, never in
 * the text (a key could match a number or a piece of structure there).
 */
const keysMasked = (_key: string, value: unknown): unknown => (typeof value === 'string' ? maskKeys(value) : value);

/** A copy of JSON data with config keys masked in its strings (a plan needs none: one holding a key is refused). */
export const keysMaskedIn = <T>(value: T): T => JSON.parse(JSON.stringify(value, keysMasked)) as T;

/**
 * Writes data to stdout as JSON (stdout is protocol: nothing else goes there), config keys masked in its strings; a plan
 * is printed as it is (`masked: false`): one holding a key is refused, and the plan is what serve and the library give.
 */
export function printJson(value: unknown, { masked = true } = {}): void {
  process.stdout.write(`${JSON.stringify(value, masked ? keysMasked : undefined, 2)}\n`);
}

/** One clear sentence with its code on stderr; with `json`, also `{"error": {code, message, exit, file, line, …}}` on stdout. */
export function reportError(e: unknown, json = false, write: (text: string) => void = (text) => process.stderr.write(text)): void {
  if (e instanceof PolicyError) {
    write(`wg-policy: ${e.format()} [${e.code}]\n`);
    if (e.help) write(`  help: ${e.help}\n`);
    if (process.env.WG_POLICY_DEBUG === '1' && e.stack) write(`${e.stack}\n`);
    if (json) printJson({ error: e.toJSON() });
    return;
  }
  const err = e as Error;
  process.stderr.write(`wg-policy: internal error: ${err?.message ?? String(e)}\n${err?.stack ?? ''}\n`);
  if (json) printJson({ error: { code: 'internal', message: err?.message ?? String(e), exit: 3 } });
}
