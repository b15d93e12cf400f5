// The one git runner: synchronous, bounded in time and output, never a shell.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** The outcome of one git command: exit status (null when git could not run or timed out) and stdout. */
export interface GitResult {
  status: number | null;
  stdout: string;
  /** git could not be started at all: it is not installed, or not on PATH. */
  missing?: boolean;
}

/** Runs git in a folder; injectable for tests. */
export type GitRunner = (args: string[], cwd: string) => GitResult;

/** The real git, at most 15 s and 64 MB of output per call. */
export const runGit: GitRunner = (args, cwd) => {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 15000, maxBuffer: 64 * 1024 * 1024 });
  // ENOENT with a folder that exists: the program itself was not found.
  const missing = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT' && existsSync(cwd);
  return { status: r.error ? null : r.status, stdout: r.stdout ?? '', ...(missing ? { missing } : {}) };
};

/** Why there is no git work tree when git itself is missing, as a clause. */
export const GIT_MISSING = 'git cannot be run (it is not installed, or not on PATH)';

/** Whether git cannot be started at all (asked only once a folder was found outside any work tree). */
export function gitMissing(dir: string, git: GitRunner = runGit): boolean {
  return git(['--version'], dir).missing === true;
}

/** The top of the git work tree holding `dir`, or null. */
export function gitToplevel(dir: string, git: GitRunner = runGit): string | null {
  try {
    const r = git(['rev-parse', '--show-toplevel'], dir);
    const top = r.status === 0 ? r.stdout.trim() : '';
    return top || null;
  } catch {
    return null;
  }
}
