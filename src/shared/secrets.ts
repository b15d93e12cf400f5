// The one credential detector: secret-named keys, credentials in URLs (userinfo, query, matrix and fragment
// parameters), in headers (`Authorization: Bearer …`) and in `name = value` text under secret-named names.
import { MASK, maskValues } from './mask-values.js';

// Case-insensitive. Also covers api_key_file / api_key_env / api_key_ref, which point at a secret and are masked with
// it. `auth` and `authorization` but not `author`; `sig` / `signature` (signed URLs); `cookie`; `jwt`, `bearer`.
const SECRET_NAME = /key|token|secret|passw(or)?d|credential|authori[sz]ation|auth(?!or)|^sig$|signature|cookie|jwt|bearer/i;
// `scheme://user:password@host` or `scheme://token@host`: anything in a URL's userinfo. A quote, backtick or backslash
// ends it (as whitespace does): a URL never holds one unescaped, and masking must not run across a JSON string's end.
// USERINFO: /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@"'`\\]+)@/gi, found by nextUserinfo from each `://` in linear time.
// `?name=value`, `&name=value` (query), `;name=value` (matrix parameters), `#name=value` (fragment, OAuth's implicit
// flow); a quote, backtick or backslash ends the name and the value, as for USERINFO.
const PARAM = /([?&;#])([^=&;#\s?/"'`\\]+)=([^&;#\s"'`\\]*)/g;
// A header line or a `name: value` / `name = value` / `NAME=value` pair in free text (scenario output, env dumps).
const ASSIGNMENT = /(^|[\s"'{,(])(["']?)([A-Za-z_][\w.-]*)\2(\s*[:=]\s*)(?:(bearer|basic|token)\s+)?("[^"\n]*"|'[^'\n]*'|[^\s"',;}]+)/gim;
// A header `authorization: …` (`proxy-authorization`, an auth scheme kept) or `x-<name>: …`, up to its value, which the
// lookahead requires but leaves for the caller: an `x-` header carries a credential only when its whole name has
// `key`, `token`, `secret` or `auth` in it, which the code tests (one pattern that asks for it inside the name takes
// time quadratic in the name's length where no colon follows).
const HEADER_START = /((?<![\w-])(?:proxy-)?authorization\s*:\s*)(?:(bearer|basic|token)\s+)?(?=[^\s"'`\\])|((?<![\w-])x-([\w-]*)\s*:\s*)(?=[^\s"'`\\])/gi;
const HEADER_SECRET = /key|token|secret|auth/i;

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

/** True when any segment of a dotted key path (`llm_endpoints.endpoints[0].api_key`) names a secret. */
export function keyPathNamesSecret(keyPath: string): boolean {
  return keyPath.split(/[.[\]]+/).some((segment) => segment !== '' && namesSecret(segment));
}

/**
 * True when `text` holds a URL with userinfo (as written, or as a URL parser reads it: `https:/u:p@h`, a tab or newline
 * inside), a secret-named query, matrix or fragment parameter with a value (its name percent-decoded too), or a
 * credential header.
 */
export function hasCredentials(text: string): boolean {
  if (hasUserinfo(text) || parsedUserinfo(text)) return true;
  for (const m of text.matchAll(PARAM)) if (m[3] !== '' && (namesSecret(m[2]) || namesSecret(decoded(m[2])))) return true;
  return hasCredentialHeader(text);
}

// A text that is a URL of a scheme URL parsers read leniently (`https:/h`, `https:h`, `https:\\h` all have an authority).
const SPECIAL_URL = /^\s*(?:https?|wss?|ftp):/i;

/** True when a URL parser (WHATWG's, as Node's and wg's use) finds a user name or password in `text`. */
function parsedUserinfo(text: string): boolean {
  if (!text.includes('@') || !SPECIAL_URL.test(text)) return false;
  try {
    const url = new URL(text.trim());
    return url.username !== '' || url.password !== '';
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

// A name that is a credential on its own as a whole trailing word, once camelCase, `_` and leading dashes are read as
// `-` (`--api-key`, `clientSecret`, `AUTH_TOKEN`, `Authorization`); not `--max-tokens`, `--sort-key` or `--keyboard`.
const CREDENTIAL_NAME =
  /(^|-)(api-?key|access-?key|secret-?key|private-?key|(access-|auth-|refresh-|id-|session-)?token|bearer|(client-)?secret|passw(or)?d|auth|credentials?|authorization|cookie)$/;
// Every `name=value` / `name: value` in a text (an argument, an env value) as
// /(?<![\w.])([A-Za-z][\w.-]*)["']?\s*[:=](?=\s*["']?(?:(?:bearer|basic|token)\s+)?["']?([^\s"',;}]+))/gi finds them:
// the value (after an auth scheme) looked at but not consumed, so `--header=Authorization=Bearer …` yields both
// `header` and `Authorization`. namedCredential scans for the same matches in linear time (the pattern's lookahead
// reads each value to its end, quadratic on `a:a:a:…`); a test compares the two on random text.

/**
 * True when a value after a credential's name looks like key material rather than words: at least 8 characters
 * without a space, a digit among them, not a variable (`$TOKEN`), a path (`::login`) or another option. So
 * `OPENAI_API_KEY=sk-proj-1x…` and `--api-key Zx81…` are credentials; `Fix auth: login fails`, `--auth none`,
 * `--secret file.txt` and `SECRET_KEY=test` are not.
 */
function looksLikeKey(value: string): boolean {
  return value.length >= 8 && /\d/.test(value) && !/^[$:-]/.test(value) && !/\s/.test(value);
}

/** True when `name` (a flag, a key in free text) names a credential by itself (see CREDENTIAL_NAME). */
function namesCredential(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/_/g, '-')
    .replace(/^-+/, '');
  return CREDENTIAL_NAME.test(words);
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

/** True when `text` contains one of `keys` (key values read from config). */
export function containsKey(text: string, keys: readonly string[]): boolean {
  for (const k of keys) if (text.includes(k)) return true;
  return false;
}

/** How a refusal says what `carriesCredential` found (the value itself is never shown). */
export const CARRIES_CREDENTIALS =
  "carries credentials (a URL with a user, key or token, an authorization header, or a value after a key's or token's name); wg-policy never plans, prints or records them";

/**
 * True when a text (an argument, an environment value, a task's command line) carries a credential: as
 * `hasCredentials` finds them (after a glued short option too: `-HAuthorization: Bearer …`), or key material (see
 * looksLikeKey) under a credential name (`--api-key=…`, `apiKey=…`, `api-key: …`, `{"Authorization": "Bearer …"}`,
 * `OPENAI_API_KEY=…`) or after a flag that names one (`--api-key VALUE`).
 */
export function carriesCredential(text: string): boolean {
  return carriesNamedCredential(text) || (/\s/.test(text.trim()) && valueAfterFlag(text.trim().split(/\s+/)) >= 0);
}

/** The index of the first argument of an argv that carries a credential (see `carriesCredential`); -1 when none does. */
export function credentialArgument(args: readonly string[]): number {
  for (let i = 0; i < args.length; i++) if (carriesCredential(args[i])) return i;
  return valueAfterFlag(args);
}

function carriesNamedCredential(text: string): boolean {
  if (hasCredentials(text) || (/^-[A-Za-z]./.test(text) && hasCredentials(text.slice(2)))) return true;
  return namedCredential(text);
}

const isNameChar = (c: number) => isWordChar(c) || c === 46 || c === 45; // [\w.-]
const isQuote = (c: number) => c === 34 || c === 39;
const isValueChar = (c: number) => !(isSpace(c) || isQuote(c) || c === 44 || c === 59 || c === 125); // [^\s"',;}]: not , ; }
const isDigit = (c: number) => c >= 48 && c <= 57;

// An auth scheme and the whitespace it needs after it, matched where it starts (sticky). Case-insensitive as patterns
// without the `u` flag are: ASCII letters only (`toLowerCase` would read the Kelvin sign as `k`).
const SCHEME_AT = /(?:bearer|basic|token)(?=\s)/iy;

/** Where an auth scheme (`bearer`, `basic`, `token`, any case) and the whitespace after it end, if one starts at `i`. */
function afterScheme(text: string, i: number): number | undefined {
  SCHEME_AT.lastIndex = i;
  if (!SCHEME_AT.test(text)) return undefined;
  let j = SCHEME_AT.lastIndex;
  while (j < text.length && isSpace(text.charCodeAt(j))) j++;
  return j;
}

/**
 * True when some `name=value` / `name: value` (see the pattern above) has a credential's name and key material (see
 * looksLikeKey) as its value. Each character is looked at a bounded number of times: a value's run of characters and
 * its last digit are found once and shared by the matches that start inside it.
 */
export function namedCredential(text: string): boolean {
  const n = text.length;
  let runStart = -1;
  let runEnd = -1;
  let lastDigit = -1;
  /** The value of the match whose lookahead starts at `v`: its start and end, or undefined when the lookahead fails. */
  const valueAt = (v: number): [number, number] | undefined => {
    while (v < n && isSpace(text.charCodeAt(v))) v++;
    const firstQuote = v < n && isQuote(text.charCodeAt(v)) ? [v + 1, v] : [v];
    for (const q1 of firstQuote) {
      const scheme = afterScheme(text, q1);
      for (const s of scheme === undefined ? [q1] : [scheme, q1]) {
        for (const q2 of s < n && isQuote(text.charCodeAt(s)) ? [s + 1, s] : [s]) {
          if (q2 >= n || !isValueChar(text.charCodeAt(q2))) continue;
          if (q2 < runStart || q2 >= runEnd) {
            runStart = q2;
            lastDigit = -1;
            for (runEnd = q2; runEnd < n && isValueChar(text.charCodeAt(runEnd)); runEnd++) if (isDigit(text.charCodeAt(runEnd))) lastDigit = runEnd;
          }
          return [q2, runEnd];
        }
      }
    }
    return undefined;
  };
  for (let i = 0; i < n; i++) {
    if (!isLetter(text.charCodeAt(i)) || (i > 0 && (isWordChar(text.charCodeAt(i - 1)) || text.charCodeAt(i - 1) === 46))) continue;
    let r = i + 1;
    while (r < n && isNameChar(text.charCodeAt(r))) r++;
    let k = r < n && isQuote(text.charCodeAt(r)) ? r + 1 : r;
    while (k < n && isSpace(text.charCodeAt(k))) k++;
    const sep = text.charCodeAt(k);
    if (sep !== 58 && sep !== 61) {
      i = r - 1; // every start inside this name has the same end, and fails the same way
      continue;
    }
    const value = valueAt(k + 1);
    if (value) {
      const [start, end] = value;
      const first = text.charCodeAt(start);
      // looksLikeKey on text.slice(start, end), without the copy: 8 or more characters, a digit, not `$`, `:` or `-` first.
      if (end - start >= 8 && lastDigit >= start && first !== 36 && first !== 58 && first !== 45 && namesCredential(text.slice(i, r))) return true;
    }
    i = k; // the match consumed the name and its separator
  }
  return false;
}

/** The index of key material (see looksLikeKey) right after a flag that names a credential (`--api-key VALUE`), or -1. */
function valueAfterFlag(words: readonly string[]): number {
  for (let i = 0; i + 1 < words.length; i++) {
    const flag = /^--?([A-Za-z][\w.-]*)$/.exec(words[i]);
    if (flag && namesCredential(flag[1]) && looksLikeKey(words[i + 1].replace(/^["']|["']$/g, ''))) return i + 1;
  }
  return -1;
}

/** `text` with URL userinfo and secret-named parameters masked (`https://***@h/?api_key=***`). */
export function maskUrlCredentials(text: string): string {
  if (!text.includes('://') && !mayHaveParam(text)) return text;
  const urls = maskUserinfos(text);
  if (!mayHaveParam(urls)) return urls;
  return urls.replace(PARAM, (all, sep: string, name: string, value: string) =>
    value !== '' && value !== MASK && namesSecret(name) ? `${sep}${name}=${MASK}` : all,
  );
}

// Character classes of USERINFO, by char code (its `i` flag without `u`: ASCII letters only; `\s` as JavaScript has it).
const isLetter = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
const isSchemeChar = (c: number) => isLetter(c) || (c >= 48 && c <= 57) || c === 43 || c === 46 || c === 45;
const isWordChar = (c: number) => isLetter(c) || (c >= 48 && c <= 57) || c === 95;
const isSpace = (c: number) =>
  (c >= 9 && c <= 13) ||
  c === 32 ||
  c === 0xa0 ||
  c === 0x1680 ||
  (c >= 0x2000 && c <= 0x200a) ||
  c === 0x2028 ||
  c === 0x2029 ||
  c === 0x202f ||
  c === 0x205f ||
  c === 0x3000 ||
  c === 0xfeff;
const isQuoteOrEscape = (c: number) => c === 34 || c === 39 || c === 96 || c === 92; // quote, apostrophe, backtick, backslash
const endsUserinfo = (c: number) => isSpace(c) || c === 47 || c === 63 || c === 35 || c === 64 || isQuoteOrEscape(c); // whitespace / ? # @

const isParamSeparator = (c: number) => c === 63 || c === 38 || c === 59 || c === 35; // ? & ; #
const endsParamName = (c: number) => isParamSeparator(c) || c === 61 || c === 47 || isSpace(c) || isQuoteOrEscape(c); // … = /

/**
 * True when some `=` has a parameter name right before it and one of PARAM's separators before that, which any PARAM
 * match needs: long output (a plan, a JSON line) mostly has none, and looking back from each `=` beats a regex scan.
 */
function mayHaveParam(text: string): boolean {
  for (let eq = text.indexOf('='); eq >= 0; eq = text.indexOf('=', eq + 1)) {
    let i = eq - 1;
    while (i >= 0 && !endsParamName(text.charCodeAt(i))) i--;
    if (i >= 0 && i < eq - 1 && isParamSeparator(text.charCodeAt(i))) return true;
  }
  return false;
}

/**
 * True when `text` holds `authorization` (any case) or an `x-` with no word character or `-` before it, which any
 * credential header (HEADER_START) needs (a cheaper test on long output, where `x-` mostly sits inside words).
 */
function mayHaveHeader(text: string): boolean {
  if (AUTHORIZATION.test(text)) return true;
  for (const x of ['x-', 'X-'])
    for (let i = text.indexOf(x); i >= 0; i = text.indexOf(x, i + 1)) {
      const before = i === 0 ? -1 : text.charCodeAt(i - 1);
      if (before === -1 || !(isWordChar(before) || before === 45)) return true;
    }
  return false;
}
const AUTHORIZATION = /authorization/i;

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
    out += text.slice(copied, start) + (info === MASK ? text.slice(start, end + 1) : `${text.slice(start, p + 3)}${maskUserinfo(info)}@`);
    copied = end + 1;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** True when `text` has a URL with userinfo as written (USERINFO matches somewhere). */
export const hasUserinfo = (text: string): boolean => nextUserinfo(text, 0) !== null;

/** True when `text` has a credential header (`Authorization: …`, `X-Api-Key: …`; see HEADER_START). */
export const hasCredentialHeader = (text: string): boolean => mayHaveHeader(text) && eachCredentialHeader(text, () => true);

/** The first USERINFO match at or after `from` as [its start, its `://`, its `@`]; null when there is none. */
function nextUserinfo(text: string, from: number): [number, number, number] | null {
  for (let p = text.indexOf('://', from); p >= 0; p = text.indexOf('://', p + 1)) {
    let start = p;
    while (start > from && isSchemeChar(text.charCodeAt(start - 1))) start--;
    while (start < p && !(isLetter(text.charCodeAt(start)) && (start === 0 || !isWordChar(text.charCodeAt(start - 1))))) start++;
    if (start === p) continue;
    let end = p + 3;
    while (end < text.length && !endsUserinfo(text.charCodeAt(end))) end++;
    if (end === p + 3 || text.charCodeAt(end) !== 64) continue;
    return [start, p, end];
  }
  return null;
}

/** A credential header found: where it starts, its name and colon as written, its auth scheme, its value's span. */
interface HeaderMatch {
  start: number;
  head: string;
  scheme: string | undefined;
  value: [number, number];
}

/**
 * Calls `found` for each credential header (see HEADER_START) left to right, as the one pattern that asks for a secret
 * word inside an `x-` name would match them; stops and returns true when `found` does.
 */
function eachCredentialHeader(text: string, found: (m: HeaderMatch) => boolean): boolean {
  const re = HEADER_START; // INVARIANT: `found` never searches for headers itself, so one pattern object serves
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[3] !== undefined && !HEADER_SECRET.test(m[4])) continue; // an `x-` header of another kind: its value stays
    let end = re.lastIndex;
    while (end < text.length && !endsHeaderValue(text.charCodeAt(end))) end++;
    if (found({ start: m.index, head: m[1] ?? m[3], scheme: m[2], value: [re.lastIndex, end] })) return true;
    re.lastIndex = end;
  }
  return false;
}

const endsHeaderValue = (c: number) => isSpace(c) || isQuoteOrEscape(c); // [^\s"'`\\]

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
  eachCredentialHeader(urls, ({ start, head, scheme, value }) => {
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
