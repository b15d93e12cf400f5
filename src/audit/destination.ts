// Where a decision is recorded, resolved the same way for the CLI and for library callers, and recording itself.
import { existsSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { PolicyError } from '../shared/errors.js';
import { sharedWithOutput } from '../shared/write-file.js';
import { auditConfigFrom, type AuditConfig } from './config.js';
import { defaultActor, type Decision } from './event.js';
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
  if (path) refuseProtected(path, o, explicit ? { key: '--audit-log' } : { key: 'policy.audit_log', file: o.config?.file });
  return { path, config };
}

// wg's own files in a wg dir, which a decision log must never be appended to.
const WG_FILES = ['graph.jsonl', 'config.toml', 'graph.lock'];

/** The same file: same path, or (when both exist) the same inode, so a symlink or hard link cannot get around it. */
function sameFile(a: string, b: string): boolean {
  if (resolve(a) === resolve(b)) return true;
  const stat = (f: string) => {
    try {
      return statSync(f);
    } catch {
      return undefined; // missing, or under something that is not a folder: not the same as anything
    }
  };
  const sa = stat(a);
  const sb = stat(b);
  return !!sa && !!sb && sa.dev === sb.dev && sa.ino === sb.ino;
}

/** Throws `audit-config` when the log path is wg's graph, a config file or a lock: appending there would corrupt it. */
function refuseProtected(path: string, o: { env: NodeJS.ProcessEnv; wgDir: string | null }, at: { key: string; file?: string }): void {
  const home = o.env.HOME;
  const protectedFiles = [...(o.wgDir ? WG_FILES.map((f) => join(o.wgDir!, f)) : []), ...(home ? [join(home, '.wg', 'config.toml')] : [])];
  const hit = protectedFiles.find((f) => sameFile(path, f));
  // A log's own sidecars (`<log>.head`, `<log>.lock`, the head's `.tmp`) beside that log: its next append would
  // overwrite them. (A `decisions.lock` with no `decisions` beside it is a file like any other.)
  const sidecar = /\.(head|lock|head\.tmp)$/.exec(path);
  if (sidecar && existsSync(path.slice(0, sidecar.index)))
    throw new PolicyError('audit-config', `the decision log \`${path}\` would be written into a decision log's \`.${sidecar[1]}\` file; choose another file`, {
      ...at,
      help: 'the decision log is its own file, e.g. <wgdir>/policy-audit.jsonl',
    });
  if (hit)
    throw new PolicyError('audit-config', `the decision log \`${path}\` would be written into wg's own \`${basename(hit)}\`; choose another file`, {
      ...at,
      help: 'the decision log is its own file, e.g. <wgdir>/policy-audit.jsonl',
    });
  const shared = sharedWithOutput(path);
  if (shared)
    throw new PolicyError('audit-config', `the decision log \`${path}\` cannot be written there: ${shared}; choose another file`, {
      ...at,
      help: 'the decision log is its own file, e.g. <wgdir>/policy-audit.jsonl',
    });
}

const WAY_OUT = 'pass --audit-log PATH, or --no-audit to skip the decision log';

/**
 * Appends one decision. A decision that cannot be recorded is an error (`audit-unrecordable`, exit 2): an audit trail with
 * silent gaps would be worse than none. Returns false (after `warn`) when there is nowhere to record.
 */
export async function recordDecision(
  decision: Decision,
  dest: LogDestination,
  o: { secrets?: readonly string[]; warn: (m: string) => void; env: NodeJS.ProcessEnv },
): Promise<boolean> {
  if (!dest.path) {
    o.warn('no wg directory and no --audit-log: this decision is not recorded');
    return false;
  }
  try {
    await appendDecision(decision, {
      path: dest.path,
      secrets: o.secrets,
      transports: dest.config.transports,
      replaceDefault: dest.config.replaceDefault,
      actor: defaultActor(o.env), // the request's WG_AGENT_ID: a library caller or serve request may not share the process's
    });
    return true;
  } catch (e) {
    // Input errors that already name their place (a [policy] key) stay as they are.
    if (e instanceof PolicyError && e.exit === 2 && (e.key !== undefined || e.line !== undefined)) throw e;
    const help = e instanceof PolicyError && e.help ? `${e.help}; or ${WAY_OUT}` : WAY_OUT;
    throw new PolicyError('audit-unrecordable', `cannot record the decision: ${(e as Error).message}`, { file: dest.path, help });
  }
}
