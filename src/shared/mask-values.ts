// Masking known values (config keys, secrets) in text or bytes: every byte of every occurrence is covered, overlaps too.

/** What a masked value is replaced with. */
export const MASK = '***';

/** Text or bytes: what the spans are searched in (both search forwards and backwards the same way). */
interface Searchable<T> {
  readonly length: number;
  indexOf(value: T, from: number): number;
  lastIndexOf(value: T, from: number): number;
}

/**
 * The spans `[start, end)` that occurrences of `values` cover in `hay`, in order; overlapping occurrences (of one value
 * or of two) make one span, touching ones stay apart. Masking a span whole leaves no part of any value visible.
 */
export function coveredSpans<T extends { readonly length: number }>(hay: Searchable<T>, values: readonly T[]): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  for (const v of values) {
    const length = v.length;
    if (length === 0) continue;
    for (let start = hay.indexOf(v, 0); start >= 0;) {
      let end = start + length;
      // The last occurrence starting inside the span reaches furthest: extend through it until none reaches past the end.
      for (let j = hay.lastIndexOf(v, end - 1); j + length > end; j = hay.lastIndexOf(v, end - 1)) end = j + length;
      spans.push([start, end]);
      start = hay.indexOf(v, end);
    }
  }
  if (values.length > 1) spans.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s[0] < last[1]) last[1] = Math.max(last[1], s[1]);
    else merged.push(s);
  }
  return merged;
}

/** `text` with each span that `values` cover (see coveredSpans) replaced by `***`. */
export function maskValues(text: string, values: readonly string[]): string {
  let spans: Array<[number, number]> | undefined;
  for (const v of values)
    if (v.length > 0 && text.includes(v)) {
      spans = coveredSpans(text, values);
      break;
    }
  if (!spans) return text;
  let out = '';
  let at = 0;
  for (const [start, end] of spans) {
    out += text.slice(at, start) + MASK;
    at = end;
  }
  return out + text.slice(at);
}
