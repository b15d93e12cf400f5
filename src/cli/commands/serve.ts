// `wg-policy serve --stdio`: a resolver that stays running, answering JSON Lines requests in order as the CLI would.
import { isUtf8 } from 'node:buffer';
import { fstatSync } from 'node:fs';
import { createDiagnostics } from '../../audit/diagnostics.js';
import { HAS_NUL, hasNul, jsonSyntaxReason, PolicyError } from '../../shared/errors.js';
import { nestsDeeperThan } from '../../shared/depth.js';
import { maskShown } from '../../shared/secrets.js';
import { oneCheckPerBatch, outsideTheBatch } from '../../shared/file-cache.js';
import { jobsOf } from '../../gate/jobs.js';
import type { DoneRequest } from '../../gate/request.js';
import type { CallerInput } from '../../spawn/facts.js';
import { CALLER_KEYS } from '../../spawn/inputs.js';
import { decideSpawn, type SpawnRequest } from '../../spawn/plan.js';
import { closeDecisionLog, decisionLogOption, type AuditFlags } from '../decision-log.js';
import { drainedOrFailed, keysMaskedIn } from '../output.js';

/** Server flags: defaults for every request. */
export interface ServeFlags extends AuditFlags {
  stdio?: boolean;
  dir?: string;
  quiet?: boolean;
}

/** One request as sent: `{id, op, task, …flags}`; unknown keys are refused (a typo must not silently change a plan). */
interface Request extends CallerInput, Pick<DoneRequest, 'dir' | 'manifest' | 'fullSmoke' | 'skipSmoke' | 'skipVerify' | 'jobs' | 'base'> {
  id: unknown;
  op: 'plan' | 'explain' | 'gate';
  task: string | Record<string, unknown>;
  audit?: boolean;
  auditLog?: string;
  env?: Record<string, string>;
  junit?: string;
}

/** The request's own text keys; the caller's keys are checked where every caller's are (checkCaller names their flags). */
const STRINGS = ['dir', 'auditLog', 'manifest', 'base', 'junit'] as const;
const BOOLEANS = ['audit', 'fullSmoke', 'skipSmoke', 'skipVerify'] as const;
/** The keys each op reads, as its CLI command has the flags: a key of another op's is refused, not ignored. */
const OP_KEYS: Record<string, ReadonlySet<string>> = {
  plan: new Set(['id', 'op', 'task', 'dir', 'env', 'audit', 'auditLog', ...CALLER_KEYS]),
  explain: new Set(['id', 'op', 'task', 'dir', 'env', ...CALLER_KEYS]),
  gate: new Set(['id', 'op', 'task', 'dir', 'env', 'audit', 'auditLog', 'manifest', 'base', 'junit', 'jobs', 'fullSmoke', 'skipSmoke', 'skipVerify']),
};
const KEYS = new Set(Object.values(OP_KEYS).flatMap((keys) => [...keys]));

const bad = (message: string, key?: string) => new PolicyError('usage', message, { key });

/** The longest request line read (a longer one is answered with a `usage` error and skipped up to its newline). */
const MAX_LINE_CHARS = 8 * 1024 * 1024;
/** The bytes held for one unfinished line: a line of MAX_LINE_CHARS characters (UTF-16 units) is at most 3 bytes each. */
const MAX_LINE_BYTES = 3 * MAX_LINE_CHARS;
const NEWLINE = 0x0a;

/** How deeply an id may nest: the answer's masking and JSON writing walk it recursively. */
const MAX_ID_DEPTH = 64;

/**
 * An id the answer could not echo exactly: a number JSON would not give back as sent (beyond 2^53, or not finite), or
 * a value nested more than MAX_ID_DEPTH levels (JSON.parse reads deeper than the answer's own walks go: found by an
 * adversarial pass, an id 3,000 arrays deep overflowed the stack and lost the batch's answers).
 */
function lossyId(id: unknown): boolean {
  if (typeof id === 'number') return !Number.isSafeInteger(id);
  return nestsDeeperThan(id, MAX_ID_DEPTH);
}

/**
 * True when the answer could not carry the id as sent because stdout's guard would mask part of it: it holds a
 * credential form (a URL with a user, a secret parameter, an authorization header). Checked before anything is decided.
 */
function maskedId(id: unknown): boolean {
  if (id === null || id === undefined) return false;
  const text = JSON.stringify(id);
  return maskShown(text) !== text;
}

const MASKED_ID = 'the `id` holds a credential (a URL with a user, a secret parameter, a credential header), which no answer shows; send an id without one';

/** Parses and checks one request line; a bad one is a `usage` error naming the key. */
function parseRequest(line: string): Request {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (e) {
    throw bad(`a request must be one JSON object per line: ${jsonSyntaxReason(e)}`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw bad('a request must be one JSON object per line');
  const r = raw as Record<string, unknown>;
  if (lossyId(r.id))
    throw bad(
      typeof r.id === 'number'
        ? 'a numeric `id` must be a whole number of at most 2^53 − 1 (send another as a string)'
        : `the \`id\` nests deeper than ${MAX_ID_DEPTH} levels, too deep to be sent back (send a string or a number)`,
      'id',
    );
  if (maskedId(r.id)) throw bad(MASKED_ID, 'id');
  const unknown = Object.keys(r).find((k) => !KEYS.has(k));
  if (unknown !== undefined) throw bad(`unknown request key \`${unknown}\` (known: ${[...KEYS].join(', ')})`, unknown);
  if (typeof r.op !== 'string' || !Object.hasOwn(OP_KEYS, r.op)) throw bad('`op` must be `plan`, `explain` or `gate`', 'op');
  const keys = OP_KEYS[r.op];
  const foreign = Object.keys(r).find((k) => !keys.has(k));
  if (foreign !== undefined) throw bad(`\`${foreign}\` does not apply to a \`${r.op}\` request (it reads: ${[...keys].join(', ')})`, foreign);
  const isTask = typeof r.task === 'string' ? r.task !== '' : !!r.task && typeof r.task === 'object' && !Array.isArray(r.task);
  if (!isTask || (r.op === 'gate' && typeof r.task !== 'string')) throw bad(`\`task\` must be a task id${r.op === 'gate' ? '' : ' or a task object'}`, 'task');
  for (const k of STRINGS) if (r[k] !== undefined && typeof r[k] !== 'string') throw bad(`\`${k}\` must be a string`, k);
  for (const k of BOOLEANS) if (r[k] !== undefined && typeof r[k] !== 'boolean') throw bad(`\`${k}\` must be true or false`, k);
  if (r.jobs !== undefined && typeof r.jobs !== 'number') throw bad('`jobs` must be a number', 'jobs');
  jobsOf(r.jobs, 'jobs');
  const env = r.env as Record<string, unknown> | undefined;
  if (env !== undefined && (!env || typeof env !== 'object' || Array.isArray(env) || Object.values(env).some((v) => typeof v !== 'string')))
    throw bad('`env` must be an object of strings', 'env');
  const withNul = [...STRINGS, 'task'].find((k) => hasNul(r[k])) ?? (env && Object.keys(env).some((k) => hasNul(k) || hasNul(env[k])) ? 'env' : undefined);
  if (withNul !== undefined) throw bad(`\`${withNul}\` ${HAS_NUL}`, withNul);
  return r as unknown as Request;
}

/** What one request answers, without its id: `{ok: true, exit, plan | explanation | verdict}` (errors are thrown). */
async function answer(req: Request, server: ServeFlags, warn: (m: string) => void): Promise<Record<string, unknown>> {
  const dir = req.dir ?? server.dir;
  const env = req.env ? { ...process.env, ...req.env } : process.env;
  const flags: AuditFlags = { audit: req.audit ?? server.audit, auditLog: req.auditLog ?? server.auditLog };
  if (req.op === 'gate') {
    const gate = await import('./gate.js');
    const { decideGate } = await import('../../gate/decide.js');
    const { summaryLine } = await import('../../gate/report.js');
    const jobs = req.jobs === undefined ? undefined : String(req.jobs);
    const request = { ...gate.gateRequest(req.task as string, { ...req, jobs, dir, json: true, ...flags }), env };
    const { verdict } = await decideGate(request, { ...gate.gateHooks({ color: false, live: false }, { junit: req.junit, quiet: server.quiet }), warn });
    // The progress lines end as the CLI's do, with the summary (the verdict's other messages are in the answer).
    if (!server.quiet) process.stderr.write(`${summaryLine(verdict)}\n`);
    return { ok: true, exit: verdict.allowed ? 0 : 1, verdict: keysMaskedIn(verdict) };
  }
  const spawn: SpawnRequest = {
    ...(typeof req.task === 'string' ? { taskId: req.task } : { task: req.task }),
    dir,
    env,
  };
  for (const k of CALLER_KEYS) if (req[k] !== undefined) spawn[k] = req[k];
  if (req.op === 'explain') {
    const outcome = await decideSpawn(spawn, { warn, decisionLog: false });
    return { ok: true, exit: outcome.error ? 1 : 0, explanation: keysMaskedIn(outcome.explanation) };
  }
  const outcome = await decideSpawn(spawn, { warn, decisionLog: decisionLogOption(flags) });
  if (outcome.error) throw outcome.error;
  return { ok: true, exit: 0, plan: outcome.plan };
}

/** The error answer: the CLI's error as data (a bug is `internal`, exit 3, and the server keeps serving). */
function failure(id: unknown, e: unknown): Record<string, unknown> {
  id = id === undefined || lossyId(id) || maskedId(id) ? null : keysMaskedIn(id); // lossyId keeps these walks shallow
  if (e instanceof PolicyError) return { id, ok: false, error: e.toJSON() };
  return { id, ok: false, error: { code: 'internal', message: (e as Error)?.message ?? String(e), exit: 3 } };
}

/** The request id, if the line is a JSON object that has one (so even a refused request is answered under its id). */
function idOf(line: string): unknown {
  try {
    const r = JSON.parse(line) as { id?: unknown } | null;
    return r && typeof r === 'object' && !Array.isArray(r) ? (r.id ?? null) : null; // failure() nulls a lossy one
  } catch {
    return null;
  }
}

/**
 * The id of a line that is not UTF-8, when the bad bytes lie outside it: the line read with U+FFFD for them, and its
 * id kept only if it holds no U+FFFD (an id with one may not be the id that was sent).
 */
function wholeIdOf(bytes: Buffer): unknown {
  const id = idOf(bytes.toString('utf8').trim());
  return lossyId(id) || JSON.stringify(id).includes('\uFFFD') ? null : id; // an object id's keys and strings too
}

/** True when fd 0 is a directory (a closed or odd stdin is left to the stream to report). */
function stdinIsDirectory(): boolean {
  try {
    return fstatSync(0).isDirectory();
  } catch {
    return false;
  }
}

/** Serves requests from stdin until it ends; answers go to stdout (nothing else does), diagnostics to stderr. */
export async function runServe(flags: ServeFlags): Promise<void> {
  if (!flags.stdio) throw new PolicyError('usage', '`serve` needs `--stdio` (the only transport)', { key: '--stdio' });
  // Node reads a directory given as stdin as an empty stream: say so instead of serving nothing.
  if (stdinIsDirectory()) throw new PolicyError('file-unreadable', 'stdin is a directory; `serve --stdio` reads JSON Lines requests from stdin');
  const log = createDiagnostics({ quiet: flags.quiet });
  const warn = (m: string) => log.warn(m);
  let gone = false;
  // Any other write error ends the command (guardPipes: write-failed, exit 2).
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') gone = true;
  });
  const reply = async (line: string) => {
    try {
      const req = parseRequest(line);
      // A gate's scenarios may change files while it runs: it checks every file afresh, and so does the next request.
      const answered = await (req.op === 'gate' ? outsideTheBatch(() => answer(req, flags, warn)) : answer(req, flags, warn));
      // The config's keys are known once the request has read it, after it was decided (and maybe recorded): an id
      // that repeats one comes back with the key masked, as every other string of an answer.
      return { id: req.id === undefined ? null : keysMaskedIn(req.id), ...answered };
    } catch (e) {
      try {
        return failure(idOf(line), e);
      } catch (bug) {
        return failure(null, bug); // the server keeps serving, whatever the line held
      }
    }
  };
  let out: string[] = [];
  let outChars = 0;
  /** Writes the queued answers; waits while the reader is behind (a slow reader must not make the server buffer without end). */
  const flush = async () => {
    const text = out.join('');
    out = [];
    outChars = 0;
    if (text && !gone && !process.stdout.write(text)) await drainedOrFailed(process.stdout);
  };
  /** Queues an answer; they go out in pieces of ~64 KB (one string for a whole batch costs more to build than to write). */
  const queue = async (answer: Record<string, unknown>) => {
    const text = `${JSON.stringify(answer)}\n`;
    out.push(text);
    if ((outChars += text.length) >= 65_536) await flush();
  };
  const tooLong = () => failure(null, bad(`a request line is longer than ${MAX_LINE_CHARS.toLocaleString('en-US')} characters; it was skipped up to its end`));
  /** One line's answer (none for a blank line): refused when its bytes are not UTF-8 or it is too long. */
  const answerLine = async (bytes: Buffer) => {
    if (!isUtf8(bytes)) return failure(wholeIdOf(bytes), bad('a request line is not valid UTF-8; it was skipped'));
    const line = bytes.toString('utf8').trim();
    if (!line) return undefined;
    return line.length > MAX_LINE_CHARS ? tooLong() : reply(line);
  };
  // Lines are cut on the newline byte (never inside a UTF-8 sequence) and decoded whole: bytes that are not UTF-8 are refused.
  const head = new LineBytes(MAX_LINE_BYTES);
  let overlong = false;
  const hold = (piece: Buffer) => {
    if (overlong || piece.length === 0) return;
    if (head.length + piece.length <= MAX_LINE_BYTES) head.push(piece);
    else {
      overlong = true;
      head.clear();
    }
  };
  try {
    for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
      const first = chunk.indexOf(NEWLINE);
      if (first < 0) {
        hold(chunk);
        continue;
      }
      // The pieces of a long line are joined once, when its newline comes.
      const bytes = overlong ? chunk.subarray(first + 1) : head.length ? Buffer.concat([head.take(), chunk]) : chunk;
      if (overlong) await queue(tooLong());
      overlong = false;
      let start = 0;
      // The requests read together share one stat of each input file (all were sent before the first stat).
      await oneCheckPerBatch(async () => {
        for (let nl = bytes.indexOf(NEWLINE, start); nl >= 0 && !gone; nl = bytes.indexOf(NEWLINE, start)) {
          const answered = await answerLine(bytes.subarray(start, nl));
          start = nl + 1;
          if (answered) await queue(answered);
          // Answers go out together when requests came together; a lone request is answered at once.
          if (bytes.indexOf(NEWLINE, start) < 0) await flush();
        }
      });
      await flush(); // an overlong line's answer, when no request followed it in this chunk
      if (gone) break;
      hold(bytes.subarray(start));
    }
    if (overlong && !gone) await queue(tooLong());
    else if (head.length && !gone) {
      const answered = await answerLine(head.take()); // the last request may lack its newline
      if (answered) await queue(answered);
    }
    await flush();
  } finally {
    await closeDecisionLog(warn);
    await log.close();
  }
}

/**
 * The bytes of an unfinished line (at most `max`), in one buffer that doubles as it fills: a trickle of tiny chunks
 * costs what one chunk does.
 */
class LineBytes {
  #buf = Buffer.alloc(0);
  #len = 0;
  constructor(readonly max: number) {}

  get length(): number {
    return this.#len;
  }

  push(piece: Buffer): void {
    if (this.#len + piece.length > this.#buf.length) {
      const needed = this.#len + piece.length;
      // Doubling, but never past `max` (the caller holds no more than that).
      const grown = Buffer.allocUnsafe(Math.max(needed, Math.min(Math.max(2 * this.#buf.length, 4096), this.max)));
      this.#buf.copy(grown, 0, 0, this.#len);
      this.#buf = grown;
    }
    piece.copy(this.#buf, this.#len);
    this.#len += piece.length;
  }

  /** The bytes held, and an empty buffer from now on. */
  take(): Buffer {
    const bytes = this.#buf.subarray(0, this.#len);
    this.clear();
    return bytes;
  }

  clear(): void {
    this.#buf = Buffer.alloc(0);
    this.#len = 0;
  }
}
