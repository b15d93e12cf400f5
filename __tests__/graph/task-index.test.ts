// The graph index: the record the scan parsed for each task id (the later of duplicates), every id in file order, a bad line refused.
import { describe, expect, test } from '@jest/globals';
import { findIndexedTask, graphIndex, indexedTasks } from '../../src/graph/task-index.js';
import { tempFiles } from '../support/temp-files.js';
import { thrown } from '../support/thrown.js';

const graphFile = tempFiles('graph', '.jsonl');

/** The index of a new graph file holding `lines`. */
function indexOf(...lines: string[]) {
  return graphIndex(graphFile.write(lines), '.wg/graph.jsonl');
}

describe('graphIndex', () => {
  const index = () =>
    indexOf(
      '{"kind":"task","id":"a","title":"first a"}',
      '# a comment',
      '{"kind":"resource","id":"r"}',
      '{"kind":"task","id":"b","title":"B","tags":["x"]}',
      '',
      '{"kind":"task","id":"a","title":"second a"}',
    );

  test('a task is its last line, parsed as written', () => {
    const idx = index();
    expect(findIndexedTask(idx, 'a')).toEqual({ record: { kind: 'task', id: 'a', title: 'second a' }, line: 6 });
    expect(findIndexedTask(idx, 'b')).toEqual({ record: { kind: 'task', id: 'b', title: 'B', tags: ['x'] }, line: 4 });
  });

  test('a resource or an unknown id is no task', () => {
    const idx = index();
    expect(findIndexedTask(idx, 'r')).toBeUndefined();
    expect(findIndexedTask(idx, 'zz')).toBeUndefined();
  });

  test('every task id once, in the order of the line that defines it', () => {
    expect(indexedTasks(index())).toEqual([
      { id: 'b', line: 4 },
      { id: 'a', line: 6 },
    ]);
  });

  test('a malformed line anywhere is the answer to every lookup', () => {
    const idx = indexOf('{"kind":"task","id":"a","title":"A"}', '{"kind":"task","id":"b"', '{"kind":"task","id":"c","title":"C"}');
    expect(thrown(() => findIndexedTask(idx, 'a'))).toMatchObject({ code: 'graph-line', line: 2 });
    expect(thrown(() => indexedTasks(idx))).toMatchObject({ code: 'graph-line', line: 2 });
  });
});
