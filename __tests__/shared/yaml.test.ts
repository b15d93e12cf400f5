// The YAML adapter: syntax errors with line, refusal of alias bombs, positions of any key path.
import { describe, expect, jest, test } from '@jest/globals';
import * as fc from 'fast-check';
import { LineCounter, parseDocument } from 'yaml';
import type { PolicyError } from '../../src/shared/errors.js';
import { MAX_ALIASES, parseYaml } from '../../src/shared/yaml.js';
import { sized } from '../support/stress.js';
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

describe('duplicate keys, found in linear time (the library compares each key with every earlier one: 32k keys took 4.5 s)', () => {
  /** Where the library itself, checking unique keys, reports the first duplicate: line and column, or null. */
  const byLibrary = (text: string) => {
    const lc = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
    const dup = doc.errors.find((e) => e.code === 'DUPLICATE_KEY');
    if (!dup) return doc.errors.length ? 'other' : null;
    if (doc.errors[0] !== dup) return 'other';
    const p = lc.linePos(dup.pos[0]);
    return { line: p.line, column: p.col };
  };
  const ours = (text: string) => {
    try {
      parseYaml(text, 'p.yaml');
      return null;
    } catch (e) {
      const err = e as PolicyError;
      return err.message === 'invalid YAML: Map keys must be unique' ? { line: err.line, column: err.column } : 'other';
    }
  };
  test.each([
    'a: 1\nb: 2\na: 3\n',
    'a:\n  x: 1\n  x: 2\na: 3\n',
    '- {a: 1, a: 2}\n',
    'a: {b: {c: 1, c: 2}}\nb: 1\nb: 2\n',
    '1: x\n"1": y\n',
    '? [a]\n: 1\n? [a]\n: 2\n',
    'a: &x {k: 1}\nb: *x\nc: {k: 1, k: 2}\n',
    'x: [ {z: 1, z: 2} ]\nx: 2\n',
    '~: 1\nnull: 2\n',
    'true: 1\nTrue: 2\n',
    'a: 1\na: 2\nb: [1, 2\n', // a repeated key before a syntax error: the key is named
    'b: [1, 2\na: 1\na: 2\n', // after one: the syntax error
    '.nan: 1\n.nan: 2\n', // NaN repeats no key (=== in the library)
  ])('%j as the library reports it', (text) => {
    expect(ours(text)).toEqual(byLibrary(text));
  });
  test('on random nested maps, block and flow', () => {
    const key = fc.constantFrom('a', 'b', '1', '"1"', 'c', '~');
    const tree: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, fc.constant(1), fc.array(fc.tuple(key, tie('node')), { maxLength: 4 }), fc.array(tie('node'), { maxLength: 3 })),
    })).node;
    const block = (v: unknown, indent: string): string => {
      if (!Array.isArray(v) || v.length === 0) return ` ${Array.isArray(v) ? '[]' : '1'}\n`;
      if (Array.isArray(v[0]) && v.every((x) => Array.isArray(x) && x.length === 2 && typeof x[0] === 'string'))
        return `\n${(v as [string, unknown][]).map(([k, x]) => `${indent}${k}:${block(x, `${indent}  `)}`).join('')}`;
      return `\n${v.map((x) => `${indent}-${block(x, `${indent}  `)}`).join('')}`;
    };
    let duplicates = 0;
    fc.assert(
      fc.property(tree, (t) => {
        const text = `top:${block(t, '  ')}`;
        const want = byLibrary(text);
        if (want) duplicates++;
        expect(ours(text)).toEqual(want);
      }),
      { numRuns: sized(1_000, 10_000) },
    );
    expect(duplicates).toBeGreaterThan(50); // the property saw many duplicates, not only clean maps
  });
});

test('a collection used as a key emits no Node warning (the library warned on stderr, outside any error format)', () => {
  const emit = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
  try {
    expect(parseYaml('? [a]\n: 1\n', 'f.yaml').data).toEqual({ '[ a ]': 1 });
    expect(emit).not.toHaveBeenCalled();
  } finally {
    emit.mockRestore();
  }
});
