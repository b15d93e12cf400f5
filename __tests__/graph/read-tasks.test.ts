// Reading a task from graph.jsonl or a task JSON file: codes with file, line and key; wg's lenient priority.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { normalizePriority, readTaskFromGraph, readTaskFromJson, readTaskFromObject } from '../../src/graph/read-tasks.js';
import { thrown } from '../support/thrown.js';

let dir: string;
let n = 0;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wgp-tasks-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Reads task `id` from a graph holding `lines`, shown as `.wg/graph.jsonl`. */
function fromGraph(id: string, ...lines: string[]) {
  const path = join(dir, `graph${n++}.jsonl`);
  writeFileSync(path, lines.join('\n'));
  return readTaskFromGraph(path, '.wg/graph.jsonl', id);
}

describe('normalizePriority', () => {
  test.each([
    [0, 0],
    [7, 7],
    [0xffffffff, 0xffffffff],
    [0x100000000, 10],
    [-1, 10],
    [1.5, 10],
    [Number.NaN, 10],
    ['critical', 100],
    ['HIGH', 50],
    ['normal', 10],
    ['Low', 5],
    ['idle', 0],
    ['urgent', 10],
    ['50', 10],
    ['toString', 10],
    [null, 10],
    [undefined, 10],
    [true, 10],
  ])('%j → %i', (value, want) => {
    expect(normalizePriority(value)).toBe(want);
  });
});

describe('readTaskFromGraph', () => {
  test('finds the task, with its file and 1-based line; priority normalised, nulls dropped, other fields kept', () => {
    const loaded = fromGraph(
      't1',
      '# graph',
      '{"kind":"task","id":"t0","title":"T0"}',
      '{"kind":"task","id":"t1","title":"T1","exec":null,"priority":"high","model":"claude:opus","custom":{"x":1},"tags":["a"]}',
    );
    expect(loaded).toEqual({
      file: '.wg/graph.jsonl',
      line: 3,
      task: { kind: 'task', id: 't1', title: 'T1', priority: 50, model: 'claude:opus', custom: { x: 1 }, tags: ['a'] },
    });
    expect(loaded.task).not.toHaveProperty('exec');
  });

  test('a missing priority is normal (10)', () => {
    expect(fromGraph('t', '{"kind":"task","id":"t","title":"x"}').task.priority).toBe(10);
  });

  test.each([
    {
      note: 'an unknown task',
      id: 'nope',
      lines: ['{"kind":"task","id":"t","title":"x"}'],
      want: { code: 'task-not-found', key: 'nope', message: 'task `nope` is not in .wg/graph.jsonl' },
    },
    { note: 'an id on a non-task line only', id: 'ag', lines: ['{"kind":"actor","id":"ag"}'], want: { code: 'task-not-found', key: 'ag' } },
    { note: 'a malformed line', id: 't', lines: ['{"kind":"task","id":"t","title":"x"}', '{oops'], want: { code: 'graph-line', line: 2 } },
    {
      note: 'a field of the wrong type (wg cannot load the graph)',
      id: 't',
      lines: ['', '{"kind":"task","id":"t","title":"x","model":5}'],
      want: { code: 'graph-line', line: 2, key: 'model', message: expect.stringContaining('task `t`: `model` must be a string, not number 5') },
    },
    {
      note: 'tags that are not a list',
      id: 't',
      lines: ['{"kind":"task","id":"t","title":"x","tags":"a,b"}'],
      want: { code: 'graph-line', line: 1, key: 'tags' },
    },
    {
      note: 'a tag that is not a string',
      id: 't',
      lines: ['{"kind":"task","id":"t","title":"x","tags":["a",1]}'],
      want: { code: 'graph-line', key: 'tags[1]' },
    },
  ])('$note → $want.code', ({ id, lines, want }) => {
    expect(thrown(() => fromGraph(id, ...lines))).toMatchObject({ file: '.wg/graph.jsonl', ...want });
  });

  test('test_load_non_utf8_file: a graph that is not UTF-8 is graph-line (wg cannot read it)', () => {
    const path = join(dir, `graph${n++}.jsonl`);
    writeFileSync(path, Buffer.concat([Buffer.from('{"kind":"task","id":"t1","title":"'), Buffer.from([0xff, 0xfe, 0x80]), Buffer.from('"}\n')]));
    expect(thrown(() => readTaskFromGraph(path, '.wg/graph.jsonl', 't1'))).toMatchObject({ code: 'graph-line', file: '.wg/graph.jsonl' });
  });

  test('a missing graph is file-unreadable with help pointing at --task-json', () => {
    const e = thrown(() => readTaskFromGraph(join(dir, 'none.jsonl'), '.wg/graph.jsonl', 't'));
    expect(e).toMatchObject({ code: 'file-unreadable', file: '.wg/graph.jsonl', help: expect.stringContaining('--task-json') });
  });
});

describe('readTaskFromJson', () => {
  test('reads one task object; no line', () => {
    expect(readTaskFromJson('{"id":"t","priority":"critical","exec_mode":null}', 'task.json')).toEqual({ file: 'task.json', task: { id: 't', priority: 100 } });
    expect(readTaskFromJson('{"id":"t"}', '-', 't').task.id).toBe('t');
  });

  test.each([
    { note: 'invalid JSON', text: '{"id":', want: { code: 'task-json', message: expect.stringMatching(/^invalid JSON: /) } },
    { note: 'a list', text: '[{"id":"t"}]', want: { code: 'task-json', message: 'the task must be a JSON object' } },
    { note: 'null', text: 'null', want: { code: 'task-json', message: 'the task must be a JSON object' } },
    { note: 'no id', text: '{"title":"x"}', want: { code: 'task-field', key: 'id', message: 'task field `id` is required' } },
    { note: 'an empty id', text: '{"id":""}', want: { code: 'task-field', key: 'id', message: 'task field `id` must not be empty' } },
    {
      note: 'a wrong field type',
      text: '{"id":"t","status":["open"]}',
      want: { code: 'task-field', key: 'status', message: 'task field `status` must be a string, not a list' },
    },
  ])('$note → $want.code', ({ text, want }) => {
    expect(thrown(() => readTaskFromJson(text, 'task.json'))).toMatchObject({ file: 'task.json', ...want });
  });

  test('an id other than the one asked for is task-json on key id', () => {
    expect(thrown(() => readTaskFromJson('{"id":"other"}', 'task.json', 't'))).toMatchObject({
      code: 'task-json',
      key: 'id',
      message: 'task id `other` does not match the requested `t`',
    });
  });
});

// serde_json (wg's JSON reader) stops at 128 levels; deeper task data is bad input, whichever way it arrives (found in
// review: an object task 5,000 levels deep was an internal error in serve and the library, the same JSON text a plan).
describe('a task nested deeper than wg reads is task-field naming the field, by every path', () => {
  const nest = (levels: number) => {
    let v: unknown = 1;
    for (let i = 0; i < levels; i++) v = { a: v };
    return v;
  };
  const task = (levels: number) => ({ id: 't', title: 'x', extra: nest(levels) });

  test.each([200, 5_000, 200_000])('%i levels', (levels) => {
    const want = { code: 'task-field', key: 'extra', message: 'task field `extra` nests deeper than 128 levels, which wg cannot read' };
    expect(thrown(() => readTaskFromObject(task(levels), '(task object)'))).toMatchObject(want);
    // The JSON text of it (built by hand: JSON.stringify itself recurses).
    const text = `{"id":"t","title":"x","extra":${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}}`;
    expect(thrown(() => readTaskFromJson(text, 'task.json'))).toMatchObject({ ...want, file: 'task.json' });
  });

  test('127 levels below the task (128 with it) are read; one more is refused', () => {
    expect(readTaskFromObject(task(127), '(task object)').task.id).toBe('t');
    expect(readTaskFromJson(JSON.stringify(task(127)), 'task.json').task.id).toBe('t');
    expect(thrown(() => readTaskFromObject(task(128), '(task object)'))).toMatchObject({ code: 'task-field' });
    expect(thrown(() => readTaskFromJson(JSON.stringify(task(128)), 'task.json'))).toMatchObject({ code: 'task-field' });
  });
});
