// Masks secrets in an audit record: values under secret-named keys, known secret values, credentials in URLs.
import { MASK, maskValues } from '../shared/mask-values.js';
import { keyPathNamesSecret, maskShown, namesSecret, searchable } from '../shared/secrets.js';

export { MASK };

const PLAIN_SEGMENT = /^[A-Za-z_$][\w$-]*$/;
/** Properties whose string values are rule ids: never altered (a rule id is not a secret and must stay queryable). */
const RULE_ID_PROPERTY = 'rule';

/**
 * A masked copy of `value` and the paths that were masked (`result.env.WG_API_KEY`, `inputs[2].value`). Values under
 * secret-named keys are masked whole; known `secrets` of at least MIN_SEARCHED_SECRET characters are masked wherever
 * they appear; credentials in URLs are masked everywhere. Rule ids (strings under `rule`) are never altered.
 */
export function maskSecrets<T>(value: T, secrets: readonly string[] = []): { value: T; masked: string[] } {
  const known = searchable(secrets.filter((s) => typeof s === 'string'));
  const masked = new Set<string>();

  // Records repeat their strings (key names, files, rule ids): each distinct one is checked once per call.
  const scrubbed = new Map<string, string>();
  const scrub = (text: string): string => {
    let out = scrubbed.get(text);
    if (out !== undefined) return out;
    if (known.includes(text)) out = MASK;
    else {
      out = maskShown(maskValues(text, known));
    }
    scrubbed.set(text, out);
    return out;
  };
  const secretNames = new Map<string, boolean>();
  const isSecretName = (name: string): boolean => {
    let secret = secretNames.get(name);
    if (secret === undefined) secretNames.set(name, (secret = namesSecret(name)));
    return secret;
  };

  // A path is spelled out only when something at it is masked (records are mostly clean).
  type Path = { parent: Path | null; name?: string; index?: number } | null;
  const spell = (p: Path): string => {
    if (p === null) return '';
    const up = spell(p.parent);
    if (p.name === undefined) return `${up}[${p.index}]`;
    const seg = segment(p.name);
    return up === '' ? seg.replace(/^\./, '') : up + seg;
  };

  const walk = (node: unknown, at: Path): unknown => {
    if (typeof node === 'string') {
      const out = scrub(node);
      if (out !== node) masked.add(spell(at));
      return out;
    }
    if (Array.isArray(node)) {
      const out: unknown[] = new Array(node.length);
      for (let i = 0; i < node.length; i++) out[i] = walk(node[i], { parent: at, index: i });
      return out;
    }
    if (node === null || typeof node !== 'object') return node;
    const source = node as Record<string, unknown>;
    // A {key, value} pair (a decision input, a provenance source) or a source without its value ({layer, file, key}, as
    // the facts keep it): `key` is a config key name, not a secret (its text is still searched for known secrets).
    const isKeyValue = typeof source.key === 'string' && ('value' in source || typeof source.layer === 'string');
    const out: Record<string, unknown> = {};
    for (const rawName of Object.keys(source)) {
      const child = source[rawName];
      const name = scrub(rawName);
      const childAt: Path = { parent: at, name };
      if (name !== rawName) masked.add(spell(childAt));
      let secret: boolean;
      if (isKeyValue && rawName === 'key') secret = false;
      else if (isKeyValue && rawName === 'value') secret = keyPathNamesSecret(source.key as string);
      else secret = isSecretName(rawName);
      let next: unknown;
      if (secret && child !== null && child !== undefined) {
        masked.add(spell(childAt));
        next = MASK;
      } else if (rawName === RULE_ID_PROPERTY && typeof child === 'string') {
        next = child;
      } else {
        next = walk(child, childAt);
      }
      if (name === '__proto__') Object.defineProperty(out, name, { value: next, enumerable: true, writable: true, configurable: true });
      else out[name] = next;
    }
    return out;
  };

  return { value: walk(value, null) as T, masked: [...masked] };
}

function segment(name: string): string {
  return PLAIN_SEGMENT.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`;
}
