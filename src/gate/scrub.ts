// Scenario output is hostile: a script may print the config or an env dump. Credentials are masked before anything shows it.
import { MASK, maskCredentials } from '../shared/secrets.js';
import type { ScenarioResult } from './result.js';

/** Known secrets shorter than this are not searched for in free text (`none`, `ollama` would mask ordinary words). */
const MIN_SEARCHED = 8;

/** `text` with the known secret values and every credential form (URLs, headers, `name = value`) masked. */
export function scrubText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of [...new Set(secrets)].filter((x) => x.length >= MIN_SEARCHED).sort((a, b) => b.length - a.length)) out = out.split(s).join(MASK);
  return maskCredentials(out);
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
