// Impact analysis: every task of graph.jsonl planned under a base state (config and policies at a git revision, another
// global config) and under the current state; what changes, grouped by change.
import { mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { globalConfigPath, locateWgDir } from '../config/locate.js';
import { statusOf } from '../graph/node-schema.js';
import { checkStatuses } from '../graph/status-filter.js';
import { scanGraph } from '../graph/scan.js';
import { PolicyError } from '../shared/errors.js';
import { GIT_MISSING, gitMissing, gitToplevel, runGit, type GitRunner } from '../shared/git.js';
import { readTextFile } from '../shared/read-file.js';
import type { Source } from '../shared/source.js';
import { decideSpawn } from '../spawn/plan.js';
import type { SpawnPlan } from '../spawn/plan-schema.js';

/** What to compare: the project, the git revision of its config and policies, the base global config, which tasks. */
export interface DiffRequest {
  dir?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  home?: string;
  /** Git revision for the project's config.toml, policies/ and executors/ (default `HEAD`). */
  base?: string;
  /** The global config.toml to plan the base with (default: the current global config). */
  baseGlobal?: string;
  /** Only tasks with one of these statuses (a task without one is `open`). */
  status?: readonly string[];
  git?: GitRunner;
}

/** One side of a comparison: the plan's decided fields and the rule behind each, or the refusal. */
export interface Side {
  executor?: string;
  model?: string;
  endpoint?: string | null;
  env?: Record<string, string>;
  argv?: string[];
  rules: Record<string, string>;
  sources: Record<string, Source[]>;
  refused?: { code: string; rule?: string; message: string };
}

/** A task whose plan changes. */
export interface TaskChange {
  task: string;
  fields: string[];
  before: Side;
  after: Side;
  /** One phrase per changed field, the same for every task of a group. */
  summary: string;
}

export interface DiffReport {
  base: string;
  tasks: number;
  changed: TaskChange[];
  groups: Array<{ summary: string; tasks: string[] }>;
}

const FIELDS = ['executor', 'model', 'endpoint', 'env', 'argv'] as const;

function side(plan: SpawnPlan | null, error: PolicyError | null): Side {
  if (!plan) return { rules: {}, sources: {}, refused: { code: error!.code, rule: error!.rule, message: error!.message } };
  const rules: Record<string, string> = {};
  const sources: Record<string, Source[]> = {};
  for (const [field, p] of Object.entries(plan.provenance)) {
    rules[field] = p.rule;
    sources[field] = p.sources.filter((s) => !s.via && s.layer !== 'default');
  }
  return { executor: plan.executor, model: plan.model.spec, endpoint: plan.endpoint?.name ?? null, env: plan.env, argv: plan.argv, rules, sources };
}

const shown = (v: unknown) => (v === null || v === undefined ? 'none' : typeof v === 'string' ? v : JSON.stringify(v));
const from = (s: Source) => (s.layer === 'task' ? `task ${s.key}` : s.layer === 'cli' ? s.key : `${s.layer} ${s.file ?? ''} ${s.key}`.replace(/\s+/g, ' '));

/** `executor claude → native (executor.local-dispatcher → executor.global-dispatcher ← global ~/.wg/config.toml dispatcher.executor)`. */
function phrase(field: (typeof FIELDS)[number], before: Side, after: Side): string {
  const rule = field === 'model' ? 'model' : field;
  const [rb, ra] = [before.rules[rule], after.rules[rule]];
  const src = (after.sources[rule] ?? []).map(from);
  const why = rb && ra && rb !== ra ? `${rb} → ${ra}` : (ra ?? rb ?? '');
  const value = (s: Side) => (field === 'env' || field === 'argv' ? (s[field] ? 'changed' : 'none') : shown(s[field]));
  const change = field === 'env' || field === 'argv' ? 'changes' : `${value(before)} → ${value(after)}`;
  return `${field} ${change} (${why}${src.length ? ` ← ${src.join(', ')}` : ''})`;
}

function compare(task: string, before: Side, after: Side): TaskChange | null {
  if (before.refused || after.refused) {
    if (before.refused && after.refused && before.refused.rule === after.refused.rule && before.refused.code === after.refused.code) return null;
    const label = (s: Side) => (s.refused ? `refused (${s.refused.rule ?? s.refused.code})` : 'planned');
    return { task, fields: ['refusal'], before, after, summary: `${label(before)} → ${label(after)}` };
  }
  const fields = FIELDS.filter((f) => JSON.stringify(before[f]) !== JSON.stringify(after[f]));
  if (fields.length === 0) return null;
  return { task, fields: [...fields], before, after, summary: fields.map((f) => phrase(f, before, after)).join(', ') };
}

/** Writes the project's config.toml, policies/ and executors/ as they were at `rev` into `to` (a fresh wg dir). */
function materializeBase(wgDir: string, rev: string, explicit: boolean, to: string, git: GitRunner): void {
  // The default base was not asked for: say what diff compares with rather than that `--base` was given.
  const asked = explicit ? `\`--base ${rev}\` was given, but` : `diff compares with the config and policies committed at ${rev}, but`;
  const top = gitToplevel(wgDir, git);
  if (!top) {
    const missing = gitMissing(wgDir, git);
    throw new PolicyError('git-base', `${asked} ${missing ? GIT_MISSING : 'the wg directory is not in a git repository'}`, {
      key: '--base',
      help: missing
        ? 'install git, or compare recorded decisions instead: `wg-policy audit replay`'
        : "commit the wg directory's config.toml and policies/ to git, or compare recorded decisions instead: `wg-policy audit replay`",
    });
  }
  const commit = git(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], top);
  if (commit.status !== 0)
    throw new PolicyError(
      'git-base',
      explicit
        ? `\`--base ${rev}\` is not a commit in the git repository of the wg directory`
        : `${asked} ${rev} names no commit in the git repository of the wg directory`,
      { key: '--base', help: explicit ? 'pass a commit, branch or tag, e.g. --base origin/main' : 'commit the config first, or pass --base naming a commit' },
    );
  // git names the top level by its real path: so must the wg dir, when it is reached through a symlink.
  const rel = relative(top, realpathSync(wgDir)).split('\\').join('/');
  const prefix = rel ? `${rel}/` : '';
  const listed = git(
    ['ls-tree', '-r', '-z', '--name-only', commit.stdout.trim(), '--', `${prefix}config.toml`, `${prefix}policies`, `${prefix}executors`],
    top,
  );
  if (listed.status !== 0) throw new PolicyError('git-base', `cannot list \`${rev}\` with git ls-tree`, { key: '--base' });
  for (const path of listed.stdout.split('\0').filter(Boolean)) {
    const blob = git(['show', `${commit.stdout.trim()}:${path}`], top);
    if (blob.status !== 0) throw new PolicyError('git-base', `cannot read \`${rev}:${path}\` with git show`, { key: '--base' });
    const target = join(to, path.slice(prefix.length));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, blob.stdout);
  }
}

/** Links every entry of folder `from` but `except` into `to`: the base reads the same graph, agency, registry and caches. */
function linkOthers(from: string, to: string, except: readonly string[]): void {
  let names: string[];
  try {
    names = readdirSync(from);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return; // no such folder: nothing of it to read
    throw e;
  }
  for (const name of names) if (!except.includes(name)) symlinkSync(join(from, name), join(to, name));
}

/** `side` with every path under the scratch folders written as the real one (a prompt file, a global config). */
function relocated(side: Side, moves: ReadonlyArray<[string, string]>): Side {
  let text = JSON.stringify(side);
  for (const [from, to] of moves) text = text.split(JSON.stringify(from).slice(1, -1)).join(JSON.stringify(to).slice(1, -1));
  return JSON.parse(text) as Side;
}

/** Plans every task (matching `status`) under the base and the current state and reports what changes. Records nothing. */
export async function diffPlans(req: DiffRequest): Promise<DiffReport> {
  const env = req.env ?? process.env;
  const git = req.git ?? runGit;
  const base = req.base ?? 'HEAD';
  if (req.status) checkStatuses(req.status, 'status');
  const { wgDir } = locateWgDir({ dir: req.dir, env, cwd: req.cwd ?? process.cwd() });
  const home = req.home || env.HOME || homedir();
  const graphPath = join(wgDir, 'graph.jsonl');
  const shownGraph = relative(dirname(wgDir), graphPath);
  const text = readTextFile(graphPath, { shownAs: shownGraph, what: 'graph' });
  const tasks = [...scanGraph(text, shownGraph)]
    .map((l) => l.record)
    .filter((r) => r.kind === 'task' && typeof r.id === 'string' && (!req.status || req.status.includes(statusOf(r))));
  const scratch = mkdtempSync(join(tmpdir(), 'wg-policy-diff-'));
  try {
    // The base state: a wg dir with the same name (provenance reads alike) and a home holding the base global config;
    // everything else they hold is the current one, linked, so only config, policies and executors differ.
    const baseWg = join(scratch, 'project', basename(wgDir));
    const baseHome = join(scratch, 'home');
    mkdirSync(baseWg, { recursive: true });
    materializeBase(wgDir, base, req.base !== undefined, baseWg, git);
    linkOthers(wgDir, baseWg, ['config.toml', 'policies', 'executors']);
    const globalText = req.baseGlobal
      ? readTextFile(req.baseGlobal, { what: 'base global config' })
      : readTextFile(globalConfigPath(home), { what: 'global config', missing: 'absent' });
    const baseGlobalPath = join(baseHome, relative(home, globalConfigPath(home)));
    mkdirSync(dirname(baseGlobalPath), { recursive: true });
    if (globalText !== undefined) writeFileSync(baseGlobalPath, globalText);
    linkOthers(dirname(globalConfigPath(home)), dirname(baseGlobalPath), [basename(baseGlobalPath)]);
    // Plans name the wg dir by its real path (a temp folder or a --dir may be reached through a symlink): both spellings move.
    const moves: Array<[string, string]> = [
      [realpathSync(dirname(baseWg)), realpathSync(dirname(wgDir))],
      [dirname(baseWg), dirname(wgDir)],
      [realpathSync(baseHome), home],
      [baseHome, home],
    ];
    const quiet = () => undefined;
    const changed: TaskChange[] = [];
    for (const task of tasks) {
      const plan = async (dir: string, h: string) => {
        const o = await decideSpawn({ task, dir, home: h, env: {} }, { warn: quiet, decisionLog: false });
        return side(o.plan, o.error);
      };
      const c = compare(String(task.id), relocated(await plan(baseWg, baseHome), moves), await plan(wgDir, home));
      if (c) changed.push(c);
    }
    const groups = new Map<string, string[]>();
    for (const c of changed) groups.set(c.summary, [...(groups.get(c.summary) ?? []), c.task]);
    return {
      base,
      tasks: tasks.length,
      changed,
      groups: [...groups].map(([summary, ids]) => ({ summary, tasks: ids })).sort((a, b) => b.tasks.length - a.tasks.length),
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
