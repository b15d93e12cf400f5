// The last line of defence on stdout and stderr: credentials in URLs and headers are masked, and terminal control
// sequences from task data are shown escaped instead of acting (a closed pipe is output.ts's `guardPipes`).
import { maskKeys, maskShown } from '../shared/secrets.js';
import { colorFor } from './color.js';

// Characters that reorder or break what a terminal shows without being seen: bidi marks, embeddings, overrides and
// isolates ("Trojan Source"), and the Unicode line and paragraph separators.
const HIDDEN = '\\u061c\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069';
// C0 controls but tab and newline, DEL, and C1 controls (they move the cursor, retitle or reprogram a terminal), and HIDDEN.
const CONTROL = new RegExp(`[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f${HIDDEN}]`, 'g');
/** CONTROL with tab and newline too: for data printed inside a line (a task id, an actor), which must stay one field. */
const UNPRINTABLE = new RegExp(`[\\x00-\\x1f\\x7f-\\x9f${HIDDEN}]`, 'g');
/** A character as the `\uNNNN` escape JSON reads too. */
const escapeChar = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** Characters one `replace` call looks at (every pattern here matches one UTF-16 unit, so any cut is safe). */
const SLICE = 1 << 20;

/**
 * `text.replace(pattern, escapeChar)`, a slice at a time: V8 aborts the whole process (not an exception) when one
 * global `replace` finds more than ~64 million matches, which a long run of controls copied into a plan reached.
 */
function escapeAll(text: string, pattern: RegExp): string {
  if (text.length <= SLICE) return text.replace(pattern, escapeChar);
  let out = '';
  for (let i = 0; i < text.length; i += SLICE) out += text.slice(i, i + SLICE).replace(pattern, escapeChar);
  return out;
}

/** `text` with every control, tab, line break and HIDDEN character as `\uNNNN` (see `printable`). */
export const escapeUnprintable = (text: string): string => escapeAll(text, UNPRINTABLE);
// What wg-policy itself writes to a colour terminal: SGR colours and the live line's clear (`\r\x1b[2K`).
const OWN_SEQUENCE = /\x1b\[[0-9;]*m|\r\x1b\[2K/g;

/** `text` with control characters shown as `\u00NN` (valid inside JSON strings too); with `keepOwn`, wg-policy's own colour and clear sequences stay. */
export function neutralizeControls(text: string, keepOwn: boolean): string {
  const escape = (s: string) => escapeAll(s, CONTROL);
  if (!keepOwn || !text.includes('\x1b')) return escape(text);
  let out = '';
  let last = 0;
  for (const m of text.matchAll(OWN_SEQUENCE)) {
    out += escape(text.slice(last, m.index)) + m[0];
    last = m.index + m[0].length;
  }
  return out + escape(text.slice(last));
}

/**
 * Wraps `process.stdout` and `process.stderr`: every write is masked and neutralized; colour sequences survive only
 * where colour is on (`--color`, `FORCE_COLOR`, a terminal without `NO_COLOR`). Returns the function that unwraps them.
 */
export function guardOutput(argv: readonly string[] = process.argv, env: NodeJS.ProcessEnv = process.env): () => void {
  const restore: Array<() => void> = [];
  for (const stream of [process.stdout, process.stderr]) {
    const keepOwn = colorFor(stream, argv, env);
    // stderr is text for people: config keys are masked in it too (stdout carries data, masked before it is written).
    const mask = stream === process.stderr ? (text: string) => maskShown(maskKeys(text)) : maskShown;
    const own = stream.write;
    const write = own.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    restore.push(() => (stream.write = own));
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : chunk;
      return write(typeof text === 'string' ? neutralizeControls(mask(text), keepOwn) : text, ...rest);
    }) as typeof stream.write;
  }
  return () => restore.forEach((undo) => undo());
}
