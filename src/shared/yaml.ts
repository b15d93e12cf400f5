// The one YAML adapter (yaml): parses text with line numbers, bounded alias expansion, one document.
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node, type YAMLMap } from 'yaml';
import { PolicyError } from './errors.js';
import type { Located, Position } from './toml.js';

/** Aliases expanded beyond this count are refused (an alias bomb must not exhaust memory). */
export const MAX_ALIASES = 100;

/** Parses YAML text; a syntax error is `yaml-syntax` with its line and column. */
export function parseYaml(text: string, file: string): Located {
  const lineCounter = new LineCounter();
  // Unique keys are checked below in linear time: the library's own check compares each key with every earlier one.
  // logLevel 'error': the library's warnings (a collection read as a key, stringified) would reach stderr as Node warnings.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, logLevel: 'error' });
  // The library reports errors in document order: a repeated key before the first other error is the one to name.
  const duplicate = firstDuplicateKey(doc.contents);
  if (duplicate !== undefined && (doc.errors.length === 0 || duplicate < doc.errors[0].pos[0])) {
    const pos = lineCounter.linePos(duplicate);
    throw new PolicyError('yaml-syntax', 'invalid YAML: Map keys must be unique', { file, line: pos.line, column: pos.col });
  }
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
          const pair = pairsOf(node).get(key);
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

/**
 * Where the first key that repeats an earlier key of its map starts, in the order the library checks them (a pair's
 * key, then what its value holds, then the next pair; a scalar key repeats one with the same value, as `uniqueKeys`
 * compares them; other keys never repeat), or undefined. Iterative: nesting depth costs no stack.
 */
function firstDuplicateKey(root: unknown): number | undefined {
  type Visit = { node: unknown } | { pair: YAMLMap['items'][number]; seen: Set<unknown> };
  const stack: Visit[] = [{ node: root }];
  while (stack.length > 0) {
    const visit = stack.pop()!;
    if ('pair' in visit) {
      const { pair, seen } = visit;
      // NaN is no key's repeat: the library compares values with ===.
      if (isScalar(pair.key) && !Number.isNaN(pair.key.value)) {
        if (seen.has(pair.key.value)) return pair.key.range?.[0] ?? 0;
        seen.add(pair.key.value);
      }
      stack.push({ node: pair.value }, { node: pair.key });
      continue;
    }
    const { node } = visit;
    if (isMap(node)) {
      const seen = new Set<unknown>();
      for (let i = node.items.length - 1; i >= 0; i--) stack.push({ pair: node.items[i], seen });
    } else if (isSeq(node)) {
      for (let i = node.items.length - 1; i >= 0; i--) stack.push({ node: node.items[i] });
    } else if (isPair(node)) stack.push({ pair: node, seen: new Set() });
  }
  return undefined;
}

/** A map's pairs by scalar key, the first of each (built once per map: positionOf is asked once per key). */
const pairIndex = new WeakMap<YAMLMap, Map<unknown, YAMLMap['items'][number]>>();
function pairsOf(map: YAMLMap): Map<unknown, YAMLMap['items'][number]> {
  let index = pairIndex.get(map);
  if (!index) {
    index = new Map();
    for (const pair of map.items) {
      const k = (pair.key as { value?: unknown } | null)?.value;
      if (!index.has(k)) index.set(k, pair);
    }
    pairIndex.set(map, index);
  }
  return index;
}
