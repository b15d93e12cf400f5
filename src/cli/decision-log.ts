// The CLI's decision-log flags (`--audit-log`, `--no-audit`) and closing the log before exit.
import type { DecisionLogOption } from '../audit/destination.js';
import { closeAuditLog } from '../audit/append.js';

/** `--audit-log PATH` and `--no-audit` (commander turns the latter into `audit: false`). */
export interface AuditFlags {
  audit?: boolean;
  auditLog?: string;
}

/** What the library should record, from the flags. */
export function decisionLogOption(flags: AuditFlags): DecisionLogOption {
  return flags.audit === false ? false : { path: flags.auditLog };
}

/** Flushes every record and transport; transport failures become warnings. */
export async function closeDecisionLog(warn: (m: string) => void): Promise<void> {
  for (const m of await closeAuditLog()) warn(m);
}
