// Parses one wg config.toml: [coordinator] read as [dispatcher], spawn keys validated, secrets set aside.
import { readFileSync } from 'node:fs';
import { parse, TomlError } from 'smol-toml';
import * as z from 'zod/mini';
import { badInput } from '../shared/errors.js';
import { issuePath, issueProblem, valueAt } from '../shared/zod-issues.js';
import { deprecationWarning } from './model-spec.js';

/** A URL with a user:password part or a secret-looking query parameter. */
const CREDENTIAL_URL = /^[a-z]+:\/\/[^/?#]*@|[?&](api[_-]?key|key|token|secret|password|access_token)=/i;

/** Keys whose values are secrets (api_key, token, password, …). */
export const SECRET_KEY = /key|token|secret|password/i;

const EndpointSchema = z.looseObject({
  name: z.string().check(z.minLength(1)),
  provider: z.optional(z.string()),
  url: z.optional(z.string()),
  model: z.optional(z.string()),
  is_default: z.optional(z.boolean()),
  api_key: z.optional(z.string()),
  api_key_file: z.optional(z.string()),
  api_key_env: z.optional(z.string()),
  api_key_ref: z.optional(z.string()),
});

const RoleSchema = z.looseObject({ model: z.optional(z.string()), executor: z.optional(z.string()) });

/** The keys of wg's config that policies read; everything else is accepted untouched, as wg does. */
export const ConfigSchema = z.looseObject({
  agent: z.optional(RoleSchema),
  dispatcher: z.optional(RoleSchema),
  llm_endpoints: z.optional(
    z.looseObject({ inherit_global: z.optional(z.boolean()), endpoints: z.optional(z.array(EndpointSchema)) }),
  ),
  policy: z.optional(z.looseObject({})),
});
export type WgConfig = z.infer<typeof ConfigSchema>;

/** wg's `EndpointConfig::default_url_for_provider` (reference §1.7); other providers have none (""). */
const DEFAULT_URLS: Record<string, string> = {
  anthropic: 'https://api.anthropic.com',
  openai: 'https://api.openai.com/v1',
  openrouter: 'https://openrouter.ai/api/v1',
  gemini: 'https://generativelanguage.googleapis.com/v1beta/openai',
  ollama: 'http://localhost:11434/v1',
  llamacpp: 'http://localhost:8080/v1',
  vllm: 'http://localhost:8000/v1',
  local: 'http://localhost:11434/v1',
};

/** An endpoint as policies see it: no key material, ever. */
export interface PublicEndpoint {
  name: string;
  provider: string;
  url: string;
  is_default: boolean;
}

/** One parsed config file. */
export interface ConfigFile {
  /** Path as shown to users (relative to the project root, or `~/…`). */
  file: string;
  exists: boolean;
  data: WgConfig;
  /** Canonical dotted key → key as written, for keys read through a legacy alias. */
  aliases: Map<string, string>;
  /** Endpoints without secrets, with their index in the file. */
  endpoints: PublicEndpoint[] | undefined;
  /** Secret values found in this file (for masking in logs), never put in facts. */
  secrets: string[];
  warnings: string[];
  text: string;
}

/** Line (1-based) of `key` inside TOML table `table` (`[t]` or the n-th `[[t]]`), or undefined. */
export function lineOfKey(text: string, table: string, key: string, arrayIndex?: number): number | undefined {
  const lines = text.split('\n');
  let current = '';
  let seen = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    const header = /^\[\[?\s*([^\]]+?)\s*\]\]?/.exec(line);
    if (header) {
      current = header[1].replace(/\s+/g, '');
      if (line.startsWith('[[') && current === table) seen++;
      continue;
    }
    if (current !== table || (arrayIndex !== undefined && seen !== arrayIndex)) continue;
    if (new RegExp(`^["']?${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']?\\s*=`).test(line)) return i + 1;
  }
  return undefined;
}

function walkStrings(value: unknown, path: string, out: Array<[string, string]>): void {
  if (typeof value === 'string') out.push([path, value]);
  else if (Array.isArray(value)) value.forEach((v, i) => walkStrings(v, `${path}[${i}]`, out));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) walkStrings(v, path ? `${path}.${k}` : k, out);
}

/** Moves `[coordinator]` to `[dispatcher]` (canonical keys win per key), remembering keys as written. */
function normalizeLegacy(raw: Record<string, unknown>): Map<string, string> {
  const aliases = new Map<string, string>();
  const legacy = raw.coordinator;
  const isTable = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
  // A `dispatcher` that is not a table is left for validation to report.
  if (isTable(legacy) && (raw.dispatcher === undefined || isTable(raw.dispatcher))) {
    const canonical = (raw.dispatcher ?? {}) as Record<string, unknown>;
    for (const [k, v] of Object.entries(legacy)) {
      if (!(k in canonical)) {
        canonical[k] = v;
        aliases.set(`dispatcher.${k}`, `coordinator.${k}`);
      }
    }
    raw.dispatcher = canonical;
    delete raw.coordinator;
  }
  return aliases;
}

/** Reads and validates one config file; a missing file is an empty layer, as in wg. */
export function loadConfigFile(path: string, shownAs: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      return { file: shownAs, exists: false, data: {}, aliases: new Map(), endpoints: undefined, secrets: [], warnings: [], text: '' };
    throw badInput(`cannot read ${shownAs}: ${(e as Error).message}`, { file: shownAs });
  }
  let raw: Record<string, unknown>;
  try {
    raw = parse(text) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof TomlError) {
      const reason = e.message.split('\n')[0].replace(/^Invalid TOML document: /, '').replace(/\.$/, '');
      throw badInput(`${shownAs}:${e.line}: invalid TOML: ${reason}`, { file: shownAs, line: e.line });
    }
    throw e;
  }
  const warnings: string[] = [];
  if (raw.coordinator !== undefined)
    warnings.push(`Deprecated: [coordinator] table is now [dispatcher]; please rename in ${shownAs}`);
  const aliases = normalizeLegacy(raw);
  const result = ConfigSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const key = issuePath(issue.path);
    const [table, ...rest] = issue.path.map(String);
    const isArr = table === 'llm_endpoints' && rest[0] === 'endpoints';
    const line = isArr
      ? lineOfKey(text, 'llm_endpoints.endpoints', rest[2] ?? 'name', Number(rest[1]))
      : lineOfKey(text, aliases.get(`${table}.${rest[0]}`)?.split('.')[0] ?? table, rest[0] ?? '');
    const written = aliases.get(key) ?? key;
    // INVARIANT: a secret's value is never echoed, even when it has the wrong type.
    const secret = SECRET_KEY.test(String(issue.path[issue.path.length - 1] ?? ''));
    throw badInput(`${line ? `${shownAs}:${line}` : shownAs}: \`${written}\` ${issueProblem(issue, secret ? undefined : valueAt(raw, issue.path), secret)}`, {
      file: shownAs,
      line,
      key: written,
    });
  }
  const data = result.data;
  const strings: Array<[string, string]> = [];
  walkStrings(raw, '', strings);
  for (const [where, value] of strings) {
    const w = deprecationWarning(aliases.get(where) ?? where, value);
    if (w) warnings.push(`(${shownAs}) ${w}`);
  }
  // INVARIANT: key material stays here; facts, plans and logs only ever see PublicEndpoint.
  const secrets = strings.filter(([where, v]) => v && SECRET_KEY.test(where.split('.').pop() ?? '')).map(([, v]) => v);
  const endpoints = data.llm_endpoints?.endpoints?.map((ep, i) => {
    if (ep.url && CREDENTIAL_URL.test(ep.url)) {
      const line = lineOfKey(text, 'llm_endpoints.endpoints', 'url', i);
      throw badInput(`${line ? `${shownAs}:${line}` : shownAs}: \`llm_endpoints.endpoints[${i}].url\` carries credentials; put the key in api_key_env, api_key_file or api_key_ref`, { file: shownAs, line, key: `llm_endpoints.endpoints[${i}].url` });
    }
    const provider = ep.provider ?? 'anthropic';
    return { name: ep.name, provider, url: ep.url ?? DEFAULT_URLS[provider] ?? '', is_default: ep.is_default ?? false };
  });
  return { file: shownAs, exists: true, data, aliases, endpoints, secrets, warnings, text };
}
