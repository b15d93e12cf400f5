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
