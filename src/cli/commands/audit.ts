// `wg-policy audit verify | list | show`: read the decision log, streaming, for auditors.
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { readHead, verifyLog, type VerifyResult } from '../../audit/chain.js';
import type { AuditConfig, FileTransportSpec } from '../../audit/config.js';
import type { AuditRecord } from '../../audit/event.js';
import { headPathFor, logFilesInOrder, rotationIndexes } from '../../audit/files.js';
import { listDecisions, showDecision, type DecisionFilter } from '../../audit/query.js';
import { logDestination } from '../../audit/destination.js';
import { keysInConfigFile, loadConfigFile } from '../../config/load-toml.js';
import { globalConfigPath, locateWgDir } from '../../config/locate.js';
import { useKeys } from '../../shared/secrets.js';
import { renderExplanation, type CompactExplanation } from '../../engine/explain.js';
import { RuleDecisionSchema } from '../../engine/decision.js';
import { didYouMean } from '../../shared/did-you-mean.js';
import { PolicyError } from '../../shared/errors.js';
import { SPAWN_TABLE } from '../../stages/spawn.js';
import { colorFor, paint } from '../color.js';
import type { AuditFlags } from '../decision-log.js';
import { printJson, stdoutClosed } from '../output.js';
import { alignedTable, printable, tsvLine } from '../table.js';
import { dirname, join, relative } from 'node:path';

interface LogFlags extends AuditFlags {
  dir?: string;
  json?: boolean;
  quiet?: boolean;
  /** verify: accept a chain whose oldest records were pruned (a rotated log moved away from its config). */
  allowPruned?: boolean;
}

/** The decision log: its path, its files oldest first (rotated siblings included), and how the site rotates it. */
type LogSet = { path: string; files: string[]; prunedByRotation: boolean };

/** Finds the log's files even when rotation removed the bare file; a log with no file at all is bad input. */
function logSet(flags: LogFlags, { allowMissing = false } = {}): LogSet {
  const explicit = flags.auditLog ?? (process.env.WG_POLICY_AUDIT_LOG || undefined);
  // With --audit-log, the project's [policy] rotation is still read when --dir names the project.
  const wgDir = explicit && !flags.dir ? null : locateWgDir({ dir: flags.dir, env: process.env, cwd: process.cwd() }).wgDir;
  const local = wgDir ? loadConfigFile(join(wgDir, 'config.toml'), relative(dirname(wgDir), join(wgDir, 'config.toml'))) : undefined;
  // Messages quote what the auditor typed (an id, a filter): none shows a key from either config file.
  useKeys([...(local?.keys ?? []), ...keysInConfigFile(globalConfigPath(homedir()))]);
  const { path, config } = logDestination({
    explicit: flags.auditLog,
    env: process.env,
    wgDir,
    config: local?.exists ? { data: local.data, file: local.file } : undefined,
  });
  const rotation = chainRotation(config, path);
  const files = path ? logFilesInOrder(path, { tailable: rotation?.tailable }) : [];
  if (!path || (files.length === 0 && !allowMissing))
    throw new PolicyError('audit-log-missing', `no decision log at \`${path}\``, { file: path ?? undefined, help: 'pass --audit-log PATH or --dir D' });
  // Rotation prunes only once the set has been full: counting up, once a file numbered maxFiles or more was made;
  // tailable, once the file numbered maxFiles − 1 exists. Before that a missing start is tampering. (Judged by the
  // highest number, not the count, so a file deleted from a full set is named as the gap it leaves.)
  const highest = Math.max(-1, ...(path ? rotationIndexes(path) : []));
  const { maxFiles, tailable } = rotation ?? {};
  const full = maxFiles !== undefined && (tailable ? highest >= maxFiles - 1 : highest >= maxFiles);
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
  const { path, files, prunedByRotation } = logSet(flags, { allowMissing: true });
  // Rotation with maxFiles deletes the oldest files: the chain then starts after seq 0 by design.
  const r = files.length
    ? await verifyLog(files, { head: headPathFor(path), allowPrunedStart: prunedByRotation || flags.allowPruned === true })
    : logGone(path);
  if (flags.json) printJson(r);
  else if (r.ok) {
    if (flags.quiet) return;
    const pruned =
      r.prunedBefore === undefined ? '' : `; oldest records pruned${prunedByRotation ? ' by rotation' : ''}: chain verified from seq ${r.prunedBefore}`;
    process.stdout.write(`ok: ${r.records} record${r.records === 1 ? '' : 's'}, chain intact (${files.length} file${files.length > 1 ? 's' : ''})${pruned}\n`);
  } else process.stdout.write(`TAMPERED: ${r.problem!.message} (${r.problem!.kind} at ${r.problem!.file}:${r.problem!.line})\n`);
  if (!r.ok) process.exitCode = 1;
}

/** No log file at `path`: every record removed when its head sidecar says records were written, else no log at all. */
function logGone(path: string): VerifyResult {
  const head = readHead(path);
  if (!head || head.seq < 0)
    throw new PolicyError('audit-log-missing', `no decision log at \`${path}\``, { file: path, help: 'pass --audit-log PATH or --dir D' });
  const message = `the log \`${path}\` is gone, but its head sidecar says seq ${head.seq}: every record was removed`;
  return { ok: false, records: 0, problem: { file: headPathFor(path), line: 1, seq: head.seq, kind: 'truncated', message } };
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

/** What `--field` can name: a spawn stage, or a gate rule's effect. */
const SPAWN_STAGES: readonly string[] = SPAWN_TABLE.stages.map((s) => s.name);
const FIELDS: readonly string[] = [...SPAWN_STAGES, ...RuleDecisionSchema.shape.effect.options];

const LIST_HEADER = ['ID', 'TIME', 'KIND', 'TASK', 'ACTOR', 'RESULT'];

/** One decision as table cells. */
const cells = (r: AuditRecord): string[] => [r.id, r.ts, r.kind, r.task, r.actor, summary(r)];

/** `--field` names one of `allowed` (the stages, and for `list` a gate rule's effect too), else a usage error (a flag's value, as for --kind). */
function checkField(field: string | undefined, allowed: readonly string[]): void {
  if (field !== undefined && !allowed.includes(field))
    throw new PolicyError('usage', `\`--field\` must be one of ${allowed.join(', ')}, not \`${field}\`${didYouMean(field, allowed)}`, {
      key: '--field',
    });
}

export async function runList(flags: LogFlags & DecisionFilter & { limit?: number }): Promise<void> {
  checkField(flags.field, FIELDS);
  const filter: DecisionFilter = { task: flags.task, kind: flags.kind, rule: flags.rule, field: flags.field, since: flags.since, until: flags.until };
  const records = listDecisions(logFiles(flags), filter, { onCorrupt: warnCorrupt });
  // In a terminal: an aligned table with a header. Piped: one tab-separated line per decision. --json: JSON Lines.
  const table = !flags.json && !!process.stdout.isTTY;
  const line = (r: AuditRecord) => (flags.json ? JSON.stringify(r) : tsvLine(cells(r)));
  let n = 0;
  // INVARIANT: only rendered rows are kept (never records), and only for a table or the last --limit ones.
  let kept: string[][] = [];
  for await (const r of records) {
    n++;
    if (flags.limit !== undefined || table) {
      kept.push(table ? cells(r) : [line(r)]);
      if (flags.limit !== undefined && kept.length >= 2 * flags.limit) kept = kept.slice(-flags.limit);
    } else {
      if (stdoutClosed()) break;
      process.stdout.write(`${line(r)}\n`);
    }
  }
  if (flags.limit !== undefined) kept = kept.slice(-flags.limit);
  if (table) {
    const color = colorFor(process.stdout);
    const style = (text: string, row: number, col: number) =>
      row < 0 ? paint(color, '1', text) : col === 5 && /^(DENIED|refused)/.test(text) ? paint(color, '31', text) : text;
    if (kept.length) process.stdout.write(`${alignedTable(LIST_HEADER, kept, style).join('\n')}\n`);
  } else for (const [l] of kept) if (!stdoutClosed()) process.stdout.write(`${l}\n`);
  if (!flags.json && !flags.quiet && !stdoutClosed()) {
    const shown = flags.limit !== undefined && n > kept.length ? `, the last ${kept.length} shown` : '';
    process.stderr.write(`${n} decision${n === 1 ? '' : 's'}${shown}\n`);
  }
}

export async function runShow(id: string, flags: LogFlags): Promise<void> {
  const r = await showDecision(logFiles(flags), id, { onCorrupt: warnCorrupt });
  if (!r) throw new PolicyError('decision-not-found', `no decision with the id (or id prefix) \`${id}\` in the decision log`, { key: id });
  if (flags.json) return printJson(r);
  // Task ids, actors and values come from agents: each is made printable before the lines are put together, so no
  // terminal escape reaches the screen and no line break in the data can forge a line of its own.
  const p = printable;
  const out = [
    `decision ${p(r.id)}  ${p(r.ts)}  ${p(r.kind)}  task ${p(r.task)}  actor ${p(r.actor)}`,
    `policy revision ${p(r.policyRevision)}; chain seq ${r.seq}, hash ${p(r.hash.slice(0, 16))}…`,
    `result: ${p(summary(r))}`,
    ...(r.masked.length ? [`masked: ${r.masked.map(p).join(', ')}`] : []),
    'inputs:',
    ...r.inputs.map((i) => `  ${p(i.layer)}${i.file ? ` ${p(i.file)}` : ''} ${p(i.key)} = ${p(JSON.stringify(i.value))}`),
    'rules:',
    ...r.rules.map((x) => `  ${p(x.field)}: ${p(x.rule)} (${p(x.policy)})`),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  const x = r.explanation as CompactExplanation | undefined;
  if (x && Array.isArray(x.stages)) process.stdout.write(`\n${renderExplanation(printableStrings(x))}`);
}

/** A copy of `value` with every string in it made printable (an explanation's messages carry task text). */
function printableStrings<T>(value: T): T {
  if (typeof value === 'string') return printable(value) as T;
  if (Array.isArray(value)) return value.map(printableStrings) as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, printableStrings(v)])) as T;
}

/** `audit replay`: logged spawn decisions decided again under the policies in effect now; exit 1 when any differs. */
export async function runReplay(flags: LogFlags & DecisionFilter): Promise<void> {
  checkField(flags.field, SPAWN_STAGES); // replay decides spawn decisions only
  const { replayDecisions } = await import('../../tools/replay.js');
  const wgDir = flags.auditLog && !flags.dir ? undefined : locateWgDir({ dir: flags.dir, env: process.env, cwd: process.cwd() }).wgDir;
  const filter: DecisionFilter = { task: flags.task, rule: flags.rule, field: flags.field, since: flags.since, until: flags.until };
  const report = await replayDecisions(logFiles(flags), filter, { wgDir, onCorrupt: warnCorrupt });
  for (const u of report.unreadable) process.stderr.write(`warning: decision ${printable(u.id)}: ${u.why}; not replayed\n`);
  if (flags.json) for (const c of report.changed) process.stdout.write(`${JSON.stringify(c)}\n`);
  else
    for (const c of report.changed) {
      const what = c.fields.map((f) =>
        f === 'refusal'
          ? `${c.then.refused ? `refused (${c.then.refused.rule ?? c.then.refused.code})` : 'planned'} → ${c.now.refused ? `refused (${c.now.refused.rule ?? c.now.refused.code})` : 'planned'}`
          : `${f} ${JSON.stringify(c.then.values[f])} → ${JSON.stringify(c.now.values[f])}`,
      );
      // A stage now decided by another rule (with the same value or not) is a change of what the record would say.
      for (const st of c.rules) what.push(`${st} rule ${c.then.rules[st] ?? 'none'} → ${c.now.rules[st] ?? 'none'}`);
      process.stdout.write(`${printable(c.id)}  ${printable(c.ts)}  ${printable(c.task)}  ${printable(what.join(', '))}\n`);
    }
  if (!flags.quiet)
    process.stderr.write(
      `${report.changed.length} of ${report.replayed} replayed decision${report.replayed === 1 ? '' : 's'} would differ under policy revision ${report.policyRevision}${report.skipped ? `; ${report.skipped} logged without facts could not be replayed` : ''}\n`,
    );
  if (report.changed.length > 0) process.exitCode = 1;
  else if (report.unreadable.length > 0) {
    // Nothing is known to differ, but not every decision was checked: not the all-clear of exit 0.
    process.stderr.write(
      `${report.unreadable.length} logged decision${report.unreadable.length === 1 ? '' : 's'} could not be replayed; run \`wg-policy audit verify\`\n`,
    );
    process.exitCode = 2;
  }
}
