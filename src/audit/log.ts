// The only importer of winston: the stderr diagnostics logger (and, later, the decision log writer).
import winston from 'winston';

/** Diagnostics for humans on stderr: one plain line per message, never on stdout (stdout is protocol). */
export interface Diagnostics {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** Flushes pending lines; await before the process exits. */
  close(): Promise<void>;
}

/** A winston logger that writes plain lines to stderr; `quiet` keeps info lines back. */
export function createDiagnostics(options: { quiet?: boolean } = {}): Diagnostics {
  const logger = winston.createLogger({
    level: options.quiet ? 'warn' : 'info',
    format: winston.format.printf(({ level, message }) => (level === 'info' ? String(message) : `${level}: ${String(message)}`)),
    transports: [new winston.transports.Stream({ stream: process.stderr })],
  });
  return {
    info: (m) => void logger.info(m),
    warn: (m) => void logger.warn(m),
    error: (m) => void logger.error(m),
    close: () =>
      new Promise<void>((resolve) => {
        logger.on('finish', () => resolve());
        logger.end();
      }),
  };
}
