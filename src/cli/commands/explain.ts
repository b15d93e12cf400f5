// `wg-policy explain`: per field, the winner, the config values it read, the rules that lost, and why the rest failed.
import { createDiagnostics } from '../../audit/diagnostics.js';
import { onlyField, renderExplanation, renderSummary, whyNot } from '../../engine/explain.js';
import { didYouMean } from '../../shared/did-you-mean.js';
import { PolicyError } from '../../shared/errors.js';
import { decideSpawn } from '../../spawn/plan.js';
import { compactExplanation } from '../../spawn/record.js';
import { printJson } from '../output.js';
import { requestFrom, type SpawnFlags } from './plan.js';

export async function runExplain(
  taskId: string,
  flags: SpawnFlags & { json?: boolean; all?: boolean; field?: string; whyNot?: string; quiet?: boolean },
): Promise<void> {
  // --why-not answers for one rule: with --all or --field beside it, one of them would be ignored.
  const beside = flags.whyNot === undefined ? undefined : flags.all ? '--all' : flags.field !== undefined ? '--field' : undefined;
  if (beside) throw new PolicyError('usage', `\`--why-not\` answers for one rule and cannot be combined with \`${beside}\``, { key: '--why-not' });
  const log = createDiagnostics({ quiet: flags.quiet });
  try {
    // A refusal still has a trace worth showing; bad input throws.
    const outcome = await decideSpawn(requestFrom(taskId, flags), { warn: (m) => log.warn(m), decisionLog: false });
    const x = outcome.explanation;
    if (flags.whyNot !== undefined) {
      const answer = whyNot(x.stages, flags.whyNot);
      const rules = x.stages.flatMap((s) => s.rules.map((r) => r.rule));
      if (answer === null)
        throw new PolicyError(
          'usage',
          `no rule \`${flags.whyNot}\` in the policy set in effect (disabled, or not a spawn rule)${didYouMean(flags.whyNot, rules)}`,
          { key: '--why-not' },
        );
      if (flags.json) printJson({ rule: flags.whyNot, answer });
      else process.stdout.write(`${answer}\n`);
    } else {
      const stages = flags.field === undefined ? x.stages : onlyField(x.stages, flags.field);
      if (flags.field !== undefined && stages.length === 0) {
        const names = [...new Set(x.stages.flatMap((s) => [s.field, s.stage]))];
        throw new PolicyError('usage', `no field or stage \`${flags.field}\` (fields and stages: ${names.join(', ')})${didYouMean(flags.field, names)}`, {
          key: '--field',
        });
      }
      const shown = { ...x, stages };
      if (flags.json) printJson(shown);
      else if (flags.all || flags.field !== undefined) process.stdout.write(renderExplanation(compactExplanation(shown)));
      else process.stdout.write(renderSummary(compactExplanation(shown)));
    }
    if (outcome.error) process.exitCode = 1;
  } finally {
    await log.close();
  }
}
