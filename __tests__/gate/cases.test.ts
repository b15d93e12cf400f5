// Runs every YAML case under __tests__/cases/gate through the library (decideDone) and through the CLI (`gate`).
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as z from 'zod/mini';
import { decideDone, type Verdict } from '../../src/gate/decide.js';
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

/** One gate case: inputs (scenarios, manifest, git base, files, task, flags, env) → expected verdict or error. */
export const GateCaseSchema = z.strictObject({
  note: Str,
  scenarios: z.optional(z.array(ScenarioSpecSchema)),
  manifest: z.optional(Str),
  base: z.optional(StrList),
  /** Where the `base:` manifest is committed (project-relative; default `tests/smoke/manifest.toml`). */
  base_at: z.optional(Str),
  /** Where the case's manifest is written (project-relative; default `tests/smoke/manifest.toml`). */
  manifest_at: z.optional(Str),
  /** Project-relative files removed after the base commit (a deleted or moved manifest). */
  remove: z.optional(StrList),
  files: z.optional(z.record(Str, Str)),
  task: z.optional(z.record(Str, z.unknown())),
  args: z.optional(
    z.strictObject({
      taskId: z.optional(Str),
      skipSmoke: z.optional(z.boolean()),
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
      if (s.timeout) lines.push(`timeout_seconds = ${s.timeout}`);
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

/** Writes the case's project: graph, policy files, a git base commit when asked (then `remove`), manifest, scripts. */
export function setupGateCase(c: GateCase) {
  const s = scratch(Object.fromEntries(Object.entries(c.files ?? {}).map(([k, v]) => [join('project', k), v])));
  const taskId = c.args?.taskId ?? 't1';
  writeFileSync(join(s.wgDir, 'graph.jsonl'), `${JSON.stringify({ kind: 'task', id: 't1', title: 'a task', status: 'in-progress', ...c.task })}\n`);
  const manifest = join(s.project, c.manifest_at ?? 'tests/smoke/manifest.toml');
  const smoke = dirname(manifest);
  if (c.base) {
    const baseManifest = join(s.project, c.base_at ?? 'tests/smoke/manifest.toml');
    mkdirSync(dirname(baseManifest), { recursive: true });
    git(s.project, 'init', '-q');
    writeFileSync(join(s.project, 'README'), 'base\n');
    if (c.base.length) writeFileSync(baseManifest, manifestToml(c.base.map((name) => ({ name }))));
    git(s.project, 'add', '-A');
    git(s.project, 'commit', '-q', '-m', 'base');
  }
  for (const rel of c.remove ?? []) rmSync(join(s.project, rel));
  if (c.manifest !== undefined || c.scenarios) {
    mkdirSync(join(smoke, 'scenarios'), { recursive: true });
    writeFileSync(manifest, c.manifest ?? manifestToml(c.scenarios!));
  }
  for (const sc of c.scenarios ?? []) {
    if (sc.missing) continue;
    const body = sc.body ?? `${sc.stderr ? `echo ${JSON.stringify(sc.stderr)} >&2\n` : ''}exit ${sc.exit ?? 0}`;
    writeFileSync(join(smoke, 'scenarios', `${sc.name}.sh`), `${body}\n`);
  }
  return { ...s, taskId, env: { PATH: process.env.PATH, HOME: s.home, ...c.env } as NodeJS.ProcessEnv };
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
  if (stderr !== null) {
    for (const m of [...(w.messages ?? []), ...(w.stderr ?? []), ...(w.notices ?? [])]) expect(stderr).toContain(m);
    for (const m of w.stderr_excludes ?? []) expect(stderr).not.toContain(m);
  }
}

describe('gate cases (library)', () => {
  test.each(gateCases)('%s', async (_name, raw) => {
    const c = usable(raw);
    const s = setupGateCase(c);
    try {
      const run = decideDone({ taskId: s.taskId, dir: s.wgDir, cwd: s.project, env: s.env, jobs: c.args?.jobs ?? 2, run: { graceMs: 300 }, ...c.args });
      if (c.want_error)
        expectLibraryError(
          await run.then(
            () => null,
            (e: unknown) => e,
          ),
          c.want_error,
        );
      else checkVerdict(c, await run, null);
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
      const args = ['gate', s.taskId, '--dir', s.wgDir, '--json', '--jobs', String(c.args?.jobs ?? 2)];
      if (c.args?.skipSmoke) args.push('--skip-smoke');
      if (c.args?.fullSmoke) args.push('--full-smoke');
      if (c.args?.base) args.push('--base', c.args.base);
      if (c.args?.manifest) args.push('--manifest', c.args.manifest);
      const r = cli(args, { cwd: s.project, home: s.home, env: c.env });
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      if (c.want_error) {
        expectCliError(r, c.want_error, false);
        expect(JSON.parse(r.stdout).error.code).toBe(c.want_error.code); // --json errors carry the code
      } else {
        const v = JSON.parse(r.stdout) as Verdict;
        expect(r.code).toBe(v.allowed ? 0 : 1);
        checkVerdict(c, v, r.stderr);
      }
    } finally {
      s.cleanup();
    }
  });
});
