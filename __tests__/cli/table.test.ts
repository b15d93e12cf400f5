// Table output: aligned columns under a header, tab-separated lines for pipes, and no terminal escapes from data.
import { alignedTable, printable, tsvLine } from '../../src/cli/table.js';

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
  expect(printable('evil\x1b[2Jtask\r\n')).toBe('evil\\x1b[2Jtask\\x0d\\x0a');
  expect(alignedTable(['TASK'], [['a\x1bb']])).toEqual(['TASK', 'a\\x1bb']);
});

test('a tab-separated line cannot be split by a tab or a newline inside a field', () => {
  expect(tsvLine(['id', 'a\tb', 'c\nd'])).toBe('id\ta\\x09b\tc\\x0ad');
  expect(tsvLine(['id', 'a\tb']).split('\t')).toHaveLength(2);
});
