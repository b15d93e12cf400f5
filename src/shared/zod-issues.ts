// Turns a zod issue into one plain sentence fragment ("must be a string", "is required").
import type { core } from 'zod/mini';

/** Dotted path of an issue, with `[i]` for array indexes. */
export function issuePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)), '');
}

/** What is wrong with the value, phrased to follow "`key` ". */
export function issueProblem(issue: core.$ZodIssue, value: unknown, hideValue = false): string {
  switch (issue.code) {
    case 'invalid_type':
      if (hideValue) return `must be ${article(issue.expected)}`;
      return value === undefined ? 'is required' : `must be ${article(issue.expected)}, not ${describe(value)}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small':
      if (issue.origin === 'string') return 'must not be empty';
      return issue.inclusive === false ? `must be greater than ${String(issue.minimum)}` : `must be at least ${String(issue.minimum)}`;
    case 'unrecognized_keys':
      return `has unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `\`${k}\``).join(', ')}`;
    default:
      return issue.message && issue.message !== 'Invalid input' ? issue.message : 'is invalid';
  }
}

function article(t: string): string {
  if (t === 'object') return 'a table'; // the user wrote TOML or YAML, not JSON
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}

/** Short description of a value for messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'a table';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  return `${typeof value} ${String(value)}`;
}

/** Reads a value at a zod issue path. */
export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return cur;
}
