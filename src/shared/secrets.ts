// The one credential detector: secret-named keys, credentials in URLs (userinfo, query and matrix parameters).

/** What a masked value is replaced with. */
export const MASK = '***';

// Also covers api_key_file / api_key_env / api_key_ref, which point at a secret and are masked with it.
const SECRET_NAME = /key|token|secret|passw(or)?d|credential|authorization/i;
// `scheme://user:password@host` or `scheme://token@host`: anything in a URL's userinfo.
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@]+)@/gi;
// `?name=value`, `&name=value` (query) and `;name=value` (matrix parameters).
const PARAM = /([?&;])([^=&;#\s?/]+)=([^&;#\s]*)/g;

/** True when a key or parameter name names a secret (case-insensitive `key`, `token`, `secret`, `password`, …). */
export function namesSecret(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** True when any segment of a dotted key path (`llm_endpoints.endpoints[0].api_key`) names a secret. */
export function keyPathNamesSecret(keyPath: string): boolean {
  return keyPath.split(/[.[\]]+/).some((segment) => segment !== '' && namesSecret(segment));
}

// USERINFO without the global flag: `test` keeps no state between calls.
const HAS_USERINFO = new RegExp(USERINFO.source, 'i');

/** True when `text` holds a URL with userinfo or a secret-named query or matrix parameter with a value. */
export function hasCredentials(text: string): boolean {
  if (HAS_USERINFO.test(text)) return true;
  for (const m of text.matchAll(PARAM)) if (m[3] !== '' && namesSecret(m[2])) return true;
  return false;
}

/** `text` with URL userinfo and secret-named parameters masked (`https://***@h/?api_key=***`). */
export function maskUrlCredentials(text: string): string {
  if (!text.includes('://') && !/[?&;][^=\s]*=/.test(text)) return text;
  return text
    .replace(USERINFO, (all, scheme: string, info: string) => (info === MASK || info === '' ? all : `${scheme}${maskUserinfo(info)}@`))
    .replace(PARAM, (all, sep: string, name: string, value: string) => (value !== '' && value !== MASK && namesSecret(name) ? `${sep}${name}=${MASK}` : all));
}

/** `user:password` → `user:***`; a lone `token` → `***`. */
function maskUserinfo(info: string): string {
  const colon = info.indexOf(':');
  return colon >= 0 ? `${info.slice(0, colon + 1)}${MASK}` : MASK;
}
