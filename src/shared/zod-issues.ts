// The one translator from a zod issue to a plain sentence ("`dispatcher.model` must be a string, not 5").
import type { core } from 'zod/mini';
import { didYouMean } from './did-you-mean.js';

/** Dotted path of an issue, with `[i]` for array indexes. */
export function issuePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)), '');
}

/** The key an issue is about: its path, plus the unknown key's name for a single unrecognized key. */
export function issueKey(issue: core.$ZodIssue, prefix: readonly PropertyKey[] = []): string {
  const extra = issue.code === 'unrecognized_keys' && issue.keys.length === 1 ? [issue.keys[0]] : [];
  return issuePath([...prefix, ...issue.path, ...extra]);
}

/** Short description of a value for messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a table';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)}`;
  return `${typeof value} ${String(value)}`;
}

/** Reads a value at a zod issue path (own properties only). */
export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, p)) return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return cur;
}

function article(t: string): string {
  if (t === 'object' || t === 'record') return 'a table'; // the user wrote TOML or YAML, not JSON
  if (t === 'array') return 'a list';
  if (t === 'int') return 'a whole number';
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}

/** What is wrong with the value, phrased to follow "`key` ". `hideValue` keeps a secret's value out of the sentence. */
export function issueProblem(issue: core.$ZodIssue, value: unknown, hideValue = false, known: readonly string[] = []): string {
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined) return 'is required';
      return hideValue ? `must be ${article(issue.expected)}` : `must be ${article(issue.expected)}, not ${describe(value)}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => `\`${String(v)}\``).join(', ')}${hideValue || typeof value !== 'string' ? '' : `, not \`${value}\`${didYouMean(value, issue.values.map(String))}`}`;
    case 'invalid_union': {
      // A discriminated union names its options: `type` must be one of `file`, `http`; got `kafka`.
      const options = (issue as { options?: unknown[] }).options;
      if (options?.length)
        return `must be one of ${options.map((o) => `\`${String(o)}\``).join(', ')}${hideValue || value === undefined ? '' : `, not ${typeof value === 'string' ? `\`${value}\`${didYouMean(value, options.map(String))}` : describe(value)}`}`;
      return hideValue ? 'is invalid' : `is invalid (${describe(value)})`;
    }
    case 'too_small':
      if (issue.origin === 'string') return 'must not be empty';
      if (issue.origin === 'array') return `must have at least ${String(issue.minimum)} item(s)`;
      return issue.inclusive === false ? `must be greater than ${String(issue.minimum)}` : `must be at least ${String(issue.minimum)}`;
    case 'too_big':
      return issue.inclusive === false ? `must be less than ${String(issue.maximum)}` : `must be at most ${String(issue.maximum)}`;
    case 'unrecognized_keys': {
      const [first] = issue.keys;
      const list = issue.keys.map((k) => `\`${k}\``).join(', ');
      return `has unknown key${issue.keys.length > 1 ? 's' : ''} ${list}${issue.keys.length === 1 ? didYouMean(first, known) : ''}`;
    }
    default:
      return issue.message && issue.message !== 'Invalid input' ? issue.message.charAt(0).toLowerCase() + issue.message.slice(1) : 'is invalid';
  }
}

/** One sentence for an issue: "`key` must be …"; an issue at the root reads "the <whole> …". */
export function issueSentence(
  issue: core.$ZodIssue,
  root: unknown,
  options: {
    prefix?: readonly PropertyKey[];
    whole?: string;
    secret?: (path: readonly PropertyKey[]) => boolean;
    known?: (path: readonly PropertyKey[]) => readonly string[];
  } = {},
): string {
  const path = [...(options.prefix ?? []), ...issue.path];
  const key = issuePath(path);
  const hide = options.secret?.(issue.path) ?? false;
  const problem = issueProblem(issue, valueAt(root, issue.path), hide, options.known?.(issue.path) ?? []);
  return `${key ? `\`${key}\`` : (options.whole ?? 'the file')} ${problem}`;
}
