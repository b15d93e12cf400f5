// Runs every YAML case under __tests__/cases/gate through the library (decideDone / completeTask) and through the CLI (`gate` / `done`).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as z from 'zod/mini';
import { decideDone, type Verdict } from '../../src/gate/decide.js';
import { completeTask } from '../../src/gate/done.js';
import { expectCliError, expectLibraryError, loadCases, usable, WantErrorSchema } from '../support/cases.js';
import { cli, ROOT, scratch } from '../support/project.js';

const Str = z.string();
const StrList = z.array(Str);

const ScenarioSpecSchema = z.strictObject({
  name: Str,
  owners: z.optional(StrList),
  exit: z.optional(z.int()),
  stderr: z.optional(Str),
  body: z.optional(Str),
  missing: z.optional(z.boolean()),
  timeout: z.optional(z.int()),
  requires: z.optional(z.record(Str, StrList)),
});
type ScenarioSpec = z.infer<typeof ScenarioSpecSchema>;

/** One gate case: inputs (scenarios, manifest, git base, files, graph, task, flags, env) → expected verdict or error. */
export const GateCaseSchema = z.strictObject({
  note: Str,
  /** `gate` decides only (default); `done` also writes the transition (completeTask / `wg-policy done`). */
  command: z.optional(z.enum(['gate', 'done'])),
  scenarios: z.optional(z.array(ScenarioSpecSchema)),
  manifest: z.optional(Str),
  /** Scenario names of a manifest committed in a git repository (owners [t1]); `[]` commits no manifest. */
  base: z.optional(StrList),
  /** Project-relative files committed with the base (a base manifest with owners, policy files, scripts). */
  base_files: z.optional(z.record(Str, Str)),
  /** After the base commit, work on this new branch (the base is then the merge-base with `main`). */
  branch: z.optional(Str),
  /** Project-relative files written after the base commit (the changes under judgement). */
  edit: z.optional(z.record(Str, Str)),
  /** Commit everything written after the base (on `branch`, or on main) before the gate runs. */
  commit: z.optional(z.boolean()),
  /** Where the `base:` manifest is committed (project-relative; default `tests/smoke/manifest.toml`). */
  base_at: z.optional(Str),
  /** Where the case's manifest is written (project-relative; default `tests/smoke/manifest.toml`). */
  manifest_at: z.optional(Str),
  /** Project-relative files removed after the base commit (a deleted or moved manifest). */
  remove: z.optional(StrList),
  files: z.optional(z.record(Str, Str)),
  task: z.optional(z.record(Str, z.unknown())),
  /** More graph.jsonl task records after the task's line (`kind: task` is added). */
  graph: z.optional(z.array(z.record(Str, z.unknown()))),
  args: z.optional(
    z.strictObject({
      taskId: z.optional(Str),
      skipSmoke: z.optional(z.boolean()),
      skipVerify: z.optional(z.boolean()),
      fullSmoke: z.optional(z.boolean()),
      base: z.optional(Str),
      manifest: z.optional(Str),
      jobs: z.optional(z.int()),
    }),
  ),
  env: z.optional(z.record(Str, Str)),
  want: z.optional(
    z.strictObject({
      allowed: z.optional(z.boolean()),
      determining: z.optional(StrList),
      warnings: z.optional(StrList),
      messages: z.optional(StrList),
      notices: z.optional(StrList),
      stderr: z.optional(StrList),
      stderr_excludes: z.optional(StrList),
      outcomes: z.optional(z.record(Str, Str)),
      summary: z.optional(z.record(Str, z.unknown())),
      request: z.optional(z.record(Str, z.unknown())),
      manifest: z.optional(z.record(Str, z.unknown())),
      /** The decided transition: status (and rule). */
      transition: z.optional(z.strictObject({ status: Str, rule: z.optional(Str) })),
      /** The line wg would print on stdout (`done` cases). */
      say: z.optional(Str),
      /** Fields of the task's graph line after `done` (`<set>`: present, `<unset>`: absent). */
      task_after: z.optional(z.record(Str, z.unknown())),
      /** The last log entry of the task after `done`, exactly. */
      log_last: z.optional(z.record(Str, Str)),
      /** graph.jsonl is byte for byte what it was. */
      graph_unchanged: z.optional(z.boolean()),
      /** The weakening findings, as `kind: what` (in order; each a prefix of the finding). */
      findings: z.optional(StrList),
      /** Bundled gate rules a project file disabled / replaced (ids). */
      overrides: z.optional(z.strictObject({ disabled: z.optional(StrList), replaced: z.optional(StrList) })),
    }),
  ),
  want_error: z.optional(WantErrorSchema),
});
export type GateCase = z.infer<typeof GateCaseSchema>;

const dir = join(ROOT, '__tests__', 'cases', 'gate');
export const gateCases = loadCases(dir, GateCaseSchema);

function manifestToml(specs: Array<Pick<ScenarioSpec, 'name' | 'owners' | 'timeout' | 'requires'>>): string {
  return specs
    .map((s) => {
      const lines = [`[[scenario]]`, `name = ${JSON.stringify(s.name)}`, `script = "scenarios/${s.name}.sh"`, `owners = ${JSON.stringify(s.owners ?? ['t1'])}`];
      if (s.timeout !== undefined) lines.push(`timeout_seconds = ${s.timeout}`);
      if (s.requires)
        lines.push(
          `requires = { ${Object.entries(s.requires)
            .map(([k, v]) => `${k} = ${JSON.stringify(v)}`)
            .join(', ')} }`,
        );
      return `${lines.join('\n')}\n`;
    })
    .join('\n');
}

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=wg-policy tests', '-c', 'user.email=tests@example.invalid', '-c', 'init.defaultBranch=main', ...args], {
    cwd,
    stdio: 'pipe',
  });

const writeAll = (root: string, files: Record<string, string> = {}) => {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
};

/**
 * Writes the case's project: graph and `files`; a git base commit when asked (with `base` / `base_files`), then
 * `branch`, `remove`, `edit`, manifest and scripts, and `commit` of all of that.
 */
export function setupGateCase(c: GateCase) {
  const s = scratch(Object.fromEntries(Object.entries(c.files ?? {}).map(([k, v]) => [join('project', k), v])));
  const taskId = c.args?.taskId ?? 't1';
  const lines = [{ kind: 'task', id: 't1', title: 'a task', status: 'in-progress', ...c.task }, ...(c.graph ?? []).map((t) => ({ kind: 'task', ...t }))];
  writeFileSync(join(s.wgDir, 'graph.jsonl'), lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
  const manifest = join(s.project, c.manifest_at ?? 'tests/smoke/manifest.toml');
  const smoke = dirname(manifest);
  if (c.base || c.base_files) {
    const baseManifest = join(s.project, c.base_at ?? 'tests/smoke/manifest.toml');
    mkdirSync(dirname(baseManifest), { recursive: true });
    git(s.project, 'init', '-q');
    writeFileSync(join(s.project, 'README'), 'base\n');
    if (c.base?.length) writeFileSync(baseManifest, manifestToml(c.base.map((name) => ({ name }))));
    writeAll(s.project, c.base_files);
    git(s.project, 'add', '-A');
    git(s.project, 'commit', '-q', '-m', 'base');
    if (c.branch) git(s.project, 'checkout', '-q', '-b', c.branch);
  }
  for (const rel of c.remove ?? []) rmSync(join(s.project, rel));
  writeAll(s.project, c.edit);
  if (c.manifest !== undefined || c.scenarios) {
    mkdirSync(join(smoke, 'scenarios'), { recursive: true });
    writeFileSync(manifest, c.manifest ?? manifestToml(c.scenarios!));
  }
  for (const sc of c.scenarios ?? []) {
    if (sc.missing) continue;
    const body = sc.body ?? `${sc.stderr ? `echo ${JSON.stringify(sc.stderr)} >&2\n` : ''}exit ${sc.exit ?? 0}`;
    writeFileSync(join(smoke, 'scenarios', `${sc.name}.sh`), `${body}\n`);
  }
  if (c.commit) {
    git(s.project, 'add', '-A');
    git(s.project, 'commit', '-q', '-m', 'the changes under judgement');
  }
  const graph = join(s.wgDir, 'graph.jsonl');
  return { ...s, taskId, graph, graphBefore: readFileSync(graph, 'utf8'), env: { PATH: process.env.PATH, HOME: s.home, ...c.env } as NodeJS.ProcessEnv };
}

const pick = (o: Record<string, unknown>, keys: string[]) => Object.fromEntries(keys.map((k) => [k, o[k]]));

/** Checks a verdict against the case; `stderr` is the CLI's, empty for the library. */
export function checkVerdict(c: GateCase, v: Verdict, stderr: string | null): void {
  const w = c.want!;
  if (w.allowed !== undefined) expect(v.allowed).toBe(w.allowed);
  expect(v.effect).toBe(v.allowed ? 'allow' : 'deny');
  if (w.determining) expect(v.determining.map((d) => d.rule)).toEqual(w.determining);
  if (w.warnings) expect(v.warnings.map((d) => d.rule)).toEqual(w.warnings);
  const said = [...v.determining, ...v.warnings].flatMap((d) => [d.message, d.help ?? '']).join('\n');
  for (const m of w.messages ?? []) expect(said).toContain(m);
  for (const n of w.notices ?? []) expect(v.notices.join('\n')).toContain(n);
  if (w.outcomes) expect(Object.fromEntries(v.results.map((r) => [r.name, r.outcome]))).toEqual(w.outcomes);
  if (w.summary) expect(pick(v.summary, Object.keys(w.summary))).toEqual(w.summary);
  if (w.request) expect(pick(v.request, Object.keys(w.request))).toEqual(w.request);
  if (w.manifest) expect(pick(v.manifest, Object.keys(w.manifest))).toEqual(w.manifest);
  for (const d of v.determining) expect(d.policy).toMatch(/^(policies\/(gate|optional)\/[\w-]+\.yaml|\.wg\/policies\/[\w-]+\.yaml):\d+$/);
  if (w.transition) expect(pick(v.transition, Object.keys(w.transition))).toEqual(w.transition);
  // Each finding starts with the expected text (commit ids vary), in order.
  if (w.findings) {
    const got = v.weakening.findings.map((f) => `${f.kind}: ${f.what}`);
    expect(got.map((g, i) => (w.findings![i] !== undefined && g.startsWith(w.findings![i]) ? w.findings![i] : g))).toEqual(w.findings);
  }
  if (w.overrides?.disabled) expect(v.overrides.disabled.map((d) => d.id)).toEqual(w.overrides.disabled);
  if (w.overrides?.replaced) expect(v.overrides.replaced.map((d) => d.id)).toEqual(w.overrides.replaced);
  if (stderr !== null) {
    for (const m of [...(w.messages ?? []), ...(w.stderr ?? []), ...(w.notices ?? [])]) expect(stderr).toContain(m);
    for (const m of w.stderr_excludes ?? []) expect(stderr).not.toContain(m);
  }
}

/** What `done` left in graph.jsonl: `task_after`, `log_last`, `graph_unchanged`. */
function checkGraph(c: GateCase, s: ReturnType<typeof setupGateCase>, say: string | null): void {
  const w = c.want!;
  const text = readFileSync(s.graph, 'utf8');
  if (c.command !== 'done') {
    if (w.say !== undefined || w.task_after || w.log_last) throw new Error('`say`, `task_after` and `log_last` need `command: done`');
    expect(text).toBe(s.graphBefore); // INVARIANT: `gate` never writes the graph
    return;
  }
  if (w.say !== undefined) expect(say).toBe(w.say);
  if (w.graph_unchanged !== undefined) expect(text === s.graphBefore).toBe(w.graph_unchanged);
  const task = text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((t) => t.id === s.taskId)
    .pop()!;
  for (const [k, want] of Object.entries(w.task_after ?? {})) {
    if (want === '<set>') expect([k, task[k] !== undefined]).toEqual([k, true]);
    else if (want === '<unset>') expect([k, task[k]]).toEqual([k, undefined]);
    else expect([k, task[k]]).toEqual([k, want]);
  }
  if (w.log_last) {
    const last = (task.log as Array<Record<string, unknown>>).at(-1)!;
    expect({ ...last, timestamp: undefined }).toEqual({ ...w.log_last, timestamp: undefined });
    expect(last.timestamp).toBe(task.completed_at);
  }
}

describe('gate cases (library)', () => {
  test.each(gateCases)('%s', async (_name, raw) => {
    const c = usable(raw);
    const s = setupGateCase(c);
    try {
      const req = { taskId: s.taskId, dir: s.wgDir, cwd: s.project, env: s.env, jobs: c.args?.jobs ?? 2, run: { graceMs: 300 }, ...c.args };
      const run = c.command === 'done' ? completeTask(req) : decideDone(req).then((verdict) => ({ verdict, say: null }));
      if (c.want_error)
        expectLibraryError(
          await run.then(
            () => null,
            (e: unknown) => e,
          ),
          c.want_error,
        );
      else {
        const out = await run;
        checkVerdict(c, out.verdict, null);
        checkGraph(c, s, out.say);
      }
    } finally {
      s.cleanup();
    }
  });
});

describe('gate cases (CLI)', () => {
  test.each(gateCases)('%s', (_name, raw) => {
    const c = usable(raw);
    const s = setupGateCase(c);
    try {
      const args = [c.command ?? 'gate', s.taskId, '--dir', s.wgDir, '--json', '--jobs', String(c.args?.jobs ?? 2)];
      if (c.args?.skipSmoke) args.push('--skip-smoke');
      if (c.args?.skipVerify) args.push('--skip-verify');
      if (c.args?.fullSmoke) args.push('--full-smoke');
      if (c.args?.base) args.push('--base', c.args.base);
      if (c.args?.manifest) args.push('--manifest', c.args.manifest);
      const r = cli(args, { cwd: s.project, home: s.home, env: c.env });
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      if (c.want_error) {
        expectCliError(r, c.want_error, false);
        expect(JSON.parse(r.stdout).error.code).toBe(c.want_error.code); // --json errors carry the code
      } else {
        const v = JSON.parse(r.stdout) as Verdict & { say?: string | null };
        expect(r.code).toBe(v.allowed ? 0 : 1);
        checkVerdict(c, v, r.stderr);
        checkGraph(c, s, c.command === 'done' ? (v.say ?? null) : null);
      }
    } finally {
      s.cleanup();
    }
  });
});
