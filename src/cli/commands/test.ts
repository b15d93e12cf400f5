// `wg-policy test`: runs policy test cases against the policy set in effect; pass/fail with diffs, and rule coverage.
import { locateWgDir } from '../../config/locate.js';
import { PolicyError } from '../../shared/errors.js';
import { defaultTestPaths, runPolicyTests, testFiles } from '../../tools/policy-test.js';
import { printJson } from '../output.js';

export interface TestFlags {
  dir?: string;
  bundled?: boolean;
  coverage?: boolean;
  coverageThreshold?: string;
  failOnEmpty?: boolean;
  json?: boolean;
  quiet?: boolean;
}

export async function runTest(paths: string[], flags: TestFlags): Promise<void> {
  const threshold = flags.coverageThreshold === undefined ? undefined : Number(flags.coverageThreshold);
  if (threshold !== undefined && !(threshold >= 0 && threshold <= 100))
    throw new PolicyError('usage', `\`--coverage-threshold\` must be a percentage from 0 to 100, not \`${flags.coverageThreshold}\``, {
      key: '--coverage-threshold',
    });
  const wgDir = flags.bundled ? undefined : locateWgDir({ dir: flags.dir, env: process.env, cwd: process.cwd() }).wgDir;
  const files = testFiles(paths.length ? paths : defaultTestPaths(wgDir));
  const report = await runPolicyTests(files, { wgDir });
  if (flags.json) printJson(report);
  else {
    // -q: only the failing cases.
    for (const c of report.cases.filter((x) => !flags.quiet || !x.ok)) {
      process.stdout.write(`${c.ok ? 'PASS' : 'FAIL'} ${c.file}: ${c.note}\n`);
      for (const d of c.diff) process.stdout.write(`    ${d}\n`);
    }
    process.stdout.write(`${report.passed} passed, ${report.failed} failed\n`);
    if (flags.coverage || threshold !== undefined) {
      const cov = report.coverage;
      process.stdout.write(`coverage: ${cov.percent}% (${cov.fired} of ${cov.rules} rules fired)\n`);
      for (const f of cov.files) if (f.missed.length) process.stdout.write(`  ${f.file}: ${f.fired}/${f.rules}; not fired: ${f.missed.join(', ')}\n`);
    }
  }
  const empty = report.cases.length === 0;
  // A failed run (exit 1), not bad input: no error code, as for failing cases.
  if (empty && flags.failOnEmpty) process.stderr.write('no test cases found; --fail-on-empty makes that a failure\n');
  if (threshold !== undefined && report.coverage.percent < threshold)
    process.stderr.write(`rule coverage ${report.coverage.percent}% is below --coverage-threshold ${threshold}%\n`);
  if (report.failed > 0 || (threshold !== undefined && report.coverage.percent < threshold) || (empty && flags.failOnEmpty)) process.exitCode = 1;
}
