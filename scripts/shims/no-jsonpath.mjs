// Bundle shim for jsonpath-plus: wg-policy resolves paths with its own dotted-path resolver and never
// evaluates JSONPath, so the bundle ships no JSONPath evaluator at all (no code execution from policy data).
export function JSONPath() {
  throw new Error('JSONPath is disabled in wg-policy: policy paths are plain dotted paths');
}
