// `wg-policy check`: validates policy files and reports every problem once with file:line; exit 2 when any.
import { checkPolicies } from '../../check/policies.js';
import { printJson } from '../output.js';

export async function runCheck(opts: { dir?: string; bundled?: boolean; json?: boolean; quiet?: boolean }): Promise<void> {
  const report = await checkPolicies({ dir: opts.dir, bundledOnly: opts.bundled });
  if (opts.json) printJson(report);
  else {
    // -q: only the problems.
    if (!opts.quiet)
      for (const s of report.sets) if (s.revision) process.stdout.write(`${s.kind}: ${s.rules} rules from ${s.files.length} files, revision ${s.revision}\n`);
    for (const p of report.problems) process.stderr.write(`wg-policy: ${String(p.formatted)} [${String(p.code)}]\n`);
    if (report.ok && !opts.quiet) process.stdout.write('ok\n');
  }
  if (!report.ok) process.exitCode = 2;
}
