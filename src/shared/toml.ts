// The one TOML adapter (smol-toml): parses text and answers "which line and column is this key path on?".
import { parse, TomlError } from 'smol-toml';
import { PolicyError } from './errors.js';
import { nestsDeeperThan } from './depth.js';

/** A position in a file, 1-based. */
export interface Position {
  line: number;
  column: number;
}

/** Parsed text that can locate any path it contains (the deepest part of the path that exists). */
export interface Located {
  file: string;
  data: unknown;
  positionOf(path: readonly PropertyKey[]): Position | undefined;
}

/** Deeper nesting than this is refused before parsing (a hostile file must not exhaust the stack). */
export const MAX_DEPTH = 64;

/** Splits a dotted TOML key (`a."b.c".d`) into segments. */
function splitKey(key: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | null = null;
  for (let i = 0; i < key.length; i++) {
    const ch = key[i];
    if (quote) {
      if (ch === '\\' && quote === '"') cur += key[++i] ?? '';
      else if (ch === quote) quote = null;
      else cur += ch;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '.') {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

const HEADER = /^\s*(\[\[?)\s*((?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*'))*)\s*\]\]?/;
const KEY = /^(\s*)((?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*'))*)\s*=/;

/** Index of every table header and key assignment: path (joined with \0) → position. */
function indexPositions(text: string): Map<string, Position> {
  const index = new Map<string, Position>();
  const counts = new Map<string, number>();
  const arrays = new Set<string>();
  let context: PropertyKey[] = [];
  let inString: string | null = null;
  const lines = text.split(/\r?\n/);
  const resolve = (segs: string[]): PropertyKey[] => {
    const out: PropertyKey[] = [];
    for (const s of segs) {
      out.push(s);
      const key = out.join('\0');
      if (arrays.has(key)) out.push(counts.get(key)!);
    }
    return out;
  };
  lines.forEach((raw, i) => {
    if (inString) {
      if (raw.includes(inString)) inString = null;
      return;
    }
    const h = HEADER.exec(raw);
    if (h) {
      const segs = splitKey(h[2]);
      if (h[1] === '[[') {
        const parent = resolve(segs.slice(0, -1));
        const base = [...parent, segs[segs.length - 1]];
        const key = base.join('\0');
        const n = (counts.get(key) ?? -1) + 1;
        counts.set(key, n);
        arrays.add(key);
        context = [...base, n];
        if (!index.has(key)) index.set(key, { line: i + 1, column: raw.indexOf('[') + 1 });
      } else context = resolve(segs);
      index.set(context.join('\0'), { line: i + 1, column: raw.indexOf('[') + 1 });
      return;
    }
    const k = KEY.exec(raw);
    if (!k) return;
    const path = [...context, ...splitKey(k[2])];
    index.set(path.join('\0'), { line: i + 1, column: k[1].length + 1 });
    const rest = raw.slice(k[0].length);
    for (const q of ['"""', "'''"]) {
      const at = rest.indexOf(q);
      if (at >= 0 && rest.indexOf(q, at + 3) < 0) inString = q;
    }
  });
  return index;
}

/** Refuses text nested deeper than MAX_DEPTH (dotted keys, headers, arrays, inline tables). */
function checkDepth(text: string, file: string): void {
  let depth = 0;
  let quote: string | null = null;
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n];
    let i = 0;
    if (!quote && depth === 0) {
      const h = HEADER.exec(raw) ?? KEY.exec(raw);
      const key = h ? h[2] : undefined;
      if (key && splitKey(key).length > MAX_DEPTH)
        throw new PolicyError('toml-too-deep', `TOML keys nest deeper than ${MAX_DEPTH} levels`, { file, line: n + 1 });
      if (h && HEADER.test(raw)) continue;
      if (h) i = h[0].length;
    }
    for (; i < raw.length; i++) {
      const ch = raw[i];
      if (quote) {
        if (ch === '\\' && quote[0] === '"') i++;
        else if (raw.startsWith(quote, i)) {
          i += quote.length - 1;
          quote = null;
        }
        continue;
      }
      if (ch === '#') break;
      if (ch === '"' || ch === "'") {
        quote = raw.startsWith(ch.repeat(3), i) ? ch.repeat(3) : ch;
        i += quote.length - 1;
      } else if (ch === '[' || ch === '{') {
        if (++depth > MAX_DEPTH) throw new PolicyError('toml-too-deep', `TOML values nest deeper than ${MAX_DEPTH} levels`, { file, line: n + 1 });
      } else if (ch === ']' || ch === '}') depth = Math.max(0, depth - 1);
    }
    if (quote && quote.length === 1) quote = null; // a basic string never spans lines
  }
}

/** Parses TOML text; a syntax error is `toml-syntax` with its line and column. */
export function parseToml(text: string, file: string): Located {
  checkDepth(text, file);
  let data: unknown;
  try {
    data = parse(text);
  } catch (e) {
    if (!(e instanceof TomlError)) throw new PolicyError('toml-syntax', `invalid TOML: ${(e as Error).message}`, { file });
    const reason = e.message
      .split('\n')[0]
      .replace(/^Invalid TOML document: /, '')
      .replace(/\.$/, '');
    throw new PolicyError('toml-syntax', `invalid TOML: ${reason}`, { file, line: e.line, column: e.column });
  }
  // Keys nested inside inline tables escape the line scan above: measure the parsed data (iteratively) too.
  if (nestsDeeperThan(data, MAX_DEPTH + 1)) throw new PolicyError('toml-too-deep', `TOML tables nest deeper than ${MAX_DEPTH} levels`, { file });
  let index: Map<string, Position> | undefined;
  return {
    file,
    data,
    positionOf(path) {
      index ??= indexPositions(text);
      for (let n = path.length; n > 0; n--) {
        const hit = index.get(path.slice(0, n).map(String).join('\0'));
        if (hit) return hit;
      }
      return undefined;
    },
  };
}
