// Grow-only manifest check: scenario names in the manifest found at a git base revision that the current manifest lacks.
import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { PolicyError } from '../shared/errors.js';
import { GIT_MISSING, gitMissing, runGit, type GitRunner } from '../shared/git.js';
import { formatOf, loadManifestFromText, type Manifest } from './manifest.js';

/** The comparison: `compared: false` with a `note` when there is nothing to compare against. */
export interface BaseComparison {
  base: string;
  compared: boolean;
  lost: string[];
  /** `HEAD:tests/smoke/manifest.toml`, when the base manifest was read. */
  at?: string;
  /** The base manifest's path in the working tree (absolute), when it was read. */
  file?: string;
  /** The base manifest itself, its git blob id, and the repository and commit it was read from (for the weakening comparison). */
  before?: Manifest;
  baseBlob?: string;
  repo?: { top: string; sha: string };
  note?: string;
}

/** What to compare: the current manifest (null when none is found) and every path the manifest search tries. */
export interface CompareOptions {
  manifest: Manifest | null;
  /** The current manifest's path for messages. */
  label: string;
  /** Absolute paths in search order (`--manifest`, `$WG_SMOKE_MANIFEST`, wg's search, `<project>/smoke/…`). */
  candidates: readonly string[];
  /** Where to look for the repository when there is no current manifest (the wg dir). */
  repoDir: string;
  base: string;
  /** The base as messages name it (default: `base`). */
  shownBase?: string;
  /** `--base` was given: an unusable base is bad input instead of a note. */
  explicit: boolean;
  git?: GitRunner;
  /** The repository of `repoDir` as the caller resolved it: its top (null: outside git) and what `base` names there (saves git calls). */
  known?: { top: string | null; sha: string | null };
  /** A path for messages (cwd-relative when inside it). */
  shown?: (p: string) => string;
}

interface Repo {
  top: string;
  /** The base commit, or null when `base` names no commit in this repository. */
  sha: string | null;
}

/**
 * Compares the current manifest with the manifest the search order finds at `base`: the first candidate path that
 * existed at that revision. So deleting or moving the manifest cannot hide lost scenarios. No git repository, or no
 * manifest at the base, is a note, not a loss. An explicit `base` that cannot be used is bad input; so is a base
 * manifest that does not load.
 */
export function compareWithBase(o: CompareOptions): BaseComparison {
  const { base, explicit } = o;
  const git = o.git ?? runGit;
  const shown = o.shown ?? ((p: string) => p);
  const shownBase = o.shownBase ?? base;
  const skip = (note?: string): BaseComparison => ({ base: shownBase, compared: false, lost: [], ...(note ? { note } : {}) });
  if (base.startsWith('-') || base.trim() === '' || /[\s\0]/.test(base))
    throw new PolicyError('git-base', `\`--base ${base}\` is not a git revision`, { key: '--base' });

  const repos = new Map<string, Repo | null>();
  if (o.known?.top) repos.set(o.known.top, { top: real(o.known.top), sha: o.known.sha });
  // INVARIANT: git found no repository from `outside`, so none from its ancestors either (see alsoOutside).
  const outside = o.known && !o.known.top ? real(o.repoDir) : null;
  const repoOf = (dir: string): Repo | null => {
    if (repos.has(dir)) return repos.get(dir)!;
    const known = [...repos.values()].find((r) => r && within(r.top, real(dir)));
    if (known || (outside && alsoOutside(outside, real(dir)))) {
      repos.set(dir, known ?? null);
      return known ?? null;
    }
    const top = git(['rev-parse', '--show-toplevel'], dir);
    let repo: Repo | null = null;
    if (top.status === 0 && top.stdout.trim()) {
      const root = real(top.stdout.trim());
      repo = [...repos.values()].find((r) => r?.top === root) ?? null;
      if (!repo) {
        const commit = git(['rev-parse', '--verify', '--quiet', `${base}^{commit}`], root);
        repo = { top: root, sha: commit.status === 0 ? commit.stdout.trim() : null };
      }
    }
    repos.set(dir, repo);
    return repo;
  };

  // The repository the current manifest (else the wg dir) lives in decides what an unusable base means.
  const where = o.manifest ? o.label : shown(o.repoDir);
  const home = repoOf(existingDir(o.manifest ? o.manifest.dir : o.repoDir));
  if (home && !home.sha) {
    if (explicit)
      throw new PolicyError('git-base', `\`--base ${base}\` is not a commit in the git repository of \`${where}\``, {
        key: '--base',
        help: 'pass a commit, branch or tag, e.g. --base origin/main',
      });
    return skip(`grow-only check skipped: \`${shownBase}\` does not name a commit yet in the git repository of \`${where}\``);
  }

  // Candidates grouped by repository, in search order; the first one that existed at the base is the base manifest.
  const inRepo: Array<{ file: string; repo: Repo; rel: string }> = [];
  for (const file of new Set(o.candidates.map((c) => path.resolve(c)))) {
    const repo = repoOf(existingDir(path.dirname(file)));
    if (!repo?.sha) continue;
    const rel = path.relative(repo.top, realish(file));
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) continue;
    inRepo.push({ file, repo, rel: rel.split(path.sep).join('/') });
  }
  if (!home && inRepo.length === 0) {
    const outside = gitMissing(existingDir(o.repoDir), git) ? GIT_MISSING : `\`${where}\` is not in a git repository`;
    if (explicit) throw new PolicyError('git-base', `\`--base ${base}\` was given, but ${outside}`, { key: '--base' });
    return skip(o.manifest ? `grow-only check skipped: ${outside}` : undefined);
  }
  // Every candidate that existed at the base, with its blob id (`<mode> blob <id>\t<path>` entries).
  const present = new Map<string, string>();
  for (const repo of new Set(inRepo.map((c) => c.repo))) {
    const rels = inRepo.filter((c) => c.repo === repo).map((c) => c.rel);
    const listed = git(['--literal-pathspecs', 'ls-tree', '-r', '-z', repo.sha!, '--', ...rels], repo.top);
    if (listed.status !== 0)
      throw new PolicyError('git-base', `cannot list \`${base}\` in the git repository \`${repo.top}\` with git ls-tree`, { key: '--base' });
    for (const entry of listed.stdout.split('\0')) {
      const m = /^\d+ blob ([0-9a-f]+)\t(.*)$/s.exec(entry);
      if (m) present.set(`${repo.top}\0${m[2]}`, m[1]);
    }
  }
  const found = inRepo.find((c) => present.has(`${c.repo.top}\0${c.rel}`));
  if (!found) {
    return skip(
      o.manifest
        ? `grow-only check skipped: \`${o.label}\` did not exist at \`${shownBase}\`, nor did any other smoke manifest of the search order`
        : `grow-only check skipped: no smoke manifest existed at \`${shownBase}\``,
    );
  }
  const at = `${base}:${found.rel}`;
  const blob = git(['show', `${found.repo.sha}:${found.rel}`], found.repo.top);
  if (blob.status !== 0) throw new PolicyError('git-base', `cannot read \`${at}\` with git show`, { key: '--base' });
  const before = loadManifestFromText(blob.stdout, at, formatOf(found.rel), path.dirname(found.file));
  const now = new Set((o.manifest?.scenarios ?? []).map((s) => s.name));
  const lost = before.scenarios.map((s) => s.name).filter((n) => !now.has(n));
  const result: BaseComparison = { base: shownBase, compared: true, lost, at, file: found.file, before, repo: { top: found.repo.top, sha: found.repo.sha! } };
  result.baseBlob = present.get(`${found.repo.top}\0${found.rel}`);
  if (o.manifest && path.resolve(o.manifest.file) === found.file) return result;
  const current = o.manifest ? `the current manifest is \`${o.label}\`` : 'no smoke manifest is found now';
  return {
    ...result,
    note: `grow-only: compared with \`${shown(found.file)}\` as it was at \`${shownBase}\` (the manifest the search order found there); ${current}`,
  };
}

/** `dir` is in the work tree of `top` itself: below it, with no nested repository (`.git`) on the way. */
function within(top: string, dir: string): boolean {
  const rel = path.relative(top, dir);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return false;
  for (let d = dir; d !== top; d = path.dirname(d)) if (existsSync(path.join(d, '.git'))) return false;
  return true;
}

/**
 * `dir` is outside git as well: git searches from a folder upwards, and the search from `outside` (or its ancestors)
 * found nothing, so only a `.git` below their nearest common folder, on the way up from `dir`, could hold one.
 */
function alsoOutside(outside: string, dir: string): boolean {
  let common = outside;
  while (path.relative(common, dir).split(path.sep)[0] === '..' && path.dirname(common) !== common) common = path.dirname(common);
  for (let d = dir; d !== common && path.dirname(d) !== d; d = path.dirname(d)) if (existsSync(path.join(d, '.git'))) return false;
  return true;
}

/** The nearest existing folder at or above `dir`. */
function existingDir(dir: string): string {
  let d = path.resolve(dir);
  while (!existsSync(d) && path.dirname(d) !== d) d = path.dirname(d);
  return d;
}

function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/** `p` with symlinks resolved in the part of it that exists (a deleted manifest keeps its name). */
function realish(p: string): string {
  const dir = existingDir(path.dirname(p));
  return path.join(real(dir), path.relative(dir, path.resolve(p)));
}
