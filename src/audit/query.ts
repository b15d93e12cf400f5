// Reading the decision log: stream records line by line (never the whole file), filtered; find one by id.
import * as z from 'zod/mini';
import { PolicyError } from '../shared/errors.js';
import { AuditRecordSchema, DecisionKindSchema, type AuditRecord } from './event.js';
import { readLines, unreadable, type LogLine } from './files.js';

/** Which records to list; every given filter must match. `since` / `until` take anything Date.parse accepts. */
export const DecisionFilterSchema = z.object({
  task: z.optional(z.string()),
  kind: z.optional(DecisionKindSchema),
  /** A rule id that fired in the record (in `rules`, or the rule named by `error`). */
  rule: z.optional(z.string()),
  /** A decided field or gate effect; with `rule`, both must hold for the same entry. */
  field: z.optional(z.string()),
  since: z.optional(z.string()),
  until: z.optional(z.string()),
});
export type DecisionFilter = z.infer<typeof DecisionFilterSchema>;

/** A line that could not be read as a record: where, and why. */
export const CorruptLineSchema = z.object({ file: z.string(), line: z.int(), message: z.string() });
export type CorruptLine = z.infer<typeof CorruptLineSchema>;

export type QueryOptions = { onCorrupt?: (problem: CorruptLine) => void };

/** A line's JSON value, or (as a string) why it has none: too long, not UTF-8, torn, or not JSON. */
function recordJson(l: LogLine): { value: unknown } | string {
  const why = unreadable(l);
  if (why) return why;
  try {
    return { value: JSON.parse(l.text) };
  } catch {
    return l.torn ? 'is torn (cut off mid-record)' : 'is not JSON';
  }
}

/** Streams the records of the log file(s), oldest → newest, that match `filter`; corrupt lines go to `onCorrupt`. */
export async function* listDecisions(paths: string | string[], filter: DecisionFilter = {}, options: QueryOptions = {}): AsyncGenerator<AuditRecord> {
  const matches = matcher(filter);
  for await (const l of readLines(typeof paths === 'string' ? [paths] : paths)) {
    const json = recordJson(l);
    if (typeof json === 'string') {
      options.onCorrupt?.({ file: l.file, line: l.line, message: `line ${l.line} of \`${l.file}\` ${json}` });
      continue;
    }
    const raw = json.value;
    const parsed = AuditRecordSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      options.onCorrupt?.({
        file: l.file,
        line: l.line,
        message: `line ${l.line} of \`${l.file}\` is not a decision record: \`${issue.path.join('.')}\` ${issue.message.toLowerCase()}`,
      });
      continue;
    }
    const record = raw as AuditRecord;
    if (matches(record)) yield record;
  }
}

/**
 * The record with this decision id, or with the one id that starts with `id` (a unique prefix, as `audit show`
 * takes it); undefined when none does. Throws `decision-ambiguous`, naming some of them, when several ids start with it.
 */
export async function showDecision(paths: string | string[], id: string, options: QueryOptions = {}): Promise<AuditRecord | undefined> {
  if (id === '') return undefined;
  const found: AuditRecord[] = [];
  let count = 0;
  for await (const record of listDecisions(paths, {}, options)) {
    if (record.id === id) return record;
    if (record.id.startsWith(id) && count++ < 3) found.push(record);
  }
  if (count > 1) {
    const some = found.map((r) => `\`${r.id}\``).join(', ');
    throw new PolicyError('decision-ambiguous', `decision id prefix \`${id}\` matches ${count} decisions (${some}${count > found.length ? ', …' : ''})`, {
      key: id,
      help: 'give more characters of the id',
    });
  }
  return found[0];
}

function matcher(input: DecisionFilter): (r: AuditRecord) => boolean {
  const parsed = DecisionFilterSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PolicyError('audit-filter', `decision filter \`${issue.path.join('.')}\` is invalid: ${issue.message.toLowerCase()}`, {
      key: issue.path.join('.'),
    });
  }
  const f = parsed.data;
  const since = f.since === undefined ? undefined : instant('since', f.since);
  const until = f.until === undefined ? undefined : instant('until', f.until);
  return (r) => {
    if (f.task !== undefined && r.task !== f.task) return false;
    if (f.kind !== undefined && r.kind !== f.kind) return false;
    if (f.rule !== undefined || f.field !== undefined) {
      const hit = r.rules.some((e) => (f.rule === undefined || e.rule === f.rule) && (f.field === undefined || e.field === f.field));
      const errorHit = f.field === undefined && f.rule !== undefined && r.error?.rule === f.rule;
      if (!hit && !errorHit) return false;
    }
    if (since !== undefined || until !== undefined) {
      const t = Date.parse(r.ts);
      if (since !== undefined && !(t >= since)) return false;
      if (until !== undefined && !(t <= until)) return false;
    }
    return true;
  };
}

function instant(key: string, text: string): number {
  const t = Date.parse(text);
  if (Number.isNaN(t)) throw new PolicyError('audit-filter', `\`${key}\` must be a date or time; got \`${text}\``, { key });
  return t;
}
