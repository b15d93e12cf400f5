// What makes a string unfit to be planned — a key's value from config, credentials, a NUL — and where one sits in data.
import { HAS_NUL, hasNul } from './errors.js';
import { CARRIES_CREDENTIALS, carriesCredential, containsKey, REPEATS_KEY } from './secrets.js';

/** A flaw: the sentence a refusal ends with (after what it names, never the value), and help where one helps. */
export interface Flaw {
  sentence: string;
  help?: string;
}

/** The longest value a plan takes from an identifier-like field (a model, a session id, a tag, an id). */
export const MAX_FIELD_CHARS = 4096;
/** The longest command a plan takes (a task's `exec` or `verify`, which wg runs as one argument of `sh -c`). */
export const MAX_COMMAND_CHARS = 65_536;
/** The longest free text a plan takes (a title or description an executor TOML passes on). */
export const MAX_TEXT_CHARS = 1_048_576;
/** One of the three limits above. */
export type LengthLimit = typeof MAX_FIELD_CHARS | typeof MAX_COMMAND_CHARS | typeof MAX_TEXT_CHARS;

/** How a refusal says a value is longer than a plan takes (a plan copies it many times: into argv, env and provenance). */
const tooLong = (max: LengthLimit, help: string): Flaw => ({
  sentence: `is longer than ${max.toLocaleString('en')} characters, more than wg-policy plans from one field`,
  help,
});
const TOO_LONG: Readonly<Record<LengthLimit, Flaw>> = {
  [MAX_FIELD_CHARS]: tooLong(MAX_FIELD_CHARS, 'a name, model, tag or id is never that long; long text belongs in the description'),
  [MAX_COMMAND_CHARS]: tooLong(MAX_COMMAND_CHARS, 'put a command that long in a script and run the script'),
  [MAX_TEXT_CHARS]: tooLong(MAX_TEXT_CHARS, 'keep text that long in a file the task names'),
};

/** The most entries a plan takes from one list field (a task's tags): provenance copies the list for every stage citing it. */
export const MAX_LIST_ITEMS = 1024;

export const FLAWS = {
  tooMany: {
    sentence: `has more than ${MAX_LIST_ITEMS.toLocaleString('en')} entries, more than wg-policy plans from one field`,
    help: 'a task needs a handful of tags; keep lists of data in the description',
  },
  key: { sentence: REPEATS_KEY },
  credentials: { sentence: CARRIES_CREDENTIALS, help: 'keep keys in config (api_key_env, api_key_file or api_key_ref) and name the endpoint in the task' },
  nul: { sentence: HAS_NUL },
} as const satisfies Record<string, Flaw>;

/**
 * The first flaw of a string a plan may carry, in this order: it is longer than `max` (MAX_FIELD_CHARS,
 * MAX_COMMAND_CHARS or MAX_TEXT_CHARS), it repeats one of `keys` (key values from config), it carries credentials (looked for unless
 * `credentials` is false: a rule tests for them itself), it holds a NUL.
 */
export function flawOf(text: string, keys: readonly string[], credentials = true, max: LengthLimit = MAX_FIELD_CHARS): Flaw | undefined {
  if (text.length > max) return TOO_LONG[max];
  if (containsKey(text, keys)) return FLAWS.key;
  if (credentials && carriesCredential(text)) return FLAWS.credentials;
  return hasNul(text) ? FLAWS.nul : undefined;
}

/**
 * The first string in `value` (depth first, in key order) that `flawIn` finds a flaw in: its dotted path after `at`,
 * and the flaw; or undefined. The path is spelled out only when a flaw is found.
 */
export function flawAt(value: unknown, at: string, flawIn: (text: string) => Flaw | undefined): { at: string; flaw: Flaw } | undefined {
  const found = firstFlawIn(value, flawIn);
  if (found === undefined) return undefined;
  const inner = found.path.reverse(); // collected leaf first
  return { at: (at ? [at, ...inner] : inner).join('.'), flaw: found.flaw };
}

function firstFlawIn(value: unknown, flawIn: (text: string) => Flaw | undefined): { path: Array<string | number>; flaw: Flaw } | undefined {
  if (typeof value === 'string') {
    const flaw = flawIn(value);
    return flaw === undefined ? undefined : { path: [], flaw };
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = firstFlawIn(value[i], flawIn);
      if (found !== undefined) {
        found.path.push(i);
        return found;
      }
    }
  } else if (value && typeof value === 'object') {
    for (const k of Object.keys(value)) {
      const found = firstFlawIn((value as Record<string, unknown>)[k], flawIn);
      if (found !== undefined) {
        found.path.push(k);
        return found;
      }
    }
  }
  return undefined;
}
