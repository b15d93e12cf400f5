// Diagnostics for humans on stderr: one plain line per message (`warning: …`, as every other warning; `error: …`; info lines bare), never on stdout.

/** Diagnostics for humans on stderr: one plain line per message, never on stdout (stdout is protocol). */
export interface Diagnostics {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** Flushes pending lines; await before the process exits. */
  close(): Promise<void>;
}

/** Plain lines on stderr, written as they come; `quiet` keeps info lines back. */
export function createDiagnostics(options: { quiet?: boolean } = {}): Diagnostics {
  const line = (text: string) => void process.stderr.write(`${text}\n`);
  return {
    info: (m) => (options.quiet ? undefined : line(m)),
    warn: (m) => line(`warning: ${m}`),
    error: (m) => line(`error: ${m}`),
    close: () => new Promise<void>((resolve) => process.stderr.write('', () => resolve())),
  };
}
