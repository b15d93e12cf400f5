// `wg-policy check`: validates policy files and the smoke manifest; reports every problem once with file:line; exit 2 when any.
import { checkPolicies, type CheckReport } from '../../check/policies.js';
import { checkManifest, type ManifestCheck } from '../../gate/check-manifest.js';
import { printJson } from '../output.js';

/** The policy report plus, for a project, its smoke manifest: ignored keys are problems here, ownerless scenarios warnings. */
export type ProjectCheckReport = CheckReport & { manifest?: { file: string | null; scenarios: number; warnings: string[] } };

export async function runCheck(opts: { dir?: string; bundled?: boolean; json?: boolean }): Promise<void> {
  const report: ProjectCheckReport = await checkPolicies({ dir: opts.dir, bundledOnly: opts.bundled });
  let manifest: ManifestCheck | undefined;
  if (!opts.bundled) {
    manifest = checkManifest({ dir: opts.dir });
    report.manifest = { file: manifest.file, scenarios: manifest.scenarios, warnings: manifest.warnings };
    for (const p of manifest.problems) report.problems.push({ kind: 'manifest', ...p.toJSON(), formatted: p.format() });
    if (manifest.problems.length) report.ok = false;
  }
  if (opts.json) printJson(report);
  else {
    for (const s of report.sets) if (s.revision) process.stdout.write(`${s.kind}: ${s.rules} rules from ${s.files.length} files, revision ${s.revision}\n`);
    if (manifest?.file) process.stdout.write(`manifest: ${manifest.scenarios} scenarios in ${manifest.file}\n`);
    for (const w of manifest?.warnings ?? []) process.stderr.write(`wg-policy: warning: ${w}\n`);
    for (const p of report.problems) process.stderr.write(`wg-policy: ${String(p.formatted)} [${String(p.code)}]\n`);
    if (report.ok) process.stdout.write('ok\n');
  }
  if (!report.ok) process.exitCode = 2;
}
