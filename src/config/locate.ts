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
}

/** A `--dir`/`WG_DIR` value naming a project root descends into `.wg`/`.workgraph`, as wg does. */
function descend(p: string): string {
  if (DIR_NAMES.includes(basename(p)) || existsSync(join(p, 'graph.jsonl'))) return p;
  for (const name of DIR_NAMES) if (isDir(join(p, name))) return join(p, name);
  return p;
}

/** wg dir from `--dir`, then `$WG_DIR`, then walking up from cwd trying `.wg` then `.workgraph`. */
export function locateWgDir(opts: { dir?: string; env: NodeJS.ProcessEnv; cwd: string }): WgDirLocation {
  const given = opts.dir ? { value: opts.dir, how: '--dir' as const } : opts.env.WG_DIR ? { value: opts.env.WG_DIR, how: 'WG_DIR' as const } : null;
  if (given) {
    const p = descend(resolve(opts.cwd, given.value));
    if (!isDir(p)) throw new PolicyError('wgdir-not-found', `the wg directory \`${given.value}\` given by ${given.how} does not exist`, { key: given.how });
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
