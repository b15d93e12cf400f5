// The only importer of winston: the stderr diagnostics logger and the decision log writer (chained, locked, shipped).
import fs from 'node:fs';
import path from 'node:path';
import winston from 'winston';
import { PolicyError, badInput } from '../shared/errors.js';
import { chainPosition, readHead, sealRecord, writeHead } from './chain.js';
import type { AuditConfig, AuditTransportSpec, FileTransportSpec } from './config.js';
import { defaultActor, newDecisionId, recordBody, type AuditRecord, type ChainHead, type Decision } from './event.js';
import { ChainFile, lockPathFor } from './files.js';
import { withFileLock } from './lock.js';
import { maskSecrets } from './mask.js';

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

const MESSAGE = Symbol.for('message'); // winston's (triple-beam's) key for the formatted line
const LINE = Symbol('wg-policy.audit-line');
const TICKET = Symbol('wg-policy.audit-ticket');
const WRITE_TIMEOUT_MS = 10_000;
const HTTP_DRAIN_MS = 5_000;

/** Options of `appendDecision`; `transports` / `replaceDefault` come from `auditConfigFrom`. */
export type AppendOptions = Partial<Pick<AuditConfig, 'transports' | 'replaceDefault'>> & {
  /** The chained log, e.g. `<wgdir>/policy-audit.jsonl`. */
  path: string;
  clock?: () => Date;
  newId?: () => string;
  /** Default: `$WG_AGENT_ID`, else the OS user name. */
  actor?: string;
  /** Secret values (api keys read from config) to mask wherever they appear. */
  secrets?: readonly string[];
  lockTimeoutMs?: number;
};

type Info = Record<string | symbol, unknown>;
// winston's types name the base class `transport`; at run time it is exported as `Transport`.
type TransportClass = new (options?: { level?: string }) => winston.transport;
const TransportBase = (winston as unknown as { Transport: TransportClass }).Transport;

/** Writes each record synchronously to the chained log (rotating under the lock) and acknowledges it. */
class ChainFileTransport extends TransportBase {
  private readonly waiting = new Map<number, { resolve(): void; reject(e: Error): void }>();
  constructor(private readonly chain: ChainFile) {
    super({ level: 'info' });
  }

  /** Resolves once the record with this ticket is on disk. */
  written(ticket: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = (e?: Error) => {
        clearTimeout(timer);
        this.waiting.delete(ticket);
        if (e) reject(e);
        else resolve();
      };
      const timer = setTimeout(() => done(new PolicyError('internal', `the decision log \`${this.chain.logPath}\` did not receive a record within ${WRITE_TIMEOUT_MS} ms`)), WRITE_TIMEOUT_MS);
      timer.unref();
      this.waiting.set(ticket, { resolve: () => done(), reject: done });
    });
  }

  log(info: Info, next: () => void): void {
    const waiter = this.waiting.get(info[TICKET] as number);
    try {
      this.chain.append(String(info[MESSAGE]));
      waiter?.resolve();
    } catch (e) {
      const error = new PolicyError('internal', `cannot append to the decision log \`${this.chain.logPath}\`: ${(e as Error).message}`);
      if (waiter) waiter.reject(error);
      else transportErrors.push(error.message);
    }
    next();
  }
}

type Sink = { logger: winston.Logger; file?: ChainFileTransport; chain?: ChainFile; http: { pending: number; idle: Set<() => void> }; owned: fs.WriteStream[] };
const sinks = new Map<string, Sink>();
const inFlight = new Set<Promise<unknown>>();
const transportErrors: string[] = [];
let tickets = 0;

/**
 * Appends one decision to the log: masks it, chains it (seq, prev, hash) under the `<log>.lock` flock, writes it
 * through winston (the chained file is fdatasync'd before the lock is released), then updates `<log>.head`.
 * Returns the record as written. The decision passed in is never modified.
 */
export function appendDecision(decision: Decision, options: AppendOptions): Promise<AuditRecord> {
  const pending = append(decision, options);
  inFlight.add(pending);
  void pending.then(
    () => inFlight.delete(pending),
    () => inFlight.delete(pending),
  );
  return pending;
}

async function append(decision: Decision, options: AppendOptions): Promise<AuditRecord> {
  const logPath = path.resolve(options.path);
  const now = (options.clock ?? (() => new Date()))();
  const id = options.newId ? options.newId() : newDecisionId(now.getTime());
  const { id: _id, ts, ...rest } = recordBody(decision, { id, now, actor: options.actor ?? defaultActor() });
  const { value, masked } = maskSecrets(rest, options.secrets);
  const sink = sinkFor(logPath, options);
  fs.mkdirSync(path.dirname(logPath), { recursive: true });
  return withFileLock(
    lockPathFor(logPath),
    async () => {
      const record = sealRecord({ id, ts, ...value, masked }, chainHead(logPath, sink.chain));
      const ticket = ++tickets;
      const written = sink.file?.written(ticket);
      sink.http.pending += sink.logger.transports.filter((t) => t instanceof winston.transports.Http).length;
      sink.logger.log({ level: 'info', message: `${record.kind} decision ${record.id}`, ...record, [LINE]: JSON.stringify(record), [TICKET]: ticket });
      await written;
      writeHead(logPath, { seq: record.seq, hash: record.hash });
      return record;
    },
    { timeoutMs: options.lockTimeoutMs },
  );
}

/** Where the chain continues: the head sidecar, or the log's last record if the sidecar is missing or one behind. */
function chainHead(logPath: string, chain: ChainFile | undefined): ChainHead | undefined {
  const head = readHead(logPath);
  const lastLine = chain?.lastLine();
  const last = lastLine ? chainPosition(lastLine.text) : undefined;
  if (!last) return head;
  // A writer that died between its append and its head update left the log one record ahead.
  if (!head || (last.seq === head.seq + 1 && last.prev === head.hash)) return { seq: last.seq, hash: last.hash };
  return head;
}

function sinkFor(logPath: string, options: AppendOptions): Sink {
  const specs = options.transports ?? [];
  const key = JSON.stringify([logPath, options.replaceDefault === true, specs]);
  const cached = sinks.get(key);
  if (cached) return cached;
  const isChained = (s: AuditTransportSpec): s is FileTransportSpec => s.type === 'file' && (s.filename === undefined || path.resolve(s.filename) === logPath);
  const chainSpecs = specs.filter(isChained);
  if (chainSpecs.length > 1) throw badInput(`two file transports write the decision log \`${logPath}\` itself; keep one`);
  const chain = chainSpecs.length || !options.replaceDefault ? new ChainFile(logPath, chainSpecs[0] ?? {}) : undefined;
  const file = chain ? new ChainFileTransport(chain) : undefined;
  const owned: fs.WriteStream[] = [];
  const transports = [...(file ? [file] : []), ...specs.filter((s) => !isChained(s)).map((s) => winstonTransport(s, owned))];
  if (transports.length === 0) throw badInput('the decision log has no destination: `replaceDefault` is set but no transport replaces it');
  const lineFormat = winston.format((info) => {
    (info as Info)[MESSAGE] = (info as Info)[LINE];
    return info;
  });
  const logger = winston.createLogger({ level: 'info', format: lineFormat(), transports, exitOnError: false });
  const http = { pending: 0, idle: new Set<() => void>() };
  const settleHttp = () => {
    http.pending = Math.max(0, http.pending - 1);
    if (http.pending === 0) for (const wake of http.idle) wake();
  };
  for (const t of transports) if (t instanceof winston.transports.Http) t.on('logged', settleHttp).on('warn', settleHttp);
  const report = (e: Error, t?: { name?: string }) => transportErrors.push(`audit transport \`${t?.name ?? '?'}\` failed: ${e?.message ?? String(e)}`);
  logger.on('error', report).on('warn', report);
  const sink = { logger, file, chain, http, owned };
  sinks.set(key, sink);
  return sink;
}

function winstonTransport(spec: AuditTransportSpec, owned: fs.WriteStream[]): winston.transport {
  switch (spec.type) {
    case 'file':
      return new winston.transports.File(defined({ filename: spec.filename, maxsize: spec.maxsize, maxFiles: spec.maxFiles, tailable: spec.tailable }));
    case 'http':
      return new winston.transports.Http(defined({ host: spec.host, port: spec.port, path: spec.path, ssl: spec.ssl }));
    case 'stream': {
      if (spec.stream === 'stderr') return new winston.transports.Stream({ stream: process.stderr });
      const stream = fs.createWriteStream(spec.stream, { flags: 'a' });
      owned.push(stream);
      return new winston.transports.Stream({ stream });
    }
    case 'console':
      return new winston.transports.Console({ stderrLevels: Object.keys(winston.config.npm.levels) });
  }
}

function defined<T extends object>(options: T): T {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as T;
}

/**
 * Waits for pending appends, ends every decision-log logger and awaits winston's 'finish' (and in-flight HTTP
 * posts, up to 5 s). Await it before the process exits. Returns transport failures seen since the last call.
 */
export async function closeAuditLog(): Promise<string[]> {
  while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  const open = [...sinks.values()];
  sinks.clear();
  await Promise.all(open.map(closeSink));
  return transportErrors.splice(0);
}

async function closeSink(sink: Sink): Promise<void> {
  await new Promise<void>((resolve) => {
    sink.logger.once('finish', () => resolve());
    sink.logger.end();
  });
  if (sink.http.pending > 0) {
    const drained = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), HTTP_DRAIN_MS);
      sink.http.idle.add(() => (clearTimeout(timer), resolve(true)));
    });
    if (!drained) transportErrors.push(`audit transport \`http\` still had ${sink.http.pending} record(s) in flight after ${HTTP_DRAIN_MS} ms`);
  }
  await Promise.all(sink.owned.map((s) => new Promise<void>((resolve) => s.end(() => resolve()))));
}
