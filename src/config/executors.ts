// Executor configurations as wg looks them up: `<wgdir>/executors/<name>.toml` replaces the built-in wholesale.
import { readdirSync } from 'node:fs';
import * as z from 'zod/mini';
import { PolicyError } from '../shared/errors.js';
import { FileCache, joinOnce } from '../shared/file-cache.js';
import { readTextFile } from '../shared/read-file.js';
import { carriesCredential, credentialArgument, namesSecret } from '../shared/secrets.js';
import type { Source } from '../shared/source.js';
import { parseToml } from '../shared/toml.js';
import { issueKey, issueSentence } from '../shared/zod-issues.js';
import { parseModelSpec } from './model-spec.js';

/** The executor names a plan can pick (wg's dispatcher passes only these). */
export const EXECUTOR_NAMES = ['claude', 'codex', 'native', 'shell'] as const;

const DEV_INSTRUCTIONS =
  'developer_instructions="You are a non-interactive batch worker. You MUST complete the task by writing files to disk and creating at least one git commit before declaring done. A prose summary without file writes or commits is a task failure. Use shell tools (Read, Write, Edit, Bash) to do real work; do not describe work in the response."';

type Raw = { type: string; command: string; args?: string[]; env?: Record<string, string>; working_dir?: string };

/** wg's built-in executors (`ExecutorRegistry::default_config`), used when no TOML of that name exists. */
export const BUILTIN_EXECUTORS: Readonly<Record<(typeof EXECUTOR_NAMES)[number], Raw>> = {
  claude: {
    type: 'claude',
    command: 'claude',
    args: ['--print', '--verbose', '--permission-mode', 'bypassPermissions', '--output-format', 'stream-json'],
    working_dir: '{{working_dir}}',
  },
  codex: {
    type: 'codex',
    command: 'codex',
    args: [
      'exec',
      '--json',
      '--skip-git-repo-check',
      '--dangerously-bypass-approvals-and-sandbox',
      '-c',
      'model_verbosity="high"',
      '-c',
      'tool_output_token_limit=32000',
      '-c',
      DEV_INSTRUCTIONS,
    ],
    working_dir: '{{working_dir}}',
  },
  native: { type: 'native', command: 'wg', args: ['native-exec'], env: { WG_TASK_ID: '{{task_id}}' }, working_dir: '{{working_dir}}' },
  shell: { type: 'shell', command: 'bash', args: ['-c', '{{task_context}}'], env: { TASK_ID: '{{task_id}}', TASK_TITLE: '{{task_title}}' } },
};

/** wg template variables filled only while wg spawns (from the prompt, the dependency graph or the agency store). */
export const RUNTIME_VARS = ['task_context', 'task_identity', 'skills_preamble', 'task_loop_info', 'max_child_tasks', 'max_task_depth'];

const ExecutorTomlSchema = z.looseObject({
  executor: z.looseObject({
    type: z.string(),
    command: z.string(),
    args: z.optional(z.array(z.string())),
    env: z.optional(z.record(z.string(), z.string())),
    working_dir: z.optional(z.string()),
    timeout: z.optional(z.int().check(z.nonnegative())),
    model: z.optional(z.string()),
    prompt_template: z.optional(z.looseObject({ template: z.optional(z.string()) })),
  }),
});

/** An executor configuration as policies read it. */
export interface ExecutorConfig {
  name: string;
  type: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  working_dir: string | null;
  /** Seconds; 0 means no timeout; null when the file sets none. */
  timeout: number | null;
  model: string | null;
  /** The provider prefix of `model`, or null. */
  modelProvider: string | null;
  /** The TOML as shown to users, or wg's built-in. */
  file: string;
  builtin: boolean;
  /** Runtime-only wg variables (`{{task_context}}`, …) used in `command` or `env`, and in `args`, as one text each ('' when none). */
  runtimeVars: string;
  runtimeArgVars: string;
}

const usedRuntimeVars = (texts: readonly string[]) =>
  [...new Set(texts.flatMap((t) => [...t.matchAll(/\{\{([A-Za-z_][\w-]*)\}\}/g)].map((m) => m[1]).filter((n) => RUNTIME_VARS.includes(n))))]
    .map((n) => `{{${n}}}`)
    .join(', ');

function configOf(name: string, raw: Raw & { timeout?: number; model?: string }, file: string, builtin: boolean): ExecutorConfig {
  const args = raw.args ?? [];
  const env = raw.env ?? {};
  return {
    name,
    type: raw.type,
    command: raw.command,
    args,
    env,
    working_dir: raw.working_dir ?? null,
    timeout: raw.timeout ?? null,
    model: raw.model ?? null,
    modelProvider: raw.model === undefined ? null : parseModelSpec(raw.model).provider,
    file,
    builtin,
    runtimeVars: usedRuntimeVars([raw.command, ...Object.values(env)]),
    runtimeArgVars: usedRuntimeVars(args),
  };
}

const WG_REFUSES = 'wg cannot parse this executor config and refuses every spawn through it';

const tomls = new FileCache<ExecutorConfig | null>(64);

/** Reads one executor TOML (kept per process while unchanged); undefined when it does not exist. */
function loadExecutorToml(path: string, shownAs: string, name: string): ExecutorConfig | undefined {
  const read = () => readTextFile(path, { shownAs, what: 'executor config', missing: 'absent' });
  return tomls.getIfPresent(path, read, (text) => parseExecutorToml(text, shownAs, name), shownAs) ?? undefined;
}

/** Parses one executor TOML; anything wg cannot parse is `executor-config` naming file, line and key. */
function parseExecutorToml(text: string | undefined, shownAs: string, name: string): ExecutorConfig | null {
  if (text === undefined) return null; // removed between the stat and the read: wg's built-in, as for a missing file
  const src = parseToml(text, shownAs);
  const r = ExecutorTomlSchema.safeParse(src.data);
  if (!r.success) {
    const issue = r.error.issues[0];
    const pos = src.positionOf(issue.path);
    throw new PolicyError('executor-toml', `${issueSentence(issue, src.data, { whole: 'the executor config' })}; ${WG_REFUSES}`, {
      file: shownAs,
      line: pos?.line,
      column: pos?.column,
      key: issueKey(issue),
    });
  }
  const ex = r.data.executor;
  // INVARIANT: a plan never carries a secret, so an executor config that would put one in env or argv is refused.
  const secret = (key: string, why: string): never => {
    const pos = src.positionOf(key.split('.'));
    throw new PolicyError('executor-secret', `\`${key}\` ${why}; a plan never carries secrets: set it in the environment wg runs under instead`, {
      file: shownAs,
      line: pos?.line,
      column: pos?.column,
      key,
    });
  };
  for (const [k, v] of Object.entries(ex.env ?? {})) {
    if (namesSecret(k)) secret(`executor.env.${k}`, 'names a secret');
    if (carriesCredential(v, true)) secret(`executor.env.${k}`, 'carries credentials');
  }
  const at = credentialArgument([ex.command, ...(ex.args ?? [])], true); // passed as written: `$` is a character
  if (at >= 0) secret(at === 0 ? 'executor.command' : `executor.args`, 'carries credentials');
  return configOf(name, ex, shownAs, false);
}

const builtins = new Map<string, ExecutorConfig>();
const builtinOf = (name: (typeof EXECUTOR_NAMES)[number]): ExecutorConfig => {
  let c = builtins.get(name);
  if (!c) builtins.set(name, (c = configOf(name, BUILTIN_EXECUTORS[name], `wg's built-in ${name} executor`, true)));
  return c;
};

/** The last list built per executors folder: reused while every TOML in it is unchanged. */
const lists = new Map<string, { list: ExecutorConfig[]; sources: Source[][] }>();

/** A folder's entry names joined by NUL; '' when the path is not a folder (wg then finds no TOML in it either). */
function listFolder(dir: string, shown: string): string {
  try {
    return readdirSync(dir).join('\0');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOTDIR') return '';
    throw new PolicyError('file-unreadable', `cannot read the executor folder \`${shown}\`: ${(e as Error).message.replace(/^[A-Z]+: /, '')}`, { file: shown });
  }
}

/** `<wgdir>/executors/`'s entries, kept while a stat of the folder is unchanged (an added, removed or renamed file changes it). */
const folders = new FileCache<ReadonlySet<string>>(64);

/** Every executor a plan can pick, each from `<wgdir>/executors/<name>.toml` when present, else wg's built-in. */
export function loadExecutors(wgDir: string, shownDir: string): { list: ExecutorConfig[]; sources: Source[][] } {
  const dir = joinOnce(wgDir, 'executors');
  // One stat answers for every TOML that is not there (most projects have none); those that are, are stat'ed themselves.
  const present = folders.getIfPresent(
    dir,
    () => listFolder(dir, `${shownDir}/executors`),
    (names) => new Set(names ? names.split('\0') : []),
  );
  const list = EXECUTOR_NAMES.map(
    (name) =>
      (present?.has(`${name}.toml`) ? loadExecutorToml(joinOnce(dir, `${name}.toml`), `${shownDir}/executors/${name}.toml`, name) : undefined) ??
      builtinOf(name),
  );
  const key = `${wgDir}\0${shownDir}`;
  const last = lists.get(key);
  if (last && last.list.every((c, i) => c === list[i])) return last;
  const sources = list.map((c): Source[] =>
    (['type', 'command', 'args', 'env', 'timeout', 'model'] as const)
      .filter((k) => !(c.builtin && (k === 'timeout' || k === 'model')) && !(k === 'timeout' && c.timeout === null) && !(k === 'model' && c.model === null))
      .map((k) => ({ layer: c.builtin ? 'default' : 'local', file: c.file, key: `executor.${k}`, value: c[k] })),
  );
  const built = { list, sources };
  if (lists.size >= 64) lists.delete(lists.keys().next().value as string);
  lists.set(key, built);
  return built;
}
