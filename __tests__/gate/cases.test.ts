// Runs every YAML case under __tests__/cases/gate through the CLI (`gate` / `done`) and through the library
// (decideDone / completeTask): all of them under `npm run sweeps`, a sample in `npm test` (see below).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decideDone, type Verdict } from '../../src/gate/decide.js';
import { completeTask } from '../../src/gate/done.js';
import { gateCaseProjects, GateCaseSchema, verdictMismatches, type GateCase, type GateCaseProject } from '../../src/tools/gate-case.js';
import { expectCliError, expectLibraryError, loadCases, usable } from '../support/cases.js';
import { ROOT } from '../support/project.js';
import { corpusCli } from '../support/cli-host.js';
import { STRESS } from '../support/stress.js';

const dir = join(ROOT, '__tests__', 'cases', 'gate');
export const gateCases = loadCases(dir, GateCaseSchema);
// Each case's project is built once and copied for its library run and its CLI run.
const projects = gateCaseProjects();
afterAll(() => projects.cleanup());

/** Checks a verdict against the case; `stderr` is the CLI's, empty for the library. */
export function checkVerdict(c: GateCase, v: Verdict, stderr: string | null): void {
  const w = c.want!;
  expect(verdictMismatches(c, v)).toEqual([]);
  expect(v.effect).toBe(v.allowed ? 'allow' : 'deny');
  for (const d of v.determining) expect(d.policy).toMatch(/^(policies\/(gate|optional)\/[\w-]+\.yaml|\.wg\/policies\/[\w-]+\.yaml):\d+$/);
  if (stderr !== null) {
    for (const m of [...(w.messages ?? []), ...(w.stderr ?? []), ...(w.notices ?? [])]) expect(stderr).toContain(m);
    for (const m of w.stderr_excludes ?? []) expect(stderr).not.toContain(m);
  }
}

/** What `done` left in graph.jsonl: `task_after`, `log_last`, `graph_unchanged`. */
function checkGraph(c: GateCase, s: GateCaseProject, say: string | null): void {
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

// The library half runs each timeout_seconds in half the time (the runner's test knob); the CLI half in real seconds.
// `npm test`: each case through one surface (the CLI for odd indexes and stderr wants), error cases through both.
const indexed = gateCases.map((x, i) => [...x, i] as const);
type Indexed = (typeof indexed)[number];
const isError = ([, raw]: Indexed) => (raw as { want_error?: unknown }).want_error !== undefined;
const wantsStderr = ([, raw]: Indexed) => {
  const w = (raw as { want?: { stderr?: unknown; stderr_excludes?: unknown } }).want;
  return w?.stderr !== undefined || w?.stderr_excludes !== undefined;
};
const viaCli = (c: Indexed) => STRESS || c[2] % 2 === 1 || wantsStderr(c) || isError(c);
const cliCases = indexed.filter(viaCli);
const libraryCases = indexed.filter((c) => STRESS || !viaCli(c) || isError(c));

test('in npm test only the error cases run through both surfaces', () => {
  expect(STRESS || cliCases.filter((c) => libraryCases.includes(c)).every(isError)).toBe(true);
});

describe('gate cases (library)', () => {
  test.each(libraryCases)('%s', async (_name, raw) => {
    const c = usable(raw);
    const s = projects.setup(c);
    try {
      const req = {
        taskId: s.taskId,
        dir: s.wgDir,
        cwd: s.project,
        env: s.env,
        jobs: c.args?.jobs ?? 2,
        run: { graceMs: 300, timeoutScaleMs: 500 },
        ...c.args,
      };
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
  // `position` (in this run's list) picks which calls run as a real process: see corpusCli.
  test.each(cliCases.map(([name, raw], position) => [name, raw, position] as const))('%s', async (_name, raw, position) => {
    const c = usable(raw);
    const s = projects.setup(c);
    try {
      const args = [c.command ?? 'gate', s.taskId, '--dir', s.wgDir, '--json', '--jobs', String(c.args?.jobs ?? 2)];
      if (c.args?.skipSmoke) args.push('--skip-smoke');
      if (c.args?.skipVerify) args.push('--skip-verify');
      if (c.args?.fullSmoke) args.push('--full-smoke');
      if (c.args?.base) args.push('--base', c.args.base);
      if (c.args?.manifest) args.push('--manifest', c.args.manifest);
      const r = await corpusCli(position, args, { cwd: s.project, home: s.home, env: c.env });
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
