// `wg-policy check`: validates everything decisions read and prints each finding once as `file:line:col: severity code: message`; exit 1 on any error.
import { checkPolicies } from '../../check/policies.js';
import { printJson } from '../output.js';

export async function runCheck(opts: { dir?: string; bundled?: boolean; json?: boolean; quiet?: boolean }): Promise<void> {
  const report = await checkPolicies({ dir: opts.dir, bundledOnly: opts.bundled });
  if (opts.json) printJson(report);
  else {
    for (const f of report.findings) process.stdout.write(`${f.formatted}\n`);
    // -q: only the findings.
    if (!opts.quiet) {
      for (const s of report.sets) if (s.revision) process.stderr.write(`${s.kind}: ${s.rules} rules from ${s.files.length} files, revision ${s.revision}\n`);
      const errors = report.findings.filter((f) => f.severity === 'error').length;
      process.stderr.write(
        `${errors} error${errors === 1 ? '' : 's'}, ${report.findings.length - errors} warning${report.findings.length - errors === 1 ? '' : 's'}\n`,
      );
    }
  }
  if (!report.ok) process.exitCode = 1;
}
