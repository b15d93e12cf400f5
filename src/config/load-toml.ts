// Parses one wg config.toml: [coordinator] read as [dispatcher], spawn keys validated, secrets set aside.
import { PolicyError } from '../shared/errors.js';
import { FileCache } from '../shared/file-cache.js';
import { readTextFile } from '../shared/read-file.js';
import { containsKey, hasCredentials, keyPathNamesSecret, maskKeys, MIN_SEARCHED_SECRET, namesSecret, spellingsOf } from '../shared/secrets.js';
import { parseToml, type Located } from '../shared/toml.js';
import { issueKey, issueSentence } from '../shared/zod-issues.js';
import { defaultUrlFor, type PublicEndpoint } from './endpoint.js';
import { parseTimeoutSecs } from './duration.js';
import { deprecationWarning } from './model-spec.js';
import { ConfigSchema, WG_IGNORES_FILE, type WgConfig } from './schema.js';
export { ConfigSchema, type WgConfig } from './schema.js';

/** One parsed config file. */
export interface ConfigFile {
  /** Path as shown to users (relative to the project root, or `~/…`). */
  file: string;
  exists: boolean;
  data: WgConfig;
  /** Canonical dotted key → key as written, for keys read through a legacy alias. */
  aliases: Map<string, string>;
  /** Endpoints without secrets. */
  endpoints: PublicEndpoint[] | undefined;
  /** Secret values found in this file (for masking), never put in facts. */
  secrets: string[];
  /** Key values (under secret names, not `*_env`/`*_file`/`*_ref`) long enough to be real: no plan may repeat one. */
  keys: string[];
  warnings: string[];
  /** Line and column of a key path, for messages. */
  positionOf: Located['positionOf'];
}

/** An empty layer: what a missing file is, as in wg. */
export function emptyConfig(file: string): ConfigFile {
  return { file, exists: false, data: {}, aliases: new Map(), endpoints: undefined, secrets: [], keys: [], warnings: [], positionOf: () => undefined };
}

/** The tables whose values reach plans, explanations and records (as facts or provenance). */
const PLANNED_TABLES = /^(llm_endpoints|dispatcher|coordinator|agent|models|tiers|model_registry|tag_routing|profile)\b/;

function walkStrings(value: unknown, path: string, out: Array<[string, string]>): void {
  if (typeof value === 'string') out.push([path, value]);
  else if (Array.isArray(value)) value.forEach((v, i) => walkStrings(v, `${path}[${i}]`, out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walkStrings(v, path ? `${path}.${k}` : k, out);
}

const isTable = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Moves `[coordinator]` to `[dispatcher]` (canonical keys win per key), remembering keys as written. */
function normalizeLegacy(raw: Record<string, unknown>): Map<string, string> {
  const aliases = new Map<string, string>();
  const legacy = raw.coordinator;
  // A `dispatcher` that is not a table is left for validation to report.
  if (isTable(legacy) && (raw.dispatcher === undefined || isTable(raw.dispatcher))) {
    const canonical = (raw.dispatcher ?? {}) as Record<string, unknown>;
    for (const [k, v] of Object.entries(legacy)) {
      if (!Object.prototype.hasOwnProperty.call(canonical, k)) {
        canonical[k] = v;
        aliases.set(`dispatcher.${k}`, `coordinator.${k}`);
      }
    }
    raw.dispatcher = canonical;
    delete raw.coordinator;
  }
  return aliases;
}

/**
 * The key values among a file's strings: under secret names but not where a key is found (`api_key_env` names a
 * variable), and long enough to be real (not a placeholder like `none`).
 */
function keysIn(strings: ReadonlyArray<[string, string]>): string[] {
  return strings
    .filter(([where, v]) => v.length >= MIN_SEARCHED_SECRET && keyPathNamesSecret(where.split('.').pop() ?? '') && !/_(env|file|ref)$/.test(where))
    .flatMap(([, v]) => spellingsOf(v));
}

/** The environment variables a config file names as holding keys (`api_key_env` values, in any table). */
export function keyEnvNames(file: ConfigFile): string[] {
  const strings: Array<[string, string]> = [];
  walkStrings(file.data, '', strings);
  return strings.filter(([where, v]) => v !== '' && /(^|\.)api_key_env$/.test(where)).map(([, v]) => v);
}

/** The key values in a config file, read afresh; none when it cannot be read or parsed (its own error says so). */
export function keysInConfigFile(path: string): string[] {
  try {
    const text = readTextFile(path, { shownAs: path, what: 'config file', missing: 'absent' });
    if (text === undefined) return [];
    const raw = (parseToml(text, path).data ?? {}) as Record<string, unknown>;
    normalizeLegacy(raw);
    const strings: Array<[string, string]> = [];
    walkStrings(raw, '', strings);
    return keysIn(strings);
  } catch {
    return []; // unreadable or not TOML: nothing to mask with
  }
}

/** The path as written in the file (`[coordinator]` keys keep their name). */
function writtenPath(path: readonly PropertyKey[], aliases: Map<string, string>): PropertyKey[] {
  if (path[0] !== 'dispatcher' || path.length < 2) return [...path];
  const alias = aliases.get(`dispatcher.${String(path[1])}`);
  return alias ? ['coordinator', ...path.slice(1)] : [...path];
}

const configs = new FileCache<ConfigFile>();

const readConfig = (path: string, shownAs: string) => () => readTextFile(path, { shownAs, what: 'config file', missing: 'absent' });

/** Reads and validates one config file; a missing file is an empty layer, as in wg. Kept per process while unchanged. */
export function loadConfigFile(path: string, shownAs: string): ConfigFile {
  return configs.get(path, readConfig(path, shownAs), (text) => parseConfigFile(text, shownAs), shownAs);
}

/** loadConfigFile for a file that exists; undefined (after one stat) when it does not. */
export function loadConfigFileIfPresent(path: string, shownAs: string): ConfigFile | undefined {
  return configs.getIfPresent(path, readConfig(path, shownAs), (text) => parseConfigFile(text, shownAs), shownAs);
}

/**
 * Throws `config-credential-url` at the first value of a table that reaches plans, explanations or records (not one under
 * a secret name) that carries credentials or repeats one of `keys`.
 */
function refuseCredentialValues(
  strings: ReadonlyArray<[string, string]>,
  keys: readonly string[],
  file: Pick<ConfigFile, 'file' | 'aliases' | 'positionOf'>,
): void {
  for (const [where, value] of strings) {
    if (!PLANNED_TABLES.test(where) || keyPathNamesSecret(where.split('.').pop() ?? '')) continue;
    if (!hasCredentials(value, true) && !containsKey(value, keys)) continue; // config is read as written: `$` is a character
    const key = file.aliases.get(where) ?? where;
    const pos = file.positionOf(
      where
        .split(/\.|\[(\d+)\]/)
        .filter((x) => x !== undefined && x !== '')
        .map((x) => (/^\d+$/.test(x) ? Number(x) : x)),
    );
    throw new PolicyError(
      'config-credential-url',
      `\`${key}\` carries credentials (or repeats a key's value); put the key in api_key_env, api_key_file or api_key_ref`,
      { file: file.file, line: pos?.line, column: pos?.column, key },
    );
  }
}

/**
 * The same check against the other layer's keys (a project URL that repeats the global config's key): run once both
 * files are loaded, since each file alone knows only its own keys.
 */
export function refuseOtherLayerKeys(file: ConfigFile, keys: readonly string[]): void {
  if (!file.exists || keys.length === 0) return;
  const strings: Array<[string, string]> = [];
  walkStrings(file.data, '', strings);
  refuseCredentialValues(strings, keys, file);
}

function parseConfigFile(text: string | undefined, shownAs: string): ConfigFile {
  if (text === undefined) return emptyConfig(shownAs);
  const src = parseToml(text, shownAs);
  const raw = (src.data ?? {}) as Record<string, unknown>;
  const warnings: string[] = [];
  if (raw.coordinator !== undefined) warnings.push(`Deprecated: [coordinator] table is now [dispatcher]; please rename in ${shownAs}`);
  const aliases = normalizeLegacy(raw);
  const at = (path: readonly PropertyKey[]) => src.positionOf(writtenPath(path, aliases));
  const strings: Array<[string, string]> = [];
  walkStrings(raw, '', strings);
  // No plan may repeat a key, and no message about this file quotes one (loadLayers masks the other file's keys too).
  const keys = keysIn(strings);
  const result = ConfigSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const written = writtenPath(issue.path, aliases);
    const pos = at(issue.path);
    // INVARIANT: a secret's value is never echoed, even when it has the wrong type.
    const message = issueSentence(
      { ...issue, path: written },
      { ...raw, ...(written[0] === 'coordinator' ? { coordinator: raw.dispatcher } : {}) },
      { secret: (p) => namesSecret(String(p[p.length - 1] ?? '')), whole: 'the config file' },
    );
    // wg-policy's own [policy] table is not wg's: wg ignores it.
    const wgs = written[0] === 'policy' ? '' : `; ${WG_IGNORES_FILE}`;
    throw new PolicyError('config-type', maskKeys(message + wgs, keys), {
      file: shownAs,
      line: pos?.line,
      column: pos?.column,
      key: issueKey({ ...issue, path: written }),
    });
  }
  const data = result.data;
  const timeout = data.dispatcher?.agent_timeout;
  if (timeout !== undefined && timeout !== '') {
    const parsed = parseTimeoutSecs(timeout);
    if ('error' in parsed) {
      const pos = at(['dispatcher', 'agent_timeout']);
      const key = aliases.get('dispatcher.agent_timeout') ?? 'dispatcher.agent_timeout';
      throw new PolicyError('bad-duration', maskKeys(`\`${key}\` = "${timeout}" is ${parsed.error}; wg fails every spawn that reaches this timeout`, keys), {
        file: shownAs,
        line: pos?.line,
        column: pos?.column,
        key,
      });
    }
  }
  for (const [where, value] of strings) {
    // Model specs only: `*.model` and `[tiers]`; never a secret's value.
    if (!/(^|\.)model$/.test(where) && !where.startsWith('tiers.')) continue;
    const w = deprecationWarning(aliases.get(where) ?? where, value);
    if (w) warnings.push(`(${shownAs}) ${w}`);
  }
  // INVARIANT: key material stays here; facts, plans and logs only ever see PublicEndpoint.
  const secrets = strings.filter(([where, v]) => v && keyPathNamesSecret(where.split('.').pop() ?? '')).flatMap(([, v]) => spellingsOf(v));
  // INVARIANT: no value a plan, explanation or record can show carries a credential or repeats a key (keys under secret names are set aside above).
  refuseCredentialValues(strings, keys, { file: shownAs, aliases, positionOf: at });
  const endpoints = data.llm_endpoints?.endpoints?.map((ep): PublicEndpoint => {
    const provider = ep.provider ?? 'anthropic';
    return { name: ep.name, provider, url: ep.url ?? defaultUrlFor(provider), is_default: ep.is_default ?? false };
  });
  return { file: shownAs, exists: true, data, aliases, endpoints, secrets, keys, warnings, positionOf: at };
}
