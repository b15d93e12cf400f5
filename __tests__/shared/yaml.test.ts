// The YAML adapter: syntax errors with line, refusal of alias bombs, positions of any key path.
import { describe, expect, test } from '@jest/globals';
import { MAX_ALIASES, parseYaml } from '../../src/shared/yaml.js';
import { thrown } from '../support/thrown.js';

describe('parseYaml: data and errors', () => {
  test('parses one document', () => {
    const src = parseYaml('field: model\nrules:\n  - id: model.a\n', 'p.yaml');
    expect(src.data).toEqual({ field: 'model', rules: [{ id: 'model.a' }] });
    expect(src.file).toBe('p.yaml');
  });

  test.each([
    { note: 'bad indentation', text: 'a: 1\nb:\n  - x\n - y\n', line: 4 },
    { note: 'unclosed flow sequence', text: 'a: 1\nwhen: { all: [ 1, 2 }\n', line: 2 },
    { note: 'duplicate keys', text: 'id: a\nid: b\n', line: 2 },
    { note: 'a second document', text: 'a: 1\n---\nb: 2\n', line: 2 },
    { note: 'tab indentation', text: 'a:\n\tb: 1\n', line: 2 },
  ])('$note is yaml-syntax at line $line', ({ text, line }) => {
    const e = thrown(() => parseYaml(text, 'p.yaml'));
    expect(e).toMatchObject({ code: 'yaml-syntax', file: 'p.yaml', line, column: expect.any(Number) });
    expect(e.message).toMatch(/^invalid YAML: /);
    expect(e.message).not.toMatch(/\n| at line \d+/);
  });

  test('an alias bomb is yaml-aliases', () => {
    const ten = (ref: string) => `[${Array.from({ length: 10 }, () => ref).join(', ')}]`;
    const text = [
      'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]',
      `b: &b ${ten('*a')}`,
      `c: &c ${ten('*b')}`,
      `d: &d ${ten('*c')}`,
      `e: ${ten('*d')}`,
    ].join('\n');
    const e = thrown(() => parseYaml(text, 'bomb.yaml'));
    expect(e).toMatchObject({ code: 'yaml-aliases', file: 'bomb.yaml' });
    expect(e.message).toContain(`more than ${MAX_ALIASES}`);
  });

  test('a few aliases are fine', () => {
    expect(parseYaml('a: &a [1, 2]\nb: *a\nc: *a\n', 'ok.yaml').data).toEqual({ a: [1, 2], b: [1, 2], c: [1, 2] });
  });

  test('an empty file is null data', () => {
    const src = parseYaml('', 'empty.yaml');
    expect(src.data).toBeNull();
    expect(src.positionOf(['rules'])).toEqual({ line: 1, column: 1 });
  });
});

const POLICY = [
  'field: model', // 1
  'rules:', // 2
  '  - id: model.a', // 3
  '    priority: 10', // 4
  '    when: { all: [ { fact: task, path: model } ] }', // 5
  '  - id: model.b', // 6
  '    then:', // 7
  '      value: "x"', // 8
  'disable: [model.c, model.d]', // 9
].join('\n');

describe('positionOf', () => {
  const src = parseYaml(POLICY, 'p.yaml');
  test.each<{ note: string; path: PropertyKey[]; want: { line: number; column: number } }>([
    { note: 'the root', path: [], want: { line: 1, column: 1 } },
    { note: 'a scalar value', path: ['field'], want: { line: 1, column: 8 } },
    { note: 'a sequence', path: ['rules'], want: { line: 3, column: 3 } },
    { note: 'a sequence item', path: ['rules', 1], want: { line: 6, column: 5 } },
    { note: 'a key of an item', path: ['rules', 0, 'priority'], want: { line: 4, column: 15 } },
    { note: 'into flow collections', path: ['rules', 0, 'when', 'all', 0, 'path'], want: { line: 5, column: 40 } },
    { note: 'a nested block map', path: ['rules', 1, 'then', 'value'], want: { line: 8, column: 14 } },
    { note: 'a flow sequence item', path: ['disable', 1], want: { line: 9, column: 20 } },
    { note: 'a missing key: the deepest found', path: ['rules', 1, 'then', 'reject'], want: { line: 8, column: 7 } },
    { note: 'an index past the end: the sequence', path: ['rules', 9, 'id'], want: { line: 3, column: 3 } },
    { note: 'a string key into a sequence: the sequence', path: ['rules', 'x'], want: { line: 3, column: 3 } },
    { note: 'an unknown top-level key: the root', path: ['nope'], want: { line: 1, column: 1 } },
  ])('$note', ({ path, want }) => {
    expect(src.positionOf(path)).toEqual(want);
  });
});
