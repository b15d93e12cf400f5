// Test helpers for hostile input: the CLI run with a deadline (a hang fails, it never stalls jest), file-size limits, FIFOs.
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { hostCli } from './cli-host.js';
import { BIN, ROOT } from './project.js';

/** One CLI run's outcome; `timedOut` when it had to be killed. */
export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Runs the built CLI with a deadline; `fileLimitBlocks` sets bash's `ulimit -f` (1024-byte blocks) with SIGXFSZ ignored: writes past it fail with EFBIG, as on a full disk. */
export function run(
  args: string[],
  opts: { cwd?: string; home?: string; env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number; fileLimitBlocks?: number } = {},
): Run {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: opts.home ?? tmpdir(), NO_COLOR: '1', ...opts.env };
  const [cmd, argv] =
    opts.fileLimitBlocks === undefined
      ? [process.execPath, [BIN, ...args]]
      : ['bash', ['-c', `ulimit -f ${opts.fileLimitBlocks}; trap "" XFSZ; exec "$0" "$@"`, process.execPath, BIN, ...args]];
  const r = spawnSync(cmd, argv, {
    cwd: opts.cwd ?? ROOT,
    env,
    input: opts.input ?? '',
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 20_000,
    killSignal: 'SIGKILL',
  });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '', timedOut: r.error !== undefined || r.signal === 'SIGKILL' };
}

/**
 * `run` in the CLI host (cli-host.ts) instead of a new process, with the same deadline (a hang kills the host and
 * reports `timedOut`); `fileLimitBlocks` and `input` need a process of their own, so those still get one.
 */
export function hostRun(args: string[], opts: Parameters<typeof run>[1] = {}): Run {
  if (opts.fileLimitBlocks !== undefined || opts.input !== undefined) return run(args, opts);
  return hostCli(args, { cwd: opts.cwd, home: opts.home, env: opts.env, timeoutMs: opts.timeoutMs });
}

/** The shape every refusal of hostile input has: exit 1 or 2 in time, `[code]` on stderr, one sentence, no stack trace. */
export function expectRefused(r: Run, code: string, exit: 1 | 2 = 2): void {
  expect({ timedOut: r.timedOut, exit: r.code }).toEqual({ timedOut: false, exit });
  expect(r.stderr).toContain(`[${code}]`);
  expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
}

/** A shell pipeline through bash (for `| head -1`); returns bash's PIPESTATUS of the first command and the output. */
export function pipeline(script: string, opts: { cwd?: string; home?: string } = {}): { status: number[]; stdout: string; stderr: string } {
  const r = spawnSync('bash', ['-c', `${script}; echo "PIPESTATUS=\${PIPESTATUS[*]}" >&2`], {
    cwd: opts.cwd ?? ROOT,
    env: { PATH: process.env.PATH, HOME: opts.home ?? tmpdir(), NO_COLOR: '1', BIN, NODE: process.execPath },
    encoding: 'utf8',
    timeout: 20_000,
  });
  const m = /PIPESTATUS=([\d ]+)/.exec(r.stderr ?? '');
  return { status: m ? m[1].trim().split(' ').map(Number) : [], stdout: r.stdout ?? '', stderr: (r.stderr ?? '').replace(/PIPESTATUS=.*\n?/, '') };
}
