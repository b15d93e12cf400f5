// The CLI run without a Node process per call: a long-lived host process (cli-process.cjs) loads the built bundle once
// and runs each call's command line with the call's argv, cwd, environment and its own stdout, stderr and exit code.
// `hostCli` is as synchronous as `cli()` (a worker thread relays to the host while the test's thread waits on a shared
// flag), so a test switches by name. What only a real process shows (bin/, the code cache, stdin, signals, closed pipes,
// ulimits, processes racing) stays on `cli()`; `corpusCli` sends every SAMPLE-th corpus call there too.
import { receiveMessageOnPort, MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, ROOT } from './project.js';
import type { CliHostRegistry } from './environment.js';

type CliOptions = Parameters<typeof cli>[1] & { timeoutMs?: number };
/** A CLI run's outcome; `timedOut` when it had to be killed. */
export type HostResult = ReturnType<typeof cli> & { timedOut: boolean };

/** One in this many of the calls a run over a corpus makes through the CLI goes to a separate process through bin/. */
export const SAMPLE = 32;

interface Host {
  worker: Worker;
  port: MessagePort;
  flag: Int32Array;
}

/**
 * The hosts by what the bundle reads once per process (one as usual, one with `WG_POLICY_NO_CACHE=1`): the registry
 * environment.ts hands every test file of a jest worker, so a host started for one file serves the next.
 */
const registry: CliHostRegistry<Host> = (globalThis as { wgCliHosts?: CliHostRegistry<Host> }).wgCliHosts ?? {
  hosts: new Map(),
  lastId: 0,
  flag: () => new Int32Array(new SharedArrayBuffer(8)),
  record: (fields) => fields,
};
const hosts = registry.hosts;

function started(noCache: boolean): Host {
  const key = noCache ? 'no-cache' : 'cached';
  const running = hosts.get(key);
  if (running) return running;
  const flag = registry.flag();
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(join(ROOT, '__tests__', 'support', 'cli-host-worker.cjs'), {
    workerData: {
      flag,
      port: port2,
      script: join(ROOT, '__tests__', 'support', 'cli-process.cjs'),
      bundle: join(ROOT, 'dist', 'cli.cjs'),
      env: { PATH: process.env.PATH, TMPDIR: tmpdir(), ...(noCache ? { WG_POLICY_NO_CACHE: '1' } : {}) },
    },
    transferList: [port2],
  });
  worker.unref();
  const host = registry.record({ worker, port: port1, flag });
  hosts.set(key, host);
  return host;
}

/** Blocks until the worker answers call `id` (or `ms` pass); the answer, or undefined. With `died`, waits for the word that the host is gone. */
function waitFor(h: Host, id: number, ms: number, died = false): HostResult | undefined {
  const until = Date.now() + ms;
  for (;;) {
    const left = until - Date.now();
    if (left <= 0 || Atomics.wait(h.flag, 0, 0, left) === 'timed-out') return undefined;
    Atomics.store(h.flag, 0, 0);
    // Every message queued since the last wake-up (an earlier call's late word may be among them), not just one.
    for (let m = receiveMessageOnPort(h.port); m; m = receiveMessageOnPort(h.port)) {
      const got = m.message as HostResult & { id: number; died?: boolean };
      if (got.id === id && (!died || got.died)) return { code: got.code, stdout: got.stdout, stderr: got.stderr, timedOut: false };
    }
  }
}

/**
 * Runs the CLI as `cli()` does (same environment and defaults) in a host; with `input` or `nodeArgs`, as a real
 * process. `WG_POLICY_NO_CACHE=1`, which the bundle reads once per process, picks a host started with it. A run past
 * `timeoutMs` (20 s) kills the host (the next call starts a fresh one) and reports `timedOut`.
 */
export function hostCli(args: string[], opts: CliOptions = {}): HostResult {
  if (opts.input !== undefined || opts.nodeArgs) return { ...cli(args, opts), timedOut: false };
  const env = { PATH: process.env.PATH, HOME: opts.home ?? tmpdir(), TMPDIR: tmpdir(), NO_COLOR: '1', ...opts.env };
  const h = started(opts.env?.WG_POLICY_NO_CACHE === '1');
  const id = ++registry.lastId;
  Atomics.store(h.flag, 0, 0);
  h.port.postMessage({ id, args, cwd: opts.cwd ?? ROOT, env });
  const r = waitFor(h, id, opts.timeoutMs ?? 20_000);
  if (r) return r;
  const pid = Atomics.load(h.flag, 1);
  if (pid > 0) process.kill(pid, 'SIGKILL');
  waitFor(h, id, 10_000, true); // the worker's word that the host is gone (the call's own answer may come first)
  return { code: -1, stdout: '', stderr: '', timedOut: true };
}

/** The `position`-th CLI call of a run over a corpus: every SAMPLE-th as a real process through bin/, the others in the host. */
export function corpusCli(position: number, args: string[], opts: CliOptions = {}): HostResult {
  return position % SAMPLE === 0 ? { ...cli(args, opts), timedOut: false } : hostCli(args, opts);
}
