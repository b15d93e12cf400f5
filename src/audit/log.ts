// The only importer of winston: the stderr diagnostics logger and the decision log writer (chained, locked, shipped).
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import type { Writable } from 'node:stream';
import winston from 'winston';
import { PolicyError } from '../shared/errors.js';
import { makeDirs } from '../shared/read-file.js';
import { withFileLock } from '../shared/lock.js';
import { within } from '../shared/time.js';
import { chainPosition, GENESIS, readHead, sealRecord, writeHead } from './chain.js';
import type { AuditConfig, AuditTransportSpec, FileTransportSpec } from './config.js';
import { defaultActor, newDecisionId, recordBody, type AuditRecord, type ChainHead, type Decision } from './event.js';
import { ChainFile, lockPathFor } from './files.js';
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
// INVARIANT: closeAuditLog never waits longer than this for a transport to flush; then it lets go of it.
const CLOSE_TIMEOUT_MS = 2_000;

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
      const timer = setTimeout(
        () => done(new PolicyError('internal', `the decision log \`${this.chain.logPath}\` did not receive a record within ${WRITE_TIMEOUT_MS} ms`)),
        WRITE_TIMEOUT_MS,
      );
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

/** What a sink opened itself and must close (or destroy) on close: stream targets and HTTP agents. */
type Owned = { streams: { target: string; stream: Writable }[]; agents: http.Agent[] };
type Sink = { logger: winston.Logger; file?: ChainFileTransport; chain?: ChainFile; http: { pending: number; idle: Set<() => void> }; owned: Owned };
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
  makeDirs(path.dirname(logPath), 'folder of the decision log');
  return withFileLock(
    lockPathFor(logPath),
    async () => {
      const head = chainHead(logPath, sink.chain);
      // INVARIANT: a log never has records without a head: the empty chain's head is written before the first record,
      // so a writer killed between its append and its head update leaves the head one behind (which verifies).
      if (!head) writeHead(logPath, { seq: -1, hash: GENESIS });
      const record = sealRecord({ id, ts, ...value, masked }, head);
      const ticket = ++tickets;
      const written = sink.file?.written(ticket);
      sink.http.pending += sink.logger.transports.filter((t) => t instanceof winston.transports.Http).length;
      sink.logger.log({ level: 'info', message: `${record.kind} decision ${record.id}`, ...record, [LINE]: JSON.stringify(record), [TICKET]: ticket });
      await written;
      try {
        writeHead(logPath, { seq: record.seq, hash: record.hash });
      } catch (e) {
        // The record is whole and on disk; the next append finds the head one behind and continues from the log.
        transportErrors.push(`the decision log's head \`${logPath}.head\` was not updated: ${(e as Error).message}`);
      }
      return record;
    },
    { timeoutMs: options.lockTimeoutMs, what: 'the decision log' },
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
  if (chainSpecs.length > 1) throw new PolicyError('audit-config', `two file transports write the decision log \`${logPath}\` itself; keep one`);
  const chain = chainSpecs.length || !options.replaceDefault ? new ChainFile(logPath, chainSpecs[0] ?? {}) : undefined;
  const file = chain ? new ChainFileTransport(chain) : undefined;
  const owned: Owned = { streams: [], agents: [] };
  const skipped: string[] = [];
  const extra = specs.filter((s) => !isChained(s)).map((s) => winstonTransport(s, owned, skipped));
  const transports = [...(file ? [file] : []), ...extra.filter((t): t is winston.transport => t !== undefined)];
  if (transports.length === 0) {
    const why = skipped.length ? `its only destination was skipped: ${skipped.join('; ')}` : '`replaceDefault` is set but no transport replaces it';
    throw new PolicyError('audit-config', `the decision log has no destination: ${why}`);
  }
  transportErrors.push(...skipped);
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

/** The winston transport for a spec; undefined (with a warning in `skipped`) when its target cannot take records now. */
function winstonTransport(spec: AuditTransportSpec, owned: Owned, skipped: string[]): winston.transport | undefined {
  switch (spec.type) {
    case 'file':
      return new winston.transports.File(defined({ filename: spec.filename, maxsize: spec.maxsize, maxFiles: spec.maxFiles, tailable: spec.tailable }));
    case 'http': {
      // Our own agent, destroyed on close: no socket to a slow collector outlives closeAuditLog.
      const agent = spec.ssl ? new https.Agent() : new http.Agent();
      owned.agents.push(agent);
      return new winston.transports.Http(defined({ host: spec.host, port: spec.port, path: spec.path, ssl: spec.ssl, agent }));
    }
    case 'stream': {
      if (spec.stream === 'stderr') return new winston.transports.Stream({ stream: process.stderr });
      const stream = openStreamTarget(spec.stream, skipped);
      if (!stream) return undefined;
      stream.on('error', (e: Error) => transportErrors.push(`audit transport \`stream\` to \`${spec.stream}\` failed: ${e.message}`));
      owned.streams.push({ target: spec.stream, stream });
      return new winston.transports.Stream({ stream });
    }
    case 'console':
      return new winston.transports.Console({ stderrLevels: Object.keys(winston.config.npm.levels) });
  }
}

/**
 * Opens a stream target for appending. A FIFO is opened non-blocking: with no reader that fails at once (ENXIO) and
 * the transport is skipped, instead of an open() that waits for a reader forever in libuv's threadpool.
 */
function openStreamTarget(target: string, skipped: string[]): Writable | undefined {
  let isFifo = false;
  try {
    isFifo = fs.statSync(target).isFIFO();
  } catch {
    // missing: created as a plain file below
  }
  if (!isFifo) return fs.createWriteStream(target, { flags: 'a' });
  let fd: number;
  try {
    fd = fs.openSync(target, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    skipped.push(
      `audit transport \`stream\` skipped: ${code === 'ENXIO' ? `nobody reads the FIFO \`${target}\`` : `cannot open the FIFO \`${target}\`: ${(e as Error).message}`}`,
    );
    return undefined;
  }
  // A pipe handle writes without blocking a thread; a reader that stops reading cannot hold the process.
  return new net.Socket({ fd, readable: false, writable: true });
}

function defined<T extends object>(options: T): T {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as T;
}

/**
 * Waits for pending appends, ends every decision-log logger and awaits winston's 'finish' and each stream target's
 * flush (up to 2 s each) and in-flight HTTP posts (up to 5 s), then lets go of every stream, socket and agent it
 * opened. Await it before the process exits. Returns transport failures (and transports that did not finish) seen
 * since the last call.
 */
export async function closeAuditLog(): Promise<string[]> {
  while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  const open = [...sinks.values()];
  sinks.clear();
  await Promise.all(open.map(closeSink));
  return transportErrors.splice(0);
}

async function closeSink(sink: Sink): Promise<void> {
  const ended = await within(
    new Promise<void>((resolve) => {
      sink.logger.once('finish', () => resolve());
      sink.logger.end();
    }),
    CLOSE_TIMEOUT_MS,
  );
  if (!ended) transportErrors.push(`the decision log's transports did not finish within ${CLOSE_TIMEOUT_MS} ms`);
  if (sink.http.pending > 0) {
    const drained = await within(new Promise<void>((resolve) => sink.http.idle.add(resolve)), HTTP_DRAIN_MS);
    if (!drained) transportErrors.push(`audit transport \`http\` still had ${sink.http.pending} record(s) in flight after ${HTTP_DRAIN_MS} ms`);
  }
  for (const agent of sink.owned.agents) agent.destroy();
  await Promise.all(
    sink.owned.streams.map(async ({ target, stream }) => {
      const flushed = await within(new Promise<void>((resolve) => stream.end(() => resolve())), CLOSE_TIMEOUT_MS);
      if (!flushed)
        transportErrors.push(
          `audit transport \`stream\` to \`${target}\` did not finish within ${CLOSE_TIMEOUT_MS} ms; records not yet read from it may be lost`,
        );
      stream.destroy();
    }),
  );
}
