// The only importer of winston: ships decision records to the extra `[policy]` transports (loaded only when there are some).
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Writable } from 'node:stream';
import winston from 'winston';
import { PolicyError } from '../shared/errors.js';
import { within } from '../shared/time.js';
import type { AuditTransportSpec } from './config.js';
import type { AuditRecord } from './event.js';

const MESSAGE = Symbol.for('message'); // winston's (triple-beam's) key for the formatted line
const LINE = Symbol('wg-policy.audit-line');
// INVARIANT: closeSinks never waits longer than its bounds (these by default) for a transport; then it lets go of it.
const CLOSE_TIMEOUT_MS = 2_000;
const HTTP_DRAIN_MS = 5_000;

/** How long closing waits for each transport to flush (`flushMs`, default 2 s) and for HTTP posts in flight (`httpMs`, default 5 s). */
export type CloseBounds = { flushMs?: number; httpMs?: number };

type Info = Record<string | symbol, unknown>;

/** What a sink opened itself and must close (or destroy) on close: stream targets and HTTP agents. */
type Owned = { streams: { target: string; stream: Writable }[]; agents: http.Agent[] };
/** The extra transports of one decision log, as one winston logger. */
export type Sink = { logger: winston.Logger; http: { pending: number; idle: Set<() => void> }; owned: Owned };
const sinks = new Map<string, Sink>();
const transportErrors: string[] = [];

/**
 * The winston logger for a log's extra transports (kept per process). A transport whose target cannot take records now
 * is skipped with a warning; when `only` (the chained file is replaced) and nothing is left, that is `audit-config`.
 */
export function openSink(logPath: string, specs: readonly AuditTransportSpec[], only: boolean): Sink | undefined {
  const key = JSON.stringify([logPath, specs]);
  const cached = sinks.get(key);
  if (cached) return cached;
  const owned: Owned = { streams: [], agents: [] };
  const skipped: string[] = [];
  const transports = specs.map((s) => winstonTransport(s, owned, skipped)).filter((t): t is winston.transport => t !== undefined);
  transportErrors.push(...skipped);
  if (transports.length === 0) {
    if (only) throw new PolicyError('audit-config', `the decision log has no destination: its only destination was skipped: ${skipped.join('; ')}`);
    return undefined;
  }
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
  const sink = { logger, http, owned };
  sinks.set(key, sink);
  return sink;
}

/** winston's File transport state while it rotates (its own fields: it loses records sent while it turns). */
type Turning = winston.transport & { _rotate?: boolean; _opening?: boolean };

/**
 * Hands one sealed record to the sink's transports (they finish on their own; closeSinks waits for them). Resolves once
 * every File transport has written it and finished any rotation it started (at most 2 s): winston's rotating File
 * transport misplaces records that arrive while it turns.
 */
export function send(sink: Sink, record: AuditRecord): Promise<void> {
  sink.http.pending += sink.logger.transports.filter((t) => t instanceof winston.transports.Http).length;
  const info = { level: 'info', message: `${record.kind} decision ${record.id}`, ...record, [LINE]: JSON.stringify(record) };
  const files = sink.logger.transports.filter((t): t is Turning => t instanceof winston.transports.File);
  const settled = files.map(
    (t) =>
      new Promise<void>((resolve) => {
        const onLogged = (seen: Info) => {
          if (seen[LINE] !== info[LINE]) return;
          t.off('logged', onLogged);
          // winston reports a record written before it decides to turn to a new file: look once that decision is made.
          queueMicrotask(() => {
            if (t._rotate || t._opening) t.once('open', () => resolve());
            else resolve();
          });
        };
        t.on('logged', onLogged);
      }),
  );
  sink.logger.log(info);
  return files.length ? within(Promise.all(settled), CLOSE_TIMEOUT_MS).then(() => undefined) : Promise.resolve();
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
 * Ends every sink's logger and awaits winston's 'finish' and each stream target's flush (up to 2 s each) and in-flight
 * HTTP posts (up to 5 s; `bounds` changes either), then lets go of every stream, socket and agent it opened. Returns transport failures (and
 * transports that did not finish) seen since the last call.
 */
export async function closeSinks(bounds: CloseBounds = {}): Promise<string[]> {
  const open = [...sinks.values()];
  sinks.clear();
  const flushMs = bounds.flushMs ?? CLOSE_TIMEOUT_MS;
  const httpMs = bounds.httpMs ?? HTTP_DRAIN_MS;
  await Promise.all(open.map((sink) => closeSink(sink, flushMs, httpMs)));
  return transportErrors.splice(0);
}

async function closeSink(sink: Sink, flushMs: number, httpMs: number): Promise<void> {
  const ended = await within(
    new Promise<void>((resolve) => {
      sink.logger.once('finish', () => resolve());
      sink.logger.end();
    }),
    flushMs,
  );
  if (!ended) transportErrors.push(`the decision log's transports did not finish within ${flushMs} ms`);
  if (sink.http.pending > 0) {
    const drained = await within(new Promise<void>((resolve) => sink.http.idle.add(resolve)), httpMs);
    if (!drained) transportErrors.push(`audit transport \`http\` still had ${sink.http.pending} record(s) in flight after ${httpMs} ms`);
  }
  for (const agent of sink.owned.agents) agent.destroy();
  await Promise.all(
    sink.owned.streams.map(async ({ target, stream }) => {
      const flushed = await within(new Promise<void>((resolve) => stream.end(() => resolve())), flushMs);
      if (!flushed)
        transportErrors.push(`audit transport \`stream\` to \`${target}\` did not finish within ${flushMs} ms; records not yet read from it may be lost`);
      stream.destroy();
    }),
  );
}
