// The gate case format (policy tests and this project's own YAML cases): a scratch project with a graph, a manifest and
// its scripts, a git base, and what the verdict must say.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as z from 'zod/mini';
import type { Verdict } from '../gate/verdict.js';
import { PolicyError } from '../shared/errors.js';
import { commitHistory, snapshot, type FixtureCommit } from './git-fixture.js';
import { WantErrorSchema } from './want-error.js';
import { scratchProject, type ScratchProject } from './scratch.js';

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
  /** The branch the base is committed on (default `main`; another name leaves the project without an integration branch). */
  trunk: z.optional(Str),
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

/** `[[scenario]]` tables for scenario specs; scripts are `scenarios/<name>.sh`, owners default to `[t1]`. */
export function manifestToml(specs: Array<Pick<ScenarioSpec, 'name' | 'owners' | 'timeout' | 'requires'>>): string {
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

const writeAll = (root: string, files: Record<string, string> = {}) => {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
};

/** A case's scratch project: the scratch folders, the task, the graph file and its bytes, and the env to run with. */
export type GateCaseProject = ReturnType<typeof withCaseFields>;

function withCaseFields(s: ScratchProject, c: GateCase) {
  const graph = join(s.wgDir, 'graph.jsonl');
  const env = { PATH: process.env.PATH, HOME: s.home, ...c.env } as NodeJS.ProcessEnv;
  return { ...s, taskId: c.args?.taskId ?? 't1', graph, graphBefore: readFileSync(graph, 'utf8'), env };
}

/**
 * Writes the case's project: graph and `files`; a git base commit when asked (with `base` / `base_files`), then
 * `branch`, `remove`, `edit`, manifest and scripts, and `commit` of all of that (see git-fixture.ts: written without a git process).
 */
export function setupGateCase(c: GateCase): GateCaseProject {
  const s = scratchProject('wgp-case-');
  writeAll(s.project, c.files);
  const lines = [{ kind: 'task', id: 't1', title: 'a task', status: 'in-progress', ...c.task }, ...(c.graph ?? []).map((t) => ({ kind: 'task', ...t }))];
  writeFileSync(join(s.wgDir, 'graph.jsonl'), lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
  const manifest = join(s.project, c.manifest_at ?? 'tests/smoke/manifest.toml');
  const smoke = dirname(manifest);
  const commits: FixtureCommit[] = [];
  if (c.base || c.base_files) {
    const baseManifest = join(s.project, c.base_at ?? 'tests/smoke/manifest.toml');
    mkdirSync(dirname(baseManifest), { recursive: true });
    writeFileSync(join(s.project, 'README'), 'base\n');
    if (c.base?.length) writeFileSync(baseManifest, manifestToml(c.base.map((name) => ({ name }))));
    writeAll(s.project, c.base_files);
    commits.push({ branch: c.trunk ?? 'main', message: 'base', files: snapshot(s.project) });
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
  if (c.commit && !commits.length) throw new PolicyError('git-base', `case \`${c.note}\`: \`commit\` needs a git base (\`base\` or \`base_files\`)`);
  const head = c.branch ?? c.trunk ?? 'main';
  if (commits.length && c.commit) commits.push({ branch: head, message: 'the changes under judgement', files: snapshot(s.project) });
  if (commits.length) commitHistory(s.project, commits, head);
  return withCaseFields(s, c);
}

/**
 * Case projects for a test run: each distinct case is built once (a template) and every `setup` gets its own copy of
 * its files, sharing its git repository, so the library and CLI runs of a case, or its two evaluators, cost one build.
 * `cleanup()` removes the templates; each copy's own `cleanup()` removes the copy.
 */
export function gateCaseProjects(): { setup(c: GateCase): GateCaseProject; cleanup(): void } {
  const templates = new Map<string, GateCaseProject>();
  return {
    setup(c) {
      const key = JSON.stringify(c);
      const template = templates.get(key) ?? setupGateCase(c);
      templates.set(key, template);
      const s = scratchProject('wgp-case-');
      const gitDir = join(template.project, '.git');
      cpSync(template.root, s.root, { recursive: true, filter: (from) => from !== gitDir });
      // The copy shares the template's repository (read-only to the gate): a `.git` file, as a linked work tree has.
      if (existsSync(gitDir)) writeFileSync(join(s.project, '.git'), `gitdir: ${gitDir}\n`);
      return withCaseFields(s, c);
    },
    cleanup() {
      for (const t of templates.values()) t.cleanup();
      templates.clear();
    },
  };
}

const pick = (o: Record<string, unknown>, keys: string[]) => Object.fromEntries(keys.map((k) => [k, o[k]]));
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** How a verdict differs from what a case wants (the parts a verdict carries; the CLI's output is checked elsewhere). */
export function verdictMismatches(c: GateCase, v: Verdict): string[] {
  const w = c.want ?? {};
  const out: string[] = [];
  const expect = (what: string, want: unknown, got: unknown) => {
    if (want !== undefined && !same(want, got)) out.push(`${what}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
  };
  expect('allowed', w.allowed, v.allowed);
  expect(
    'determining',
    w.determining,
    v.determining.map((d) => d.rule),
  );
  expect(
    'warnings',
    w.warnings,
    v.warnings.map((d) => d.rule),
  );
  const said = [...v.determining, ...v.warnings].flatMap((d) => [d.message, d.help ?? '']).join('\n');
  for (const m of w.messages ?? []) if (!said.includes(m)) out.push(`messages: expected to contain ${JSON.stringify(m)}`);
  for (const n of w.notices ?? []) if (!v.notices.join('\n').includes(n)) out.push(`notices: expected to contain ${JSON.stringify(n)}`);
  if (w.outcomes) expect('outcomes', w.outcomes, Object.fromEntries(v.results.map((r) => [r.name, r.outcome])));
  if (w.summary) expect('summary', w.summary, pick(v.summary, Object.keys(w.summary)));
  if (w.request) expect('request', w.request, pick(v.request, Object.keys(w.request)));
  if (w.manifest) expect('manifest', w.manifest, pick(v.manifest, Object.keys(w.manifest)));
  if (w.transition) expect('transition', w.transition, pick(v.transition, Object.keys(w.transition)));
  // Each finding starts with the expected text (commit ids vary), in order.
  if (w.findings) {
    const got = v.weakening.findings.map((f) => `${f.kind}: ${f.what}`);
    expect(
      'findings',
      w.findings,
      got.map((g, i) => (w.findings![i] !== undefined && g.startsWith(w.findings![i]) ? w.findings![i] : g)),
    );
  }
  if (w.overrides?.disabled)
    expect(
      'overrides.disabled',
      w.overrides.disabled,
      v.overrides.disabled.map((d) => d.id),
    );
  if (w.overrides?.replaced)
    expect(
      'overrides.replaced',
      w.overrides.replaced,
      v.overrides.replaced.map((d) => d.id),
    );
  return out;
}
