// Scenario output is hostile: a script may print the config or an env dump. Credentials are masked before anything shows it.
import { maskValues } from '../shared/mask-values.js';
import { maskCredentials, searchable } from '../shared/secrets.js';
import type { ScenarioResult } from './result.js';

/** `text` with the known secret values (see maskValues) and every credential form (URLs, headers, `name = value`) masked. */
export function scrubText(text: string, secrets: readonly string[]): string {
  return maskCredentials(maskValues(text, searchable(secrets)));
}

/** A result whose printed output (tails and reason) is masked. */
export function scrubResult(r: ScenarioResult, secrets: readonly string[]): ScenarioResult {
  const out: ScenarioResult = { ...r };
  for (const k of ['stderrTail', 'stdoutTail', 'reason'] as const) {
    const v = out[k];
    if (typeof v === 'string') (out as Record<string, unknown>)[k] = scrubText(v, secrets);
  }
  return out;
}
