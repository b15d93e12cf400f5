// The one fuzzy matcher behind every "did you mean" hint.

/** Levenshtein distance over code points (as wg's model suggestions count it). */
export function editDistance(x: string, y: string): number {
  return pointDistance(Array.from(x), Array.from(y));
}

/** Levenshtein distance of two code-point lists. */
function pointDistance(a: readonly string[], b: readonly string[]): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}

/**
 * Names longer than this are never compared: a suggestion for a name that long helps nobody, and the distance costs
 * the product of the two lengths (a hostile task field of megabytes against a model cache of hundreds of ids).
 */
export const MAX_COMPARED = 256;

/**
 * The edit distance of `a` and `b` when both are short enough and their lengths (in code points, which bound the
 * distance from below) are within `reach` of each other; Infinity otherwise, without comparing them.
 */
function distanceWithin(a: string, b: string, reach: number): number {
  if (a.length > 2 * MAX_COMPARED || b.length > 2 * MAX_COMPARED) return Infinity;
  const [x, y] = [Array.from(a), Array.from(b)];
  if (x.length > MAX_COMPARED || y.length > MAX_COMPARED || Math.abs(x.length - y.length) > reach) return Infinity;
  return pointDistance(x, y);
}

/** The candidate nearest to `input` (case-insensitive edit distance) when it is within reach, else undefined. */
export function closest(input: string, candidates: Iterable<string>): string | undefined {
  const reach = Math.max(2, Math.floor(input.length / 3));
  let best: string | undefined;
  let bestD = Infinity;
  const q = input.toLowerCase();
  for (const c of candidates) {
    const d = distanceWithin(q, c.toLowerCase(), reach);
    if (d < bestD) [best, bestD] = [c, d];
  }
  return bestD <= reach ? best : undefined;
}

/** `; did you mean `x`?` for the closest candidate within reach, else ''. */
export function didYouMean(input: string, candidates: Iterable<string>): string {
  const best = closest(input, candidates);
  return best === undefined ? '' : `; did you mean \`${best}\`?`;
}

/** The `n` candidates nearest to `input` (case-insensitive, stable by candidate order), keeping those within `reach`. */
export function nearest(input: string, candidates: readonly string[], n: number, reach: number): string[] {
  const q = input.toLowerCase();
  return candidates
    .map((c, i) => ({ c, i, d: distanceWithin(q, c.toLowerCase(), reach) }))
    .sort((x, y) => x.d - y.d || x.i - y.i)
    .slice(0, n)
    .filter((x) => x.d <= reach)
    .map((x) => x.c);
}
