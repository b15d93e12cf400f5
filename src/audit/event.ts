// Decision and audit-record shapes (zod), sortable decision ids, the default actor, the unsealed record body.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import * as z from 'zod/mini';
import { PolicyError } from '../shared/errors.js';
import { SourceSchema } from '../shared/source.js';

/** A value that fed a decision, with where it was read (a Source; any layer name, so older records still read). */
export const DecisionInputSchema = z.extend(z.omit(SourceSchema, { via: true }), { layer: z.string() });

/** A rule that decided a field (spawn) or an effect (gate), with its policy location `file:line`. */
export const RuleRefSchema = z.object({ field: z.string(), rule: z.string(), policy: z.string() });

/** The error a decision ended with, if any. */
export const DecisionErrorSchema = z.object({ code: z.string(), message: z.string(), rule: z.optional(z.string()) });

export const DecisionKindSchema = z.enum(['spawn', 'gate']);

/** The decision itself: shared by what a caller hands in and what a record holds. */
const decided = {
  policyRevision: z.string(),
  inputs: z.array(DecisionInputSchema),
  result: z.unknown(),
  rules: z.array(RuleRefSchema),
  error: z.optional(DecisionErrorSchema),
  /** Per-field explanation (winner, values read, rules that lost, why the others failed), for `audit show`. */
  explanation: z.optional(z.unknown()),
  /** The facts the rules could read (pruned to what policies may read), so `audit replay` can decide again. */
  facts: z.optional(z.record(z.string(), z.unknown())),
};

/** What a caller hands to `appendDecision`: one spawn plan or one gate verdict and why. */
export const DecisionSchema = z.object({ kind: DecisionKindSchema, taskId: z.string(), ...decided });

const Sha256Hex = z.string().check(z.regex(/^[0-9a-f]{64}$/));

/** One line of the decision log. `hash` is sha256 of the canonical JSON of the record without `hash`. */
export const AuditRecordSchema = z.object({
  id: z.string(),
  ts: z.string(),
  kind: DecisionKindSchema,
  task: z.string(),
  actor: z.string(),
  ...decided,
  masked: z.array(z.string()),
  seq: z.int().check(z.nonnegative()),
  prev: Sha256Hex,
  hash: Sha256Hex,
});

/** Where a chain ends: kept in the `<log>.head` sidecar. */
/** `{seq, hash}` of the chain's last record; `seq: -1` (hash GENESIS) is an empty chain, written before the first record. */
export const ChainHeadSchema = z.object({ seq: z.int().check(z.minimum(-1)), hash: Sha256Hex });

export type Decision = z.infer<typeof DecisionSchema>;
export type DecisionInput = z.infer<typeof DecisionInputSchema>;
export type AuditRecord = z.infer<typeof AuditRecordSchema>;
export type ChainHead = z.infer<typeof ChainHeadSchema>;
/** A record before masking and chaining: no `masked`, `seq`, `prev`, `hash`. */
export type RecordBody = Omit<AuditRecord, 'masked' | 'seq' | 'prev' | 'hash'>;
/** A masked record not yet chained. */
export type UnsealedRecord = Omit<AuditRecord, 'seq' | 'prev' | 'hash'>;

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
let lastTime = -1;
let lastRandom = Buffer.alloc(10);

/** A ULID-style id: 10 chars of ms time + 16 random chars; sortable, monotonic within a process. */
export function newDecisionId(time: number = Date.now()): string {
  if (time <= lastTime) {
    time = lastTime;
    for (let i = lastRandom.length - 1; i >= 0; i--) {
      lastRandom[i] = (lastRandom[i] + 1) & 0xff;
      if (lastRandom[i] !== 0) break;
    }
  } else {
    lastTime = time;
    lastRandom = randomBytes(10);
  }
  let head = '';
  for (let t = Math.max(0, Math.floor(time)), i = 0; i < 10; i++, t = Math.floor(t / 32)) head = CROCKFORD[t % 32] + head;
  let tail = '';
  for (let n = BigInt(`0x${lastRandom.toString('hex')}`), i = 0; i < 16; i++, n >>= 5n) tail = CROCKFORD[Number(n & 31n)] + tail;
  return head + tail;
}

/** `$WG_AGENT_ID` when set, else the OS user name. */
export function defaultActor(env: NodeJS.ProcessEnv = process.env): string {
  const agent = env.WG_AGENT_ID;
  if (agent) return agent;
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? process.env.LOGNAME ?? 'unknown';
  }
}

/** Validates a decision and returns a detached, JSON-normalised record body (the decision is never touched). */
export function recordBody(decision: Decision, meta: { id: string; now: Date; actor: string }): RecordBody {
  const parsed = DecisionSchema.safeParse(decision);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PolicyError('internal', `audit decision is invalid at \`${issue.path.join('.') || '(root)'}\`: ${issue.message.toLowerCase()}`);
  }
  const d = parsed.data;
  const body: Record<string, unknown> = {
    id: meta.id,
    ts: meta.now.toISOString(),
    kind: d.kind,
    task: d.taskId,
    actor: meta.actor,
    policyRevision: d.policyRevision,
    // A missing value is written as null so the record still has every field after a JSON round trip.
    inputs: d.inputs.map((i) => ({ ...i, value: i.value === undefined ? null : i.value })),
    result: d.result === undefined ? null : d.result,
    rules: d.rules,
  };
  if (d.error) body.error = d.error;
  if (d.explanation !== undefined) body.explanation = d.explanation;
  if (d.facts !== undefined) body.facts = d.facts;
  try {
    // INVARIANT: the body is plain JSON, so the hash of what we write equals the hash of what a reader parses.
    return JSON.parse(JSON.stringify(body)) as RecordBody;
  } catch (e) {
    throw new PolicyError('internal', `audit decision for \`${d.taskId}\` is not JSON-serialisable: ${(e as Error).message}`);
  }
}
