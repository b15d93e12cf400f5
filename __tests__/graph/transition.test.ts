// (src/graph/transition.ts) The done transition's line editor and graph write: only the task's line changes, every other byte stays.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyTransition, editTaskLine, wgTimestamp } from '../../src/graph/transition.js';
import { PolicyError } from '../../src/shared/errors.js';
import { scratch } from '../support/project.js';

const AT = '2026-05-14T10:00:00.123000000+00:00';
const ENTRY = { timestamp: AT, message: 'm' };
const edit = (line: string, status = 'done') => editTaskLine(line, status, AT, ENTRY);

describe('editTaskLine', () => {
  test('sets status, appends log and completed_at, keeps everything else', () => {
    expect(edit('{"kind":"task","id":"a","title":"t","status":"open","n":1.0,"s":"\\u00e9\\"}","o":{"status":"x"}}')).toBe(
      `{"kind":"task","id":"a","title":"t","status":"done","n":1.0,"s":"\\u00e9\\"}","o":{"status":"x"},"completed_at":"${AT}","log":[{"timestamp":"${AT}","message":"m"}]}`,
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

  test('writes the status it is given (pending-eval, pending-validation)', () => {
    expect(JSON.parse(edit('{"id":"a","status":"open"}', 'pending-eval')).status).toBe('pending-eval');
    expect(JSON.parse(edit('{"id":"a"}', 'pending-validation')).status).toBe('pending-validation');
  });
});

test('wgTimestamp has wg’s form', () => {
  expect(wgTimestamp(new Date('2026-05-14T10:00:00.123Z'))).toBe(AT);
});

describe('applyTransition', () => {
  const cleanups: Array<() => void> = [];
  afterAll(() => cleanups.forEach((c) => c()));
  const write = (text: string) => {
    const s = scratch();
    cleanups.push(s.cleanup);
    writeFileSync(join(s.wgDir, 'graph.jsonl'), text);
    return { wgDir: s.wgDir, graph: join(s.wgDir, 'graph.jsonl') };
  };
  const now = () => new Date('2026-05-14T10:00:00.123Z');
  const apply = (wgDir: string, taskId: string, expect: Record<string, string | null>, to = 'done') =>
    applyTransition({ wgDir, taskId, to, message: 'm', user: 'alice', expect, now });

  test('keeps CRLF line ends, comments, blank lines and the missing final newline', async () => {
    const text = '# c\r\n{"kind":"task","id":"a","title":"t","status":"open"}\r\n\r\n{"kind":"task","id":"b","title":"t"}';
    const g = write(text);
    const r = await apply(g.wgDir, 'b', { b: 'open' });
    expect(r).toMatchObject({ written: true, transition: { task: 'b', from: 'open', to: 'done', completedAt: AT, message: 'm', line: 4 } });
    expect(readFileSync(g.graph, 'utf8')).toBe(
      `# c\r\n{"kind":"task","id":"a","title":"t","status":"open"}\r\n\r\n{"kind":"task","id":"b","title":"t","status":"done","completed_at":"${AT}","log":[{"timestamp":"${AT}","user":"alice","message":"m"}]}`,
    );
  });

  test('wg’s log entry: actor is the task’s `assigned` (omitted when unset), then user, then message', async () => {
    const g = write('{"kind":"task","id":"a","title":"t","status":"in-progress","assigned":"agent-7"}\n');
    await apply(g.wgDir, 'a', { a: 'in-progress' }, 'pending-eval');
    const t = JSON.parse(readFileSync(g.graph, 'utf8').split('\n')[0]);
    expect(t.status).toBe('pending-eval');
    expect(JSON.stringify(t.log)).toBe(`[{"timestamp":"${AT}","actor":"agent-7","user":"alice","message":"m"}]`);
  });

  test('a duplicate id: the later line is the task (as wg reads it) and the only one changed', async () => {
    const g = write('{"kind":"task","id":"a","title":"t","status":"open"}\n{"kind":"task","id":"a","title":"t","status":"in-progress","assigned":"agent-1"}\n');
    await apply(g.wgDir, 'a', { a: 'in-progress' });
    const [first, second] = readFileSync(g.graph, 'utf8').split('\n');
    expect(first).toBe('{"kind":"task","id":"a","title":"t","status":"open"}');
    expect(JSON.parse(second).log).toEqual([{ timestamp: AT, actor: 'agent-1', user: 'alice', message: 'm' }]);
  });

  test('a task done meanwhile is wg’s no-op: nothing is written', async () => {
    for (const status of ['done', 'pending-review']) {
      const text = `{"kind":"task","id":"a","title":"t","status":"${status}"}\n`;
      const g = write(text);
      expect(await apply(g.wgDir, 'a', { a: 'open' })).toEqual({ written: false, alreadyDone: true, line: 1 });
      expect(readFileSync(g.graph, 'utf8')).toBe(text);
    }
  });

  test('a malformed line, a missing task, an unknown status, or a status that changed since the decision: nothing is written', async () => {
    const cases: Array<[string, string, Record<string, string | null>, string, RegExp]> = [
      ['{"kind":"task","id":"a","title":"t"}\n{oops\n', 'a', {}, 'graph-line', /^\.wg\/graph\.jsonl:2: invalid JSON/],
      ['{"kind":"resource","id":"a"}\n', 'a', {}, 'task-not-found', /^\.wg\/graph\.jsonl: task `a` is not in \.wg\/graph\.jsonl$/],
      [
        '{"kind":"task","id":"a","title":"t","status":"closed"}\n',
        'a',
        {},
        'graph-line',
        /^\.wg\/graph\.jsonl:1: task `a`: `status` must be one of .* not `closed`/,
      ],
      [
        '{"kind":"task","id":"a","title":"t","status":"abandoned"}\n',
        'a',
        { a: 'in-progress' },
        'task-status',
        /^\.wg\/graph\.jsonl:1: task `a` changed while the gate ran \(in-progress → abandoned\); nothing was written/,
      ],
      [
        '{"kind":"task","id":"a","title":"t","status":"open"}\n{"kind":"task","id":".evaluate-a","title":"t","status":"done"}\n',
        'a',
        { a: 'open', '.evaluate-a': 'open' },
        'task-status',
        /^\.wg\/graph\.jsonl:2: task `\.evaluate-a` changed while the gate ran \(open → done\)/,
      ],
      [
        '{"kind":"task","id":"a","title":"t","status":"open"}\n',
        'a',
        { a: 'open', '.evaluate-a': 'open' },
        'task-status',
        /`\.evaluate-a` changed .*\(open → absent\)/,
      ],
    ];
    for (const [text, id, expected, code, message] of cases) {
      const g = write(text);
      const err = await apply(g.wgDir, id, expected).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(PolicyError);
      expect([(err as PolicyError).code, (err as PolicyError).format()]).toEqual([code, expect.stringMatching(message)]);
      expect(readFileSync(g.graph, 'utf8')).toBe(text);
    }
  });
});
