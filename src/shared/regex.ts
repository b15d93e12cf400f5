// The one way policy patterns (`matches`) are checked and run: linear time always (the only importer of re2js).

/** A compiled pattern: `test(text)` in time linear in the text. */
export interface Pattern {
  test(text: string): boolean;
}

/** The longest pattern a policy may hold. */
export const MAX_PATTERN_LENGTH = 1000;

// Backreferences and lookaround have no linear-time algorithm: refused.
const NON_LINEAR = /\\[1-9]|\\k<|\(\?<?[=!]/;
// A pattern with no repetition but `?` (at most a few) and no alternation matches at most a few fixed lengths at
// each position, so a backtracking engine runs it in linear time: native RegExp, no engine to load.
const SIMPLE = /^(?:[^*+{|?\\]|\\.|(?<=[^\\(])\?(?!\?))*$/;

const cache = new Map<string, Pattern>();
type Re2 = { RE2JS: { compile(p: string): { matcher(t: string): { find(): boolean } } } };
let re2: Re2 | undefined;

/** True when `source` needs the linear-time engine (it repeats or alternates): load it with `loadLinearEngine` first. */
export function needsLinearEngine(source: string): boolean {
  return !isSimple(source);
}

/** Loads the linear-time engine (once; most policy sets never need it, and every spawn starts cold). */
export async function loadLinearEngine(): Promise<void> {
  re2 ??= (await import('re2js')) as Re2;
}

function linear(): Re2 {
  // INVARIANT: policy loading awaits loadLinearEngine before it checks or runs a pattern that needs it.
  if (!re2) throw new Error('the linear-time regular expression engine is not loaded');
  return re2;
}

function isSimple(source: string): boolean {
  return SIMPLE.test(source) && (source.match(/\?/g)?.length ?? 0) <= 8;
}

/** Why `source` cannot be a `matches` pattern (one lowercase sentence), or null when it can. */
export function patternProblem(source: string): string | null {
  if (source.length > MAX_PATTERN_LENGTH) return `the pattern is longer than ${MAX_PATTERN_LENGTH} characters`;
  if (NON_LINEAR.test(source)) return 'backreferences and lookaround cannot run in linear time; rewrite the pattern without them';
  try {
    new RegExp(source);
  } catch (e) {
    return (e as Error).message.replace(/^Invalid regular expression: /, '').toLowerCase();
  }
  // Loaded by policy loading whenever a pattern needs it; a direct caller (a unit check) gets the checks above only.
  if (isSimple(source) || !re2) return null;
  try {
    re2.RE2JS.compile(source);
  } catch (e) {
    return `the linear-time engine cannot run it: ${(e as Error).message}`;
  }
  return null;
}

/** The compiled pattern (cached); throws Error with the sentence of `patternProblem` when it cannot be one. */
export function compilePattern(source: string): Pattern {
  const hit = cache.get(source);
  if (hit) return hit;
  const problem = patternProblem(source);
  if (problem) throw new Error(problem);
  let p: Pattern;
  if (isSimple(source)) p = new RegExp(source);
  else {
    const compiled = linear().RE2JS.compile(source);
    p = { test: (text) => compiled.matcher(text).find() };
  }
  cache.set(source, p);
  return p;
}

/** True when `pattern` finds a match anywhere in `text`; false for a non-string text or pattern, or a pattern that cannot run. */
export function testPattern(pattern: unknown, text: unknown): boolean {
  if (typeof pattern !== 'string' || typeof text !== 'string') return false;
  try {
    return compilePattern(pattern).test(text);
  } catch {
    return false; // INVARIANT: check refuses such patterns at load; a pattern that slipped through never matches
  }
}
