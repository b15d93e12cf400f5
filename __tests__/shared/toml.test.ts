// The TOML adapter: syntax errors with line and column, positions of any key path, refusal of hostile nesting.
import { describe, expect, test } from '@jest/globals';
import { MAX_DEPTH, parseToml } from '../../src/shared/toml.js';
import { thrown } from '../support/thrown.js';

describe('parseToml: data and syntax errors', () => {
  test('parses data and keeps the file name', () => {
    const src = parseToml('a = 1\n[t]\nb = "x"\n', 'c.toml');
    expect(src.data).toEqual({ a: 1, t: { b: 'x' } });
    expect(src.file).toBe('c.toml');
  });

  test.each([
    { note: 'missing value', text: 'a = 1\nb =\n', line: 2 },
    { note: 'double equals', text: '\n\nkey = = 2\n', line: 3 },
    { note: 'unclosed table header', text: '[dispatcher\nmodel = "x"\n', line: 1 },
    { note: 'duplicate key', text: 'a = 1\na = 2\n', line: 2 },
  ])('$note is toml-syntax at line $line', ({ text, line }) => {
    const e = thrown(() => parseToml(text, 'c.toml'));
    expect(e).toMatchObject({ code: 'toml-syntax', file: 'c.toml', line, column: expect.any(Number) });
    expect(e.message).toMatch(/^invalid TOML: /);
    expect(e.message).not.toMatch(/\n/);
  });
});

const CONFIG = [
  '# comment', // 1
  'title = "x"', // 2
  '[dispatcher]', // 3
  'model = "claude:opus"', // 4
  '  executor = "native"', // 5
  '[llm_endpoints]', // 6
  'inherit_global = true', // 7
  '[[llm_endpoints.endpoints]]', // 8
  'name = "a"', // 9
  'url = "http://a"', // 10
  '[[llm_endpoints.endpoints]]', // 11
  'name = "b"', // 12
  'opts = { x = 1, y = { z = 2 } }', // 13
  '[agent.sub]', // 14
  'a.b.c = 1', // 15
  '"quoted.key" = 2', // 16
  'list = [[1, 2], [3]]', // 17
  '  \'single\' . "double" = 3', // 18
].join('\n');

describe('positionOf', () => {
  const src = parseToml(CONFIG, 'c.toml');
  test.each<{ note: string; path: PropertyKey[]; want: { line: number; column: number } | undefined }>([
    { note: 'a top-level key', path: ['title'], want: { line: 2, column: 1 } },
    { note: 'a table header', path: ['dispatcher'], want: { line: 3, column: 1 } },
    { note: 'a key in a table', path: ['dispatcher', 'model'], want: { line: 4, column: 1 } },
    { note: 'an indented key: its column', path: ['dispatcher', 'executor'], want: { line: 5, column: 3 } },
    { note: 'a missing key falls back to its table', path: ['dispatcher', 'nope'], want: { line: 3, column: 1 } },
    { note: 'an array of tables: the first header', path: ['llm_endpoints', 'endpoints'], want: { line: 8, column: 1 } },
    { note: 'an array-of-tables entry by index', path: ['llm_endpoints', 'endpoints', 1], want: { line: 11, column: 1 } },
    { note: 'a key in the first entry', path: ['llm_endpoints', 'endpoints', 0, 'url'], want: { line: 10, column: 1 } },
    { note: 'a key in the second entry', path: ['llm_endpoints', 'endpoints', 1, 'name'], want: { line: 12, column: 1 } },
    { note: 'a missing key in an entry falls back to the entry', path: ['llm_endpoints', 'endpoints', 1, 'url'], want: { line: 11, column: 1 } },
    { note: 'an inline table falls back to its key', path: ['llm_endpoints', 'endpoints', 1, 'opts', 'y', 'z'], want: { line: 13, column: 1 } },
    { note: 'a dotted key', path: ['agent', 'sub', 'a', 'b', 'c'], want: { line: 15, column: 1 } },
    { note: 'part of a dotted key', path: ['agent', 'sub', 'a', 'b'], want: { line: 14, column: 1 } },
    { note: 'a quoted key holding a dot', path: ['agent', 'sub', 'quoted.key'], want: { line: 16, column: 1 } },
    { note: 'quoted dotted segments', path: ['agent', 'sub', 'single', 'double'], want: { line: 18, column: 3 } },
    { note: 'nested arrays fall back to the key', path: ['agent', 'sub', 'list', 0, 1], want: { line: 17, column: 1 } },
    { note: 'an unknown top-level key', path: ['nope'], want: undefined },
    { note: 'the empty path', path: [], want: undefined },
  ])('$note', ({ path, want }) => {
    expect(src.positionOf(path)).toEqual(want);
  });

  test('nested arrays of tables count per parent entry', () => {
    const text = [
      '[[fruit]]',
      'name = "apple"',
      '[[fruit.variety]]',
      'name = "red"',
      '[[fruit.variety]]',
      'name = "green"',
      '[[fruit]]',
      'name = "banana"',
      '[[fruit.variety]]',
      'name = "plantain"',
    ].join('\n');
    const fruit = parseToml(text, 'f.toml');
    expect(fruit.data).toEqual({
      fruit: [
        { name: 'apple', variety: [{ name: 'red' }, { name: 'green' }] },
        { name: 'banana', variety: [{ name: 'plantain' }] },
      ],
    });
    expect(fruit.positionOf(['fruit', 0, 'variety', 1, 'name'])?.line).toBe(6);
    expect(fruit.positionOf(['fruit', 1, 'name'])?.line).toBe(8);
    expect(fruit.positionOf(['fruit', 1, 'variety', 0, 'name'])?.line).toBe(10);
  });

  test('lines inside a multi-line string are not keys', () => {
    const text = ['a = """', 'b = 1', '"""', 'b = 2', "c = '''", '[x]', "'''", 'd = 3'].join('\n');
    const s = parseToml(text, 'm.toml');
    expect(s.data).toEqual({ a: 'b = 1\n', b: 2, c: '[x]\n', d: 3 });
    expect(s.positionOf(['b'])?.line).toBe(4);
    expect(s.positionOf(['d'])).toEqual({ line: 8, column: 1 });
  });

  test('CRLF line endings count lines the same', () => {
    const s = parseToml('a = 1\r\n[t]\r\nb = 2\r\n', 'w.toml');
    expect(s.positionOf(['t', 'b'])).toEqual({ line: 3, column: 1 });
  });
});

describe('nesting limits', () => {
  const deepKey = (n: number) => `${Array.from({ length: n }, (_, i) => `k${i}`).join('.')} = 1`;
  const deepArray = (n: number) => `x = ${'['.repeat(n)}${']'.repeat(n)}`;
  const deepInline = (n: number) => `x = ${'{ a = '.repeat(n)}1${' }'.repeat(n)}`;

  test.each([
    { note: 'a dotted key', text: `a = 1\n${deepKey(MAX_DEPTH + 1)}\n`, line: 2 },
    { note: 'a table header', text: `[${Array.from({ length: MAX_DEPTH + 1 }, () => 'h').join('.')}]\n`, line: 1 },
    { note: 'an array-of-tables header', text: `a = 1\n[[${Array.from({ length: MAX_DEPTH + 1 }, () => 'h').join('.')}]]\n`, line: 2 },
    { note: 'nested arrays', text: `\n${deepArray(MAX_DEPTH + 1)}\n`, line: 2 },
    { note: 'nested inline tables', text: `\n${deepInline(MAX_DEPTH + 1)}\n`, line: 2 },
  ])('$note deeper than the limit is toml-too-deep at line $line', ({ text, line }) => {
    const e = thrown(() => parseToml(text, 'deep.toml'));
    expect(e).toMatchObject({ code: 'toml-too-deep', file: 'deep.toml', line });
  });

  test('dotted keys inside an inline table count too', () => {
    const text = `x = { ${deepKey(MAX_DEPTH + 1).replace(' = 1', '')} = 1 }`;
    expect(thrown(() => parseToml(text, 'deep.toml'))).toMatchObject({ code: 'toml-too-deep', file: 'deep.toml' });
  });

  test('arrays spread over lines count across lines', () => {
    const text = `x = ${Array.from({ length: MAX_DEPTH + 1 }, () => '[\n').join('')}${']'.repeat(MAX_DEPTH + 1)}\n`;
    expect(thrown(() => parseToml(text, 'deep.toml'))).toMatchObject({ code: 'toml-too-deep', line: MAX_DEPTH + 1 });
  });

  test.each([
    { note: 'a dotted key at the limit', text: deepKey(MAX_DEPTH) },
    { note: 'nested arrays at the limit', text: deepArray(MAX_DEPTH) },
    { note: 'brackets inside strings do not count', text: `x = "${'['.repeat(200)}"\ny = '${'{'.repeat(200)}'\nz = """\n${'['.repeat(200)}\n"""` },
    { note: 'brackets in comments do not count', text: `x = 1 # ${'['.repeat(200)}` },
  ])('$note parses', ({ text }) => {
    expect(() => parseToml(text, 'ok.toml')).not.toThrow();
  });
});
