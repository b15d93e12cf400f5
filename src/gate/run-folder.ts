// Per-user folders for scenario logs: under the user's state dir, mode 0700, never a folder another user created.
import { chmodSync, lstatSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PolicyError } from '../shared/errors.js';
import { makeDirs } from '../shared/read-file.js';

const RETENTION_MS = 24 * 3600 * 1000;

/**
 * Where this user's runs go: `$XDG_STATE_HOME/wg-policy/runs`, else `$HOME/.local/state/wg-policy/runs`, else (no
 * home at all) `<tmp>/wg-policy-<uid>/runs`. Relative `XDG_STATE_HOME` values are ignored, as the XDG spec says.
 */
export function runsRoot(env: NodeJS.ProcessEnv): string {
  const xdg = env.XDG_STATE_HOME;
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, 'wg-policy', 'runs');
  if (env.HOME && path.isAbsolute(env.HOME)) return path.join(env.HOME, '.local', 'state', 'wg-policy', 'runs');
  return path.join(os.tmpdir(), `wg-policy-${process.getuid?.() ?? 'user'}`, 'runs');
}

/** Makes `dir` (and missing parents) with mode 0700; an existing one must be this user's real folder, and is made 0700. */
function privateDir(dir: string): void {
  try {
    makeDirs(dir, 'scenario log folder', 0o700); // not Node's recursive mkdir, which can spin under /proc
  } catch (e) {
    throw new PolicyError('run-folder', `cannot create the scenario log folder \`${dir}\`: ${(e as Error).message.replace(/^cannot create the [^:]+: /, '')}`, {
      file: dir,
      help: 'set XDG_STATE_HOME to a folder you own',
    });
  }
  const st = lstatSync(dir);
  const uid = process.getuid?.();
  const problem = !st.isDirectory()
    ? 'is not a folder (a symlink or file is in the way)'
    : uid !== undefined && st.uid !== uid
      ? `belongs to uid ${st.uid}`
      : null;
  if (problem)
    throw new PolicyError('run-folder', `the scenario log folder \`${dir}\` ${problem}; it must be a folder of your own`, {
      file: dir,
      help: 'set XDG_STATE_HOME to a folder you own',
    });
  if ((st.mode & 0o077) !== 0) chmodSync(dir, 0o700);
}

/** A new 0700 folder for one run's logs (`<root>/<task>-XXXXXX`); this user's runs older than a day are pruned. */
export function freshRunFolder(taskId: string, env: NodeJS.ProcessEnv): string {
  const root = runsRoot(env);
  privateDir(path.dirname(root));
  privateDir(root);
  for (const name of readdirSync(root)) {
    const p = path.join(root, name);
    try {
      if (Date.now() - statSync(p).mtimeMs > RETENTION_MS) rmSync(p, { recursive: true, force: true });
    } catch {
      // pruned by a concurrent run
    }
  }
  return mkdtempSync(path.join(root, `${taskId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 60)}-`));
}
