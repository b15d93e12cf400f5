// The audit keys of `[policy]` in wg's config.toml: where decisions are logged and which winston transports ship them.
import * as z from 'zod/mini';
import { PolicyError } from '../shared/errors.js';
import { issueKey, issueSentence, valueAt } from '../shared/zod-issues.js';

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
 * Bad values throw `audit-config` naming `file` and the key.
 */
export function auditConfigFrom(tomlTable: unknown, file: string): AuditConfig {
  const root = isTable(tomlTable) ? tomlTable : {};
  const policy = root.policy;
  if (policy === undefined) return { replaceDefault: false, transports: [] };
  if (!isTable(policy)) throw new PolicyError('audit-config', '`policy` must be a table', { file, key: 'policy' });
  const parsed = PolicyAuditTomlSchema.safeParse(policy);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const known = (path: readonly PropertyKey[]) =>
      KEYS[String((valueAt(policy, path) as { type?: unknown } | undefined)?.type)] ?? Object.keys(PolicyAuditTomlSchema.shape);
    throw new PolicyError('audit-config', issueSentence(issue, policy, { prefix: ['policy'], known }), { file, key: issueKey(issue, ['policy']) });
  }
  const { audit_log, audit_replace_default = false, audit_transports = [] } = parsed.data;

  audit_transports.forEach((spec, i) => {
    const key = `policy.audit_transports[${i}]`;
    if (spec.type === 'file' && spec.tailable && !spec.maxFiles) {
      throw new PolicyError('audit-config', `\`${key}.tailable\` needs \`maxFiles\`: winston cannot rotate a tailable file without it`, {
        file,
        key: `${key}.tailable`,
      });
    }
    if (spec.type === 'stream' && spec.stream === 'stdout') {
      throw new PolicyError('audit-config', `\`${key}.stream\` cannot be \`stdout\`: stdout carries the plan; use \`stderr\` or a path`, {
        file,
        key: `${key}.stream`,
      });
    }
  });
  const chained = audit_transports.filter((s) => s.type === 'file' && (s.filename === undefined || s.filename === audit_log));
  if (chained.length > 1) {
    const i = audit_transports.lastIndexOf(chained[1]);
    throw new PolicyError('audit-config', `\`policy.audit_transports[${i}]\` is a second file transport for the audit log itself; keep one`, {
      file,
      key: `policy.audit_transports[${i}]`,
    });
  }
  if (audit_replace_default && audit_transports.length === 0) {
    throw new PolicyError('audit-config', '`policy.audit_replace_default` drops the audit log but no `audit_transports` replace it', {
      file,
      key: 'policy.audit_replace_default',
    });
  }
  return { ...(audit_log === undefined ? {} : { path: audit_log }), replaceDefault: audit_replace_default, transports: audit_transports };
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
