// Table output: aligned columns under a header, tab-separated lines for pipes, and no terminal escapes from data.
import { alignedTable, MAX_WIDTH, printable, tsvLine } from '../../src/cli/table.js';

test('columns line up under the header; the last column is not padded', () => {
  const lines = alignedTable(
    ['ID', 'TASK', 'RESULT'],
    [
      ['a1', 'fix-login', 'executor=claude'],
      ['b22222', 't', 'DENIED by done.scenario-broken'],
    ],
  );
  expect(lines).toEqual(['ID      TASK       RESULT', 'a1      fix-login  executor=claude', 'b22222  t          DENIED by done.scenario-broken']);
});

test('styling a cell never shifts the alignment', () => {
  const lines = alignedTable(['A', 'B'], [['x', 'y']], (text, row) => (row < 0 ? `<${text}>` : text));
  expect(lines).toEqual(['<A>  <B>', 'x  y']);
});

test('control characters in data (an agent-written task id) are shown escaped, never sent to the terminal', () => {
  expect(printable('evil\x1b[2Jtask\r\n')).toBe('evil\\u001b[2Jtask\\u000d\\u000a');
  expect(alignedTable(['TASK'], [['a\x1bb']])).toEqual(['TASK', 'a\\u001bb']);
});

test('a tab-separated line cannot be split by a tab or a newline inside a field', () => {
  expect(tsvLine(['id', 'a\tb', 'c\nd'])).toBe('id\ta\\u0009b\tc\\u000ad');
  expect(tsvLine(['id', 'a\tb']).split('\t')).toHaveLength(2);
});

test('invisible characters that reorder or break a line (bidi overrides and isolates, U+2028) are shown escaped too', () => {
  expect(printable('task\u202eexe.txt\u2028next\u2066x\u2069')).toBe('task\\u202eexe.txt\\u2028next\\u2066x\\u2069');
  expect(printable('café ✓ 日本')).toBe('café ✓ 日本');
});

test('a cell wider than the column cap runs on in its own row; the others are padded to the cap, not to it', () => {
  const long = 'x'.repeat(MAX_WIDTH * 50);
  const lines = alignedTable(
    ['TASK', 'RESULT'],
    [
      [long, 'a'],
      ['t', 'b'],
    ],
  );
  expect(lines).toEqual([`TASK${' '.repeat(MAX_WIDTH - 4)}  RESULT`, `${long}  a`, `t${' '.repeat(MAX_WIDTH - 1)}  b`]);
});
