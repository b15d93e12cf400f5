// wg's cycle analysis for `wg done`: strongly connected components over `after` edges, agency scaffolding left out, self-loops kept.
import type { GraphTask } from './graph.js';

/** Agency scaffolding tasks are never cycle members (wg's `is_agency_scaffold_task`). */
const SCAFFOLD = ['.assign-', '.flip-', '.evaluate-', '.place-'];

export const isScaffold = (id: string): boolean => SCAFFOLD.some((p) => id.startsWith(p));

/** The cycles of a graph: each cycle's members sorted by id, and the cycle index of every member. */
export interface CycleAnalysis {
  cycles: string[][];
  cycleOf: Map<string, number>;
}

/**
 * Tarjan's SCC over the non-scaffold tasks, nodes numbered in id order, with the edge `dep → t` for every `dep` in
 * `t.after` that is a non-scaffold task. A cycle is an SCC with more than one member, or one member with a self-edge.
 */
export function analyzeCycles(tasks: ReadonlyMap<string, GraphTask>): CycleAnalysis {
  const ids = [...tasks.keys()].filter((id) => !isScaffold(id)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const num = new Map(ids.map((id, i) => [id, i]));
  const out: number[][] = ids.map(() => []);
  const selfLoop = new Set<number>();
  for (const id of ids) {
    const t = num.get(id)!;
    for (const dep of tasks.get(id)!.after) {
      const d = num.get(dep);
      if (d === undefined) continue;
      out[d].push(t);
      if (d === t) selfLoop.add(t);
    }
  }
  // Iterative Tarjan: a long chain must not overflow the stack.
  const index = new Array<number>(ids.length).fill(-1);
  const low = new Array<number>(ids.length).fill(0);
  const onStack = new Array<boolean>(ids.length).fill(false);
  const stack: number[] = [];
  const sccs: number[][] = [];
  let next = 0;
  for (let root = 0; root < ids.length; root++) {
    if (index[root] !== -1) continue;
    const work: Array<[number, number]> = [[root, 0]];
    while (work.length) {
      const frame = work[work.length - 1];
      const [v, i] = frame;
      if (i === 0) {
        index[v] = low[v] = next++;
        stack.push(v);
        onStack[v] = true;
      }
      if (i < out[v].length) {
        frame[1]++;
        const w = out[v][i];
        if (index[w] === -1) work.push([w, 0]);
        else if (onStack[w]) low[v] = Math.min(low[v], index[w]);
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1][0];
        low[parent] = Math.min(low[parent], low[v]);
      }
      if (low[v] === index[v]) {
        const scc: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = false;
          scc.push(w);
        } while (w !== v);
        sccs.push(scc);
      }
    }
  }
  const cycles = sccs
    .filter((s) => s.length > 1 || selfLoop.has(s[0]))
    .map((s) => s.sort((a, b) => a - b))
    .sort((a, b) => a[0] - b[0])
    .map((s) => s.map((n) => ids[n]));
  const cycleOf = new Map<string, number>();
  cycles.forEach((members, i) => members.forEach((m) => cycleOf.set(m, i)));
  return { cycles, cycleOf };
}
