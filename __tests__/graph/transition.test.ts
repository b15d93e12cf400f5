// (src/graph/transition.ts) The done transition's line editor and graph write: only the task's line changes, every other byte stays.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { doneRefusal, editTaskLineDone, markDone, wgTimestamp } from '../../src/graph/transition.js';
import { PolicyError } from '../../src/shared/errors.js';
import { scratch } from '../support/project.js';

const AT = '2026-05-14T10:00:00.123000000+00:00';
const ENTRY = { timestamp: AT, message: 'm' };
const edit = (line: string) => editTaskLineDone(line, AT, ENTRY);

describe('editTaskLineDone', () => {
  test('sets status, appends log and completed_at, keeps everything else', () => {
    expect(edit('{"kind":"task","id":"a","status":"open","n":1.0,"s":"\\u00e9\\"}","o":{"status":"x"}}')).toBe(
      `{"kind":"task","id":"a","status":"done","n":1.0,"s":"\\u00e9\\"}","o":{"status":"x"},"completed_at":"${AT}","log":[{"timestamp":"${AT}","message":"m"}]}`,
    );
  });

  test('appends to an existing log, empty or not, and replaces completed_at', () => {
    expect(edit('{"id":"a","log":[],"completed_at":"old"}')).toBe(
      `{"id":"a","log":[{"timestamp":"${AT}","message":"m"}],"completed_at":"${AT}","status":"done"}`,
    );
    expect(edit('{"id":"a","log":[ {"message":"x"} ]}')).toBe(
      `{"id":"a","log":[ {"message":"x"} ,{"timestamp":"${AT}","message":"m"}],"status":"done","completed_at":"${AT}"}`,
    );
    expect(edit('{"id":"a","log":null}')).toBe(`{"id":"a","log":[{"timestamp":"${AT}","message":"m"}],"status":"done","completed_at":"${AT}"}`);
  });

  test('keeps spacing, and edits the last of duplicate keys (the one JSON.parse keeps)', () => {
    const out = edit('  { "id" : "a" , "status" : "open", "status": "blocked" }  ');
    expect(out).toBe(`  { "id" : "a" , "status" : "open", "status": "done" ,"completed_at":"${AT}","log":[{"timestamp":"${AT}","message":"m"}]}  `);
    expect(JSON.parse(out).status).toBe('done');
  });

  test('an object with no members', () => {
    expect(JSON.parse(edit('{}'))).toEqual({ status: 'done', completed_at: AT, log: [ENTRY] });
  });
});

test('which statuses may go to done', () => {
  for (const s of ['open', 'in-progress', 'waiting', 'blocked', 'pending-validation', 'pending-eval', 'failed-pending-eval', 'incomplete', undefined])
    expect([s, doneRefusal('t', s)]).toEqual([s, null]);
  for (const s of ['done', 'pending-review', 'abandoned', 'failed']) expect(doneRefusal('t', s)).toMatch(/^task `t` /);
});

test('wgTimestamp has wg’s form', () => {
  expect(wgTimestamp(new Date('2026-05-14T10:00:00.123Z'))).toBe(AT);
});

describe('markDone', () => {
  const cleanups: Array<() => void> = [];
  afterAll(() => cleanups.forEach((c) => c()));
  const write = (text: string) => {
    const s = scratch();
    cleanups.push(s.cleanup);
    writeFileSync(join(s.wgDir, 'graph.jsonl'), text);
    return { wgDir: s.wgDir, graph: join(s.wgDir, 'graph.jsonl') };
  };
  const now = () => new Date('2026-05-14T10:00:00.123Z');

  test('keeps CRLF line ends, comments, blank lines and the missing final newline', async () => {
    const text = '# c\r\n{"kind":"task","id":"a","title":"A","status":"open"}\r\n\r\n{"kind":"task","id":"b","title":"B"}';
    const g = write(text);
    const t = await markDone({ wgDir: g.wgDir, taskId: 'b', message: 'm', now });
    expect(t).toMatchObject({ task: 'b', from: 'open', to: 'done', completedAt: AT, line: 4 });
    expect(readFileSync(g.graph, 'utf8')).toBe(
      `# c\r\n{"kind":"task","id":"a","title":"A","status":"open"}\r\n\r\n{"kind":"task","id":"b","title":"B","status":"done","completed_at":"${AT}","log":[{"timestamp":"${AT}","message":"m"}]}`,
    );
  });

  test('a duplicate id: the later line is the task (as wg reads it) and the only one changed', async () => {
    const g = write('{"kind":"task","id":"a","title":"A","status":"open"}\n{"kind":"task","id":"a","title":"A","status":"in-progress"}\n');
    await markDone({ wgDir: g.wgDir, taskId: 'a', message: 'm', actor: 'agent-1', now });
    const [first, second] = readFileSync(g.graph, 'utf8').split('\n');
    expect(first).toBe('{"kind":"task","id":"a","title":"A","status":"open"}');
    expect(JSON.parse(second).log).toEqual([{ timestamp: AT, actor: 'agent-1', message: 'm' }]);
  });

  test('a malformed line, a missing task or a done task: nothing is written', async () => {
    const cases: Array<[string, string, string, RegExp]> = [
      ['{"kind":"task","id":"a","title":"A"}\n{oops\n', 'a', 'graph-line', /^\.wg\/graph\.jsonl:2: invalid JSON/],
      ['{"kind":"task","id":"a"}\n', 'a', 'graph-line', /^\.wg\/graph\.jsonl:1: task `a`: `title` is required/],
      ['{"kind":"resource","id":"a"}\n', 'a', 'task-not-found', /^\.wg\/graph\.jsonl: task `a` is not in \.wg\/graph\.jsonl$/],
      ['{"kind":"task","id":"a","title":"A","status":"done"}\n', 'a', 'task-status', /^\.wg\/graph\.jsonl:1: task `a` is already done$/],
    ];
    for (const [text, id, code, message] of cases) {
      const g = write(text);
      const err = await markDone({ wgDir: g.wgDir, taskId: id, message: 'm' }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(PolicyError);
      expect([(err as PolicyError).code, (err as PolicyError).format()]).toEqual([code, expect.stringMatching(message)]);
      expect(readFileSync(g.graph, 'utf8')).toBe(text);
    }
  });
});
