// The import layers point down only: shared ← config, graph, audit ← policy ← engine, stages ← spawn, gate ← check, tools ← cli.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ROOT } from './support/project.js';

const SRC = join(ROOT, 'src');

/** Each folder's layer: a module may import only from its own folder or from a lower layer. */
const LAYER: Readonly<Record<string, number>> = {
  shared: 0,
  config: 1,
  graph: 1,
  audit: 1,
  policy: 2,
  engine: 3,
  stages: 3,
  spawn: 4,
  gate: 4,
  check: 5,
  tools: 5,
  build: 6,
  cli: 6,
  '(index)': 6,
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const folderOf = (p: string) => {
  const rel = relative(SRC, p);
  return rel.includes('/') ? rel.split('/')[0] : '(index)';
};

/** Relative imports of a file (static and dynamic), resolved to source paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import\()\s*'(\.[^']+)'/g)].map((m) => resolve(dirname(file), m[1]).replace(/\.js$/, '.ts'));
}

const all = files(SRC);

test('every folder has a layer', () => {
  expect([...new Set(all.map(folderOf))].filter((f) => LAYER[f] === undefined)).toEqual([]);
});

test('imports point down only (audit depends on shared alone)', () => {
  const upward = all.flatMap((f) =>
    importsOf(f)
      .filter((t) => folderOf(t) !== folderOf(f) && !(LAYER[folderOf(t)] < LAYER[folderOf(f)]))
      .map((t) => `${relative(SRC, f)} → ${relative(SRC, t)}`),
  );
  expect(upward).toEqual([]);
  const audit = all.filter((f) => folderOf(f) === 'audit').flatMap((f) => importsOf(f).filter((t) => !['audit', 'shared'].includes(folderOf(t))));
  expect(audit).toEqual([]);
});

test('no module cycles within a folder', () => {
  const graph = new Map(all.map((f) => [f, importsOf(f).filter((t) => folderOf(t) === folderOf(f))]));
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (f: string, path: string[]) => {
    if (state.get(f) === 'done') return;
    if (state.get(f) === 'open') {
      cycles.push([...path.slice(path.indexOf(f)), f].map((p) => relative(SRC, p)).join(' → '));
      return;
    }
    state.set(f, 'open');
    for (const t of graph.get(f) ?? []) visit(t, [...path, f]);
    state.set(f, 'done');
  };
  for (const f of all) visit(f, []);
  expect(cycles).toEqual([]);
});
