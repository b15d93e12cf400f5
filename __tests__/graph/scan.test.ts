// The graph.jsonl scanner: one JSON object per line, blank and `#` lines skipped, the first bad line named.
import { describe, expect, test } from '@jest/globals';
import { findTaskLine, scanGraph } from '../../src/graph/scan.js';
import { thrown } from '../support/thrown.js';

const GRAPH = [
  '# wg graph', // 1
  '{"kind":"task","id":"a","status":"open"}', // 2
  '', // 3
  '   ', // 4
  '  {"kind":"agent","id":"a"}  ', // 5
  '{"kind":"task","id":"b"}\r', // 6
  '{"kind":"task","id":"a","status":"done"}', // 7
].join('\n');

describe('scanGraph', () => {
  test('yields every record with its 0-based line index, in file order', () => {
    expect([...scanGraph(GRAPH, 'graph.jsonl')]).toEqual([
      { index: 1, record: { kind: 'task', id: 'a', status: 'open' } },
      { index: 4, record: { kind: 'agent', id: 'a' } },
      { index: 5, record: { kind: 'task', id: 'b' } },
      { index: 6, record: { kind: 'task', id: 'a', status: 'done' } },
    ]);
  });

  test('empty text has no records', () => {
    expect([...scanGraph('', 'g')]).toEqual([]);
  });

  test.each([
    { note: 'invalid JSON', line: '{"kind":"task",', message: /^invalid JSON: / },
    { note: 'an array', line: '[1,2]', message: /^each line must be a JSON object$/ },
    { note: 'null', line: 'null', message: /^each line must be a JSON object$/ },
    { note: 'a string', line: '"task"', message: /^each line must be a JSON object$/ },
    { note: 'a number', line: '42', message: /^each line must be a JSON object$/ },
  ])('$note is graph-line with its 1-based line', ({ line, message }) => {
    const e = thrown(() => [...scanGraph(`{"id":"ok"}\n\n${line}\n{"id":"after"}`, '.wg/graph.jsonl')]);
    expect(e).toMatchObject({ code: 'graph-line', file: '.wg/graph.jsonl', line: 3 });
    expect(e.message).toMatch(message);
  });

  test('records before a bad line are yielded first (the scan is lazy)', () => {
    const seen: string[] = [];
    expect(() => {
      for (const l of scanGraph('{"id":"a"}\nnope', 'g')) seen.push(String(l.record.id));
    }).toThrow();
    expect(seen).toEqual(['a']);
  });
});

describe('findTaskLine', () => {
  test.each([
    { note: 'the later of duplicate ids wins', id: 'a', index: 6 },
    { note: 'a single task', id: 'b', index: 5 },
    { note: 'a non-task record with the id is skipped', id: 'c', index: undefined },
  ])('$note', ({ id, index }) => {
    expect(findTaskLine(`${GRAPH}\n{"kind":"agent","id":"c"}`, 'g', id)?.index).toBe(index);
  });

  test('a bad line anywhere is an error, even after the task', () => {
    expect(thrown(() => findTaskLine(`${GRAPH}\n{bad`, 'g', 'b'))).toMatchObject({ code: 'graph-line', line: 8 });
  });
});
