// `check`: validates, without deciding, everything a project's decisions read — policy files, both wg config files, the
// executor TOMLs, the smoke manifest — and reports every problem once, sorted by file and position.
import { join, relative } from 'node:path';
import { loadExecutors } from '../config/executors.js';
import { loadLayers } from '../config/layers.js';
import { locateWgDir } from '../config/locate.js';
import { checkManifest } from '../gate/check-manifest.js';
import { overlapWarnings } from '../policy/check.js';
import { loadPolicySet, type PolicySet } from '../policy/load.js';
import { PolicyError, PolicyProblems, formatError, type ErrorCode } from '../shared/errors.js';
import { NAMESPACES, TABLES } from '../stages/index.js';
import { configRefusals } from './config-refusals.js';

/** One finding: an error (decisions would be refused) or a warning (they would be made, maybe not as meant). */
export interface CheckFinding {
  severity: 'error' | 'warning';
  code: ErrorCode | string;
  message: string;
  file?: string;
  line?: number;
  column?: number;
  key?: string;
  rule?: string;
  /** `file:line:col: severity code: message`, as printed. */
  formatted: string;
}

/** The result of checking a project. */
export interface CheckReport {
  ok: boolean;
  sets: Array<{ kind: string; revision?: string; files: PolicySet['files']; rules: number; disabled: PolicySet['disabled']; replaced: PolicySet['replaced'] }>;
  findings: CheckFinding[];
}

function finding(e: PolicyError, severity: CheckFinding['severity']): CheckFinding {
  const { code, message, file, line, column, key, rule } = e;
  const at = formatError({ code: 'usage', message: '', file, line, column }).replace(/: $/, '');
  return {
    severity,
    code,
    message,
    file,
    line,
    column,
    key,
    rule,
    formatted: `${at ? `${at}: ` : ''}${severity} ${code}: ${message}${rule && !message.includes(`\`${rule}\``) ? ` (rule ${rule})` : ''}`,
  };
}

/** Checks the bundled policies and, when a wg dir is found (not `bundledOnly`), the project's policies, config and manifest. */
export async function checkPolicies(opts: { dir?: string; cwd?: string; env?: NodeJS.ProcessEnv; home?: string; bundledOnly?: boolean }): Promise<CheckReport> {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const wgDir = opts.bundledOnly ? undefined : locateWgDir({ dir: opts.dir, env, cwd }).wgDir;
  const report: CheckReport = { ok: true, sets: [], findings: [] };
  const add = (e: unknown, severity: CheckFinding['severity'] = 'error') => {
    if (!(e instanceof PolicyError)) throw e;
    for (const p of e instanceof PolicyProblems ? e.problems : [e]) report.findings.push(finding(p, severity));
  };
  let spawnSet: PolicySet | undefined;
  for (const table of TABLES) {
    try {
      const set = await loadPolicySet(table, {
        projectPolicyDir: wgDir && join(wgDir, 'policies'),
        projectRoot: wgDir && join(wgDir, '..'),
        namespaces: NAMESPACES,
      });
      const rules = [...set.byStage.values()].flat();
      report.sets.push({ kind: table.kind, revision: set.revision, files: set.files, rules: rules.length, disabled: set.disabled, replaced: set.replaced });
      for (const w of overlapWarnings(rules, table)) add(w, 'warning');
      if (table.kind === 'spawn') spawnSet = set;
    } catch (e) {
      add(e);
      report.sets.push({ kind: table.kind, files: [], rules: 0, disabled: [], replaced: [] });
    }
  }
  if (wgDir) {
    try {
      const layers = loadLayers({ wgDir, home: opts.home || env.HOME || undefined });
      if (spawnSet) for (const e of configRefusals(spawnSet, layers)) add(e, 'warning');
      for (const f of [layers.local, layers.global])
        for (const w of f.warnings)
          report.findings.push({
            severity: 'warning',
            code: 'config-deprecated',
            message: w,
            file: f.file,
            formatted: `${f.file}: warning config-deprecated: ${w}`,
          });
    } catch (e) {
      add(e);
    }
    try {
      loadExecutors(wgDir, relative(join(wgDir, '..'), wgDir));
    } catch (e) {
      add(e);
    }
    const manifest = checkManifest({ dir: wgDir, cwd, env });
    for (const p of manifest.problems) add(p);
    for (const w of manifest.warnings) add(w, 'warning');
  }
  // Each problem once (a project file is read by every policy set), sorted by file and position.
  const seen = new Set<string>();
  report.findings = report.findings
    .filter((f) => (seen.has(f.formatted) ? false : (seen.add(f.formatted), true)))
    .sort(
      (a, b) =>
        (a.file ?? '').localeCompare(b.file ?? '') || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0) || a.code.localeCompare(b.code),
    );
  report.ok = !report.findings.some((f) => f.severity === 'error');
  return report;
}
