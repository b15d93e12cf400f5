// Records the CLI's decisions in the decision log (unless --no-audit) and closes the log before exit.
import { dirname, join, relative, resolve } from 'node:path';
import { auditConfigFrom } from '../audit/config.js';
import type { Decision } from '../audit/event.js';
import { appendDecision, closeAuditLog } from '../audit/log.js';
import { loadConfigFile, type ConfigFile } from '../config/load-toml.js';
import { badInput, PolicyError } from '../shared/errors.js';

/** `--audit-log PATH` and `--no-audit` (commander turns the latter into `audit: false`). */
export interface AuditFlags {
  audit?: boolean;
  auditLog?: string;
}

/** Where the log is: `--audit-log`, then `$WG_POLICY_AUDIT_LOG`, then `[policy] audit_log`, then `<wgdir>/policy-audit.jsonl`. */
export function auditLogPath(flags: AuditFlags, wgDir: string | null, local: ConfigFile | undefined, env: NodeJS.ProcessEnv = process.env) {
  const config = local?.exists ? auditConfigFrom(local.data, local.file) : { replaceDefault: false, transports: [] };
  const explicit = flags.auditLog ?? (env.WG_POLICY_AUDIT_LOG || undefined);
  const path = explicit ? resolve(explicit) : config.path && wgDir ? resolve(wgDir, config.path) : wgDir ? join(wgDir, 'policy-audit.jsonl') : null;
  return { path, config };
}

/** The project's config.toml, read for `[policy]` when the caller has not read it already. */
export function localConfigOf(wgDir: string): ConfigFile {
  const file = join(wgDir, 'config.toml');
  return loadConfigFile(file, relative(dirname(wgDir), file));
}

/**
 * Appends one decision. A decision that cannot be recorded is an error (the caller prints nothing):
 * an audit trail with silent gaps would be worse than none.
 */
export async function recordDecision(
  decision: Decision,
  ctx: { flags: AuditFlags; wgDir: string | null; local?: ConfigFile; secrets?: readonly string[]; warn: (m: string) => void },
): Promise<void> {
  if (ctx.flags.audit === false) return;
  const local = ctx.local ?? (ctx.wgDir ? localConfigOf(ctx.wgDir) : undefined);
  const { path, config } = auditLogPath(ctx.flags, ctx.wgDir, local);
  if (!path) {
    ctx.warn('no wg directory and no --audit-log: this decision is not recorded');
    return;
  }
  try {
    await appendDecision(decision, { path, secrets: ctx.secrets, transports: config.transports, replaceDefault: config.replaceDefault });
  } catch (e) {
    throw unrecordable(e, path);
  }
}

const WAY_OUT = 'pass --audit-log PATH, or --no-audit to skip the decision log';

/** Any failure to record is bad input naming the log (exit 2), with --audit-log / --no-audit as the way out. */
function unrecordable(e: unknown, path: string): PolicyError {
  // Input errors that already name their place (a [policy] key) stay as they are.
  if (e instanceof PolicyError && e.code !== 'internal' && (e.key !== undefined || e.line !== undefined)) return e;
  const help = e instanceof PolicyError && e.help ? `${e.help}; or ${WAY_OUT}` : WAY_OUT;
  return badInput(`cannot record the decision in \`${path}\`: ${(e as Error).message}`, { file: path, help });
}

/** Flushes every record and transport; transport failures become warnings. */
export async function closeDecisionLog(warn: (m: string) => void): Promise<void> {
  for (const m of await closeAuditLog()) warn(m);
}
