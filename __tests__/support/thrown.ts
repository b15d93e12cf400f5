// Test helper: the error a function throws, as data to match (PolicyError fields: code, file, line, key, …).

/** The error `fn` throws; fails the test when it returns instead. */
export function thrown(fn: () => unknown): Record<string, unknown> {
  try {
    fn();
  } catch (e) {
    return e as Record<string, unknown>;
  }
  throw new Error('expected an error, but the call returned');
}
