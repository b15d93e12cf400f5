// The scanners behind the credential detector (secrets.ts): character classes by code, and searches that run in time
// linear in the text's length where the patterns they stand for (named in each comment; held to them by property tests)
// take quadratic time on hostile text.

// Character classes by char code, as the patterns have them (their `i` flag without `u`: ASCII letters only; `\s` as
// JavaScript has it).
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
const isNameChar = (c: number) => isWordChar(c) || c === 46 || c === 45; // [\w.-]
const isQuote = (c: number) => c === 34 || c === 39;
const isValueChar = (c: number) => !(isSpace(c) || isQuote(c) || c === 44 || c === 59 || c === 125); // [^\s"',;}]: not , ; }
const isDigit = (c: number) => c >= 48 && c <= 57;

// A header `authorization: …` (`proxy-authorization`, an auth scheme kept) or `x-<name>: …`, up to its value, which the
// lookahead requires but leaves for the caller: an `x-` header carries a credential only when its whole name has
// `key`, `token`, `secret` or `auth` in it, which the code tests (one pattern that asks for it inside the name takes
// time quadratic in the name's length where no colon follows).
const HEADER_START = /((?<![\w-])(?:proxy-)?authorization\s*:\s*)(?:(bearer|basic|token)\s+)?(?=[^\s"'`\\])|((?<![\w-])x-([\w-]*)\s*:\s*)(?=[^\s"'`\\])/gi;

const HEADER_SECRET = /key|token|secret|auth/i;

// A name that is a credential on its own as a whole trailing word, once camelCase, `_` and leading dashes are read as
// `-` (`--api-key`, `clientSecret`, `AUTH_TOKEN`, `Authorization`, `DB_PASS`, `PGPASSWORD`); not `--max-tokens`, `--sort-key`,
// `--keyboard`, nor a bare `pass` or `PWD` (the working directory).
const CREDENTIAL_NAME =
  /(^|-)(api-?key|access-?key|secret-?key|private-?key|(auth|subscription|session|app|application|user|master|client|license)-key|(access-|auth-|refresh-|id-|session-)?token|bearer|(client-)?secret|pass-?phrase|auth|credentials?|authorization|cookie)$|[a-z0-9]-(pass|pwd|pw)$|pass-?w(or)?d$/;

/**
 * True when a value after a credential's name looks like key material rather than words: at least 8 characters
 * without a space, a digit among them, and not a reference to one kept elsewhere — a variable (see isReference), a
 * path (`/secrets/gcp/prod-1.json`, `./key-2024.pem`, `~/.ssh/…`, `::login`), a URL (`op://vault/db2/password`), an
 * ARN, a placeholder (`<token-2024>`) — nor another option. So `OPENAI_API_KEY=sk-proj-1x…` and `--api-key Zx81…` are
 * credentials; `Fix auth: login fails`, `--auth none`, `--secret file.txt` and `SECRET_KEY=test` are not. `literal`: the
 * value is taken as written (single-quoted, or never seen by a shell), so a `$` in it is a character like any other.
 */
export function looksLikeKey(value: string, literal = false): boolean {
  if (value.length < 8 || !/\d/.test(value) || /\s/.test(value) || /^(?:[:<~-]|\.{1,2}\/|arn:|[a-z][\w+.-]*:\/\/)/i.test(value)) return false;
  if (value.startsWith('/') && /[^A-Za-z0-9+/=]/.test(value)) return false; // a path, not base64 (which may start with `/`)
  return literal || !isReference(value);
}

/**
 * True when `value` names a variable a shell fills in rather than holding a value: a whole `$NAME` or `${NAME}`, or a
 * command substitution `$(…)` with nothing key-like in it (`$(gh auth token)`). `${X}sk-live-…` or `$(echo sk-…)` are
 * not: the key is written there.
 */
export function isReference(value: string): boolean {
  if (/^\$(?:[A-Za-z_]\w*|\{[A-Za-z_]\w*\})$/.test(value)) return true;
  const inner = /^\$\(([^()]*)\)?$/.exec(value)?.[1];
  return inner !== undefined && !inner.split(/\s+/).some((w) => looksLikeKey(w, true));
}

/**
 * isReference for the value at [start, end) of `text`; a command substitution's words run past a value's end
 * (`Bearer $(gh auth token)`, `?key=$(pass show api)`), so it is read to its `)`.
 */
export function isReferenceAt(text: string, start: number, end: number): boolean {
  const close = text.startsWith('$(', start) ? text.indexOf(')', start) : -1;
  return isReference(close > 0 ? text.slice(start, close + 1) : text.slice(start, end));
}

/** Names that say a value is not given here: a flag that asks for one (`--ask-vault-pass`), turns one off, or names a secret kept elsewhere. */
const NOT_GIVEN = /^(ask|no|disabled?|prompt|skip)-|existing-secret$/;

/** True when `name` (a flag, a key in free text) names a credential by itself (see CREDENTIAL_NAME). */
export function namesCredential(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/_/g, '-')
    .replace(/^-+/, '');
  return CREDENTIAL_NAME.test(words) && !NOT_GIVEN.test(words);
}

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

// Every `name=value` / `name: value` in a text (an argument, an env value) as
// /(?<![\w.])([A-Za-z][\w.-]*)["']?\s*[:=](?=\s*["']?(?:(?:bearer|basic|token)\s+)?["']?([^\s"',;}]+))/gi finds them:
// the value (after an auth scheme) looked at but not consumed, so `--header=Authorization=Bearer …` yields both
// `header` and `Authorization`. namedCredential scans for the same matches in linear time (the pattern's lookahead
// reads each value to its end, quadratic on `a:a:a:…`); a test compares the two on random text.
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
      // looksLikeKey, copying the value only once the cheap part holds: 8 or more characters, a digit, not `:` or `-` first.
      if (
        end - start >= 8 &&
        lastDigit >= start &&
        first !== 58 &&
        first !== 45 &&
        looksLikeKey(text.slice(start, end)) &&
        namesCredential(text.slice(i, r)) &&
        !isProseHeading(text, i, r, k, end)
      )
        return true;
    }
    i = k; // the match consumed the name and its separator
  }
  return false;
}

/**
 * True when the name at [i, r) is a bare `auth` written as a heading: the colon right after it, then whitespace, a
 * value ending at `end` and more words (`auth: OAuth2.1 migration` in a commit message or a title). `auth=…`,
 * `auth:…`, `{"auth": "…"}` and `auth: <value>` alone on its line still carry one.
 */
export function isProseHeading(text: string, i: number, r: number, colon: number, end: number): boolean {
  if (r - i !== 4 || colon !== r || text.slice(i, r).toLowerCase() !== 'auth' || !isSpace(text.charCodeAt(colon + 1))) return false;
  let j = end;
  while (j < text.length && text.charCodeAt(j) === 32) j++;
  return j > end && j < text.length && isLetter(text.charCodeAt(j));
}

/**
 * True when some `=` has a parameter name right before it and one of PARAM's separators before that, which any PARAM
 * match needs: long output (a plan, a JSON line) mostly has none, and looking back from each `=` beats a regex scan.
 */
export function mayHaveParam(text: string): boolean {
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
export function mayHaveHeader(text: string): boolean {
  if (AUTHORIZATION.test(text)) return true;
  for (const x of ['x-', 'X-'])
    for (let i = text.indexOf(x); i >= 0; i = text.indexOf(x, i + 1)) {
      const before = i === 0 ? -1 : text.charCodeAt(i - 1);
      if (before === -1 || !(isWordChar(before) || before === 45)) return true;
    }
  return false;
}

const AUTHORIZATION = /authorization/i;

/** True when `text` has a URL with userinfo as written (USERINFO matches somewhere). */
export const hasUserinfo = (text: string): boolean => nextUserinfo(text, 0) !== null;

/** True when `text` has a credential header that holds a secret (`Authorization: Bearer …`, `X-Api-Key: …`; see headerHoldsSecret). */
export const hasCredentialHeader = (text: string, literal = false): boolean =>
  mayHaveHeader(text) && eachCredentialHeader(text, (m) => headerHoldsSecret(text, m, literal));

/**
 * Whether a header HEADER_START found holds a secret: its value is no variable (`Bearer $TOKEN`, `${API_KEY}`,
 * `$(gh auth token)`); an `x-` header's name names a credential (`X-Api-Key`, `X-Auth-Token`; not `X-Cache-Key`,
 * `X-Keycloak-Realm`); and after `Authorization:` with no auth scheme the value looks like key material (not
 * `Authorization: check scopes`). `literal`: the text is used as written, so a `$NAME` value is a value.
 */
export function headerHoldsSecret(text: string, m: HeaderMatch, literal = false): boolean {
  const value = text.slice(m.value[0], m.value[1]);
  if (!literal && isReferenceAt(text, m.value[0], m.value[1])) return false;
  if (/^x-/i.test(m.head)) return namesCredential(m.head.replace(/\s*:\s*$/, '').slice(2));
  return m.scheme !== undefined || looksLikeKey(value, literal);
}

/**
 * The first match of USERINFO, /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@"'`\\]+)@/gi, at or after `from`, as [its start, its
 * `://`, its `@`]; null when there is none. Found from each `://` (the pattern tries every word: quadratic on `a-a-a…`).
 */
export function nextUserinfo(text: string, from: number): [number, number, number] | null {
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
export interface HeaderMatch {
  start: number;
  head: string;
  scheme: string | undefined;
  value: [number, number];
}

/**
 * Calls `found` for each credential header (see HEADER_START) left to right, as the one pattern that asks for a secret
 * word inside an `x-` name would match them; stops and returns true when `found` does.
 */
export function eachCredentialHeader(text: string, found: (m: HeaderMatch) => boolean): boolean {
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
