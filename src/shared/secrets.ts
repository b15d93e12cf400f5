// The one credential detector: secret-named keys, credentials in URLs (userinfo, query, matrix and fragment
// parameters), in headers (`Authorization: Bearer …`) and in `name = value` text under secret-named names.
import {
  eachCredentialHeader,
  hasCredentialHeader,
  headerHoldsSecret,
  isReference,
  isReferenceAt,
  looksLikeKey,
  mayHaveHeader,
  mayHaveParam,
  namedCredential,
  namesCredential,
  nextUserinfo,
} from './credential-scan.js';
import { credentialWord, shellWords } from './command-credentials.js';
import { MASK, maskValues } from './mask-values.js';

// Case-insensitive. Also covers api_key_file / api_key_env / api_key_ref, which point at a secret and are masked with
// it. `auth` and `authorization` but not `author`; `sig` / `signature` (signed URLs); `cookie`; `jwt`, `bearer`;
// `pass`, `pwd` and `pw` as a later word of a name (`db_pass`, `DB_PASS_PROD`, `user-pwd`), not alone (`PWD` is the
// working directory).
const SECRET_NAME =
  /key|token|secret|pass[-_.]?w(or)?d|passphrase|[-_.](pass|pwd|pw)([-_.\d]|$)|credential|authori[sz]ation|auth(?!or)|^sig$|signature|cookie|jwt|bearer/i;
// In a URL these parameter names hold a secret too: a bare `key` (`?key=AIza…`), a signature (`sig`, `X-Amz-Signature`),
// a bare `pass`, `pwd` or `pw` (`?user=svc&pass=…`).
const SECRET_PARAM = /^(key|apikey|sig|signature|jwt|bearer|pass|pwd|pw)$|[-_.]signature$/i;

// `scheme://user:password@host` or `scheme://token@host`: anything in a URL's userinfo. A quote, backtick or backslash
// ends it (as whitespace does): a URL never holds one unescaped, and masking must not run across a JSON string's end.
// (USERINFO, found by credential-scan.ts's nextUserinfo.)
// `?name=value`, `&name=value` (query), `;name=value` (matrix parameters), `#name=value` (fragment, OAuth's implicit
// flow); a quote, backtick or backslash ends the name and the value, as for USERINFO.
const PARAM = /([?&;#])([^=&;#\s?/"'`\\]+)=([^&;#\s"'`\\]*)/g;

// A header line or a `name: value` / `name = value` / `NAME=value` pair in free text (scenario output, env dumps).
const ASSIGNMENT = /(^|[\s"'{,(])(["']?)([A-Za-z_][\w.-]*)\2(\s*[:=]\s*)(?:(bearer|basic|token)\s+)?("[^"\n]*"|'[^'\n]*'|[^\s"',;}]+)/gim;

/** Secret values shorter than this (`none`, `ollama`) are never searched for in other text: they are not real keys. */
export const MIN_SEARCHED_SECRET = 8;

/**
 * A key value as other text may spell it: as written, and percent-encoded as a URL component or inside a whole URL
 * (upper- and lower-case hex), so a key with `/`, `+`, `=`, `@` or `%` in it is found in a URL, a model name or a
 * command line that carries it encoded. Each spelling once.
 */
export function spellingsOf(key: string): string[] {
  const out = new Set([key]);
  for (const encode of [encodeURIComponent, encodeURI]) {
    let encoded: string;
    try {
      encoded = encode(key);
    } catch {
      continue; // a lone surrogate cannot be encoded, so no URL carries it encoded
    }
    out.add(encoded);
    out.add(encoded.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()));
  }
  return [...out];
}

/** True when a key or parameter name names a secret (case-insensitive `key`, `token`, `secret`, `password`, …). */
export function namesSecret(name: string): boolean {
  return SECRET_NAME.test(name);
}

/**
 * True when a URL's query, matrix or fragment parameter name names a secret: as a name of its own (namesCredential:
 * `api_key`, `access_token`, `X-Amz-Credential`; not `sort_key`, `max_tokens`, `authSource`), or SECRET_PARAM.
 */
export const paramNamesSecret = (name: string): boolean => namesCredential(name) || SECRET_PARAM.test(name);

/**
 * Whether the parameter value `value`, at `start` in `text`, is a secret's: not empty, and not a variable naming one
 * (`?token=$TOKEN`) unless the text is `literal` (see hasCredentials).
 */
export const paramValueIsSecret = (text: string, start: number, value: string, literal = false): boolean =>
  value !== '' && value !== MASK && (literal || !isReferenceAt(text, start, start + value.length));

/**
 * Whether a URL's userinfo holds a secret: a password (`user:password`); for web schemes (http, https, ws, wss) any
 * lone part (`https://ghp_…@github.com`), elsewhere only a lone part that looks like key material (`ssh://git@…`,
 * `ftp://anonymous@…`, `postgresql://app@db` name a user). Never what masking left, nor a variable (`oauth2:$TOKEN@`,
 * `${TOKEN}@`) unless the text is `literal` (see hasCredentials).
 */
export function userinfoHoldsSecret(info: string, scheme: string, literal = false): boolean {
  const colon = info.indexOf(':');
  const secret = colon >= 0 ? info.slice(colon + 1) : info;
  if (secret === '' || secret === MASK || (!literal && isReference(secret))) return false;
  return colon >= 0 || WEB_SCHEME.test(scheme) || looksLikeKey(secret, literal);
}

const WEB_SCHEME = /^([a-z]+\+)?(https?|wss?):?$/i; // `git+https` too

/** True when a URL in `text`, as written, has userinfo that holds a secret (see userinfoHoldsSecret). */
function hasSecretUserinfo(text: string, literal: boolean): boolean {
  for (let m = nextUserinfo(text, 0); m; m = nextUserinfo(text, m[2] + 1))
    if (userinfoHoldsSecret(text.slice(m[1] + 3, m[2]), text.slice(m[0], m[1]), literal)) return true;
  return false;
}

/** True when any segment of a dotted key path (`llm_endpoints.endpoints[0].api_key`) names a secret. */
export function keyPathNamesSecret(keyPath: string): boolean {
  return keyPath.split(/[.[\]]+/).some((segment) => segment !== '' && namesSecret(segment));
}

/**
 * True when `text` holds a URL with userinfo (as written, or as a URL parser reads it: `https:/u:p@h`, a tab or newline
 * inside), a secret-named query, matrix or fragment parameter with a value (its name percent-decoded too), or a
 * credential header. `literal`: the text is used as written, never by a shell (a config value, an executor TOML's
 * argument or environment value), so `$NAME` in it is no variable but characters of the value.
 */
export function hasCredentials(text: string, literal = false): boolean {
  if (hasSecretUserinfo(text, literal) || parsedUserinfo(text, literal)) return true;
  for (const m of text.matchAll(PARAM))
    if (paramValueIsSecret(text, m.index + m[0].length - m[3].length, m[3], literal) && (paramNamesSecret(m[2]) || paramNamesSecret(decoded(m[2]))))
      return true;
  return hasCredentialHeader(text, literal);
}

// A text that is a URL of a scheme URL parsers read leniently (`https:/h`, `https:h`, `https:\\h` all have an authority).
const SPECIAL_URL = /^\s*(?:https?|wss?|ftp):/i;

/** True when a URL parser (WHATWG's, as Node's and wg's use) finds a user name or password in `text`. */
function parsedUserinfo(text: string, literal: boolean): boolean {
  if (!text.includes('@') || !SPECIAL_URL.test(text)) return false;
  try {
    const url = new URL(text.trim().split(' ')[0]); // the URL, not prose after it (`https://h down since 09:00, cc @sre`)
    return userinfoHoldsSecret(url.password === '' ? url.username : `${url.username}:${url.password}`, url.protocol, literal);
  } catch {
    return false; // not a URL at all: nothing a client would send as credentials
  }
}

/** A percent-encoded parameter name decoded (`k%65y` → `key`); as written when it is not valid encoding. */
function decoded(name: string): string {
  if (!name.includes('%')) return name;
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

/** How a refusal says a value repeats a key read from config (the value itself is never shown). */
export const REPEATS_KEY = "repeats a key's value from config; wg-policy never plans, prints or records it";

/** The key values of the config last loaded (see useKeys), those worth searching for. */
let knownKeys: readonly string[] = [];

/** The list `knownKeys` was made from: the layers' own list, the same object on every plan while config is unchanged. */
let knownFrom: readonly string[] = knownKeys;

/**
 * Sets the key values of the config this command reads (both layers, each time they are loaded; none at the start of a
 * command line), so that no message built from then on quotes them (see maskKeys).
 */
export function useKeys(keys: readonly string[]): void {
  if (keys === knownFrom) return; // every plan sets them: only a new list is filtered
  knownFrom = keys;
  knownKeys = searchable(keys);
}

/** The keys worth searching for: long enough to be real, each once. */
export const searchable = (keys: readonly string[]): string[] => [...new Set(keys)].filter((k) => k.length >= MIN_SEARCHED_SECRET);

/**
 * A message or diagnostic with every key value of the config in use (or of `keys`) masked, no part of one left where two
 * overlap (see maskValues). For text only: data (a plan,
 * JSON) is never masked byte by byte, since a key equal to planned text would change what it says; a plan holding a key
 * is refused instead.
 */
export function maskKeys(text: string, keys?: readonly string[]): string {
  return maskValues(text, keys ? searchable(keys) : knownKeys);
}

// Characters that show as nothing or join invisibly: a key with them inserted reads as the key (the combining ones
// each in a class of their own, where no character before them can combine with them).
const INVISIBLE =
  /[\u00ad\u061c\u115f\u1160\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufeff\uffa0]|\u034f|[\u17b4-\u17b5]|[\u180b-\u180f]|[\ufe00-\ufe0f]|\udb40[\udc00-\udfff]/g;
// A percent-escape of an ASCII character (`%2D`, `%2d`), which a URL may use for any character.
const ASCII_ESCAPE = /%[0-7][0-9a-f]/gi;
// A character written by its code: `&#115;`, `&#x73;` (HTML, XML), `\u0073`, `\u{73}`, `\x73` (JSON, JavaScript,
// Python, a shell's `$'…'`).
const CHAR_REFERENCE = /&#(?:x([0-9a-f]{1,6})|(\d{1,7}));?|\\u(?:([0-9a-f]{4})|\{([0-9a-f]{1,6})\})|\\x([0-9a-f]{2})/gi;

/** A character foldSpelling changes or drops may be in the text: a capital, a `%`, `&`, `\`, or anything past ASCII. */
const MAY_FOLD = /[A-Z%&\\\u0080-\uffff]/;

/**
 * Text as a key hidden in it may be spelled: percent-escapes of ASCII decoded (three times over, for an escape itself
 * escaped: `%252D`), characters written by their code decoded, compatibility forms read as what they stand for (NFKC:
 * full-width `ｓｋ－…` is `sk-…`), invisible characters dropped, lower case.
 */
function foldSpelling(text: string): string {
  let s = text;
  for (let round = 0; round < 3 && s.includes('%'); round++) {
    const decoded = s.replace(ASCII_ESCAPE, (e) => String.fromCharCode(parseInt(e.slice(1), 16)));
    if (decoded === s) break;
    s = decoded;
  }
  if (s.includes('&#') || s.includes('\\')) s = s.replace(CHAR_REFERENCE, fromCharReference);
  if (/[\u0080-\uffff]/.test(s)) s = s.normalize('NFKC');
  return s.replace(INVISIBLE, '').toLowerCase();
}

function fromCharReference(all: string, hex?: string, dec?: string, u4?: string, u?: string, x?: string): string {
  const code = dec !== undefined ? Number(dec) : parseInt((hex ?? u4 ?? u ?? x) as string, 16);
  return code <= 0x10ffff ? String.fromCodePoint(code) : all;
}

/**
 * A key's base64 spellings (standard and URL-safe) at each of the three byte offsets it may sit at inside a longer
 * encoded text: the characters that depend on the key's bytes alone.
 */
function base64Spellings(key: string): string[] {
  const bytes = Buffer.from(key);
  const out: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const inner = encoded.slice(Math.ceil((offset * 8) / 6), Math.floor(((offset + bytes.length) * 8) / 6));
    if (inner.length >= MIN_SEARCHED_SECRET) out.push(inner, inner.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return out;
}

/** Per list of keys: each folded (see foldSpelling), and each in base64; worked out once per list. */
const otherSpellings = new WeakMap<readonly string[], { folded: string[]; encoded: string[] }>();

function spellingsFor(keys: readonly string[]): { folded: string[]; encoded: string[] } {
  let s = otherSpellings.get(keys);
  if (!s) {
    // hex (any case, once text is folded) is one more spelling of the key's bytes
    const folded = [...new Set(keys.flatMap((k) => [foldSpelling(k), Buffer.from(k).toString('hex')]))].filter((k) => k.length >= MIN_SEARCHED_SECRET);
    otherSpellings.set(keys, (s = { folded, encoded: [...new Set(keys.flatMap(base64Spellings))] }));
  }
  return s;
}

/**
 * True when `text` contains one of `keys` (key values read from config) in any spelling an agent that knows a key may
 * use to get it past a plain search: as written, percent-encoded (any character, an escape escaped again), written by
 * character codes (`&#115;`, `\u0073`, `\x73`), in full-width or other compatibility forms, with invisible characters
 * inserted, in another case, in hex, or in base64 (wrapped over lines too). (A key cut into pieces, across several
 * fields or by spaces, is not found.)
 */
export function containsKey(text: string, keys: readonly string[]): boolean {
  if (keys.length === 0) return false;
  for (const k of keys) if (text.includes(k)) return true;
  const { folded, encoded } = spellingsFor(keys);
  const f = MAY_FOLD.test(text) ? foldSpelling(text) : text; // lower-case ASCII without `%`, `&` or `\` folds to itself
  for (const k of folded) if (f.includes(k)) return true;
  for (const k of encoded) if (text.includes(k)) return true;
  if (encoded.length === 0 || !/[\r\n]/.test(text)) return false;
  const unwrapped = text.replace(/\r?\n/g, ''); // base64 is often wrapped at 64 or 76 characters
  return encoded.some((k) => unwrapped.includes(k));
}

/** How a refusal says what `carriesCredential` found (the value itself is never shown). */
export const CARRIES_CREDENTIALS =
  "carries credentials (a URL with a user, key or token, an authorization header, a value after a key's or token's name, or a password in its program's own form: `curl -u`, `sshpass -p`, `mysql -p…`); wg-policy never plans, prints or records them";

/**
 * True when a text (an argument, an environment value, a task's command line) carries a credential: as
 * `hasCredentials` finds them (after a glued short option too: `-HAuthorization: Bearer …`), key material (see
 * looksLikeKey) under a credential name (`--api-key=…`, `apiKey=…`, `api-key: …`, `{"Authorization": "Bearer …"}`,
 * `OPENAI_API_KEY=…`) or after a flag that names one (`--api-key VALUE`), or a password in one of PASSWORD_FORMS.
 * `literal` as for hasCredentials.
 */
export function carriesCredential(text: string, literal = false): boolean {
  return carriesNamedCredential(text, literal) || (/\s/.test(text.trim()) && credentialWord(shellWords(text)) >= 0);
}

/** The index of the first argument of an argv that carries a credential (see `carriesCredential`); -1 when none does. */
export function credentialArgument(args: readonly string[], literal = false): number {
  for (let i = 0; i < args.length; i++) if (carriesCredential(args[i], literal)) return i;
  return credentialWord(args);
}

function carriesNamedCredential(text: string, literal: boolean): boolean {
  if (hasCredentials(text, literal) || (/^-[A-Za-z]./.test(text) && hasCredentials(text.slice(2), literal))) return true;
  return namedCredential(text);
}

/** `text` with URL userinfo and secret-named parameters masked (`https://***@h/?api_key=***`). */
export function maskUrlCredentials(text: string): string {
  if (!text.includes('://') && !mayHaveParam(text)) return text;
  const urls = maskUserinfos(text);
  if (!mayHaveParam(urls)) return urls;
  return urls.replace(PARAM, (all, sep: string, name: string, value: string, at: number) =>
    paramValueIsSecret(urls, at + all.length - value.length, value) && paramNamesSecret(name) ? `${sep}${name}=${MASK}` : all,
  );
}

/**
 * `text.replace(USERINFO, …)`, found from each `://` instead of trying the pattern at every word: the same matches (a
 * test compares the two on random text), at a fraction of the cost on long output. A match is the leftmost letter at
 * a word boundary in the scheme characters before `://`, then the characters up to `@` (none of whitespace, / ? # @).
 */
function maskUserinfos(text: string): string {
  let out = '';
  let copied = 0;
  for (let m = nextUserinfo(text, 0); m; m = nextUserinfo(text, copied)) {
    const [start, p, end] = m;
    const info = text.slice(p + 3, end);
    out +=
      text.slice(copied, start) +
      (userinfoHoldsSecret(info, text.slice(start, p)) ? `${text.slice(start, p + 3)}${maskUserinfo(info)}@` : text.slice(start, end + 1));
    copied = end + 1;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/**
 * Free text (scenario output, a message, a terminal line) with every credential form masked: URLs as
 * `maskUrlCredentials`, and the value of any `name: value` / `name = value` whose name is secret-named
 * (`Authorization: Bearer ***`, `api_key = ***`, `OPENAI_API_KEY=***`).
 */
export function maskCredentials(text: string): string {
  const urls = maskUrlCredentials(text);
  if (!/[:=]/.test(urls)) return urls;
  return urls.replace(ASSIGNMENT, (all, lead: string, q: string, name: string, sep: string, scheme: string | undefined, value: string) => {
    if (!namesSecret(name) || value === MASK || value === `"${MASK}"` || value.includes('://')) return all;
    const quote = value.startsWith('"') ? '"' : value.startsWith("'") ? "'" : '';
    return `${lead}${q}${name}${q}${sep}${scheme ? `${scheme} ` : ''}${quote}${MASK}${quote}`;
  });
}

/**
 * A message or a line of output with credentials in URLs and credential headers masked; other text unchanged (a
 * `key: value` in an explanation is not a secret, so `name = value` pairs are left to `maskCredentials`).
 */
export function maskShown(text: string): string {
  const urls = maskUrlCredentials(text);
  if (!mayHaveHeader(urls)) return urls;
  let out = '';
  let copied = 0;
  eachCredentialHeader(urls, (m) => {
    if (!headerHoldsSecret(urls, m)) return false;
    const { start, head, scheme, value } = m;
    out += `${urls.slice(copied, start)}${head}${scheme ? `${scheme} ` : ''}${MASK}`;
    copied = value[1];
    return false;
  });
  return copied === 0 ? urls : out + urls.slice(copied);
}

/** `user:password` → `user:***`; a lone `token` → `***`. */
function maskUserinfo(info: string): string {
  const colon = info.indexOf(':');
  return colon >= 0 ? `${info.slice(0, colon + 1)}${MASK}` : MASK;
}
