// Test helpers: scratch wg projects on disk and the built CLI run as a real process.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { scratchProject } from '../../src/tools/scratch.js';

export const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '..', '..');
export const BIN = join(ROOT, 'bin', 'wg-policy.cjs');

/** A scratch project: `<root>/project/.wg/…` and a fake `<root>/home`. Keys of `files` are relative to root. */
export const scratch = (files: Record<string, string> = {}) => scratchProject('wgp-', files);

/** A scratch project pinned to `claude:opus` whose graph holds `tasks` (each an open task named by its id and fields). */
export function projectWithTasks(tasks: ReadonlyArray<Record<string, unknown> & { id: string }>) {
  const s = scratch({ 'project/.wg/config.toml': '[dispatcher]\nexecutor = "claude"\nmodel = "claude:opus"\n' });
  const lines = tasks.map((t) => JSON.stringify({ kind: 'task', title: t.id, status: 'open', ...t }));
  writeFileSync(join(s.wgDir, 'graph.jsonl'), `${lines.join('\n')}\n`);
  return s;
}

/** Runs the built CLI (in the run's private TMPDIR, see global-setup.ts); returns exit code, stdout and stderr. */
export function cli(args: string[], opts: { cwd?: string; home?: string; env?: NodeJS.ProcessEnv; input?: string; nodeArgs?: string[] } = {}) {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: opts.home ?? tmpdir(), TMPDIR: tmpdir(), NO_COLOR: '1', ...opts.env };
  const r = spawnSync(process.execPath, [...(opts.nodeArgs ?? []), BIN, ...args], { cwd: opts.cwd ?? ROOT, env, input: opts.input, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
