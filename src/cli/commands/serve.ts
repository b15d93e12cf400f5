// `wg-policy serve --stdio`: a resolver that stays running, answering JSON Lines requests in order as the CLI would.
import { createDiagnostics } from '../../audit/diagnostics.js';
import { PolicyError } from '../../shared/errors.js';
import { oneCheckPerBatch, outsideTheBatch } from '../../shared/file-cache.js';
import type { DoneRequest } from '../../gate/request.js';
import type { CallerInput } from '../../spawn/facts.js';
import { decideSpawn, type SpawnRequest } from '../../spawn/plan.js';
import { closeDecisionLog, decisionLogOption, type AuditFlags } from '../decision-log.js';

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

const CALLER = ['agentExecutor', 'defaultModel', 'promptFile', 'site', 'agent', 'agentId', 'timeout', 'role'] as const;
const STRINGS = ['dir', ...CALLER, 'auditLog', 'manifest', 'base', 'junit'] as const;
const BOOLEANS = ['audit', 'fullSmoke', 'skipSmoke', 'skipVerify'] as const;
const KEYS = new Set(['id', 'op', 'task', 'env', 'jobs', ...STRINGS, ...BOOLEANS]);
const OPS = new Set(['plan', 'explain', 'gate']);

const bad = (message: string, key?: string) => new PolicyError('usage', message, { key });

/** Parses and checks one request line; a bad one is a `usage` error naming the key. */
function parseRequest(line: string): Request {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (e) {
    throw bad(`a request must be one JSON object per line: ${(e as Error).message}`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw bad('a request must be one JSON object per line');
  const r = raw as Record<string, unknown>;
  const unknown = Object.keys(r).find((k) => !KEYS.has(k));
  if (unknown !== undefined) throw bad(`unknown request key \`${unknown}\` (known: ${[...KEYS].join(', ')})`, unknown);
  if (typeof r.op !== 'string' || !OPS.has(r.op)) throw bad('`op` must be `plan`, `explain` or `gate`', 'op');
  const isTask = typeof r.task === 'string' ? r.task !== '' : !!r.task && typeof r.task === 'object' && !Array.isArray(r.task);
  if (!isTask || (r.op === 'gate' && typeof r.task !== 'string')) throw bad(`\`task\` must be a task id${r.op === 'gate' ? '' : ' or a task object'}`, 'task');
  for (const k of STRINGS) if (r[k] !== undefined && typeof r[k] !== 'string') throw bad(`\`${k}\` must be a string`, k);
  for (const k of BOOLEANS) if (r[k] !== undefined && typeof r[k] !== 'boolean') throw bad(`\`${k}\` must be true or false`, k);
  if (r.jobs !== undefined && !(Number.isInteger(r.jobs) && (r.jobs as number) >= 1)) throw bad('`jobs` must be a positive whole number', 'jobs');
  const env = r.env as Record<string, unknown> | undefined;
  if (env !== undefined && (!env || typeof env !== 'object' || Array.isArray(env) || Object.values(env).some((v) => typeof v !== 'string')))
    throw bad('`env` must be an object of strings', 'env');
  return r as unknown as Request;
}

/** What one request answers: `{id, ok: true, exit, plan | explanation | verdict}`, or `{id, ok: false, error}`. */
async function answer(req: Request, server: ServeFlags, warn: (m: string) => void): Promise<Record<string, unknown>> {
  const dir = req.dir ?? server.dir;
  const env = req.env ? { ...process.env, ...req.env } : process.env;
  const flags: AuditFlags = { audit: req.audit ?? server.audit, auditLog: req.auditLog ?? server.auditLog };
  if (req.op === 'gate') {
    const gate = await import('./gate.js');
    const { decideGate } = await import('../../gate/decide.js');
    const jobs = req.jobs === undefined ? undefined : String(req.jobs);
    const request = { ...gate.gateRequest(req.task as string, { ...req, jobs, dir, json: true, ...flags }), env };
    const { verdict } = await decideGate(request, { ...gate.gateHooks({ color: false, live: false }, { junit: req.junit }), warn });
    return { id: req.id, ok: true, exit: verdict.allowed ? 0 : 1, verdict };
  }
  const spawn: SpawnRequest = {
    ...(typeof req.task === 'string' ? { taskId: req.task } : { task: req.task }),
    dir,
    env,
  };
  for (const k of CALLER) if (req[k] !== undefined) spawn[k] = req[k];
  if (req.op === 'explain') {
    const outcome = await decideSpawn(spawn, { warn, decisionLog: false });
    return { id: req.id, ok: true, exit: outcome.error ? 1 : 0, explanation: outcome.explanation };
  }
  const outcome = await decideSpawn(spawn, { warn, decisionLog: decisionLogOption(flags) });
  if (outcome.error) throw outcome.error;
  return { id: req.id, ok: true, exit: 0, plan: outcome.plan };
}

/** The error answer: the CLI's error as data (a bug is `internal`, exit 3, and the server keeps serving). */
function failure(id: unknown, e: unknown): Record<string, unknown> {
  if (e instanceof PolicyError) return { id, ok: false, error: e.toJSON() };
  return { id, ok: false, error: { code: 'internal', message: (e as Error)?.message ?? String(e), exit: 3 } };
}

/** The request id, if the line is a JSON object that has one (so even a refused request is answered under its id). */
function idOf(line: string): unknown {
  try {
    const r = JSON.parse(line) as { id?: unknown } | null;
    return r && typeof r === 'object' && !Array.isArray(r) ? (r.id ?? null) : null;
  } catch {
    return null;
  }
}

/** Serves requests from stdin until it ends; answers go to stdout (nothing else does), diagnostics to stderr. */
export async function runServe(flags: ServeFlags): Promise<void> {
  if (!flags.stdio) throw new PolicyError('usage', '`serve` needs `--stdio` (the only transport)', { key: '--stdio' });
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
      return await (req.op === 'gate' ? outsideTheBatch(() => answer(req, flags, warn)) : answer(req, flags, warn));
    } catch (e) {
      return failure(idOf(line), e);
    }
  };
  let pending = '';
  let out: string[] = [];
  let outChars = 0;
  const flush = () => {
    if (out.length && !gone) process.stdout.write(out.join(''));
    out = [];
    outChars = 0;
  };
  /** Queues an answer; they go out in pieces of ~64 KB (one string for a whole batch costs more to build than to write). */
  const queue = (answer: Record<string, unknown>) => {
    const text = `${JSON.stringify(answer)}\n`;
    out.push(text);
    if ((outChars += text.length) >= 65_536) flush();
  };
  try {
    for await (const chunk of process.stdin.setEncoding('utf8')) {
      pending += chunk as string;
      // The requests read together share one stat of each input file (all were sent before the first stat).
      await oneCheckPerBatch(async () => {
        let nl: number;
        while ((nl = pending.indexOf('\n')) >= 0 && !gone) {
          const line = pending.slice(0, nl).trim();
          pending = pending.slice(nl + 1);
          if (!line) continue;
          queue(await reply(line));
          // Answers go out together when requests came together; a lone request is answered at once.
          if (pending.indexOf('\n') < 0) flush();
        }
      });
      if (gone) break;
    }
    const last = pending.trim();
    if (last && !gone) {
      queue(await reply(last)); // the last request may lack its newline
    }
    flush();
  } finally {
    await closeDecisionLog(warn);
    await log.close();
  }
}
