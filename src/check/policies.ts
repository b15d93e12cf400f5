// `check`: loads every policy set a project would use and reports all problems without deciding anything.
import { join } from 'node:path';
import { locateWgDir } from '../config/locate.js';
import { loadPolicySet, type PolicySet } from '../policy/load.js';
import { PolicyError, PolicyProblems } from '../shared/errors.js';
import { NAMESPACES, TABLES } from '../stages/index.js';

/** The result of checking a project's policies. */
export interface CheckReport {
  ok: boolean;
  sets: Array<{ kind: string; revision?: string; files: PolicySet['files']; rules: number; disabled: PolicySet['disabled']; replaced: PolicySet['replaced'] }>;
  problems: Array<Record<string, unknown>>;
}

/** Checks the bundled policies and, when a wg dir is found, the project's own; each problem is reported once. */
export async function checkPolicies(opts: { dir?: string; cwd?: string; env?: NodeJS.ProcessEnv; bundledOnly?: boolean }): Promise<CheckReport> {
  const env = opts.env ?? process.env;
  const wgDir = opts.bundledOnly ? undefined : locateWgDir({ dir: opts.dir, env, cwd: opts.cwd ?? process.cwd() }).wgDir;
  const report: CheckReport = { ok: true, sets: [], problems: [] };
  const seen = new Set<string>();
  for (const table of TABLES) {
    try {
      const set = await loadPolicySet(table, {
        projectPolicyDir: wgDir && join(wgDir, 'policies'),
        projectRoot: wgDir && join(wgDir, '..'),
        namespaces: NAMESPACES,
      });
      const rules = [...set.byStage.values()].reduce((n, l) => n + l.length, 0);
      report.sets.push({ kind: table.kind, revision: set.revision, files: set.files, rules, disabled: set.disabled, replaced: set.replaced });
    } catch (e) {
      if (!(e instanceof PolicyError)) throw e;
      report.ok = false;
      for (const p of e instanceof PolicyProblems ? e.problems : [e]) {
        const key = `${p.code}\0${p.file}\0${p.line}\0${p.message}`;
        if (seen.has(key)) continue; // a project file read by both sets is reported once
        seen.add(key);
        report.problems.push({ kind: table.kind, ...p.toJSON(), formatted: p.format() });
      }
      report.sets.push({ kind: table.kind, files: [], rules: 0, disabled: [], replaced: [] });
    }
  }
  return report;
}
