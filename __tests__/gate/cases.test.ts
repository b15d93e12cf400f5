// Runs every YAML case under __tests__/cases/gate through the library (decideDone) and through the CLI (`gate`).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { decideDone, type Verdict } from '../../src/gate/decide.js';
import { PolicyError, exitCodeFor } from '../../src/shared/errors.js';
import { cli, ROOT, scratch } from '../support/project.js';

interface ScenarioSpec {
  name: string;
  owners?: string[];
  exit?: number;
  stderr?: string;
  body?: string;
  missing?: boolean;
  timeout?: number;
  requires?: Record<string, string[]>;
}

/** One gate case: inputs (scenarios, manifest, git base, files, task, flags, env) → expected verdict or error. */
export interface GateCase {
  note: string;
  scenarios?: ScenarioSpec[];
  manifest?: string;
  base?: string[];
  /** Where the `base:` manifest is committed (project-relative; default `tests/smoke/manifest.toml`). */
  base_at?: string;
  /** Where the case's manifest is written (project-relative; default `tests/smoke/manifest.toml`). */
  manifest_at?: string;
  /** Project-relative files removed after the base commit (a deleted or moved manifest). */
  remove?: string[];
  files?: Record<string, string>;
  task?: Record<string, unknown>;
  args?: { taskId?: string; skipSmoke?: boolean; fullSmoke?: boolean; base?: string; manifest?: string; jobs?: number };
  env?: Record<string, string>;
  want?: {
    allowed?: boolean;
    determining?: string[];
    warnings?: string[];
    messages?: string[];
    notices?: string[];
    stderr?: string[];
    stderr_excludes?: string[];
    outcomes?: Record<string, string>;
    summary?: Record<string, unknown>;
    request?: Record<string, unknown>;
    manifest?: Record<string, unknown>;
  };
  want_error?: { code: 'bad-input' | 'denied'; message: string[] };
}

const dir = join(ROOT, '__tests__', 'cases', 'gate');
export const gateCases: Array<[string, GateCase]> = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((f) => (parse(readFileSync(join(dir, f), 'utf8')).cases as GateCase[]).map((c) => [`${f}: ${c.note}`, c] as [string, GateCase]));

function manifestToml(specs: Array<Pick<ScenarioSpec, 'name' | 'owners' | 'timeout' | 'requires'>>): string {
  return specs
    .map((s) => {
      const lines = [`[[scenario]]`, `name = ${JSON.stringify(s.name)}`, `script = "scenarios/${s.name}.sh"`, `owners = ${JSON.stringify(s.owners ?? ['t1'])}`];
      if (s.timeout) lines.push(`timeout_seconds = ${s.timeout}`);
      if (s.requires) lines.push(`requires = { ${Object.entries(s.requires).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join(', ')} }`);
      return `${lines.join('\n')}\n`;
    })
    .join('\n');
}

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=wg-policy tests', '-c', 'user.email=tests@example.invalid', '-c', 'init.defaultBranch=main', ...args], { cwd, stdio: 'pipe' });

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
  const said = [...v.determining, ...v.warnings].map((d) => d.message).join('\n');
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

function assertsSomething(c: GateCase): boolean {
  return !!c.want_error || (!!c.want && Object.keys(c.want).length > 0);
}

describe('gate cases (library)', () => {
  test.each(gateCases)('%s', async (_name, c) => {
    expect(assertsSomething(c)).toBe(true); // a case without an expectation fails
    const s = setupGateCase(c);
    const run = decideDone({ taskId: s.taskId, dir: s.wgDir, cwd: s.project, env: s.env, jobs: c.args?.jobs ?? 2, run: { graceMs: 300 }, ...c.args });
    if (c.want_error) {
      const err = await run.then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(PolicyError);
      expect((err as PolicyError).code).toBe(c.want_error.code);
      for (const m of c.want_error.message) expect((err as PolicyError).message).toContain(m);
    } else {
      checkVerdict(c, await run, null);
    }
  });
});

describe('gate cases (CLI)', () => {
  test.each(gateCases)('%s', (_name, c) => {
    const s = setupGateCase(c);
    const args = ['gate', s.taskId, '--dir', s.wgDir, '--json', '--jobs', String(c.args?.jobs ?? 2)];
    if (c.args?.skipSmoke) args.push('--skip-smoke');
    if (c.args?.fullSmoke) args.push('--full-smoke');
    if (c.args?.base) args.push('--base', c.args.base);
    if (c.args?.manifest) args.push('--manifest', c.args.manifest);
    const r = cli(args, { cwd: s.project, home: s.home, env: c.env });
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    if (c.want_error) {
      expect(r.code).toBe(exitCodeFor(c.want_error.code));
      expect(r.stdout).toBe('');
      for (const m of c.want_error.message) expect(r.stderr).toContain(m);
    } else {
      const v = JSON.parse(r.stdout) as Verdict;
      expect(r.code).toBe(v.allowed ? 0 : 1);
      checkVerdict(c, v, r.stderr);
    }
  });
});
