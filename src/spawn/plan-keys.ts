// The last check on a plan: no key's value from config in what it launches, whatever route brought it there.
import { PolicyError } from '../shared/errors.js';
import { flawAt, FLAWS } from '../shared/flaws.js';
import { containsKey, REPEATS_KEY } from '../shared/secrets.js';
import type { SpawnPlan } from './plan-schema.js';

/**
 * Throws `plan-repeats-key` (exit 2) when a key's value from config appears in what a plan launches (its fields but
 * provenance, and the executor TOML it runs), whatever route brought it (a TOML's argument, a caller's flag, a default
 * that equals a weak key): the plan is refused, never masked into one that would launch something else. Names where,
 * never the value.
 */
export function refusePlannedKeys(plan: SpawnPlan, keys: readonly string[]): void {
  if (keys.length === 0) return;
  const { provenance, ...launched } = plan;
  const repeatsKey = (text: string) => (containsKey(text, keys) ? FLAWS.key : undefined);
  const found = flawAt(launched, '', repeatsKey) ?? flawAt(provenance.executorConfig.value, 'provenance.executorConfig.value', repeatsKey);
  if (found !== undefined)
    throw new PolicyError('plan-repeats-key', `the plan for task \`${plan.task}\` at \`${found.at}\` ${REPEATS_KEY}`, {
      key: found.at,
      help: 'keep keys out of executor TOMLs, flags and task fields; a key that equals planned text (a tier or a model name) is too weak: change it',
    });
}
