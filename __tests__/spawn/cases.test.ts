// Runs every YAML case under __tests__/cases/spawn through the library (planSpawn) and through the CLI (`plan`): all of
// them under `npm run sweeps`; `npm test` runs every case through the library and a sample through the CLI (see below).
import { realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { planSpawn } from '../../src/spawn/plan.js';
import type { SpawnPlan } from '../../src/spawn/plan-schema.js';
import { expectCliError, expectLibraryError, loadCases, usable, WantErrorSchema } from '../support/cases.js';
import { ROOT, scratch } from '../support/project.js';
import { corpusCli } from '../support/cli-host.js';
import { sweep } from '../support/stress.js';

const Str = z.string();
/** A source the field's provenance must name; with `via`, one that reached it through an earlier field. */
const SourceWant = z.strictObject({ layer: Str, key: z.optional(Str), file: z.optional(z.nullable(Str)), via: z.optional(Str) });

/** One spawn case: files, a task (or a raw graph), caller flags → the plan's fields, rules and sources, or an error. */
const SpawnCaseSchema = z.strictObject({
  note: Str,
  files: z.optional(z.record(Str, Str)),
  task: z.optional(z.record(Str, z.unknown())),
  graph: z.optional(Str),
  args: z.optional(
    z.strictObject({
      agentExecutor: z.optional(Str),
      defaultModel: z.optional(Str),
      taskId: z.optional(Str),
      site: z.optional(Str),
      agent: z.optional(Str),
      agentId: z.optional(Str),
      timeout: z.optional(Str),
      role: z.optional(Str),
      promptFile: z.optional(Str),
    }),
  ),
  want: z.optional(
    z.strictObject({
      launch: z.optional(Str),
      executor: z.optional(Str),
      execMode: z.optional(Str),
      provider: z.optional(Str),
      timeout: z.optional(z.nullable(z.number())),
      agentId: z.optional(Str),
      /** `<wgdir>` stands for the scratch project's wg dir (canonical), in every expected string. */
      prompt_file: z.optional(Str),
      executor_config: z.optional(z.strictObject({ file: z.optional(Str), type: z.optional(Str), command: z.optional(Str) })),
      model: z.optional(z.strictObject({ spec: z.optional(Str), id: z.optional(Str), provider: z.optional(z.nullable(Str)) })),
      endpoint: z.optional(z.nullable(z.strictObject({ name: z.optional(Str), url: z.optional(Str), provider: z.optional(Str) }))),
      rules: z.optional(z.record(Str, Str)),
      env: z.optional(z.record(Str, Str)),
      env_absent: z.optional(z.array(Str)),
      argv: z.optional(z.array(Str)),
      argv_includes: z.optional(z.array(Str)),
      argv_excludes: z.optional(z.array(Str)),
      sources: z.optional(z.record(Str, z.array(SourceWant))),
      shadowed: z.optional(z.record(Str, z.array(Str))),
      stderr: z.optional(z.array(Str)),
      stderr_absent: z.optional(z.array(Str)),
    }),
  ),
  want_error: z.optional(WantErrorSchema),
});
type SpawnCase = z.infer<typeof SpawnCaseSchema>;

const cases = loadCases(join(ROOT, '__tests__', 'cases', 'spawn'), SpawnCaseSchema);

function setup(c: SpawnCase) {
  const s = scratch(c.files);
  const taskId = c.args?.taskId ?? (c.task?.id as string) ?? 't1';
  const graph = c.graph ?? `${JSON.stringify({ kind: 'task', title: 'a task', status: 'open', id: 't1', ...c.task })}\n`;
  writeFileSync(join(s.wgDir, 'graph.jsonl'), graph);
  return { ...s, taskId };
}

type Provenance = SpawnPlan['provenance'];
const prov = (plan: SpawnPlan, field: string) => plan.provenance[field as keyof Provenance];

/** The expectation with `<wgdir>` replaced by the scratch project's canonical wg dir. */
function resolveWant(want: NonNullable<SpawnCase['want']>, wgDir: string): NonNullable<SpawnCase['want']> {
  const real = realpathSync(wgDir);
  return JSON.parse(JSON.stringify(want).replaceAll('<wgdir>', real)) as NonNullable<SpawnCase['want']>;
}

function checkPlan(c: SpawnCase, plan: SpawnPlan, stderr: string, wgDir: string) {
  const w = resolveWant(c.want!, wgDir);
  for (const k of ['launch', 'executor', 'execMode', 'provider', 'agentId'] as const) if (w[k] !== undefined) expect([k, plan[k]]).toEqual([k, w[k]]);
  if (w.timeout !== undefined) expect(plan.timeout).toBe(w.timeout);
  if (w.prompt_file !== undefined) expect(plan.promptFile).toBe(w.prompt_file);
  if (w.executor_config) expect(plan.provenance.executorConfig.value).toMatchObject(w.executor_config);
  if (w.model) expect(plan.model).toMatchObject(w.model);
  if (w.endpoint === null) expect(plan.endpoint).toBeNull();
  else if (w.endpoint) expect(plan.endpoint).toMatchObject(w.endpoint);
  for (const [field, rule] of Object.entries(w.rules ?? {})) expect([field, prov(plan, field).rule]).toEqual([field, rule]);
  if (w.env) expect(plan.env).toMatchObject(w.env);
  for (const k of w.env_absent ?? []) expect(plan.env).not.toHaveProperty(k);
  if (w.argv) expect(plan.argv).toEqual(w.argv);
  for (const a of w.argv_includes ?? []) expect(plan.argv).toContain(a);
  for (const a of w.argv_excludes ?? []) expect(plan.argv.some((x) => x.startsWith(a))).toBe(false);
  for (const [field, want] of Object.entries(w.sources ?? {})) {
    const all = prov(plan, field).sources;
    const direct = all.filter((s) => !s.via);
    for (const one of want) expect(one.via ? all : direct).toEqual(expect.arrayContaining([expect.objectContaining(one)]));
  }
  for (const [field, rules] of Object.entries(w.shadowed ?? {})) expect(prov(plan, field).shadowed.map((s) => s.rule)).toEqual(expect.arrayContaining(rules));
  for (const s of w.stderr ?? []) expect(stderr).toContain(s);
  for (const s of w.stderr_absent ?? []) expect(stderr).not.toContain(s);
}

describe('spawn cases (library)', () => {
  test.each(cases)('%s', async (_name, raw) => {
    const c = usable(raw);
    const s = setup(c);
    try {
      const warnings: string[] = [];
      const run = planSpawn({ taskId: s.taskId, dir: s.wgDir, home: s.home, env: {}, ...c.args }, { warn: (m) => warnings.push(m) });
      if (c.want_error)
        expectLibraryError(
          await run.then(
            () => null,
            (e: unknown) => e,
          ),
          c.want_error,
        );
      else checkPlan(c, await run, warnings.join('\n'), s.wgDir);
    } finally {
      s.cleanup();
    }
  });
});

// Through the CLI, `npm test` runs every 4th case and every error case; `npm run sweeps` runs them all.
const cliCases = sweep(cases, 4, ([, raw]) => (raw as { want_error?: unknown }).want_error !== undefined);

describe('spawn cases (CLI)', () => {
  test.each(cliCases.map(([name, raw], position) => [name, raw, position] as const))('%s', (_name, raw, position) => {
    const c = usable(raw);
    const s = setup(c);
    try {
      const args = ['plan', s.taskId, '--dir', s.wgDir];
      const flags = {
        agentExecutor: '--agent-executor',
        defaultModel: '--default-model',
        site: '--site',
        agent: '--agent',
        agentId: '--agent-id',
        timeout: '--timeout',
        role: '--role',
        promptFile: '--prompt-file',
      } as const;
      for (const [k, flag] of Object.entries(flags)) {
        const v = c.args?.[k as keyof typeof flags];
        if (v !== undefined) args.push(flag, v);
      }
      const r = corpusCli(position, args, { home: s.home, cwd: s.project });
      if (c.want_error) expectCliError(r, c.want_error);
      else {
        expect(r.code).toBe(0);
        checkPlan(c, JSON.parse(r.stdout) as SpawnPlan, r.stderr, s.wgDir);
        expect(r.stderr).toMatch(/^SpawnPlan task=/m);
      }
    } finally {
      s.cleanup();
    }
  });
});
