// Tamper evidence: canonical hashing, the prev/hash chain, the head sidecar, and streaming verification.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as z from 'zod/mini';
import { AuditRecordSchema, ChainHeadSchema, type AuditRecord, type ChainHead, type UnsealedRecord } from './event.js';
import { headPathFor, readLines, unreadable } from './files.js';
import { readTextFile } from '../shared/read-file.js';

/** `prev` of the first record of a chain. */
export const GENESIS = '0'.repeat(64);

export const VerifyProblemSchema = z.object({
  file: z.string(),
  line: z.int(),
  seq: z.optional(z.int()),
  // head-missing: the log has records but no head sidecar, so records removed from its end cannot be seen.
  kind: z.enum(['edited', 'removed', 'reordered', 'truncated', 'corrupt', 'head-missing']),
  message: z.string(),
});
export const VerifyResultSchema = z.object({
  ok: z.boolean(),
  records: z.int(),
  /** Set when `allowPrunedStart` accepted a chain that starts after seq 0: the first seq verified. */
  prunedBefore: z.optional(z.int()),
  problem: z.optional(VerifyProblemSchema),
});
export type VerifyProblem = z.infer<typeof VerifyProblemSchema>;
export type VerifyResult = z.infer<typeof VerifyResultSchema>;

/** JSON with object keys sorted (UTF-16 order) at every depth; undefined members dropped, as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  canonical(value, out);
  return out.join('');
}

function canonical(value: unknown, out: string[]): void {
  if (value === null || typeof value !== 'object') {
    out.push(JSON.stringify(value) ?? 'null');
    return;
  }
  if (Array.isArray(value)) {
    out.push('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.push(',');
      const v: unknown = value[i];
      if (v === undefined) out.push('null');
      else canonical(v, out);
    }
    out.push(']');
    return;
  }
  const obj = value as Record<string, unknown>;
  out.push('{');
  let first = true;
  for (const key of Object.keys(obj).sort()) {
    const v = obj[key];
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    if (!first) out.push(',');
    first = false;
    out.push(JSON.stringify(key), ':');
    canonical(v, out);
  }
  out.push('}');
}

/** sha256 hex of the canonical JSON of a record without its `hash`. */
export function hashRecord(record: Omit<AuditRecord, 'hash'> | AuditRecord): string {
  const { hash: _ignored, ...rest } = record as AuditRecord;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
}

/** Chains a record after `head` (or starts a chain): sets `seq`, `prev` and `hash`. */
export function sealRecord(body: UnsealedRecord, head: ChainHead | undefined): AuditRecord {
  const unhashed = { ...body, seq: head ? head.seq + 1 : 0, prev: head ? head.hash : GENESIS };
  return { ...unhashed, hash: hashRecord(unhashed) };
}

/** The head sidecar of a log, or undefined when it is missing or unreadable. */
export function readHead(logPath: string): ChainHead | undefined {
  const read = readHeadFile(headPathFor(logPath));
  return read.head;
}

function readHeadFile(file: string): { head?: ChainHead; error?: string } {
  let text: string | undefined;
  try {
    text = readTextFile(file, { what: 'chain head', missing: 'absent' });
  } catch (e) {
    return { error: (e as Error).message };
  }
  if (text === undefined) return {};
  try {
    const parsed = ChainHeadSchema.safeParse(JSON.parse(text));
    return parsed.success ? { head: parsed.data } : { error: 'it is not {seq, hash}' };
  } catch {
    return { error: 'it is not JSON' };
  }
}

/** Replaces the head sidecar atomically (write + rename); call under the log's lock. */
export function writeHead(logPath: string, head: ChainHead): void {
  const file = headPathFor(logPath);
  try {
    fs.writeFileSync(`${file}.tmp`, `${JSON.stringify({ seq: head.seq, hash: head.hash })}\n`);
    fs.renameSync(`${file}.tmp`, file);
  } catch (e) {
    fs.rmSync(`${file}.tmp`, { force: true });
    throw e;
  }
}

/** The chain position a parsed line claims, if it looks like a record. */
export function chainPosition(text: string): (ChainHead & { prev: string }) | undefined {
  try {
    const r = JSON.parse(text) as Partial<AuditRecord>;
    if (typeof r.seq === 'number' && typeof r.hash === 'string' && typeof r.prev === 'string') return { seq: r.seq, hash: r.hash, prev: r.prev };
  } catch {
    // not a record
  }
  return undefined;
}

export type VerifyOptions = {
  /**
   * The head sidecar to check against; default: the first `<file>.head` found, newest file first (a rotated
   * `<stem><n><ext>` also looks for `<stem><ext>.head`). A missing head next to a non-empty log is a problem; pass
   * false to verify without one (a part of a rotated set, a copy shipped by another transport).
   */
  head?: string | false;
  /** Accept a chain that starts after seq 0 (rotation with maxFiles deleted the oldest files). */
  allowPrunedStart?: boolean;
};

/**
 * Streams the log file(s), oldest → newest, and reports the first record that was edited (hash mismatch), removed
 * or reordered (seq gap, prev mismatch), truncated (torn last line, fewer records than the head says) or corrupt.
 */
export async function verifyLog(paths: string[] | string, options: VerifyOptions = {}): Promise<VerifyResult> {
  const files = typeof paths === 'string' ? [paths] : [...paths];
  let head: ChainHead | undefined;
  const headFile = options.head === false ? undefined : (options.head ?? headCandidates(files).find((f) => fs.existsSync(f)) ?? expectedHead(files));
  if (headFile) {
    const read = readHeadFile(headFile);
    if (read.error) return fail(0, { file: headFile, line: 1, kind: 'corrupt', message: `the head sidecar \`${headFile}\` is unreadable: ${read.error}` });
    head = read.head;
  }

  let records = 0;
  let prunedBefore = 0;
  let expected = 0;
  let lastHash = GENESIS;
  let previous: { file: string; line: number; seq: number } | undefined;
  let lastSeen = { file: files.at(-1) ?? '', line: 0 };
  let gap: { file: string; line: number; seq: number; from: number } | undefined;
  /** The first record beyond the one a writer that stopped before its head update may leave. */
  let pastHead: { file: string; line: number; seq: number } | undefined;

  // Exact: a CRLF or a blank line is not what the log writes, so it is an edit (a reader elsewhere tolerates both).
  for await (const l of readLines(files, { exact: true })) {
    lastSeen = { file: l.file, line: l.line };
    if (gap) {
      // A gap is a removal unless a missing record turns up later: then the records were reordered.
      const pos = chainPosition(l.text);
      if (pos && pos.seq >= gap.from && pos.seq < gap.seq) {
        return fail(records, {
          file: gap.file,
          line: gap.line,
          seq: gap.seq,
          kind: 'reordered',
          message: `record seq ${gap.seq} at line ${gap.line} of \`${gap.file}\` comes before seq ${pos.seq} (line ${l.line} of \`${l.file}\`): records were reordered`,
        });
      }
      continue;
    }
    const why = unreadable(l) ?? (l.text.trim() === '' ? 'is blank (the log writes no blank lines)' : undefined);
    if (why) return fail(records, { file: l.file, line: l.line, kind: 'corrupt', message: `line ${l.line} of \`${l.file}\` ${why}` });
    let raw: unknown;
    try {
      raw = JSON.parse(l.text);
    } catch {
      const kind = l.torn ? 'truncated' : 'corrupt';
      const what = l.torn ? 'is torn (cut off mid-record)' : 'is not JSON';
      return fail(records, { file: l.file, line: l.line, kind, message: `line ${l.line} of \`${l.file}\` ${what}` });
    }
    const parsed = AuditRecordSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return fail(records, {
        file: l.file,
        line: l.line,
        kind: 'corrupt',
        message: `line ${l.line} of \`${l.file}\` is not a decision record: \`${issue.path.join('.')}\` ${issue.message.toLowerCase()}`,
      });
    }
    const rec = raw as AuditRecord;
    const at = { file: l.file, line: l.line, seq: rec.seq };
    if (hashRecord(rec) !== rec.hash) {
      return fail(records, {
        ...at,
        kind: 'edited',
        message: `record seq ${rec.seq} at line ${l.line} of \`${l.file}\` was edited: its hash does not match its content`,
      });
    }
    // The log writes each record as JSON.stringify gives it: other bytes for the same value (a duplicate key that a
    // reader taking the first one would see, changed spacing or escapes) are an edit the hash cannot see.
    if (JSON.stringify(raw) !== l.text) {
      return fail(records, {
        ...at,
        kind: 'edited',
        message: `record seq ${rec.seq} at line ${l.line} of \`${l.file}\` was edited: its bytes are not those the log wrote (a duplicate key, spacing or escapes)`,
      });
    }
    if (records === 0 && options.allowPrunedStart) {
      expected = rec.seq;
      lastHash = rec.prev;
      prunedBefore = rec.seq;
    }
    if (rec.seq > expected) {
      gap = { ...at, from: expected };
      continue;
    }
    if (rec.seq < expected) {
      return fail(records, {
        ...at,
        kind: 'reordered',
        message: `record seq ${rec.seq} at line ${l.line} of \`${l.file}\` comes after seq ${expected - 1}: records were reordered or repeated`,
      });
    }
    if (rec.prev !== lastHash) {
      // The record before was rewritten with a fresh hash (its own hash checks out, this link does not).
      const where = previous ?? at;
      const message = previous
        ? `record seq ${previous.seq} at line ${previous.line} of \`${previous.file}\` was edited and rehashed: seq ${rec.seq} (line ${l.line}) chains to a different hash`
        : `record seq ${rec.seq} at line ${l.line} of \`${l.file}\` was edited: the first record must chain to the genesis hash`;
      return fail(records, { ...where, kind: 'edited', message });
    }
    if (head && rec.seq === head.seq && rec.hash !== head.hash) {
      return fail(records, {
        ...at,
        kind: 'edited',
        message: `record seq ${rec.seq} at line ${l.line} of \`${l.file}\` was edited and rehashed: the head sidecar holds another hash`,
      });
    }
    if (head && !pastHead && rec.seq >= head.seq + 2) pastHead = at;
    records++;
    expected = rec.seq + 1;
    lastHash = rec.hash;
    previous = at;
  }

  if (gap) {
    const missing = gap.seq - gap.from === 1 ? `seq ${gap.from} is` : `seq ${gap.from}–${gap.seq - 1} are`;
    const hint = gap.from === 0 && records === 0 ? ' (if rotation deleted the oldest files: `wg-policy audit verify --allow-pruned`, or allowPrunedStart)' : '';
    return fail(records, {
      file: gap.file,
      line: gap.line,
      seq: gap.seq,
      kind: 'removed',
      message: `records were removed before line ${gap.line} of \`${gap.file}\`: ${missing} missing${hint}`,
    });
  }
  if (headFile && !head && records > 0) {
    // INVARIANT: every append writes the head, so a non-empty log without one has lost it (maybe with its tail).
    const line = lastSeen.line + 1;
    return fail(records, {
      file: lastSeen.file,
      line,
      seq: expected,
      kind: 'head-missing',
      message: `the head sidecar \`${headFile}\` is missing: records at the end of the log (after seq ${expected - 1}, line ${lastSeen.line} of \`${lastSeen.file}\`) may have been removed`,
    });
  }
  if (head && expected - 1 < head.seq) {
    const line = lastSeen.line + 1;
    return fail(records, {
      file: lastSeen.file,
      line,
      seq: expected,
      kind: 'truncated',
      message:
        lastSeen.line === 0
          ? `the log was truncated: \`${lastSeen.file}\` holds no record but its head sidecar says seq ${head.seq}`
          : `the log was truncated: it ends at seq ${expected - 1} (line ${lastSeen.line} of \`${lastSeen.file}\`) but its head sidecar says seq ${head.seq}`,
    });
  }
  if (head && pastHead) {
    return fail(records, {
      ...pastHead,
      kind: 'edited',
      message: `the log runs ${expected - 1 - head.seq} records past its head sidecar (seq ${head.seq}), from seq ${pastHead.seq} at line ${pastHead.line} of \`${pastHead.file}\`: a writer stopped before its head update leaves one; these were appended outside wg-policy (or the head could not be updated)`,
    });
  }
  return { ok: true, records, ...(prunedBefore > 0 ? { prunedBefore } : {}) };
}

/** Where a set's head may be, newest file first: `<file>.head`, and for a rotated `<stem><n><ext>` also `<stem><ext>.head`. */
function headCandidates(files: readonly string[]): string[] {
  return [...new Set([...files].reverse().flatMap((f) => [headPathFor(f), headPathFor(unrotated(f))]))];
}

/** The head a set should have: that of its unrotated name when the set holds it or spans several files, else the file's own. */
function expectedHead(files: readonly string[]): string | undefined {
  const newest = files.at(-1);
  if (newest === undefined) return undefined;
  const bare = unrotated(newest);
  return files.includes(bare) || files.length > 1 ? headPathFor(bare) : headPathFor(newest);
}

/** `policy-audit3.jsonl` → `policy-audit.jsonl` (winston's rotated name → the log's own). */
function unrotated(file: string): string {
  const ext = path.extname(file);
  return path.join(path.dirname(file), `${path.basename(file, ext).replace(/\d+$/, '')}${ext}`);
}

function fail(records: number, problem: VerifyProblem): VerifyResult {
  return { ok: false, records, problem };
}
