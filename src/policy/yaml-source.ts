// YAML parsing that keeps line numbers, so every policy problem can name file:line.
import { isMap, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { badInput } from '../shared/errors.js';

/** A parsed YAML file that can answer "which line is this path on?". */
export interface YamlSource {
  file: string;
  data: unknown;
  lineOf(path: readonly PropertyKey[]): number;
}

/** Parses YAML text; a syntax error is bad input naming file and line. */
export function parseYaml(text: string, file: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const err = doc.errors[0];
    const line = err.linePos?.[0]?.line ?? lineCounter.linePos(err.pos[0]).line;
    const reason = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw badInput(`${file}:${line}: invalid YAML: ${reason}`, { file, line });
  }
  const lineOf = (path: readonly PropertyKey[]): number => {
    // Walk down as far as the path exists; report the deepest node found.
    let node: unknown = doc.contents;
    let best = 1;
    const at = (n: unknown) => {
      const r = (n as Node | null)?.range;
      if (r) best = lineCounter.linePos(r[0]).line;
    };
    at(node);
    for (const key of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
        if (!pair) break;
        at(pair.key);
        node = pair.value;
        if (node) at(node);
      } else if (isSeq(node) && typeof key === 'number') {
        node = node.items[key];
        if (!node) break;
        at(node);
      } else break;
    }
    return best;
  };
  return { file, data: doc.toJS(), lineOf };
}
