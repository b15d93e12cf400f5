// Scenario output is hostile: a script may print the config or an env dump. Credentials are masked before anything shows it.
import { maskValues } from '../shared/mask-values.js';
import { maskCredentials, searchable } from '../shared/secrets.js';
import type { ScenarioResult } from './result.js';

/** `text` with the known secret values (see maskValues) and every credential form (URLs, headers, `name = value`) masked. */
export function scrubText(text: string, secrets: readonly string[]): string {
  return maskCredentials(maskValues(text, searchable(secrets)));
}

/** A result whose `reason` is masked; its tails come masked from the runner (see runScenarios' `secrets`). */
export function scrubResult(r: ScenarioResult, secrets: readonly string[]): ScenarioResult {
  return r.reason === undefined ? r : { ...r, reason: scrubText(r.reason, secrets) };
}
