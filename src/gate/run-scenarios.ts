// Runs smoke scenarios as `bash <script>` in their own process groups: bounded output, timeouts, no leaked processes.
import { execa } from 'execa';
import { accessSync, constants, createWriteStream, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { makeDirs } from '../shared/read-file.js';
import { maskCredentials } from '../shared/secrets.js';
import { within } from '../shared/time.js';
import { StreamMasker } from './stream-masker.js';
import type { Scenario } from './manifest.js';
import { guardInterrupts, newRunId, RUN_ID_VAR, terminateRun, trackRun } from './processes.js';
import type { Outcome, ScenarioEvent, ScenarioResult } from './result.js';

export { OutcomeSchema, ScenarioEventSchema, ScenarioResultSchema, renderResultLine, type Outcome, type ScenarioEvent, type ScenarioResult } from './result.js';

/** How to run: parallelism, where logs go, the env base, and test knobs (`timeoutScaleMs`, `urlTimeoutMs`). */
export interface RunOptions {
  jobs?: number;
  logDir: string;
  env: NodeJS.ProcessEnv;
  /** Secret values read from config: masked in the log files (which otherwise hold each scenario's output as it came). */
  secrets?: readonly string[];
  graceMs?: number;
  onEvent?: (e: ScenarioEvent) => void;
  timeoutScaleMs?: number;
  urlTimeoutMs?: number;
  /** The most a scenario's log file holds (default LOG_MAX_BYTES); past it the output still drains, unlogged. */
  logMaxBytes?: number;
}

/** A scenario's log file stops here (a scenario printing without end must not fill the disk); its tail is kept still. */
const LOG_MAX_BYTES = 256 * 1024 * 1024;

const TAIL_BYTES = 64 * 1024;
const TAIL_LINES = 12;
const TAIL_CHARS = 4096;
const SKIP_LINES = 4;
const STREAM_LINGER_MS = 500;
const MAX_TIMER_MS = 2 ** 31 - 1; // setTimeout fires at once beyond this

/**
 * The environment a scenario's bash gets: the caller's, without what makes bash run other code before the script
 * (`BASH_ENV`, `ENV`, exported functions `BASH_FUNC_*`), which would let the environment of the agent being judged
 * replace a scenario's checks unseen.
 */
function scenarioEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) if (k !== 'BASH_ENV' && k !== 'ENV' && !k.startsWith('BASH_FUNC_')) out[k] = v;
  return out;
}

let debugSignalIgnored = false;
/**
 * From the first scenario run on, this process ignores SIGUSR1: by default Node opens its inspector on it, and a
 * scenario (which knows its parent's pid) could then run code inside the gate that judges it. Never undone: with the
 * listener removed, SIGUSR1 would end the process.
 */
function ignoreDebugSignal(): void {
  if (debugSignalIgnored) return;
  debugSignalIgnored = true;
  process.on('SIGUSR1', () => {});
}

/** Runs scenarios with at most `jobs` at once; results come back in the order given, whatever the finish order. */
export async function runScenarios(scenarios: readonly Scenario[], options: RunOptions): Promise<ScenarioResult[]> {
  ignoreDebugSignal();
  const jobs = Math.max(1, Math.floor(options.jobs ?? os.availableParallelism()));
  makeDirs(options.logDir, 'scenario log folder');
  const logNames = logFileNames(scenarios.map((s) => s.name));
  const results: ScenarioResult[] = new Array(scenarios.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < scenarios.length) {
      const index = next++;
      const s = scenarios[index];
      options.onEvent?.({ type: 'start', index, name: s.name });
      results[index] = await runOne(s, path.join(options.logDir, logNames[index]), options);
      options.onEvent?.({ type: 'finish', index, name: s.name, result: results[index] });
    }
  };
  const release = guardInterrupts();
  try {
    await Promise.all(Array.from({ length: Math.min(jobs, scenarios.length) }, worker));
  } finally {
    release();
  }
  return results;
}

async function runOne(s: Scenario, logFile: string, options: RunOptions): Promise<ScenarioResult> {
  const started = performance.now();
  const done = (r: Partial<ScenarioResult> & { outcome: Outcome }): ScenarioResult => ({
    name: s.name,
    outcome: r.outcome,
    exitCode: r.exitCode ?? null,
    signal: r.signal ?? null,
    timedOut: r.timedOut ?? false,
    durationMs: Math.round(performance.now() - started),
    stderrTail: r.stderrTail ?? '',
    stdoutTail: r.stdoutTail ?? '',
    ...(r.reason === undefined ? {} : { reason: r.reason }),
    logFile,
    owners: [...s.owners],
  });
  try {
    const unmet = await unmetRequirement(s, options.env, options.urlTimeoutMs ?? 3000);
    if (unmet) {
      writeFileSync(logFile, `SKIP (not run): ${unmet}\n`);
      return done({ outcome: 'skip', reason: unmet });
    }
    if (!isFile(s.script)) {
      writeFileSync(logFile, `ERROR: script not found: ${s.script}\n`);
      return done({ outcome: 'error', reason: `script not found: ${s.script}` });
    }
    const run = await spawnAndSupervise(s, logFile, options);
    if ('error' in run) return done({ outcome: 'error', reason: `cannot run \`bash ${s.script}\`: ${run.error}` });
    const r = { exitCode: run.code, signal: run.signal, timedOut: run.timedOut, stderrTail: run.stderrTail, stdoutTail: run.stdoutTail };
    if (run.timedOut) return done({ ...r, outcome: 'timeout', reason: `timed out after ${s.timeoutSeconds}s` });
    if (run.code === 0) return done({ ...r, outcome: 'pass' });
    if (run.code === 77) return done({ ...r, outcome: 'skip', reason: skipReason(run.stderrTail) });
    return done({ ...r, outcome: 'fail', reason: run.signal ? `killed by ${run.signal}` : `exit ${run.code}` });
  } catch (e) {
    return done({ outcome: 'error', reason: `cannot run \`bash ${s.script}\`: ${(e as Error).message}` });
  }
}

type RunOutcome = { code: number | null; signal: string | null; timedOut: boolean; stderrTail: string; stdoutTail: string } | { error: string };

// INVARIANT: when this resolves, no process of the scenario's group, nor one carrying its run id, is alive, and no
// stream is still awaited.
async function spawnAndSupervise(s: Scenario, logFile: string, options: RunOptions): Promise<RunOutcome> {
  const graceMs = options.graceMs ?? 2000;
  const log = createWriteStream(logFile);
  let logOk = true;
  const runId = newRunId();
  const runIds = [options.env[RUN_ID_VAR], runId].filter(Boolean).join(' ');
  const child = execa('bash', [s.script], {
    cwd: s.dir,
    env: { ...scenarioEnv(options.env), WG_SMOKE_SCENARIO: s.name, WG_SMOKE_TIMEOUT_SECS: String(s.timeoutSeconds), [RUN_ID_VAR]: runIds },
    extendEnv: false,
    detached: true, // own process group: the whole tree can be signalled as one
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
    buffer: false, // we stream to the log ourselves and keep only a tail
    reject: false,
    cleanup: false,
    forceKillAfterDelay: false,
  });
  const settled = child.then(
    () => undefined,
    () => undefined,
  );
  const exit = new Promise<{ code: number | null; signal: string | null } | { error: string }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (e) => {
      if (child.pid === undefined) resolve({ error: (e as NodeJS.ErrnoException).code ?? e.message });
    });
  });
  const streams = [child.stdout, child.stderr].filter((x): x is Readable => x !== null);
  const ended = Promise.all(streams.map((st) => new Promise<void>((res) => st.once('close', () => res()))));
  let paused = false;
  let logged = 0;
  const logMax = options.logMaxBytes ?? LOG_MAX_BYTES;
  const write = (whole: Buffer): void => {
    if (!logOk || whole.length === 0) return;
    let chunk = whole;
    if (logged + chunk.length > logMax) {
      chunk = Buffer.concat([chunk.subarray(0, logMax - logged), Buffer.from(`\n[wg-policy: this log stops at ${logMax} bytes; the output went on]\n`)]);
      logOk = false; // nothing more is written; the streams keep draining
    }
    logged += chunk.length;
    if (log.write(chunk) || paused) return;
    // Backpressure: a flood waits for the disk instead of piling up in memory.
    paused = true;
    for (const st of streams) st.pause();
    log.once('drain', () => {
      paused = false;
      for (const st of streams) st.resume();
    });
  };
  log.on('error', () => {
    // A log that cannot be written must not stall the scenario: keep draining its output.
    logOk = false;
    for (const st of streams) st.resume();
  });
  // Per stream: a masker (a value split across two of its chunks is masked whole) and the tail of what it wrote (so a
  // tail cut inside a value shows none of it).
  const stdoutSink = { masker: new StreamMasker(options.secrets ?? []), tail: new Tail(TAIL_BYTES) };
  const stderrSink = { masker: new StreamMasker(options.secrets ?? []), tail: new Tail(TAIL_BYTES) };
  const emitMasked = (sink: typeof stdoutSink, masked: Buffer): void => {
    sink.tail.push(masked);
    write(masked);
  };
  child.stdout?.on('data', (chunk: Buffer) => emitMasked(stdoutSink, stdoutSink.masker.push(chunk)));
  child.stderr?.on('data', (chunk: Buffer) => emitMasked(stderrSink, stderrSink.masker.push(chunk)));
  // What the maskers held back, once the streams are done (again: nothing more).
  const flushMaskers = () => {
    emitMasked(stdoutSink, stdoutSink.masker.end());
    emitMasked(stderrSink, stderrSink.masker.end());
  };

  const pgid = child.pid;
  let timedOut = false;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopping ??= pgid === undefined ? Promise.resolve() : terminateRun(pgid, runId, graceMs));
  const untrack = pgid === undefined ? () => {} : trackRun(pgid, runId);
  // timeout_seconds = 0 is no limit, as in wg.
  const timer =
    s.timeoutSeconds > 0
      ? setTimeout(
          () => {
            timedOut = true;
            void stop();
          },
          Math.min(s.timeoutSeconds * (options.timeoutScaleMs ?? 1000), MAX_TIMER_MS),
        )
      : undefined;
  try {
    const ex = await exit;
    clearTimeout(timer);
    // The main process is gone; anything left in its group or carrying its run id is a leak: TERM, then KILL after the grace.
    await stop();
    // A process that left the group may still hold the pipes: stop waiting after a short linger.
    await within(ended, STREAM_LINGER_MS);
    for (const st of streams) st.destroy();
    await within(settled, STREAM_LINGER_MS);
    if ('error' in ex) return ex;
    flushMaskers();
    return {
      code: ex.code,
      signal: ex.signal,
      timedOut,
      // The tails hold masked bytes: only credential forms (`api_key = …`, URLs, headers) are left to mask.
      stderrTail: stderrSink.tail.lines(TAIL_LINES, TAIL_CHARS, maskCredentials),
      stdoutTail: stdoutSink.tail.lines(TAIL_LINES, TAIL_CHARS, maskCredentials),
    };
  } finally {
    clearTimeout(timer);
    untrack();
    flushMaskers(); // on the way out of an error too
    await within(new Promise<void>((res) => log.end(() => res())), 5000);
  }
}

/** The first unmet requirement of a scenario, phrased as a skip reason, or null. */
async function unmetRequirement(s: Scenario, env: NodeJS.ProcessEnv, urlTimeoutMs: number): Promise<string | null> {
  for (const cmd of s.requires.commands) if (!onPath(cmd, env.PATH ?? '', s.dir)) return `requires command \`${cmd}\` on PATH`;
  for (const name of s.requires.env) if (!env[name]) return `requires env ${name}`;
  for (const url of s.requires.urls) {
    const problem = await unreachable(url, urlTimeoutMs);
    if (problem) return `requires ${url} reachable (${problem})`;
  }
  return null;
}

function onPath(cmd: string, pathVar: string, cwd: string): boolean {
  const candidates = cmd.includes('/')
    ? [path.resolve(cwd, cmd)]
    : pathVar
        .split(path.delimiter)
        .filter(Boolean)
        .map((d) => path.join(d, cmd));
  return candidates.some((p) => {
    try {
      accessSync(p, constants.X_OK);
      return statSync(p).isFile();
    } catch {
      return false;
    }
  });
}

// Any HTTP answer counts (even 404); null when reachable, else why not.
function unreachable(url: string, timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    const get = url.toLowerCase().startsWith('https:') ? https.request : http.request;
    let req: http.ClientRequest;
    try {
      req = get(url, { method: 'HEAD', agent: false, signal: AbortSignal.timeout(timeoutMs) });
    } catch (e) {
      resolve((e as Error).message);
      return;
    }
    req.on('response', (res) => {
      res.resume();
      req.destroy();
      resolve(null);
    });
    req.on('error', (e: NodeJS.ErrnoException) => {
      const timedOut = e.name === 'AbortError' || e.name === 'TimeoutError' || e.code === 'ABORT_ERR';
      resolve(timedOut ? `timed out after ${Math.round(timeoutMs / 100) / 10}s` : (e.code ?? e.message));
    });
    req.end();
  });
}

function skipReason(stderrTail: string): string {
  const rule = /^[=\-_*#~]{3,}$/;
  const lines = stderrTail
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !rule.test(l));
  return lines.length ? lines.slice(-SKIP_LINES).join(' | ') : 'scenario emitted SKIP (exit 77)';
}

// Log file names: the scenario name when it is a safe file name, else a sanitized name plus a short hash.
function logFileNames(names: string[]): string[] {
  return names.map((name) => {
    const safe = name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\./, '_');
    const suffix = safe === name ? '' : `-${createHash('sha1').update(name).digest('hex').slice(0, 8)}`;
    return `${safe.slice(0, 120)}${suffix}.log`;
  });
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

// The last `cap` bytes of a stream; memory stays bounded however much is written.
class Tail {
  private chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly cap: number) {}
  /**
   * Keeps chunks until they hold twice the cap (or a thousand of them: each may keep a larger read buffer alive), then
   * only the last `cap` bytes. The copying is linear in what is written: on one-byte writes, about cap/1000 copies a
   * byte (the old tail re-copied the whole cap on every write).
   */
  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (this.size > 2 * this.cap || this.chunks.length > 1000) this.compact();
  }
  private compact(): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.size);
    const kept = all.length > this.cap ? Buffer.from(all.subarray(all.length - this.cap)) : all;
    this.chunks = [kept];
    this.size = kept.length;
    return kept;
  }
  /** The last `n` non-empty-trailing lines, masked by `mask` before they are cut to at most `chars` characters. */
  lines(n: number, chars: number, mask: (text: string) => string): string {
    const text = this.compact().toString('utf8').trimEnd();
    // Masked before the `chars` cut; the line cut keeps whole lines (no credential form spans two). The `cap` cut can
    // split a line, but cap ≫ chars: its start shows only after ~60 KB of trailing whitespace, which is trimmed.
    const out = mask(text.split('\n').slice(-n).join('\n'));
    return out.length > chars ? `…${out.slice(out.length - chars)}` : out;
  }
}
