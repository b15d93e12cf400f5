// The one YAML adapter (yaml): parses text with line numbers, bounded alias expansion, one document.
import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { PolicyError } from './errors.js';
import type { Located, Position } from './toml.js';

/** Aliases expanded beyond this count are refused (an alias bomb must not exhaust memory). */
export const MAX_ALIASES = 100;

/** Parses YAML text; a syntax error is `yaml-syntax` with its line and column. */
export function parseYaml(text: string, file: string): Located {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const err = doc.errors[0];
    const pos = err.linePos?.[0] ?? lineCounter.linePos(err.pos[0]);
    const reason = err.message
      .split('\n')[0]
      .replace(/ at line \d+, column \d+:?$/, '')
      .replace(/\.$/, '');
    throw new PolicyError('yaml-syntax', `invalid YAML: ${reason}`, { file, line: pos.line, column: pos.col });
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (e) {
    const message = (e as Error).message;
    // An alias to an anchor that is not set (yet) is a syntax error, not a bomb.
    if (/unresolved alias/i.test(message))
      throw new PolicyError('yaml-syntax', `invalid YAML: ${message.split('\n')[0].replace(/\.$/, '').toLowerCase()}`, { file });
    throw new PolicyError('yaml-aliases', `YAML aliases expand too far (more than ${MAX_ALIASES}): ${message}`, { file });
  }
  const at = (n: unknown): Position | undefined => {
    const r = (n as Node | null)?.range;
    if (!r) return undefined;
    const p = lineCounter.linePos(r[0]);
    return { line: p.line, column: p.col };
  };
  return {
    file,
    data,
    positionOf(path) {
      // Walk down as far as the path exists; report the deepest node found.
      let node: unknown = doc.contents;
      let best = at(node) ?? { line: 1, column: 1 };
      for (const key of path) {
        if (isMap(node)) {
          const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
          if (!pair) break;
          best = at(pair.key) ?? best;
          node = pair.value;
          if (node) best = at(node) ?? best;
        } else if (isSeq(node) && typeof key === 'number') {
          node = node.items[key];
          if (!node) break;
          best = at(node) ?? best;
        } else break;
      }
      return best;
    },
  };
}
