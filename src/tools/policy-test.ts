// `wg-policy test`: policy test cases (OPA's `opa test`) run against the policy set in effect, with rule coverage.
import { cpSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import * as z from 'zod/mini';
import type { Decision } from '../audit/event.js';
import { decideGate } from '../gate/decide.js';
import type { Verdict } from '../gate/verdict.js';
import { loadPolicySet, type PolicySet } from '../policy/load.js';
import { PolicyError } from '../shared/errors.js';
import { packageRoot } from '../shared/package-root.js';
import { readTextFile } from '../shared/read-file.js';
import { parseYaml } from '../shared/yaml.js';
import { issueSentence } from '../shared/zod-issues.js';
import { decideSpawn } from '../spawn/plan.js';
import { GATE_TABLE, NAMESPACES, SPAWN_TABLE, TABLES } from '../stages/index.js';
import { GateCaseSchema, setupGateCase, verdictMismatches, type GateCase } from './gate-case.js';
import { WantErrorSchema } from './want-error.js';
import { scratchProject } from './scratch.js';

const Str = z.string();

const SpawnCaseSchema = z.strictObject({
  note: Str,
  /** The project's config.toml for this case (default: none). */
  config: z.optional(Str),
  /** The global config.toml (default: none). */
  global: z.optional(Str),
  /** More files of the project or home: `path: text`, relative to the wg dir, or to home when it starts with `~/`. */
  files: z.optional(z.record(Str, Str)),
  task: z.record(Str, z.unknown()),
  args: z.optional(
    z.strictObject({
      agentExecutor: z.optional(Str),
      defaultModel: z.optional(Str),
      promptFile: z.optional(Str),
      site: z.optional(Str),
      agent: z.optional(Str),
      agentId: z.optional(Str),
      timeout: z.optional(Str),
      role: z.optional(Str),
    }),
  ),
  want: z.optional(z.record(Str, z.unknown())),
  want_error: z.optional(WantErrorSchema),
});

const FileSchema = z.union([
  z.strictObject({ kind: z.literal('spawn'), cases: z.array(SpawnCaseSchema) }),
  z.strictObject({ kind: z.literal('gate'), cases: z.array(GateCaseSchema) }),
]);
type SpawnCase = z.infer<typeof SpawnCaseSchema>;

/** The outcome of one case: what differed from the expectation, and the rules that fired. */
export interface CaseResult {
  file: string;
  note: string;
  ok: boolean;
  diff: string[];
  fired: string[];
}

/** Rule coverage: per policy file, the rules no case fired. */
export interface Coverage {
  percent: number;
  rules: number;
  fired: number;
  files: Array<{ file: string; rules: number; fired: number; missed: string[] }>;
}

export interface TestReport {
  cases: CaseResult[];
  passed: number;
  failed: number;
  coverage: Coverage;
}

const show = (v: unknown) => JSON.stringify(v);

/** Compares an expected value with the actual one as a subset (objects: the keys given; lists and scalars: equal). */
function mismatches(path: string, want: unknown, got: unknown, out: string[]): void {
  if (want && typeof want === 'object' && !Array.isArray(want) && got && typeof got === 'object' && !Array.isArray(got)) {
    for (const [k, v] of Object.entries(want)) if (v !== undefined) mismatches(path ? `${path}.${k}` : k, v, (got as Record<string, unknown>)[k], out);
    return;
  }
  if (show(want) !== show(got)) out.push(`${path}: expected ${show(want)}, got ${show(got)}`);
}

async function runSpawnCase(c: SpawnCase, policyDir: string | undefined): Promise<Omit<CaseResult, 'file' | 'note'>> {
  const { root, wgDir, home, cleanup } = scratchProject('wg-policy-test-');
  try {
    mkdirSync(join(home, '.wg'), { recursive: true });
    if (c.config !== undefined) writeFileSync(join(wgDir, 'config.toml'), c.config);
    if (c.global !== undefined) writeFileSync(join(home, '.wg', 'config.toml'), c.global);
    for (const [rel, text] of Object.entries(c.files ?? {})) {
      const target = rel.startsWith('~/') ? join(home, rel.slice(2)) : join(wgDir, rel);
      if (!target.startsWith(root)) throw new PolicyError('policy-schema', `case \`${c.note}\`: file \`${rel}\` is outside the case's project`, { key: rel });
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, text);
    }
    if (policyDir && existsSync(policyDir))
      for (const f of readdirSync(policyDir).filter((n) => /\.ya?ml$/.test(n))) cpSync(join(policyDir, f), join(wgDir, 'policies', f));
    const task: Record<string, unknown> = { title: 'a task', status: 'open', ...c.task };
    let o;
    try {
      o = await decideSpawn({ task, taskId: String(task.id), dir: wgDir, home, env: {}, ...c.args }, { warn: () => undefined, decisionLog: false });
    } catch (e) {
      if (!(e instanceof PolicyError)) throw e;
      const diff = c.want_error ? errorDiff(c.want_error, e) : [`expected a plan, got ${e.code}: ${e.message}`];
      return { ok: diff.length === 0, diff, fired: [] };
    }
    const fired = o.explanation.stages.flatMap((s) => (s.winner ? [s.winner] : []));
    const diff: string[] = [];
    if (c.want_error) diff.push(...(o.error ? errorDiff(c.want_error, o.error) : [`expected ${c.want_error.code}, got a plan`]));
    else if (o.error) diff.push(`expected a plan, got ${o.error.code}: ${o.error.message}`);
    else {
      const { rules, ...fields } = c.want ?? {};
      const plan = o.plan!;
      mismatches('', fields, plan, diff);
      for (const [field, rule] of Object.entries((rules ?? {}) as Record<string, string>))
        mismatches(`rules.${field}`, rule, plan.provenance[field as keyof typeof plan.provenance]?.rule, diff);
    }
    return { ok: diff.length === 0, diff, fired };
  } finally {
    cleanup();
  }
}

function errorDiff(want: z.infer<typeof WantErrorSchema>, e: PolicyError): string[] {
  const diff: string[] = [];
  if (e.code !== want.code) diff.push(`error code: expected ${want.code}, got ${e.code} (${e.message})`);
  if (want.rule !== undefined && e.rule !== want.rule) diff.push(`error rule: expected ${want.rule}, got ${e.rule ?? 'none'}`);
  for (const m of want.message ?? []) if (!e.message.includes(m)) diff.push(`error message: expected to contain ${show(m)}, got ${show(e.message)}`);
  for (const h of want.help ?? []) if (!(e.help ?? '').includes(h)) diff.push(`error help: expected to contain ${show(h)}, got ${show(e.help ?? '')}`);
  return diff;
}

async function runGateCase(c: GateCase): Promise<Omit<CaseResult, 'file' | 'note'>> {
  const s = setupGateCase(c);
  try {
    const req = { taskId: s.taskId, dir: s.wgDir, cwd: s.project, env: s.env, jobs: c.args?.jobs ?? 2, ...c.args };
    let verdict: Verdict;
    let decision: Decision;
    try {
      // A `done` case's verdict is the gate's; what done writes is not policy (this project's own tests check it).
      ({ verdict, decision } = await decideGate(req));
    } catch (e) {
      if (!(e instanceof PolicyError)) throw e;
      const diff = c.want_error ? errorDiff(c.want_error, e) : [`expected a verdict, got ${e.code}: ${e.message}`];
      return { ok: diff.length === 0, diff, fired: [] };
    }
    const explanation = decision.explanation as { stages: Array<{ won?: { rule: string } | null; matched?: Array<{ rule: string }> }> };
    const fired = explanation.stages.flatMap((st) => [...(st.won ? [st.won.rule] : []), ...(st.matched ?? []).map((m) => m.rule)]);
    const diff = c.want_error ? [`expected ${c.want_error.code}, got a verdict`] : verdictMismatches(c, verdict);
    return { ok: diff.length === 0, diff, fired };
  } finally {
    s.cleanup();
  }
}

/** The case with the project's own policy files copied into its scratch project (the policy set in effect). */
function withProjectPolicies(c: GateCase, policyDir: string | undefined): GateCase {
  if (!policyDir || !existsSync(policyDir)) return c;
  const files = Object.fromEntries(
    readdirSync(policyDir)
      .filter((n) => /\.ya?ml$/.test(n))
      .map((n) => [`.wg/policies/${n}`, readTextFile(join(policyDir, n), { what: 'policy file' })]),
  );
  return { ...c, files: { ...files, ...c.files } };
}

/** Every `.yaml` file at the given paths (folders searched recursively), sorted. */
export function testFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) throw new PolicyError('file-unreadable', `no test file or folder \`${p}\``, { file: p });
    if (st.isDirectory()) for (const f of readdirSync(p).sort()) walk(join(p, f));
    else if (/\.ya?ml$/.test(p)) out.push(p);
  };
  for (const p of paths) walk(p);
  return out;
}

/** The default test folders: the project's `<wgdir>/policies/tests`, else the bundled `policies/tests`. */
export function defaultTestPaths(wgDir: string | undefined): string[] {
  const project = wgDir ? join(wgDir, 'policies', 'tests') : undefined;
  if (project && existsSync(project)) return [project];
  return [join(packageRoot(), 'policies', 'tests')];
}

/** Runs policy test files against the policy set in effect (bundled + `<wgdir>/policies` when `wgDir` is given). */
export async function runPolicyTests(files: readonly string[], opts: { wgDir?: string; cwd?: string } = {}): Promise<TestReport> {
  const policyDir = opts.wgDir ? join(opts.wgDir, 'policies') : undefined;
  const sets = new Map<string, PolicySet>();
  for (const t of TABLES)
    sets.set(t.kind, await loadPolicySet(t, { projectPolicyDir: policyDir, projectRoot: opts.wgDir && join(opts.wgDir, '..'), namespaces: NAMESPACES }));
  const cases: CaseResult[] = [];
  for (const file of files) {
    const shown = relative(opts.cwd ?? process.cwd(), file) || basename(file);
    const src = parseYaml(readTextFile(file, { shownAs: shown, what: 'policy test file' }), shown);
    const parsed = FileSchema.safeParse(src.data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const pos = src.positionOf(issue.path);
      throw new PolicyError('policy-schema', `policy test ${issueSentence(issue, src.data, { whole: 'file' })}`, {
        file: shown,
        line: pos?.line,
        column: pos?.column,
      });
    }
    for (const c of parsed.data.cases) {
      const spawn = parsed.data.kind === 'spawn';
      if (spawn && ((c as SpawnCase).want === undefined) === ((c as SpawnCase).want_error === undefined))
        throw new PolicyError('policy-schema', `case \`${c.note}\` needs exactly one of \`want\` and \`want_error\``, { file: shown });
      if (!spawn && ((c as GateCase).want === undefined) === ((c as GateCase).want_error === undefined))
        throw new PolicyError('policy-schema', `case \`${c.note}\` needs exactly one of \`want\` and \`want_error\``, { file: shown });
      const r = spawn ? await runSpawnCase(c as SpawnCase, policyDir) : await runGateCase(withProjectPolicies(c as GateCase, policyDir));
      cases.push({ file: shown, note: c.note, ...r });
    }
  }
  const fired = new Set(cases.flatMap((c) => c.fired));
  const all = [SPAWN_TABLE, GATE_TABLE].flatMap((t) => [...sets.get(t.kind)!.byStage.values()].flat());
  const byFile = new Map<string, { rules: number; fired: number; missed: string[] }>();
  for (const r of all) {
    const f = byFile.get(r.file) ?? { rules: 0, fired: 0, missed: [] };
    f.rules++;
    if (fired.has(r.id)) f.fired++;
    else f.missed.push(r.id);
    byFile.set(r.file, f);
  }
  const hit = all.filter((r) => fired.has(r.id)).length;
  const coverage: Coverage = {
    percent: all.length ? Math.round((hit / all.length) * 1000) / 10 : 100,
    rules: all.length,
    fired: hit,
    files: [...byFile].map(([file, f]) => ({ file, ...f })),
  };
  const passed = cases.filter((c) => c.ok).length;
  return { cases, passed, failed: cases.length - passed, coverage };
}
