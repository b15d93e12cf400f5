// (src/graph/graph.ts) The whole graph as `wg done` reads it: statuses (with the legacy spelling), `after` (and `blocked_by`), the last line wins.
import { readGraph, statusDebugName, WG_STATUSES } from '../../src/graph/graph.js';
import { PolicyError } from '../../src/shared/errors.js';

const line = (o: Record<string, unknown>) => JSON.stringify({ kind: 'task', title: 't', ...o });

test('every wg status reads as itself; absent is open; pending-review is done; the last line of an id wins', () => {
  const text = [
    ...Object.keys(WG_STATUSES).map((s) => line({ id: s, status: s })),
    line({ id: 'none' }),
    line({ id: 'legacy', status: 'pending-review' }),
    line({ id: 'dup', status: 'open' }),
    '{"kind":"resource","id":"gpu"}',
    line({ id: 'dup', status: 'failed' }),
  ].join('\n');
  const g = readGraph(text, 'g.jsonl');
  for (const s of Object.keys(WG_STATUSES)) expect(g.get(s)?.status).toBe(s);
  expect([g.get('none')?.status, g.get('legacy')?.status, g.get('dup')?.status, g.get('dup')?.line, g.has('gpu')]).toEqual([
    'open',
    'done',
    'failed',
    16,
    false,
  ]);
});

test('`blocked_by` is wg’s alias of `after`; repeats are kept', () => {
  const g = readGraph([line({ id: 'a', blocked_by: ['x'] }), line({ id: 'b', after: ['x', 'x'] })].join('\n'), 'g.jsonl');
  expect([g.get('a')?.after, g.get('b')?.after]).toEqual([['x'], ['x', 'x']]);
});

test.each([
  { note: 'an unknown status', text: line({ id: 'a', status: 'closed' }), message: /`status`.*closed/, key: 'status' },
  { note: 'a null status', text: line({ id: 'a', status: null }), message: /`status`/, key: 'status' },
  { note: '`after` that is not a list of ids', text: line({ id: 'a', after: 'b' }), message: /`after`/, key: 'after' },
])('$note is refused as wg’s loader refuses it (graph-line, file and line)', ({ text, message, key }) => {
  let err: unknown;
  try {
    readGraph(`\n${text}\n`, 'g.jsonl');
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(PolicyError);
  expect(err).toMatchObject({ code: 'graph-line', file: 'g.jsonl', line: 2, key, message: expect.stringMatching(message) });
});

test('statusDebugName prints wg’s Rust variant names', () => {
  expect(['open', 'in-progress', 'pending-eval', 'failed-pending-eval'].map(statusDebugName)).toEqual([
    'Open',
    'InProgress',
    'PendingEval',
    'FailedPendingEval',
  ]);
});
