// `check`: loads every policy set a project would use and reports all problems without deciding anything.
import { join } from 'node:path';
import { locateWgDir } from '../config/locate.js';
import { PolicyError } from '../shared/errors.js';
import { SPAWN_FIELDS } from '../spawn/stages.js';
import { GATE_FIELDS } from '../gate/fields.js';
import { loadPolicySet, PolicyCheckError, type PolicySet } from './load.js';

/** The result of checking a project's policies. */
export interface CheckReport {
  ok: boolean;
  sets: Array<{ kind: string; revision?: string; files: PolicySet['files']; rules: number; disabled: PolicySet['disabled']; replaced: PolicySet['replaced'] }>;
  problems: Array<Record<string, unknown>>;
}

/** Checks the bundled policies and, when a wg dir is found, the project's own. */
export async function checkPolicies(opts: { dir?: string; cwd?: string; env?: NodeJS.ProcessEnv; bundledOnly?: boolean }): Promise<CheckReport> {
  const env = opts.env ?? process.env;
  const wgDir = opts.bundledOnly ? undefined : locateWgDir({ dir: opts.dir, env, cwd: opts.cwd ?? process.cwd() }).wgDir;
  const report: CheckReport = { ok: true, sets: [], problems: [] };
  for (const [kind, fields] of [['spawn', SPAWN_FIELDS], ['gate', GATE_FIELDS]] as const) {
    try {
      const set = await loadPolicySet({ kind, fields, projectPolicyDir: wgDir && join(wgDir, 'policies'), projectRoot: wgDir && join(wgDir, '..') });
      const rules = [...set.byField.values()].reduce((n, l) => n + l.length, 0);
      report.sets.push({ kind, revision: set.revision, files: set.files, rules, disabled: set.disabled, replaced: set.replaced });
    } catch (e) {
      if (!(e instanceof PolicyError)) throw e;
      report.ok = false;
      const list = e instanceof PolicyCheckError ? e.problems : [e];
      report.problems.push(...list.map((p) => ({ kind, ...p.toJSON() })));
      report.sets.push({ kind, files: [], rules: 0, disabled: [], replaced: [] });
    }
  }
  return report;
}
