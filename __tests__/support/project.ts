// Test helpers: scratch wg projects on disk and the built CLI run as a real process.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '..', '..');
export const BIN = join(ROOT, 'bin', 'wg-policy.cjs');

/** A scratch project: `<root>/project/.wg/…` and a fake `<root>/home`. Keys of `files` are relative to root. */
export function scratch(files: Record<string, string> = {}): { root: string; project: string; wgDir: string; home: string; cleanup(): void } {
  const root = mkdtempSync(join(tmpdir(), 'wgp-'));
  const project = join(root, 'project');
  const wgDir = join(project, '.wg');
  const home = join(root, 'home');
  mkdirSync(wgDir, { recursive: true });
  mkdirSync(home, { recursive: true });
  for (const [rel, text] of Object.entries(files)) {
    const path = join(root, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  return { root, project, wgDir, home, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** Runs the built CLI (in the run's private TMPDIR, see global-setup.ts); returns exit code, stdout and stderr. */
export function cli(args: string[], opts: { cwd?: string; home?: string; env?: NodeJS.ProcessEnv; input?: string; nodeArgs?: string[] } = {}) {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: opts.home ?? tmpdir(), TMPDIR: tmpdir(), NO_COLOR: '1', ...opts.env };
  const r = spawnSync(process.execPath, [...(opts.nodeArgs ?? []), BIN, ...args], { cwd: opts.cwd ?? ROOT, env, input: opts.input, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
