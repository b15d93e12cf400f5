// Runs every YAML case under __tests__/cases/spawn through the library and through the CLI.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { planSpawn } from '../../src/spawn/plan.js';
import { PolicyError, exitCodeFor } from '../../src/shared/errors.js';
import type { SpawnPlan } from '../../src/spawn/plan-schema.js';
import { cli, ROOT, scratch } from '../support/project.js';

interface Case {
  note: string;
  files?: Record<string, string>;
  task?: Record<string, unknown>;
  graph?: string;
  args?: { agentExecutor?: string; defaultModel?: string; taskId?: string };
  want?: {
    executor?: string;
    model?: { spec?: string; id?: string; provider?: string | null };
    endpoint?: null | { name?: string; url?: string; provider?: string };
    rules?: Record<string, string>;
    env?: Record<string, string>;
    env_absent?: string[];
    argv?: string[];
    argv_includes?: string[];
    argv_excludes?: string[];
    sources?: Record<string, Array<{ layer: string; key: string; file?: string | null }>>;
    shadowed?: Record<string, string[]>;
    stderr?: string[];
  };
  want_error?: { code: 'rejected' | 'bad-input'; message: string[]; rule?: string };
}

const dir = join(ROOT, '__tests__', 'cases', 'spawn');
const cases: Array<[string, Case]> = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((f) => (parse(readFileSync(join(dir, f), 'utf8')).cases as Case[]).map((c) => [`${f}: ${c.note}`, c] as [string, Case]));

function setup(c: Case) {
  const s = scratch(c.files);
  const taskId = c.args?.taskId ?? (c.task?.id as string) ?? 't1';
  if (c.graph !== undefined) writeFileSync(join(s.wgDir, 'graph.jsonl'), c.graph);
  else writeFileSync(join(s.wgDir, 'graph.jsonl'), `${JSON.stringify({ kind: 'task', title: 'a task', status: 'open', id: 't1', ...c.task })}\n`);
  return { ...s, taskId };
}

function checkPlan(c: Case, plan: SpawnPlan, stderr: string) {
  const w = c.want!;
  if (w.executor) expect(plan.executor).toBe(w.executor);
  if (w.model) expect(plan.model).toMatchObject(w.model);
  if (w.endpoint === null) expect(plan.endpoint).toBeNull();
  else if (w.endpoint) expect(plan.endpoint).toMatchObject(w.endpoint);
  for (const [field, rule] of Object.entries(w.rules ?? {})) expect([field, plan.provenance[field as keyof SpawnPlan['provenance']].rule]).toEqual([field, rule]);
  if (w.env) expect(plan.env).toMatchObject(w.env);
  for (const k of w.env_absent ?? []) expect(plan.env).not.toHaveProperty(k);
  if (w.argv) expect(plan.argv).toEqual(w.argv);
  for (const a of w.argv_includes ?? []) expect(plan.argv).toContain(a);
  for (const a of w.argv_excludes ?? []) expect(plan.argv.some((x) => x.startsWith(a))).toBe(false);
  for (const [field, want] of Object.entries(w.sources ?? {})) {
    const got = plan.provenance[field as keyof SpawnPlan['provenance']].sources.filter((s) => !s.via);
    expect(got).toEqual(expect.arrayContaining(want.map((s) => expect.objectContaining(s))));
  }
  for (const [field, rules] of Object.entries(w.shadowed ?? {}))
    expect(plan.provenance[field as keyof SpawnPlan['provenance']].shadowed.map((s) => s.rule)).toEqual(expect.arrayContaining(rules));
  for (const s of w.stderr ?? []) expect(stderr).toContain(s);
}

function assertsSomething(c: Case): boolean {
  return !!c.want_error || (!!c.want && Object.keys(c.want).length > 0);
}

describe('spawn cases (library)', () => {
  test.each(cases)('%s', async (_name, c) => {
    expect(assertsSomething(c)).toBe(true); // a case without an expectation fails
    const s = setup(c);
    const warnings: string[] = [];
    const run = planSpawn({ taskId: s.taskId, dir: s.wgDir, home: s.home, env: {}, ...c.args }, { warn: (m) => warnings.push(m) });
    if (c.want_error) {
      const err = await run.then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(PolicyError);
      const pe = err as PolicyError;
      expect(pe.code).toBe(c.want_error.code);
      for (const m of c.want_error.message) expect(pe.message).toContain(m);
      if (c.want_error.rule) expect(pe.rule).toBe(c.want_error.rule);
    } else {
      checkPlan(c, await run, warnings.join('\n'));
    }
  });
});

describe('spawn cases (CLI)', () => {
  test.each(cases)('%s', (_name, c) => {
    const s = setup(c);
    const args = ['plan', s.taskId, '--dir', s.wgDir];
    if (c.args?.agentExecutor) args.push('--agent-executor', c.args.agentExecutor);
    if (c.args?.defaultModel) args.push('--default-model', c.args.defaultModel);
    const r = cli(args, { home: s.home, cwd: s.project });
    if (c.want_error) {
      expect(r.code).toBe(exitCodeFor(c.want_error.code));
      expect(r.stdout).toBe('');
      for (const m of c.want_error.message) expect(r.stderr).toContain(m);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    } else {
      expect(r.code).toBe(0);
      checkPlan(c, JSON.parse(r.stdout) as SpawnPlan, r.stderr);
      expect(r.stderr).toMatch(/^SpawnPlan task=/m);
    }
  });
});
