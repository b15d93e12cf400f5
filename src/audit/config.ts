// The audit keys of `[policy]` in wg's config.toml: where decisions are logged and which winston transports ship them.
import * as z from 'zod/mini';
import { badInput } from '../shared/errors.js';

const NonEmpty = z.string().check(z.minLength(1));
const PositiveInt = z.int().check(z.positive());

/** `type = "file"`: winston's File transport; without `filename` (or with the audit log's) it rotates the chained log. */
export const FileTransportSpecSchema = z.strictObject({
  type: z.literal('file'),
  filename: z.optional(NonEmpty),
  maxsize: z.optional(PositiveInt),
  maxFiles: z.optional(PositiveInt),
  tailable: z.optional(z.boolean()),
});
/** `type = "http"`: winston's Http transport (POSTs each record as JSON). */
export const HttpTransportSpecSchema = z.strictObject({
  type: z.literal('http'),
  host: NonEmpty,
  port: z.optional(z.int().check(z.minimum(1), z.maximum(65535))),
  path: z.optional(z.string()),
  ssl: z.optional(z.boolean()),
});
/** `type = "stream"`: winston's Stream transport to `"stderr"` or to a file or fifo path (appended). */
export const StreamTransportSpecSchema = z.strictObject({ type: z.literal('stream'), stream: NonEmpty });
/** `type = "console"`: winston's Console transport, every level on stderr (stdout is protocol). */
export const ConsoleTransportSpecSchema = z.strictObject({ type: z.literal('console') });

export const AuditTransportSpecSchema = z.discriminatedUnion('type', [
  FileTransportSpecSchema,
  HttpTransportSpecSchema,
  StreamTransportSpecSchema,
  ConsoleTransportSpecSchema,
]);

/** The audit keys as written in `[policy]`; other `[policy]` keys belong to other modules and pass through. */
const PolicyAuditTomlSchema = z.object({
  audit_log: z.optional(NonEmpty),
  audit_replace_default: z.optional(z.boolean()),
  audit_transports: z.optional(z.array(AuditTransportSpecSchema)),
});

/** Where decisions go: `path` as written (the caller resolves it against the wg dir), extra transports. */
export const AuditConfigSchema = z.object({
  path: z.optional(z.string()),
  replaceDefault: z.boolean(),
  transports: z.array(AuditTransportSpecSchema),
});

export type FileTransportSpec = z.infer<typeof FileTransportSpecSchema>;
export type AuditTransportSpec = z.infer<typeof AuditTransportSpecSchema>;
export type AuditConfig = z.infer<typeof AuditConfigSchema>;

const KEYS: Record<string, readonly string[]> = {
  file: Object.keys(FileTransportSpecSchema.shape),
  http: Object.keys(HttpTransportSpecSchema.shape),
  stream: Object.keys(StreamTransportSpecSchema.shape),
  console: Object.keys(ConsoleTransportSpecSchema.shape),
};

/**
 * Reads the audit settings from a parsed config.toml (the whole table), e.g.
 * `[policy] audit_log = "…"`, `audit_replace_default = true`, `[[policy.audit_transports]] type = "file"`.
 * Bad values throw `badInput` naming `file` and the key.
 */
export function auditConfigFrom(tomlTable: unknown, file: string): AuditConfig {
  const root = isTable(tomlTable) ? tomlTable : {};
  const policy = root.policy;
  if (policy === undefined) return { replaceDefault: false, transports: [] };
  if (!isTable(policy)) throw badInput(`\`policy\` in \`${file}\` must be a table`, { file, key: 'policy' });
  const parsed = PolicyAuditTomlSchema.safeParse(policy);
  if (!parsed.success) throw issueError(parsed.error.issues[0], policy, file);
  const { audit_log, audit_replace_default = false, audit_transports = [] } = parsed.data;

  audit_transports.forEach((spec, i) => {
    const key = `policy.audit_transports[${i}]`;
    if (spec.type === 'file' && spec.tailable && !spec.maxFiles) {
      throw badInput(`\`${key}.tailable\` in \`${file}\` needs \`maxFiles\`: winston cannot rotate a tailable file without it`, { file, key: `${key}.tailable` });
    }
    if (spec.type === 'stream' && spec.stream === 'stdout') {
      throw badInput(`\`${key}.stream\` in \`${file}\` cannot be \`stdout\`: stdout carries the plan; use \`stderr\` or a path`, { file, key: `${key}.stream` });
    }
  });
  const chained = audit_transports.filter((s) => s.type === 'file' && (s.filename === undefined || s.filename === audit_log));
  if (chained.length > 1) {
    const i = audit_transports.lastIndexOf(chained[1]);
    throw badInput(`\`policy.audit_transports[${i}]\` in \`${file}\` is a second file transport for the audit log itself; keep one`, { file, key: `policy.audit_transports[${i}]` });
  }
  if (audit_replace_default && audit_transports.length === 0) {
    throw badInput(`\`policy.audit_replace_default\` in \`${file}\` drops the audit log but no \`audit_transports\` replace it`, { file, key: 'policy.audit_replace_default' });
  }
  return { ...(audit_log === undefined ? {} : { path: audit_log }), replaceDefault: audit_replace_default, transports: audit_transports };
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

type Issue = { code: string; path: PropertyKey[]; message: string; expected?: unknown; keys?: string[]; options?: unknown[]; minimum?: unknown; maximum?: unknown; origin?: string; inclusive?: boolean };

/** One zod issue → one sentence naming the key. */
function issueError(issue: Issue, policy: Record<string, unknown>, file: string) {
  const key = keyOf(['policy', ...issue.path]);
  const got = issue.path.reduce<unknown>((node, seg) => (isTable(node) || Array.isArray(node) ? (node as Record<PropertyKey, unknown>)[seg as string] : undefined), policy);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const name = issue.keys?.[0] ?? '';
      const type = (got as { type?: unknown } | undefined)?.type;
      const known = KEYS[String(type)] ?? [];
      const guess = closest(name, known);
      const help = guess ? `did you mean \`${guess}\`?` : `known keys: ${known.join(', ')}`;
      return badInput(`unknown key \`${name}\` in \`${key}\` of \`${file}\`; ${help}`, { file, key: `${key}.${name}`, help });
    }
    case 'invalid_union':
      return badInput(`\`${key}\` in \`${file}\` must be one of ${(issue.options ?? Object.keys(KEYS)).map((o) => `\`${String(o)}\``).join(', ')}; got \`${String(got)}\``, { file, key });
    case 'too_small': {
      const bound = issue.origin === 'string' ? 'non-empty' : issue.inclusive === false ? `above ${String(issue.minimum)}` : `at least ${String(issue.minimum)}`;
      return badInput(`\`${key}\` in \`${file}\` must be ${bound}; got \`${JSON.stringify(got)}\``, { file, key });
    }
    case 'too_big':
      return badInput(`\`${key}\` in \`${file}\` must be at most ${String(issue.maximum)}; got \`${String(got)}\``, { file, key });
    case 'invalid_type': {
      const expected = issue.expected === 'int' ? 'an integer' : `a ${String(issue.expected)}`;
      const shown = got === undefined ? 'nothing' : `\`${JSON.stringify(got)}\``;
      return badInput(`\`${key}\` in \`${file}\` must be ${expected}; got ${shown}`, { file, key });
    }
    default:
      return badInput(`\`${key}\` in \`${file}\` is invalid: ${issue.message.toLowerCase()}`, { file, key });
  }
}

function keyOf(path: PropertyKey[]): string {
  return path.map((seg, i) => (typeof seg === 'number' ? `[${seg}]` : `${i ? '.' : ''}${String(seg)}`)).join('');
}

/** The known name within edit distance 2 of `word`, if any. */
function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const name of candidates) {
    const d = distance(word.toLowerCase(), name.toLowerCase());
    if (d <= 2 && (!best || d < best.d)) best = { name, d };
  }
  return best?.name;
}

function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}
