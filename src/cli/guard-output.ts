// The last line of defence on stdout and stderr: a closed pipe ends the process quietly, credentials in URLs and
// headers are masked, and terminal control sequences from task data are shown escaped instead of acting.
import { maskShown } from '../shared/secrets.js';

/** The conventional exit status of a process whose reader went away: 128 + SIGPIPE. */
export const CLOSED_PIPE_EXIT = 141;

// C0 controls but tab and newline, DEL, and C1 controls: they move the cursor, retitle or reprogram a terminal.
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;
// What wg-policy itself writes to a colour terminal: SGR colours and the live line's clear (`\r\x1b[2K`).
const OWN_SEQUENCE = /\x1b\[[0-9;]*m|\r\x1b\[2K/g;

/** `text` with control characters shown as `\u00NN` (valid inside JSON strings too); with `keepOwn`, wg-policy's own colour and clear sequences stay. */
export function neutralizeControls(text: string, keepOwn: boolean): string {
  const escape = (s: string) => s.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
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
 * Wraps `process.stdout` and `process.stderr`: every write is masked and neutralized (colour sequences survive only
 * on a colour terminal), and EPIPE (the reader closed the pipe: `wg-policy audit list | head -1`) exits at once with
 * status 141 and no message. Every record and graph write is whole before it returns, so exiting there tears nothing.
 */
export function guardOutput(env: NodeJS.ProcessEnv = process.env): void {
  for (const stream of [process.stdout, process.stderr]) {
    const keepOwn = !!stream.isTTY && !env.NO_COLOR;
    const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : chunk;
      return write(typeof text === 'string' ? neutralizeControls(maskShown(text), keepOwn) : text, ...rest);
    }) as typeof stream.write;
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(CLOSED_PIPE_EXIT);
      throw e;
    });
  }
}
