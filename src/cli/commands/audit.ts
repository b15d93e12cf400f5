// `wg-policy audit verify | list | show`: read the decision log, streaming, for auditors.
import { resolve } from 'node:path';
import { verifyLog } from '../../audit/chain.js';
import type { AuditConfig, FileTransportSpec } from '../../audit/config.js';
import type { AuditRecord } from '../../audit/event.js';
import { headPathFor, logFilesInOrder } from '../../audit/files.js';
import { listDecisions, showDecision, type DecisionFilter } from '../../audit/query.js';
import { logDestination } from '../../audit/destination.js';
import { loadConfigFile } from '../../config/load-toml.js';
import { locateWgDir } from '../../config/locate.js';
import { renderExplanation, type CompactExplanation } from '../../engine/explain.js';
import { PolicyError } from '../../shared/errors.js';
import type { AuditFlags } from '../decision-log.js';
import { printJson } from '../output.js';
import { dirname, join, relative } from 'node:path';

interface LogFlags extends AuditFlags {
  dir?: string;
  json?: boolean;
  /** verify: accept a chain whose oldest records were pruned (a rotated log moved away from its config). */
  allowPruned?: boolean;
}

/** The decision log: its path, its files oldest first (rotated siblings included), and how the site rotates it. */
type LogSet = { path: string; files: string[]; prunedByRotation: boolean };

/** Finds the log's files even when rotation removed the bare file; a log with no file at all is bad input. */
function logSet(flags: LogFlags): LogSet {
  const explicit = flags.auditLog ?? (process.env.WG_POLICY_AUDIT_LOG || undefined);
  // With --audit-log, the project's [policy] rotation is still read when --dir names the project.
  const wgDir = explicit && !flags.dir ? null : locateWgDir({ dir: flags.dir, env: process.env, cwd: process.cwd() }).wgDir;
  const local = wgDir ? loadConfigFile(join(wgDir, 'config.toml'), relative(dirname(wgDir), join(wgDir, 'config.toml'))) : undefined;
  const { path, config } = logDestination({
    explicit: flags.auditLog,
    env: process.env,
    wgDir,
    config: local?.exists ? { data: local.data, file: local.file } : undefined,
  });
  const rotation = chainRotation(config, path);
  const files = path ? logFilesInOrder(path, { tailable: rotation?.tailable }) : [];
  if (!path || files.length === 0)
    throw new PolicyError('audit-log-missing', `no decision log at \`${path}\``, { file: path ?? undefined, help: 'pass --audit-log PATH or --dir D' });
  // Rotation prunes only a full set (maxFiles files; counting up, the bare first file is gone): else a missing start is tampering.
  const full = rotation?.maxFiles !== undefined && files.length >= rotation.maxFiles && (rotation.tailable === true || files[0] !== path);
  return { path, files, prunedByRotation: full };
}

/** The file transport that rotates the chained log itself, if the config has one. */
function chainRotation(config: AuditConfig, logPath: string | null) {
  if (!logPath) return undefined;
  return config.transports.find((s): s is FileTransportSpec => s.type === 'file' && (s.filename === undefined || resolve(s.filename) === logPath));
}

const logFiles = (flags: LogFlags): string[] => logSet(flags).files;

const warnCorrupt = (c: { message: string }) => process.stderr.write(`warning: ${c.message}; skipped\n`);

export async function runVerify(flags: LogFlags): Promise<void> {
  const { path, files, prunedByRotation } = logSet(flags);
  // Rotation with maxFiles deletes the oldest files: the chain then starts after seq 0 by design.
  const r = await verifyLog(files, { head: headPathFor(path), allowPrunedStart: prunedByRotation || flags.allowPruned === true });
  if (flags.json) printJson(r);
  else if (r.ok) {
    const pruned =
      r.prunedBefore === undefined ? '' : `; oldest records pruned${prunedByRotation ? ' by rotation' : ''}: chain verified from seq ${r.prunedBefore}`;
    process.stdout.write(`ok: ${r.records} record${r.records === 1 ? '' : 's'}, chain intact (${files.length} file${files.length > 1 ? 's' : ''})${pruned}\n`);
  } else process.stdout.write(`TAMPERED: ${r.problem!.message} (${r.problem!.kind} at ${r.problem!.file}:${r.problem!.line})\n`);
  if (!r.ok) process.exitCode = 1;
}

/** One line per decision: what was decided and by which rules. */
function summary(r: AuditRecord): string {
  if (r.error) return `refused: ${r.error.rule ?? r.error.code}`;
  const res = r.result as Record<string, unknown> | null;
  if (r.kind === 'spawn' && res) {
    const ep = res.endpoint as { name?: string } | null;
    return `executor=${String(res.executor)} model=${String((res.model as { spec?: string })?.spec)} endpoint=${ep?.name ?? 'none'}`;
  }
  if (r.kind === 'gate' && res)
    return `${res.allowed ? 'allowed' : 'DENIED'} by ${
      r.rules
        .filter((x) => x.field !== 'warn')
        .map((x) => x.rule)
        .join(', ') || '(no rule)'
    }`;
  return '';
}

export async function runList(flags: LogFlags & DecisionFilter): Promise<void> {
  const filter: DecisionFilter = { task: flags.task, kind: flags.kind, rule: flags.rule, field: flags.field, since: flags.since, until: flags.until };
  let n = 0;
  for await (const r of listDecisions(logFiles(flags), filter, { onCorrupt: warnCorrupt })) {
    n++;
    // JSON Lines, one record per line: streamable, like the log itself.
    process.stdout.write(flags.json ? `${JSON.stringify(r)}\n` : `${r.id}  ${r.ts}  ${r.kind.padEnd(5)}  ${r.task}  ${r.actor}  ${summary(r)}\n`);
  }
  if (!flags.json) process.stderr.write(`${n} decision${n === 1 ? '' : 's'}\n`);
}

export async function runShow(id: string, flags: LogFlags): Promise<void> {
  const r = await showDecision(logFiles(flags), id, { onCorrupt: warnCorrupt });
  if (!r) throw new PolicyError('decision-not-found', `no decision \`${id}\` in the decision log`, { key: id });
  if (flags.json) return printJson(r);
  const out = [
    `decision ${r.id}  ${r.ts}  ${r.kind}  task ${r.task}  actor ${r.actor}`,
    `policy revision ${r.policyRevision}; chain seq ${r.seq}, hash ${r.hash.slice(0, 16)}…`,
    `result: ${summary(r)}`,
    ...(r.masked.length ? [`masked: ${r.masked.join(', ')}`] : []),
    'inputs:',
    ...r.inputs.map((i) => `  ${i.layer}${i.file ? ` ${i.file}` : ''} ${i.key} = ${JSON.stringify(i.value)}`),
    'rules:',
    ...r.rules.map((x) => `  ${x.field}: ${x.rule} (${x.policy})`),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  const x = r.explanation as CompactExplanation | undefined;
  if (x && Array.isArray(x.stages)) process.stdout.write(`\n${renderExplanation(x)}`);
}

/** `audit replay`: logged spawn decisions decided again under the policies in effect now; exit 1 when any differs. */
export async function runReplay(flags: LogFlags & DecisionFilter): Promise<void> {
  const { replayDecisions } = await import('../../tools/replay.js');
  const wgDir = flags.auditLog && !flags.dir ? undefined : locateWgDir({ dir: flags.dir, env: process.env, cwd: process.cwd() }).wgDir;
  const filter: DecisionFilter = { task: flags.task, rule: flags.rule, field: flags.field, since: flags.since, until: flags.until };
  const report = await replayDecisions(logFiles(flags), filter, { wgDir, onCorrupt: warnCorrupt });
  if (flags.json) for (const c of report.changed) process.stdout.write(`${JSON.stringify(c)}\n`);
  else
    for (const c of report.changed) {
      const what = c.fields.map((f) =>
        f === 'refusal'
          ? `${c.then.refused ? `refused (${c.then.refused.rule ?? c.then.refused.code})` : 'planned'} → ${c.now.refused ? `refused (${c.now.refused.rule ?? c.now.refused.code})` : 'planned'}`
          : `${f} ${JSON.stringify(c.then.values[f])} → ${JSON.stringify(c.now.values[f])}`,
      );
      process.stdout.write(`${c.id}  ${c.ts}  ${c.task}  ${what.join(', ')}\n`);
    }
  process.stderr.write(
    `${report.changed.length} of ${report.replayed} replayed decision${report.replayed === 1 ? '' : 's'} would differ under policy revision ${report.policyRevision}${report.skipped ? `; ${report.skipped} logged without facts could not be replayed` : ''}\n`,
  );
  if (report.changed.length > 0) process.exitCode = 1;
}
