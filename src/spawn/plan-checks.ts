// The last checks on a plan, whatever route brought its values: nothing it launches repeats a key's value from config or
// carries a credential, no argument that task data chose reads as an option, and Linux can pass every argument and
// environment string to the program.
import type { LoadedTask } from '../graph/read-tasks.js';
import { PolicyError } from '../shared/errors.js';
import { flawAt, FLAWS, type Flaw } from '../shared/flaws.js';
import { carriesCredential, containsKey, CARRIES_CREDENTIALS, REPEATS_KEY } from '../shared/secrets.js';
import type { SpawnPlan } from './plan-schema.js';
import { taskFieldError } from './task-flaws.js';

/** Linux's limit on one argument or environment string, its NUL included (MAX_ARG_STRLEN: 32 pages of 4 KiB). */
export const MAX_ARG_BYTES = 131_072;

/**
 * Linux's limit on all arguments and environment strings together, with their NULs and pointers: a quarter of the stack
 * limit, 2 MiB under the usual 8 MiB (`ulimit -s`). The plan's own strings are held to it; the environment wg's
 * dispatcher passes on besides is not the plan's to know.
 */
const MAX_ARGS_TOTAL_BYTES = 2_097_152;

/** Runs every check below on a plan about to be returned; each throws a PolicyError (exit 2) naming where, never the value. */
export function refuseUnsafePlan(plan: SpawnPlan, keys: readonly string[], loaded: LoadedTask): void {
  refusePlannedKeys(plan, keys);
  refusePlannedCredentials(plan);
  refuseTaskOptions(plan, loaded);
  refuseOverlong(plan);
}

/**
 * Throws `plan-repeats-key` when a key's value from config appears in what a plan launches (its fields but
 * provenance, and the executor TOML it runs), whatever route brought it (a TOML's argument, a caller's flag, a default
 * that equals a weak key): the plan is refused, never masked into one that would launch something else.
 */
function refusePlannedKeys(plan: SpawnPlan, keys: readonly string[]): void {
  if (keys.length === 0) return;
  let clean = keyFree.get(keys);
  if (!clean) keyFree.set(keys, (clean = new Set()));
  const repeatsKey = remembering(clean, (text) => (containsKey(text, keys) ? FLAWS.key : undefined));
  const found = launchedFlaw(plan, repeatsKey) ?? flawAt(plan.provenance.executorConfig.value, 'provenance.executorConfig.value', repeatsKey);
  if (found !== undefined)
    throw new PolicyError('plan-repeats-key', `the plan for task \`${plan.task}\` at \`${found.at}\` ${REPEATS_KEY}`, {
      key: found.at,
      help: 'keep keys out of executor TOMLs, flags and task fields; a key that equals planned text (a tier or a model name) is too weak: change it',
    });
}

/** The first flaw `flawIn` finds in what a plan launches: every field but its provenance. */
function launchedFlaw(plan: SpawnPlan, flawIn: (text: string) => Flaw | undefined) {
  for (const [field, value] of Object.entries(plan)) {
    const found = field === 'provenance' ? undefined : flawAt(value, field, flawIn);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The provenance entry of each part of a plan's `model`. */
const MODEL_PROVENANCE: Readonly<Record<string, string>> = { spec: 'model', id: 'modelId', provider: 'provider' };

/** The longest string, and how many strings, a memo of clean ones keeps: small, however long the texts a plan carries. */
const REMEMBERED_CHARS = 256;
const REMEMBERED = 4096;

/** `test` through a memo of the short strings it found clean (a plan's words repeat from plan to plan). */
function remembering(clean: Set<string>, test: (text: string) => Flaw | undefined): (text: string) => Flaw | undefined {
  return (text) => {
    if (clean.has(text)) return undefined;
    const flaw = test(text);
    if (flaw === undefined && text.length <= REMEMBERED_CHARS) {
      if (clean.size >= REMEMBERED) clean.clear();
      clean.add(text);
    }
    return flaw;
  };
}

/** Per list of config keys: strings found free of them. */
const keyFree = new WeakMap<readonly string[], Set<string>>();
/** Strings found free of credentials. */
const carriesNone = remembering(new Set(), (text) => (carriesCredential(text) ? FLAWS.credentials : undefined));

/**
 * Throws `plan-carries-credential` when what a plan launches carries a credential form (see carriesCredential) that no
 * earlier check refused at its source: a model the model cache or a registry supplied, for example. Refused, never
 * masked: stdout would otherwise show a plan other than the one decided.
 */
function refusePlannedCredentials(plan: SpawnPlan): void {
  const found = launchedFlaw(plan, carriesNone);
  if (found === undefined) return;
  const [top, inner] = found.at.split('.');
  const field = top === 'model' && inner !== undefined ? MODEL_PROVENANCE[inner] : top;
  const from = (plan.provenance as Record<string, { sources?: Array<{ file: string | null; key: string }> }>)[field]?.sources ?? [];
  const where = [...new Set(from.map((s) => (s.file ? `${s.file} ${s.key}` : s.key)))].join(', ');
  throw new PolicyError('plan-carries-credential', `the plan for task \`${plan.task}\` at \`${found.at}\` ${CARRIES_CREDENTIALS}`, {
    key: found.at,
    help: where ? `the value came from ${where}; keep credentials out of it` : 'keep credentials out of what a plan launches',
  });
}

/** How a refusal says task text would be read as an option. */
const optionFlaw = (i: number): Flaw => ({
  sentence: `puts an argument starting with \`-\` into the command line (\`argv.${i}\`), which the program would read as an option`,
  help: 'a name, model, session id or title never starts with `-`',
});

/**
 * Throws `task-field` when an argument of the plan that starts with `-` starts with a task field's value that starts
 * with `-` (or with the part of one after its `provider:` prefix, as a model id is): the agent's program would read
 * text an agent wrote as an option of its own choosing (`--resume --mcp-config=…`, `wg exec --dry-run`, a TOML
 * argument `{{task_title}}…` filled with `--mcp-config`).
 */
function refuseTaskOptions(plan: SpawnPlan, loaded: LoadedTask): void {
  let fromTask: Array<[string, string]> | undefined;
  for (let i = 1; i < plan.argv.length; i++) {
    const arg = plan.argv[i];
    if (arg.charCodeAt(0) !== 45 /* - */) continue;
    fromTask ??= optionLikeTaskTexts(plan);
    const hit = fromTask.find(([text]) => arg.startsWith(text));
    if (hit !== undefined) throw taskFieldError(loaded, hit[1], optionFlaw(i));
  }
}

/** The task texts behind a plan's argv that start with `-`, each with its field, longest first (the first hit names the field). */
function optionLikeTaskTexts(plan: SpawnPlan): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const s of plan.provenance.argv.sources) {
    if (s.layer !== 'task' || typeof s.value !== 'string') continue;
    const colon = s.value.indexOf(':');
    for (const text of [s.value, colon >= 0 ? s.value.slice(colon + 1) : '']) if (text.length > 0 && text.charCodeAt(0) === 45) out.push([text, s.key]);
  }
  return out.sort((a, b) => b[0].length - a[0].length);
}

/** What a plan too long for Linux to launch should become. */
const SHORTER_HELP = 'keep the text a task or executor TOML passes on the command line shorter; long text belongs in the prompt';

/** Throws `plan-invalid` when an argument or an environment string, or all of them, are longer than Linux passes to a program (E2BIG). */
function refuseOverlong(plan: SpawnPlan): void {
  const tooLong = (text: string) => text.length * 3 + 1 > MAX_ARG_BYTES && Buffer.byteLength(text) + 1 > MAX_ARG_BYTES;
  const i = plan.argv.findIndex(tooLong);
  const name = i >= 0 ? undefined : Object.keys(plan.env).find((k) => tooLong(`${k}=${plan.env[k]}`));
  const which = i >= 0 ? `argv.${i}` : name === undefined ? undefined : `env.${name}`;
  if (which === undefined) {
    refuseOverlongInAll(plan);
    return;
  }
  throw new PolicyError(
    'plan-invalid',
    `the plan for task \`${plan.task}\` at \`${which}\` is longer than Linux passes to a program as one string (${MAX_ARG_BYTES.toLocaleString('en')} bytes); wg could not launch it`,
    { key: which, help: SHORTER_HELP },
  );
}

/** Throws `plan-invalid` when the arguments and environment strings together are more than Linux passes (E2BIG). */
function refuseOverlongInAll(plan: SpawnPlan): void {
  // Each string's bytes, its NUL and its pointer; UTF-8 is at most 3 bytes a UTF-16 unit, so most plans stop at the bound.
  const total = (size: (text: string) => number) => {
    let n = 0;
    for (const arg of plan.argv) n += size(arg) + 9;
    for (const k of Object.keys(plan.env)) n += size(k) + size(plan.env[k]) + 10; // `=`
    return n;
  };
  if (total((text) => text.length * 3) <= MAX_ARGS_TOTAL_BYTES) return;
  const bytes = total((text) => Buffer.byteLength(text));
  if (bytes <= MAX_ARGS_TOTAL_BYTES) return;
  throw new PolicyError(
    'plan-invalid',
    `the plan for task \`${plan.task}\` passes ${bytes.toLocaleString('en')} bytes of arguments and environment, more than Linux passes to a program in all (${MAX_ARGS_TOTAL_BYTES.toLocaleString('en')} bytes with the usual 8 MiB stack); wg could not launch it`,
    { key: 'argv', help: SHORTER_HELP },
  );
}
