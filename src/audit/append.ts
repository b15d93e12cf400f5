// Appending a decision to the chained log: masked, sealed (seq, prev, hash) and written under the writer lock, with no
// child process and no winston (winston loads only to ship records to extra `[policy]` transports).
import path from 'node:path';
import { PolicyError } from '../shared/errors.js';
import { makeDirs } from '../shared/read-file.js';
import { chainPosition, GENESIS, readHead, sealRecord, writeHead } from './chain.js';
import type { AuditConfig, AuditTransportSpec, FileTransportSpec } from './config.js';
import { defaultActor, newDecisionId, recordBody, type AuditRecord, type ChainHead, type Decision } from './event.js';
import { ChainFile, lockPathFor } from './files.js';
import { maskSecrets } from './mask.js';
import { withWriterLock } from './writer-lock.js';

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

type Shipping = typeof import('./log.js');
/**
 * Options of `closeAuditLog`: how long it waits for each extra transport to flush (default 2000 ms) and for HTTP posts
 * in flight (default 5000 ms) before it gives up on them with a warning. The defaults are what the CLI uses.
 */
export type CloseOptions = { flushTimeoutMs?: number; httpTimeoutMs?: number };
/** The winston side, once a record had extra transports to go to. */
let shipping: Shipping | undefined;
const chains = new Map<string, ChainFile>();
const inFlight = new Set<Promise<unknown>>();
/** Head updates that failed after their record was written (the next append continues from the log). */
const headFailures: string[] = [];

/**
 * Appends one decision to the log: masks it, chains it (seq, prev, hash) under the `<log>.lock` writer lock, writes it
 * to the chained file (fdatasync'd before the lock is released), ships it to extra transports, then updates
 * `<log>.head`. Returns the record as written. The decision passed in is never modified.
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

/** Where a record goes: the chained file (unless replaced) and the other transports. */
function destinations(logPath: string, options: AppendOptions): { chain?: ChainFile; extra: AuditTransportSpec[] } {
  const specs = options.transports ?? [];
  const isChained = (s: AuditTransportSpec): s is FileTransportSpec => s.type === 'file' && (s.filename === undefined || path.resolve(s.filename) === logPath);
  const chainSpecs = specs.filter(isChained);
  if (chainSpecs.length > 1) throw new PolicyError('audit-config', `two file transports write the decision log \`${logPath}\` itself; keep one`);
  const extra = specs.filter((s) => !isChained(s));
  if (!chainSpecs.length && options.replaceDefault) {
    if (!extra.length) throw new PolicyError('audit-config', 'the decision log has no destination: `replaceDefault` is set but no transport replaces it');
    return { extra };
  }
  const key = JSON.stringify([logPath, chainSpecs[0] ?? {}]);
  let chain = chains.get(key);
  if (!chain) chains.set(key, (chain = new ChainFile(logPath, chainSpecs[0] ?? {})));
  return { chain, extra };
}

async function append(decision: Decision, options: AppendOptions): Promise<AuditRecord> {
  const logPath = path.resolve(options.path);
  const now = (options.clock ?? (() => new Date()))();
  const id = options.newId ? options.newId() : newDecisionId(now.getTime());
  const { id: _id, ts, ...rest } = recordBody(decision, { id, now, actor: options.actor ?? defaultActor() });
  const { value, masked } = maskSecrets(rest, options.secrets);
  const { chain, extra } = destinations(logPath, options);
  const ship = extra.length ? (shipping ??= await import('./log.js')) : undefined;
  const sink = ship?.openSink(logPath, extra, !chain);
  makeDirs(path.dirname(logPath), 'folder of the decision log');
  const record: { record: AuditRecord; shipped?: Promise<void> } = await withWriterLock(
    lockPathFor(logPath),
    () => {
      const head = chainHead(logPath, chain);
      // INVARIANT: a log never has records without a head: the empty chain's head is written before the first record,
      // so a writer killed between its append and its head update leaves the head one behind (which verifies).
      if (!head) writeHead(logPath, { seq: -1, hash: GENESIS });
      const record = sealRecord({ id, ts, ...value, masked }, head);
      if (chain) {
        try {
          chain.append(JSON.stringify(record));
        } catch (e) {
          throw new PolicyError('internal', `cannot append to the decision log \`${chain.logPath}\`: ${(e as Error).message}`);
        }
      }
      const shipped = ship && sink ? ship.send(sink, record) : undefined;
      try {
        writeHead(logPath, { seq: record.seq, hash: record.hash });
      } catch (e) {
        // The record is whole and on disk; the next append finds the head one behind and continues from the log.
        headFailures.push(`the decision log's head \`${logPath}.head\` was not updated: ${(e as Error).message}`);
      }
      return { record, shipped };
    },
    { timeoutMs: options.lockTimeoutMs, what: 'the decision log' },
  );
  // winston's rotating File transport loses its way when records arrive while it rotates: let it finish first.
  if (record.shipped) await record.shipped;
  return record.record;
}

/** Where the chain continues: the head sidecar, or the log's last record if the sidecar is missing or one behind. */
function chainHead(logPath: string, chain: ChainFile | undefined): ChainHead | undefined {
  const head = readHead(logPath);
  const lastLine = chain?.lastLine();
  const last = lastLine ? chainPosition(lastLine.text) : undefined;
  if (!last) return head;
  // A writer that died between its append and its head update left the log one record ahead.
  if (!head || (last.seq === head.seq + 1 && last.prev === head.hash)) return { seq: last.seq, hash: last.hash };
  // More than one ahead, no writer left it so: continuing from the head would give two records one seq (a fork).
  if (last.seq > head.seq + 1)
    throw new PolicyError(
      'audit-unrecordable',
      `the log runs ${last.seq - head.seq} records past its head sidecar (seq ${head.seq}): records were appended outside wg-policy, or the head could not be updated; run \`wg-policy audit verify\``,
    );
  return head;
}

/**
 * Waits for pending appends, then (if any record went to extra transports) ends them: each gets at most 2 s to finish
 * (HTTP posts in flight: 5 s; `options` changes either). Await it before the process exits. Returns transport failures
 * seen since the last call.
 */
export async function closeAuditLog(options: CloseOptions = {}): Promise<string[]> {
  while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  chains.clear();
  const failures = headFailures.splice(0);
  return [...failures, ...(shipping ? await shipping.closeSinks({ flushMs: options.flushTimeoutMs, httpMs: options.httpTimeoutMs }) : [])];
}
