// `wg-policy diff`: what a config or policy change would do to every task's plan, before it ships. Exit 1 when anything changes.
import { diffPlans } from '../../tools/diff.js';
import { statusFilter } from '../../graph/status-filter.js';
import { printable } from '../table.js';

export async function runDiff(opts: { dir?: string; base?: string; baseGlobal?: string; status?: string; json?: boolean; quiet?: boolean }): Promise<void> {
  const status = opts.status === undefined ? undefined : statusFilter(opts.status);
  const report = await diffPlans({ dir: opts.dir, base: opts.base, baseGlobal: opts.baseGlobal, status });
  if (opts.json) {
    // JSON Lines: one line per changed task, both sides' fields and rules.
    for (const c of report.changed) process.stdout.write(`${JSON.stringify(c)}\n`);
  } else {
    for (const g of report.groups) {
      process.stdout.write(`${g.tasks.length} task${g.tasks.length === 1 ? '' : 's'}: ${printable(g.summary)}\n`);
      process.stdout.write(`  ${g.tasks.slice(0, 20).map(printable).join(', ')}${g.tasks.length > 20 ? `, … (${g.tasks.length - 20} more)` : ''}\n`);
    }
  }
  if (!opts.quiet) process.stderr.write(`${report.changed.length} of ${report.tasks} task${report.tasks === 1 ? '' : 's'} change against ${report.base}\n`);
  if (report.changed.length > 0) process.exitCode = 1;
}
