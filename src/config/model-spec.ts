// Model specs as wg parses them: `provider:model` with wg's known providers; anything else is a bare name.

/** wg's KNOWN_PROVIDERS, in wg's order (reference §1.7). */
export const KNOWN_PROVIDERS = [
  'claude',
  'openrouter',
  'nex',
  'oai-compat',
  'openai',
  'codex',
  'gemini',
  'ollama',
  'llamacpp',
  'vllm',
  'local',
  'native',
] as const;

/** Prefixes wg still reads but warns about, with their replacement. */
export const DEPRECATED_PREFIXES: Record<string, string> = { local: 'nex', 'oai-compat': 'nex' };

/** A parsed model spec: the verbatim spec, its provider prefix (null when bare) and the part after it. */
export interface ModelSpec {
  spec: string;
  provider: string | null;
  name: string;
}

/** Lenient parse, as wg's `parse_model_spec`: split at the first `:` when the prefix is a known provider. */
export function parseModelSpec(spec: string): ModelSpec {
  const colon = spec.indexOf(':');
  if (colon > 0) {
    const prefix = spec.slice(0, colon);
    if ((KNOWN_PROVIDERS as readonly string[]).includes(prefix)) {
      return { spec, provider: prefix, name: spec.slice(colon + 1) };
    }
  }
  return { spec, provider: null, name: spec };
}

/** The warning wg prints for a deprecated prefix, or null. */
export function deprecationWarning(where: string, spec: string): string | null {
  const { provider, name } = parseModelSpec(spec);
  if (provider && DEPRECATED_PREFIXES[provider]) {
    const repl = DEPRECATED_PREFIXES[provider];
    return `model spec \`${where} = "${spec}"\` uses deprecated \`${provider}:\` prefix — use \`${repl}:${name}\``;
  }
  return null;
}

/** Why wg's strict parser (`parse_model_spec_strict`) refuses a spec, as the end of a sentence, or null when it accepts it. */
export function strictSpecProblem(spec: string): string | null {
  if (spec === '') return 'is empty (use provider:model, e.g. `claude:opus`)';
  const colon = spec.indexOf(':');
  if (colon < 0) return `has no provider prefix (write provider:model, e.g. \`claude:${spec}\`, \`openrouter:${spec}\` or \`nex:${spec}\`)`;
  const prefix = spec.slice(0, colon);
  if (prefix === 'amplifier') return 'uses the removed `amplifier` executor (use a `claude:`, `codex:` or `nex:` model)';
  if (!(KNOWN_PROVIDERS as readonly string[]).includes(prefix)) return `names unknown provider \`${prefix}\` (known: ${KNOWN_PROVIDERS.join(', ')})`;
  if (colon === spec.length - 1) return `has provider \`${prefix}\` but no model name`;
  return null;
}
