// The one graph.jsonl scanner: one node per line, checked as wg deserializes it; blank and `#` lines skipped; a bad line is an error.
import { jsonSyntaxReason, PolicyError } from '../shared/errors.js';
import { issueKey, issueSentence } from '../shared/zod-issues.js';
import { ResourceNodeSchema, TaskNodeSchema, taskNodeFits } from './node-schema.js';

const WG_FAILS = "wg's graph loader fails on this line, so wg would load no task at all";

/** Refuses a record wg's load_graph cannot deserialize (actor lines are skipped, as wg does). */
function checkNode(record: Record<string, unknown>, shownAs: string, line: number): void {
  const kind = record.kind;
  if (kind === 'actor') return;
  if (kind === 'task' && taskNodeFits(record)) return; // the common case, without a zod parse of every line
  const schema = kind === 'task' ? TaskNodeSchema : kind === 'resource' ? ResourceNodeSchema : undefined;
  if (!schema) {
    const what = kind === undefined ? '`kind` is required' : `\`kind\` must be \`task\` or \`resource\`, not ${JSON.stringify(kind)}`;
    throw new PolicyError('graph-line', `${what}; ${WG_FAILS}`, { file: shownAs, line, key: 'kind' });
  }
  const r = schema.safeParse(record);
  if (r.success) return;
  const issue = r.error.issues[0];
  const id = typeof record.id === 'string' ? `${kind} \`${record.id}\`: ` : '';
  throw new PolicyError('graph-line', `${id}${issueSentence(issue, record, { whole: 'the line' })}; ${WG_FAILS}`, {
    file: shownAs,
    line,
    key: issueKey(issue),
  });
}

/** A record of graph.jsonl and its 0-based line index. */
export interface GraphLine {
  index: number;
  record: Record<string, unknown>;
}

/** Every record of graph.jsonl text, in file order; the first malformed line is `graph-line` naming it. */
export function* scanGraph(text: string, shownAs: string): Generator<GraphLine> {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (!raw || raw.startsWith('#')) continue;
    let record: unknown;
    try {
      record = JSON.parse(raw);
    } catch (e) {
      throw new PolicyError('graph-line', `invalid JSON: ${jsonSyntaxReason(e)}; ${WG_FAILS}`, { file: shownAs, line: i + 1 });
    }
    if (!record || typeof record !== 'object' || Array.isArray(record))
      throw new PolicyError('graph-line', `each line must be a JSON object; ${WG_FAILS}`, { file: shownAs, line: i + 1 });
    checkNode(record as Record<string, unknown>, shownAs, i + 1);
    yield { index: i, record: record as Record<string, unknown> };
  }
}

/** The last line holding task `id` (a duplicate id: the later line wins, as in wg), or undefined. */
export function findTaskLine(text: string, shownAs: string, id: string): GraphLine | undefined {
  let found: GraphLine | undefined;
  for (const l of scanGraph(text, shownAs)) if (l.record.kind === 'task' && l.record.id === id) found = l;
  return found;
}
