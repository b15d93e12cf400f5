// (src/graph/cycles.ts) wg's cycle analysis as `wg done` uses it; cases from wg's tests/integration_cycle_detection.rs and its code.
import { analyzeCycles, isScaffold } from '../../src/graph/cycles.js';
import { readGraph } from '../../src/graph/graph.js';

type T = { id: string; after?: string[] };
const graphOf = (tasks: T[]) => readGraph(tasks.map((t) => JSON.stringify({ kind: 'task', title: t.id, ...t })).join('\n'), 'graph.jsonl');
const cyclesOf = (tasks: T[]) => analyzeCycles(graphOf(tasks)).cycles;

test.each<{ wg: string; tasks: T[]; cycles: string[][] }>([
  { wg: 'test_cycle_analysis_empty_graph', tasks: [], cycles: [] },
  { wg: 'test_cycle_analysis_linear_chain_no_cycles', tasks: [{ id: 't1' }, { id: 't2', after: ['t1'] }, { id: 't3', after: ['t2'] }], cycles: [] },
  {
    wg: 'test_cycle_analysis_dag_no_cycles',
    tasks: [{ id: 'a' }, { id: 'b', after: ['a'] }, { id: 'c', after: ['a'] }, { id: 'd', after: ['b', 'c'] }],
    cycles: [],
  },
  {
    wg: 'test_cycle_analysis_simple_two_node_cycle',
    tasks: [
      { id: 'a', after: ['b'] },
      { id: 'b', after: ['a'] },
    ],
    cycles: [['a', 'b']],
  },
  {
    wg: 'test_cycle_analysis_three_node_cycle',
    tasks: [
      { id: 'spec', after: ['review'] },
      { id: 'impl', after: ['spec'] },
      { id: 'review', after: ['impl'] },
    ],
    cycles: [['impl', 'review', 'spec']],
  },
  {
    wg: 'test_cycle_analysis_nested_cycles',
    tasks: [
      { id: 'a', after: ['c'] },
      { id: 'b', after: ['a', 'd'] },
      { id: 'c', after: ['b'] },
      { id: 'd', after: ['b'] },
    ],
    cycles: [['a', 'b', 'c', 'd']],
  },
  {
    wg: 'test_cycle_analysis_multiple_independent_cycles',
    tasks: [{ id: 'a', after: ['b'] }, { id: 'b', after: ['a'] }, { id: 'c', after: ['d'] }, { id: 'd', after: ['c'] }, { id: 'e' }],
    cycles: [
      ['a', 'b'],
      ['c', 'd'],
    ],
  },
  {
    wg: 'test_cycle_analysis_irreducible_cycle_detection',
    tasks: [{ id: 'x' }, { id: 'y' }, { id: 'a', after: ['b', 'x'] }, { id: 'b', after: ['a', 'y'] }],
    cycles: [['a', 'b']],
  },
  { wg: 'test_cycle_analysis_single_task_no_cycle', tasks: [{ id: 'a' }], cycles: [] },
  // Code-derived (graph.rs:1824-1905, cycle.rs:173-189): a self-loop is a cycle; scaffolding never is; missing ids add no edge.
  {
    wg: '(code) a task whose `after` holds its own id is a one-member cycle',
    tasks: [
      { id: 'a', after: ['a'] },
      { id: 'b', after: ['a'] },
    ],
    cycles: [['a']],
  },
  {
    wg: '(code) agency scaffolding (.assign-/.flip-/.evaluate-/.place-) is left out, so a loop through it is no cycle',
    tasks: [
      { id: 'a', after: ['.assign-a'] },
      { id: '.assign-a', after: ['a'] },
      { id: 'b', after: ['.verify-deferred-b'] },
      { id: '.verify-deferred-b', after: ['b'] },
    ],
    cycles: [['.verify-deferred-b', 'b']],
  },
  { wg: '(code) an `after` id that names no task adds no edge', tasks: [{ id: 'a', after: ['ghost'] }], cycles: [] },
])('$wg', ({ tasks, cycles }) => {
  expect(cyclesOf(tasks)).toEqual(cycles);
});

test('cycleOf maps each member to its cycle, and nothing else', () => {
  const a = analyzeCycles(graphOf([{ id: 'a', after: ['b'] }, { id: 'b', after: ['a'] }, { id: 'c', after: ['d'] }, { id: 'd', after: ['c'] }, { id: 'e' }]));
  expect(Object.fromEntries(a.cycleOf)).toEqual({ a: 0, b: 0, c: 1, d: 1 });
});

test('a long chain closing into one cycle does not overflow the stack', () => {
  const n = 20000;
  const tasks = Array.from({ length: n }, (_, i) => ({ id: `t${String(i).padStart(5, '0')}`, after: [`t${String((i + 1) % n).padStart(5, '0')}`] }));
  const a = analyzeCycles(graphOf(tasks));
  expect(a.cycles).toHaveLength(1);
  expect(a.cycles[0]).toHaveLength(n);
});

test('isScaffold names wg’s agency scaffolding prefixes only', () => {
  expect(['.assign-x', '.flip-x', '.evaluate-x', '.place-x'].map(isScaffold)).toEqual([true, true, true, true]);
  expect(['.verify-deferred-x', '.user-x-1', 'evaluate-x', '.merge-x'].map(isScaffold)).toEqual([false, false, false, false]);
});
