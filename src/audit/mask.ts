// Masks secrets in an audit record: values under secret-named keys, and known secret values wherever they appear.

/** What a masked value is replaced with. */
export const MASK = '***';

// Also covers api_key_file / api_key_env / api_key_ref, which point at a secret and are masked with it.
const SECRET_NAME = /key|token|secret|passw(or)?d|credential|authorization/i;
const PLAIN_SEGMENT = /^[A-Za-z_$][\w$-]*$/;

/** True when a property name names a secret (case-insensitive `key`, `token`, `secret`, `password`, …). */
export function namesSecret(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** True when any segment of a dotted config key (`llm_endpoints.endpoints[0].api_key`) names a secret. */
export function keyPathNamesSecret(keyPath: string): boolean {
  return keyPath.split(/[.[\]]+/).some((segment) => segment !== '' && namesSecret(segment));
}

/** A masked copy of `value` and the paths that were masked (`result.env.WG_API_KEY`, `inputs[2].value`). */
export function maskSecrets<T>(value: T, secrets: readonly string[] = []): { value: T; masked: string[] } {
  // Longest first, so a secret that contains another is replaced whole.
  const known = [...new Set(secrets.filter((s) => typeof s === 'string' && s !== ''))].sort((a, b) => b.length - a.length);
  const masked = new Set<string>();

  const scrub = (text: string): string => {
    if (known.includes(text)) return MASK;
    let out = text;
    for (const secret of known) if (out.includes(secret)) out = out.split(secret).join(MASK);
    return out;
  };

  const walk = (node: unknown, at: string): unknown => {
    if (typeof node === 'string') {
      const out = scrub(node);
      if (out !== node) masked.add(at);
      return out;
    }
    if (Array.isArray(node)) return node.map((item, i) => walk(item, `${at}[${i}]`));
    if (node === null || typeof node !== 'object') return node;
    const source = node as Record<string, unknown>;
    // A {key, value} pair (a decision input, a provenance source): `key` is a config key name, not a secret.
    const isKeyValue = typeof source.key === 'string' && 'value' in source;
    const out: Record<string, unknown> = {};
    for (const [rawName, child] of Object.entries(source)) {
      const name = scrub(rawName);
      const childAt = at === '' ? segment(name).replace(/^\./, '') : at + segment(name);
      if (name !== rawName) masked.add(childAt);
      let secret: boolean;
      if (isKeyValue && rawName === 'key') secret = false;
      else if (isKeyValue && rawName === 'value') secret = keyPathNamesSecret(source.key as string);
      else secret = namesSecret(rawName);
      let next: unknown;
      if (secret && child !== null && child !== undefined) {
        masked.add(childAt);
        next = MASK;
      } else {
        next = walk(child, childAt);
      }
      Object.defineProperty(out, name, { value: next, enumerable: true, writable: true, configurable: true });
    }
    return out;
  };

  return { value: walk(value, '') as T, masked: [...masked] };
}

function segment(name: string): string {
  return PLAIN_SEGMENT.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`;
}
