// Runs the bad-input corpus (__tests__/corpus/*.jsonl, written by scripts/corpus.mjs): every case in process through
// the library, a sample and every flag case through the CLI (in the CLI host; every REAL_SAMPLE-th of those CLI runs
// as its own process through bin/). Each asserts the error code (so the exit class), the
// file and place it names, one line without a stack trace, no secret echoed, and nothing written.
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { decideGate } from '../../src/gate/decide.js';
import { planSpawn } from '../../src/spawn/plan.js';
import { exitCodeFor, PolicyError } from '../../src/shared/errors.js';
import { hostRun, run } from '../support/hostile.js';
import { ROOT, scratch } from '../support/project.js';

const CaseSchema = z.strictObject({
  id: z.string(),
  note: z.string(),
  run: z.enum(['plan', 'gate', 'cli']),
  files: z.optional(z.record(z.string(), z.string())),
  special: z.optional(z.record(z.string(), z.enum(['fifo', 'dir']))),
  graph: z.optional(z.string()),
  graphBytes: z.optional(z.array(z.number())),
  taskJson: z.optional(z.string()),
  args: z.optional(z.array(z.string())),
  want: z.strictObject({
    code: z.string(),
    exit: z.optional(z.number()),
    file: z.optional(z.string()),
    line: z.optional(z.number()),
    key: z.optional(z.string()),
    rule: z.optional(z.string()),
    message: z.optional(z.string()),
    /** A string (a planted secret) that must appear in no output. */
    absent: z.optional(z.string()),
  }),
});
type Case = z.infer<typeof CaseSchema>;

const DIR = join(ROOT, '__tests__', 'corpus');
const cases: Case[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.jsonl'))
  .sort()
  .flatMap((f) =>
    readFileSync(join(DIR, f), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => CaseSchema.parse(JSON.parse(l))),
  );
/** Every this-many library case also runs through the CLI. */
const CLI_SAMPLE = 30;
/** Every this-many of the CLI runs (numbered: the library sample first, then the CLI cases) is a real process. */
const REAL_SAMPLE = 16;

const TASK = { kind: 'task', id: 't1', title: 'a task', status: 'in-progress' };

function setup(c: Case) {
  const s = scratch(c.files);
  const graph = join(s.wgDir, 'graph.jsonl');
  if (c.graphBytes) writeFileSync(graph, Buffer.from(c.graphBytes));
  else writeFileSync(graph, c.graph ?? `${JSON.stringify(TASK)}\n`);
  for (const [rel, kind] of Object.entries(c.special ?? {})) {
    const at = join(s.root, rel);
    rmSync(at, { recursive: true, force: true });
    mkdirSync(join(at, '..'), { recursive: true });
    if (kind === 'dir') mkdirSync(at);
    else execFileSync('mkfifo', [at]);
  }
  const taskJson = c.taskJson === undefined ? undefined : join(s.root, 'task.json');
  if (taskJson) writeFileSync(taskJson, c.taskJson!);
  return { ...s, taskJson };
}

/** Every path under `root` with its kind, size and mtime: what "nothing written" compares. */
function snapshot(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = lstatSync(p);
      out.set(p, `${st.isDirectory() ? 'd' : st.isFIFO() ? 'p' : 'f'}:${st.isFile() ? st.size : 0}:${st.isFile() ? st.mtimeMs : 0}`);
      if (st.isDirectory()) walk(p);
    }
  };
  walk(root);
  return out;
}

const written = (before: Map<string, string>, after: Map<string, string>) =>
  [...after].filter(([p, v]) => before.get(p) !== v).map(([p]) => p) + [...before.keys()].filter((p) => !after.has(p)).join(',');

function expectError(c: Case, e: unknown, shown: string): void {
  expect(e).toBeInstanceOf(PolicyError);
  const err = e as PolicyError;
  const w = c.want;
  expect({ code: err.code, exit: err.exit }).toEqual({ code: w.code, exit: w.exit ?? exitCodeFor(w.code) });
  if (w.file !== undefined) expect(err.file ?? '').toContain(w.file);
  if (w.line !== undefined) expect(err.line).toBe(w.line);
  if (w.key !== undefined) expect(err.key).toBe(w.key);
  if (w.rule !== undefined) expect(err.rule).toBe(w.rule);
  if (w.message !== undefined) expect(err.message).toContain(w.message);
  expect(err.format()).not.toMatch(/\n/);
  if (w.absent !== undefined) expect(shown).not.toContain(w.absent);
}

async function library(c: Case, s: ReturnType<typeof setup>): Promise<unknown> {
  const warnings: string[] = [];
  try {
    if (c.run === 'plan') {
      const taskJson = s.taskJson ? { text: c.taskJson!, file: 'task.json' } : undefined;
      await planSpawn({ taskId: 't1', dir: s.wgDir, home: s.home, env: {}, taskJson }, { warn: (m) => warnings.push(m), decisionLog: {} });
    } else {
      await decideGate(
        { taskId: 't1', dir: s.wgDir, cwd: s.project, env: { PATH: process.env.PATH, HOME: s.home }, decisionLog: {} },
        { warn: (m) => warnings.push(m) },
      );
    }
  } catch (e) {
    const pe = e as PolicyError;
    return Object.assign(e as object, { shown: [pe.message, pe.format?.(), pe.help ?? '', ...warnings].join('\n') });
  }
  return null;
}

function cliArgs(c: Case, s: ReturnType<typeof setup>): string[] {
  if (c.args) return c.args.map((a) => a.replace('<wgdir>', s.wgDir).replace('<root>', s.root));
  if (c.run === 'gate') return ['gate', 't1', '--dir', s.wgDir];
  return ['plan', 't1', '--dir', s.wgDir, ...(s.taskJson ? ['--task-json', s.taskJson] : [])];
}

function expectCli(c: Case, s: ReturnType<typeof setup>, index: number): void {
  const r = (index % REAL_SAMPLE === 0 ? run : hostRun)(cliArgs(c, s), { home: s.home, cwd: s.project });
  expect({ timedOut: r.timedOut, exit: r.code }).toEqual({ timedOut: false, exit: c.want.exit ?? exitCodeFor(c.want.code) });
  // A usage error caught by commander's own argument checks is its `error: …` line (still exit 2, one sentence).
  if (c.want.code === 'usage') expect(r.stderr).toMatch(/\[usage\]|^error: /m);
  else expect(r.stderr).toContain(`[${c.want.code}]`);
  if (c.want.file !== undefined) expect(r.stderr).toContain(c.want.line === undefined ? c.want.file : `${c.want.file}:${c.want.line}`);
  expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
  if (c.want.absent !== undefined) expect(r.stdout + r.stderr).not.toContain(c.want.absent);
  if (exitCodeFor(c.want.code) === 2 && !(c.args ?? []).includes('--json')) expect(r.stdout).toBe('');
}

test('the corpus holds at least 400 distinct cases across every input kind', () => {
  expect(cases.length).toBeGreaterThanOrEqual(400);
  expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
  expect(new Set(cases.map((c) => JSON.stringify({ ...c, id: '', note: '' }))).size).toBe(cases.length);
  const families = new Set(cases.map((c) => c.id.replace(/-\d+$/, '')));
  for (const f of ['config-syntax', 'config-type', 'policy-facts', 'policy-values', 'graph', 'manifest', 'task-fields', 'flags']) expect(families).toContain(f);
});

describe('bad-input corpus', () => {
  const lib = cases.filter((c) => c.run !== 'cli');
  test.each(lib.map((c, i) => [`${c.id}: ${c.note}`, c, i] as const))('%s', async (_n, c, i) => {
    const s = setup(c);
    try {
      const before = snapshot(s.root);
      const e = await library(c, s);
      expectError(c, e, (e as { shown?: string } | null)?.shown ?? '');
      const after = snapshot(s.root);
      // A policy refusal (exit 1) is recorded by design; bad input (exit 2) writes nothing at all.
      if ((c.want.exit ?? exitCodeFor(c.want.code)) === 1) {
        const log = readFileSync(join(s.wgDir, 'policy-audit.jsonl'), 'utf8');
        if (c.want.absent) expect(log).not.toContain(c.want.absent);
      } else expect(written(before, after)).toBe('');
      if (i % CLI_SAMPLE === 0) expectCli(c, s, i / CLI_SAMPLE);
    } finally {
      s.cleanup();
    }
  });

  const sampled = Math.ceil(lib.length / CLI_SAMPLE);
  test.each(cases.filter((c) => c.run === 'cli').map((c, j) => [`${c.id}: ${c.note}`, c, sampled + j] as const))('%s (CLI)', (_n, c, index) => {
    const s = setup(c);
    try {
      expectCli(c, s, index);
    } finally {
      s.cleanup();
    }
  });
});
