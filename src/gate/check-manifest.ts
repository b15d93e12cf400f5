// `check` for the smoke manifest: a key wg ignores is an error here (a warning on gate/done runs); a scenario with no owners warns.
import path from 'node:path';
import { locateWgDir } from '../config/locate.js';
import { PolicyError, PolicyProblems } from '../shared/errors.js';
import { ignoredKeyMessage, loadManifest, resolveManifestPath } from './manifest.js';

/** The manifest a project's gate would use, and what is wrong with it. */
export interface ManifestCheck {
  /** The manifest's path, or null when the project has none (an empty gate). */
  file: string | null;
  scenarios: number;
  problems: PolicyError[];
  /** `manifest-no-owners`: a scenario that never runs for a task. */
  warnings: PolicyError[];
}

/** Finds the project's manifest as the gate does and checks it; never runs a scenario. */
export function checkManifest(opts: { dir?: string; cwd?: string; env?: NodeJS.ProcessEnv; manifest?: string }): ManifestCheck {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const { wgDir } = locateWgDir({ dir: opts.dir, env, cwd });
  const out: ManifestCheck = { file: null, scenarios: 0, problems: [], warnings: [] };
  try {
    const resolved = resolveManifestPath({ flag: opts.manifest, env, wgDir, projectRoot: path.dirname(wgDir), cwd });
    if (!resolved.path) return out;
    out.file = resolved.path;
    const shown = path.relative(cwd, resolved.path).startsWith('..') ? resolved.path : path.relative(cwd, resolved.path);
    const manifest = loadManifest(resolved.path);
    out.scenarios = manifest.scenarios.length;
    for (const k of manifest.ignored)
      out.problems.push(new PolicyError('manifest-unknown-key', ignoredKeyMessage(k, null), { file: shown, line: k.line, key: k.key }));
    for (const s of manifest.scenarios)
      if (s.owners.length === 0)
        out.warnings.push(
          new PolicyError('manifest-no-owners', `scenario \`${s.name}\` has no owners and never runs for a task`, {
            file: shown,
            line: s.line ?? undefined,
            key: 'owners',
          }),
        );
  } catch (e) {
    if (!(e instanceof PolicyError)) throw e;
    out.problems.push(...(e instanceof PolicyProblems ? e.problems : [e]));
  }
  return out;
}
