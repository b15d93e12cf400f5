// graph.jsonl indexed once per file version: task id → line, so a task is found by id without scanning the file again.
import { PolicyError } from '../shared/errors.js';
import { FileCache } from '../shared/file-cache.js';
import { readFileBytes } from '../shared/read-file.js';
import { scanGraph } from './scan.js';

/** One version of graph.jsonl: its task records, the line of each task id (the last one: a duplicate id's later line wins, as in wg), and its first malformed line. */
export interface GraphIndex {
  shownAs: string;
  /** The record the scan parsed, by 0-based line index of the task's last line (shared: readers copy, never change it). */
  records: Map<number, Record<string, unknown>>;
  /** Task id → 0-based line index, in the order ids first appear. */
  ids: Map<string, number>;
  /** The first malformed line, if any: wg refuses the whole graph, and so does every lookup. */
  error?: PolicyError;
}

const indexes = new FileCache<GraphIndex>(32);

function build(text: string, shownAs: string): GraphIndex {
  const index: GraphIndex = { shownAs, records: new Map(), ids: new Map() };
  try {
    for (const l of scanGraph(text, shownAs)) {
      if (l.record.kind !== 'task' || typeof l.record.id !== 'string') continue;
      const earlier = index.ids.get(l.record.id);
      if (earlier !== undefined) index.records.delete(earlier);
      index.ids.set(l.record.id, l.index);
      index.records.set(l.index, l.record);
    }
  } catch (e) {
    if (!(e instanceof PolicyError)) throw e;
    index.error = e;
  }
  return index;
}

/** The index of the graph at `path` (shown as `shownAs`), built on first use and again only when the file changed. */
export function graphIndex(path: string, shownAs: string): GraphIndex {
  const read = () => {
    const bytes = readFileBytes(path, { shownAs, what: 'graph', help: 'pass --task-json FILE to give the task directly' })!;
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new PolicyError('graph-line', "the graph is not valid UTF-8; wg's graph loader fails on it, so wg would load no task at all", { file: shownAs });
    }
  };
  return indexes.get(path, read, (text) => build(text!, shownAs), shownAs);
}

/** The record of task `id` and its 1-based line, or undefined when the graph has no such task. Throws the graph's malformed line. */
export function findIndexedTask(index: GraphIndex, id: string): { record: Record<string, unknown>; line: number } | undefined {
  if (index.error) throw index.error;
  const i = index.ids.get(id);
  if (i === undefined) return undefined;
  // INVARIANT: the record is shared by every lookup of this graph version; readers copy what they keep and change nothing.
  return { record: index.records.get(i)!, line: i + 1 };
}

/** Every task id of the graph with its 1-based line, in file order of the line that defines it. */
export function indexedTasks(index: GraphIndex): Array<{ id: string; line: number }> {
  if (index.error) throw index.error;
  return [...index.ids].map(([id, i]) => ({ id, line: i + 1 })).sort((a, b) => a.line - b.line);
}
