// The graph.jsonl scanner: one node per line as wg deserializes it, blank and `#` lines skipped, the first bad line named.
import { describe, expect, test } from '@jest/globals';
import { findTaskLine, scanGraph } from '../../src/graph/scan.js';
import { thrown } from '../support/thrown.js';

const GRAPH = [
  '# wg graph', // 1
  '{"kind":"task","id":"a","title":"A","status":"open"}', // 2
  '', // 3
  '   ', // 4
  '  {"kind":"actor","id":"a"}  ', // 5
  '{"kind":"task","id":"b","title":"B"}\r', // 6
  '{"kind":"task","id":"a","title":"A","status":"done"}', // 7
].join('\n');

describe('scanGraph', () => {
  test('yields every record with its 0-based line index, in file order', () => {
    expect([...scanGraph(GRAPH, 'graph.jsonl')]).toEqual([
      { index: 1, record: { kind: 'task', id: 'a', title: 'A', status: 'open' } },
      { index: 4, record: { kind: 'actor', id: 'a' } },
      { index: 5, record: { kind: 'task', id: 'b', title: 'B' } },
      { index: 6, record: { kind: 'task', id: 'a', title: 'A', status: 'done' } },
    ]);
  });

  test('test_load_empty_file, test_load_whitespace_only_file, test_load_comments_only_file: no records', () => {
    for (const text of ['', '   \n  \t  \n\n   \n', '# comment 1\n# comment 2\n# comment 3\n']) expect([...scanGraph(text, 'g')]).toEqual([]);
  });

  test('test_load_mixed_line_endings_crlf / _mixed, test_load_interleaved_comments_and_tasks, test_load_file_with_trailing_newlines', () => {
    const text =
      '# Header\r\n{"id":"t1","kind":"task","title":"CRLF","status":"open"}\r\n# mid\n\n{"id":"t2","kind":"task","title":"LF","status":"done"}\n\n\n';
    expect([...scanGraph(text, 'g')].map((l) => l.record.id)).toEqual(['t1', 't2']);
  });

  test('test_load_bare_opening_brace and test_load_invalid_json_on_specific_lines: the line is named', () => {
    const ok = '{"id":"t","kind":"task","title":"OK","status":"open"}';
    expect(thrown(() => [...scanGraph(`${ok}\n${ok}\n${ok}\nthis is not json at all\n`, 'g')])).toMatchObject({ code: 'graph-line', line: 4 });
    expect(thrown(() => [...scanGraph('{\n', 'g')])).toMatchObject({ code: 'graph-line', line: 1 });
  });

  test.each([
    { note: 'test_load_truncated_single_line: invalid JSON', line: '{"kind":"task",', message: /^invalid JSON: .*wg would load no task at all$/ },
    { note: 'test_load_json_array_instead_of_object: an array', line: '[1,2]', message: /^each line must be a JSON object; / },
    { note: 'null', line: 'null', message: /^each line must be a JSON object; / },
    { note: 'a string', line: '"task"', message: /^each line must be a JSON object; / },
    { note: 'a number', line: '42', message: /^each line must be a JSON object; / },
  ])('$note is graph-line with its 1-based line', ({ line, message }) => {
    const e = thrown(() => [...scanGraph(`{"kind":"task","id":"ok","title":"x"}\n\n${line}\n{"id":"after"}`, '.wg/graph.jsonl')]);
    expect(e).toMatchObject({ code: 'graph-line', file: '.wg/graph.jsonl', line: 3 });
    expect(e.message).toMatch(message);
  });

  // wg's load_graph fails on any of these lines (test_load_* in wg's parser.rs), so wg loads no task at all.
  test.each([
    { note: 'test_load_valid_json_but_wrong_schema: no kind', line: '{"foo":"bar","baz":42}', key: 'kind', message: '`kind` is required' },
    { note: 'test_load_unknown_kind', line: '{"id":"x1","kind":"unknown_type","title":"Mystery"}', key: 'kind', message: '"unknown_type"' },
    { note: 'test_load_task_missing_title', line: '{"id":"t1","kind":"task","status":"open"}', key: 'title', message: 'task `t1`: `title` is required' },
    { note: 'test_load_task_missing_id', line: '{"kind":"task","title":"No ID","status":"open"}', key: 'id', message: '`id` is required' },
    { note: 'an unknown status', line: '{"id":"t","kind":"task","title":"x","status":"bogus"}', key: 'status', message: 'not `bogus`' },
    { note: 'status is case-sensitive', line: '{"id":"t","kind":"task","title":"x","status":"Open"}', key: 'status', message: 'not `Open`' },
    { note: 'a null status', line: '{"id":"t","kind":"task","title":"x","status":null}', key: 'status', message: '`status`' },
    { note: 'tags as a string', line: '{"id":"t","kind":"task","title":"x","tags":"foo"}', key: 'tags', message: '`tags` must be a list' },
    { note: 'a tag that is a number', line: '{"id":"t","kind":"task","title":"x","tags":["a",1]}', key: 'tags[1]', message: 'must be a string' },
    { note: 'a title that is a number', line: '{"id":"t","kind":"task","title":5}', key: 'title', message: '`title` must be a string' },
    { note: 'a negative retry_count', line: '{"id":"t","kind":"task","title":"x","retry_count":-1}', key: 'retry_count', message: '`retry_count`' },
    { note: 'paused as a string', line: '{"id":"t","kind":"task","title":"x","paused":"yes"}', key: 'paused', message: 'must be a boolean' },
    { note: 'a timeout that is a number', line: '{"id":"t","kind":"task","title":"x","timeout":30}', key: 'timeout', message: 'must be a string' },
    {
      note: 'a log entry without a message',
      line: '{"id":"t","kind":"task","title":"x","log":[{"timestamp":"now"}]}',
      key: 'log[0].message',
      message: 'is required',
    },
    { note: 'an unknown failure_class', line: '{"id":"t","kind":"task","title":"x","failure_class":"oops"}', key: 'failure_class', message: 'not `oops`' },
    { note: 'a resource without an id', line: '{"kind":"resource","name":"Budget"}', key: 'id', message: '`id` is required' },
  ])('$note', ({ line, key, message }) => {
    const e = thrown(() => [...scanGraph(`${line}\n`, '.wg/graph.jsonl')]);
    expect(e).toMatchObject({ code: 'graph-line', file: '.wg/graph.jsonl', line: 1, key });
    expect(e.message).toContain(message);
    expect(e.message).toContain("wg's graph loader fails on this line");
  });

  test.each([
    { note: 'test_load_skips_legacy_actor_nodes', line: '{"id":"erik","kind":"actor","name":"Erik"}' },
    { note: 'test_load_resource_node', line: '{"id":"r1","kind":"resource","name":"Budget","type":"currency","available":1000.0,"unit":"USD"}' },
    { note: 'test_load_extra_json_fields_are_ignored', line: '{"id":"t1","kind":"task","title":"Test","status":"open","unknown_field":"value","another":42}' },
    { note: 'pending-review is a status wg reads (as done)', line: '{"id":"t1","kind":"task","title":"T","status":"pending-review"}' },
    { note: 'nulls for optional strings are none', line: '{"id":"t1","kind":"task","title":"T","model":null,"failure_class":null,"max_retries":null}' },
    { note: 'test_load_legacy_identity_migration', line: '{"id":"t1","kind":"task","title":"L","identity":{"role_id":"r1","motivation_id":"m1"}}' },
    { note: 'priority of any type never fails', line: '{"id":"t1","kind":"task","title":"T","priority":{"x":1}}' },
  ])('$note loads', ({ line }) => {
    expect([...scanGraph(`${line}\n`, 'g')]).toHaveLength(1);
  });

  test('records before a bad line are yielded first (the scan is lazy)', () => {
    const seen: string[] = [];
    expect(() => {
      for (const l of scanGraph('{"kind":"task","id":"a","title":"A"}\nnope', 'g')) seen.push(String(l.record.id));
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
    expect(findTaskLine(`${GRAPH}\n{"kind":"resource","id":"c"}`, 'g', id)?.index).toBe(index);
  });

  test('a bad line anywhere is an error, even after the task', () => {
    expect(thrown(() => findTaskLine(`${GRAPH}\n{bad`, 'g', 'b'))).toMatchObject({ code: 'graph-line', line: 8 });
  });
});
