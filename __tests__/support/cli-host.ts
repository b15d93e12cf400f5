// The CLI corpus runner: every case through the built CLI, most in one long-lived process (cli-process.cjs re-runs the
// bundle per call), every SAMPLE-th as its own process through bin/, so both paths are checked against the same wants.
import { fork, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, ROOT } from './project.js';

type CliOptions = Parameters<typeof cli>[1];
type CliResult = ReturnType<typeof cli>;

/** One case in this many runs as a separate process through bin/wg-policy.cjs. */
export const SAMPLE = 8;

let host: ChildProcess | undefined;
let next = 0;
const pending = new Map<number, (r: CliResult) => void>();

function started(): ChildProcess {
  if (host) return host;
  const child = fork(join(ROOT, '__tests__', 'support', 'cli-process.cjs'), [join(ROOT, 'dist', 'cli.cjs')], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: { PATH: process.env.PATH, TMPDIR: tmpdir() },
  });
  child.stdout?.resume();
  child.stderr?.resume();
  child.on('message', (m: CliResult & { id: number }) => {
    pending.get(m.id)?.({ code: m.code, stdout: m.stdout, stderr: m.stderr });
    pending.delete(m.id);
  });
  child.on('exit', (code) => {
    for (const resolve of pending.values()) resolve({ code: -1, stdout: '', stderr: `cli host exited (${code})` });
    pending.clear();
    host = undefined;
  });
  host = child;
  return child;
}

/** Runs the CLI as `cli()` does (same environment), in the host process; the `index`-th case of every SAMPLE runs as a process. */
export function corpusCli(index: number, args: string[], opts: CliOptions = {}): Promise<CliResult> {
  if (index % SAMPLE === 0 || opts.input !== undefined || opts.nodeArgs) return Promise.resolve(cli(args, opts));
  const env = { PATH: process.env.PATH, HOME: opts.home ?? tmpdir(), TMPDIR: tmpdir(), NO_COLOR: '1', ...opts.env };
  const id = ++next;
  return new Promise((resolve) => {
    pending.set(id, resolve);
    started().send({ id, args, cwd: opts.cwd ?? ROOT, env });
  });
}

/** Stops the host (call from afterAll). */
export function stopCorpusCli(): void {
  host?.kill('SIGKILL');
  host = undefined;
}
