// The one graph.jsonl scanner: one JSON object per line; blank and `#` lines skipped; a malformed line is an error.
import { PolicyError } from '../shared/errors.js';

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
      throw new PolicyError('graph-line', `invalid JSON: ${(e as Error).message}`, { file: shownAs, line: i + 1 });
    }
    if (!record || typeof record !== 'object' || Array.isArray(record))
      throw new PolicyError('graph-line', 'each line must be a JSON object', { file: shownAs, line: i + 1 });
    yield { index: i, record: record as Record<string, unknown> };
  }
}

/** The last line holding task `id` (a duplicate id: the later line wins, as in wg), or undefined. */
export function findTaskLine(text: string, shownAs: string, id: string): GraphLine | undefined {
  let found: GraphLine | undefined;
  for (const l of scanGraph(text, shownAs)) if (l.record.kind === 'task' && l.record.id === id) found = l;
  return found;
}
