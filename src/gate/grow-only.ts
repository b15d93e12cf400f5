// Grow-only manifest check: scenario names at a git base revision (`git show REV:path`) that the manifest no longer has.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { badInput } from '../shared/errors.js';
import { formatOf, loadManifestFromText, type Manifest } from './manifest.js';

/** The comparison: `compared: false` with a `note` when there is nothing to compare against. */
export interface BaseComparison {
  base: string;
  compared: boolean;
  lost: string[];
  /** `HEAD:smoke/manifest.toml`, when the base manifest was read. */
  at?: string;
  note?: string;
}

/** Runs git in a folder; injectable for tests. Returns exit status and stdout. */
export type GitRunner = (args: string[], cwd: string) => { status: number | null; stdout: string };

const runGit: GitRunner = (args, cwd) => {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 15000, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.error ? null : r.status, stdout: r.stdout ?? '' };
};

/**
 * Compares the manifest's scenario names with the same file at `base` (git revision). A manifest outside git,
 * or one that did not exist at the base, has nothing to compare (a note, not a loss). An explicit `base` that
 * cannot be used (no git repository, not a commit) is bad input; so is a base manifest that does not load.
 */
export function compareWithBase(manifest: Manifest, base: string, explicit: boolean, git: GitRunner = runGit, label = manifest.file): BaseComparison {
  const skip = (note: string): BaseComparison => ({ base, compared: false, lost: [], note });
  if (base.startsWith('-') || base.trim() === '' || /[\s\0]/.test(base))
    throw badInput(`\`--base ${base}\` is not a git revision`, { key: '--base' });
  const prefix = git(['rev-parse', '--show-prefix'], manifest.dir);
  if (prefix.status !== 0) {
    if (explicit) throw badInput(`\`--base ${base}\` was given, but \`${label}\` is not in a git repository`, { key: '--base' });
    return skip(`grow-only check skipped: \`${label}\` is not in a git repository`);
  }
  const commit = git(['rev-parse', '--verify', '--quiet', `${base}^{commit}`], manifest.dir);
  if (commit.status !== 0) {
    if (explicit) throw badInput(`\`--base ${base}\` is not a commit in the git repository of \`${label}\``, { key: '--base', help: 'pass a commit, branch or tag, e.g. --base origin/main' });
    return skip(`grow-only check skipped: \`${base}\` does not name a commit yet in the git repository of \`${label}\``);
  }
  const rel = `${prefix.stdout.trim()}${path.basename(manifest.file)}`;
  const at = `${base}:${rel}`;
  const sha = commit.stdout.trim();
  if (git(['cat-file', '-e', `${sha}:${rel}`], manifest.dir).status !== 0)
    return skip(`grow-only check skipped: \`${rel}\` did not exist at \`${base}\``);
  const shown = git(['show', `${sha}:${rel}`], manifest.dir);
  if (shown.status !== 0) throw badInput(`cannot read \`${at}\` with git show`, { key: '--base' });
  const before = loadManifestFromText(shown.stdout, at, formatOf(rel), manifest.dir);
  const now = new Set(manifest.scenarios.map((s) => s.name));
  return { base, compared: true, lost: before.scenarios.map((s) => s.name).filter((n) => !now.has(n)), at };
}
