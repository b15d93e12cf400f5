// Exact bytes of a value for differential tests: key order kept, and undefined, NaN, -0 and holes told apart from null.

function enc(v: unknown, seen: Set<unknown>): string {
  if (v === undefined) return '<undefined>';
  if (typeof v === 'number') return Object.is(v, -0) ? '<-0>' : Number.isNaN(v) ? '<NaN>' : String(v);
  if (typeof v === 'bigint' || typeof v === 'symbol' || typeof v === 'function') return `<${typeof v}>`;
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (seen.has(v)) return '<cycle>';
  seen.add(v);
  try {
    if (Array.isArray(v)) return `[${Array.from({ length: v.length }, (_, i) => (i in v ? enc(v[i], seen) : '<hole>')).join(',')}]`;
    const json = (v as { toJSON?: () => unknown }).toJSON;
    if (typeof json === 'function') return `toJSON:${enc(json.call(v), seen)}`;
    return `{${Object.keys(v)
      .map((k) => `${JSON.stringify(k)}:${enc((v as Record<string, unknown>)[k], seen)}`)
      .join(',')}}`;
  } finally {
    seen.delete(v);
  }
}

/** Two outcomes are the same when their exact bytes are. */
export const sameOutcome = {
  bytes: (v: unknown): string => enc(v, new Set()),
};
