// Finds the wg project dir and the global config file the way wg does (reference §1.1).
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { PolicyError } from '../shared/errors.js';

const DIR_NAMES = ['.wg', '.workgraph'];

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Where the wg dir came from, for messages and provenance. */
export interface WgDirLocation {
  wgDir: string;
  how: '--dir' | 'WG_DIR' | 'walk-up';
  /** Set when asked to defer: the folder's existence is not yet checked (call `assertWgDir` unless a file in it was read). */
  unchecked?: { value: string };
}

function notFound(value: string, how: string, path: string): PolicyError {
  // A path that exists but is no folder (a file) is named as such: "does not exist" would send the user looking for it.
  const what = existsSync(path) ? 'is not a directory' : 'does not exist';
  return new PolicyError('wgdir-not-found', `the wg directory \`${value}\` given by ${how} ${what}`, { key: how });
}

/** Throws `wgdir-not-found` for a location whose folder does not exist (the check a deferred locate left out). */
export function assertWgDir(loc: WgDirLocation): void {
  if (loc.unchecked && !isDir(loc.wgDir)) throw notFound(loc.unchecked.value, loc.how, loc.wgDir);
}

/** `resolve(cwd, value)` and whether it names a wg dir by its name, kept per process (path arithmetic only, no I/O). */
const resolved = new Map<string, { path: string; named: boolean }>();

function resolveOnce(cwd: string, value: string): { path: string; named: boolean } {
  const key = `${cwd}\0${value}`;
  let r = resolved.get(key);
  if (!r) {
    const path = resolve(cwd, value);
    r = { path, named: DIR_NAMES.includes(basename(path)) };
    if (resolved.size >= 256) resolved.delete(resolved.keys().next().value as string);
    resolved.set(key, r);
  }
  return r;
}

/** A `--dir`/`WG_DIR` value naming a project root descends into `.wg`/`.workgraph`, as wg does. */
function descend({ path: p, named }: { path: string; named: boolean }): string {
  if (named || existsSync(join(p, 'graph.jsonl'))) return p;
  for (const name of DIR_NAMES) if (isDir(join(p, name))) return join(p, name);
  return p;
}

/**
 * wg dir from `--dir`, then `$WG_DIR`, then walking up from cwd trying `.wg` then `.workgraph`. With `defer`, a given
 * path named `.wg` / `.workgraph` is returned unchecked (a caller that reads a file in it anyway saves a stat).
 */
export function locateWgDir(opts: { dir?: string; env: NodeJS.ProcessEnv; cwd: string; defer?: boolean }): WgDirLocation {
  const given = opts.dir ? { value: opts.dir, how: '--dir' as const } : opts.env.WG_DIR ? { value: opts.env.WG_DIR, how: 'WG_DIR' as const } : null;
  if (given) {
    const at = resolveOnce(opts.cwd, given.value);
    if (opts.defer && at.named) return { wgDir: at.path, how: given.how, unchecked: { value: given.value } };
    const p = descend(at);
    if (!isDir(p)) throw notFound(given.value, given.how, p);
    return { wgDir: p, how: given.how };
  }
  let cur = resolve(opts.cwd);
  for (;;) {
    for (const name of DIR_NAMES) if (isDir(join(cur, name))) return { wgDir: join(cur, name), how: 'walk-up' };
    const up = dirname(cur);
    if (up === cur) break;
    cur = up;
  }
  throw new PolicyError('wgdir-not-found', `no wg directory found: looked for .wg and .workgraph from \`${opts.cwd}\` up to /`, {
    help: 'pass --dir, set WG_DIR, or run inside a wg project',
  });
}

/** Global config: `$HOME/.wg/config.toml`, else `$HOME/.workgraph/config.toml` when only that dir exists. */
export function globalConfigPath(home: string): string {
  const wg = join(home, '.wg');
  if (!isDir(wg) && isDir(join(home, '.workgraph'))) return join(home, '.workgraph', 'config.toml');
  return join(wg, 'config.toml');
}
