// Where a decision is recorded, resolved the same way for the CLI and for library callers, and recording itself.
import { join, resolve } from 'node:path';
import { PolicyError } from '../shared/errors.js';
import { auditConfigFrom, type AuditConfig } from './config.js';
import type { Decision } from './event.js';
import { appendDecision } from './append.js';

/** A library caller's or the CLI's wish: record (default location or `path`), or `false` not to record. */
export type DecisionLogOption = false | { path?: string };

/** The resolved destination: the chained log (null when there is no wg dir and no path), and the `[policy]` transports. */
export interface LogDestination {
  path: string | null;
  config: AuditConfig;
}

/**
 * Where the log is: an explicit path (`--audit-log`), then `$WG_POLICY_AUDIT_LOG`, then `[policy] audit_log` of the
 * project config (relative to the wg dir), then `<wgdir>/policy-audit.jsonl`.
 */
export function logDestination(o: {
  explicit?: string;
  env: NodeJS.ProcessEnv;
  wgDir: string | null;
  config?: { data: unknown; file: string };
}): LogDestination {
  const config = o.config ? auditConfigFrom(o.config.data, o.config.file) : { replaceDefault: false, transports: [] };
  const explicit = o.explicit ?? (o.env.WG_POLICY_AUDIT_LOG || undefined);
  const path = explicit ? resolve(explicit) : config.path && o.wgDir ? resolve(o.wgDir, config.path) : o.wgDir ? join(o.wgDir, 'policy-audit.jsonl') : null;
  return { path, config };
}

const WAY_OUT = 'pass --audit-log PATH, or --no-audit to skip the decision log';

/**
 * Appends one decision. A decision that cannot be recorded is an error (`audit-unrecordable`, exit 2): an audit trail with
 * silent gaps would be worse than none. Returns false (after `warn`) when there is nowhere to record.
 */
export async function recordDecision(
  decision: Decision,
  dest: LogDestination,
  o: { secrets?: readonly string[]; warn: (m: string) => void },
): Promise<boolean> {
  if (!dest.path) {
    o.warn('no wg directory and no --audit-log: this decision is not recorded');
    return false;
  }
  try {
    await appendDecision(decision, { path: dest.path, secrets: o.secrets, transports: dest.config.transports, replaceDefault: dest.config.replaceDefault });
    return true;
  } catch (e) {
    // Input errors that already name their place (a [policy] key) stay as they are.
    if (e instanceof PolicyError && e.exit === 2 && (e.key !== undefined || e.line !== undefined)) throw e;
    const help = e instanceof PolicyError && e.help ? `${e.help}; or ${WAY_OUT}` : WAY_OUT;
    throw new PolicyError('audit-unrecordable', `cannot record the decision: ${(e as Error).message}`, { file: dest.path, help });
  }
}
