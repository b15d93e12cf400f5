// The compiled evaluator against json-rules-engine (the reference) on every hand-written case: each YAML spawn case
// under __tests__/cases/spawn and every case of the bundled policies/tests suite (spawn and gate) decides byte for byte
// the same plan, refusal, explanation, record, verdict and warnings through both evaluators. `npm run sweeps` compares
// every case; `npm test` every 4th spawn case and every 3rd gate case of each corpus.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { parse } from 'yaml';
import type { EvaluatorName } from '../../src/engine/decide.js';
import { decideGate } from '../../src/gate/decide.js';
import { PolicyError } from '../../src/shared/errors.js';
import { gateCaseProjects, type GateCase } from '../../src/tools/gate-case.js';
import { ROOT, scratch } from '../support/project.js';
import { spawnBytes } from '../support/spawn-bytes.js';
import { sweep } from '../support/stress.js';

type Raw = Record<string, unknown> & { note: string };

const casesIn = (dir: string, only = '.yaml') =>
  readdirSync(dir)
    .filter((f) => f.endsWith(only))
    .sort()
    .flatMap((f) => {
      const data = parse(readFileSync(join(dir, f), 'utf8')) as { kind?: string; cases: Raw[] };
      return data.cases.map((c) => ({ name: `${f}: ${c.note}`, kind: data.kind, c }));
    });

describe('YAML spawn cases (__tests__/cases/spawn)', () => {
  const cases = casesIn(join(ROOT, '__tests__', 'cases', 'spawn'));
  test('there are cases to compare', () => expect(cases.length).toBeGreaterThan(100));
  test.each(sweep(cases, 4).map((x) => [x.name, x.c] as const))('%s', async (_name, c) => {
    const s = scratch(c.files as Record<string, string> | undefined);
    try {
      const task = c.task as Record<string, unknown> | undefined;
      const args = (c.args ?? {}) as Record<string, string>;
      const graph = (c.graph as string | undefined) ?? `${JSON.stringify({ kind: 'task', title: 'a task', status: 'open', id: 't1', ...task })}\n`;
      writeFileSync(join(s.wgDir, 'graph.jsonl'), graph);
      const req = { taskId: args.taskId ?? (task?.id as string) ?? 't1', dir: s.wgDir, home: s.home, env: {}, ...args };
      expect(await spawnBytes(req, 'compiled')).toBe(await spawnBytes(req, 'reference'));
    } finally {
      s.cleanup();
    }
  });
});

/** A verdict or record with what changes from run to run (wall times, ids, timestamps, scratch paths) blanked out. */
function timeless(value: unknown, root: string): string {
  return JSON.stringify(value, (key, v: unknown) => (/Ms$|^ts$|^id$|^logDir$|^log$/.test(key) && key !== '' ? 0 : v)).replaceAll(root, '<root>');
}

describe('the bundled policy test suite (policies/tests)', () => {
  const all = casesIn(join(ROOT, 'policies', 'tests'));
  const spawn = all.filter((x) => x.kind === 'spawn');
  const gate = all.filter((x) => x.kind === 'gate');
  test('both kinds are there', () => expect([spawn.length > 50, gate.length > 10]).toEqual([true, true]));

  test.each(sweep(spawn, 4).map((x) => [x.name, x.c] as const))('%s', async (_name, c) => {
    const s = scratch();
    try {
      mkdirSync(join(s.home, '.wg'), { recursive: true });
      if (c.config !== undefined) writeFileSync(join(s.wgDir, 'config.toml'), c.config as string);
      if (c.global !== undefined) writeFileSync(join(s.home, '.wg', 'config.toml'), c.global as string);
      for (const [rel, text] of Object.entries((c.files ?? {}) as Record<string, string>)) {
        const target = rel.startsWith('~/') ? join(s.home, rel.slice(2)) : join(s.wgDir, rel);
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, text);
      }
      const task: Record<string, unknown> = { title: 'a task', status: 'open', ...(c.task as Record<string, unknown>) };
      const req = { task, taskId: String(task.id), dir: s.wgDir, home: s.home, env: {}, ...(c.args as Record<string, string>) };
      expect(await spawnBytes(req, 'compiled')).toBe(await spawnBytes(req, 'reference'));
    } finally {
      s.cleanup();
    }
  });

  // Both evaluators judge copies of one project: the same files and the same git history.
  const projects = gateCaseProjects();
  afterAll(() => projects.cleanup());
  test.each(sweep(gate, 3).map((x) => [x.name, x.c] as const))('%s', async (_name, raw) => {
    const c = raw as unknown as GateCase;
    const run = async (evaluator: EvaluatorName) => {
      const s = projects.setup(c);
      try {
        const req = { taskId: s.taskId, dir: s.wgDir, cwd: s.project, env: s.env, jobs: 2, ...c.args, logDir: join(s.root, 'runs'), evaluator };
        const { verdict, decision } = await decideGate(req);
        return timeless({ verdict, decision }, s.root);
      } catch (e) {
        if (!(e instanceof PolicyError)) throw e;
        return timeless({ threw: e.toJSON() }, s.root);
      } finally {
        s.cleanup();
      }
    };
    expect(await run('compiled')).toBe(await run('reference'));
  });
});
