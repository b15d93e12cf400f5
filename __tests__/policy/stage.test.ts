// Stage vocabularies: known fact paths derived from zod schemas, and the wildcard path check.
import { describe, expect, test } from '@jest/globals';
import * as z from 'zod/mini';
import { factVocabulary, knownPath, pathsOf, type StageSpec } from '../../src/policy/stage.js';

describe('pathsOf', () => {
  test.each<{ note: string; schema: z.ZodMiniType; want: string[] }>([
    { note: 'scalars offer no path', schema: z.string(), want: [] },
    {
      note: 'an object offers its keys',
      schema: z.object({ a: z.string(), b: z.number(), c: z.boolean(), d: z.enum(['x']), e: z.literal(1), f: z.null(), g: z.int() }),
      want: ['a', 'b', 'c', 'd', 'e', 'f', 'g'],
    },
    {
      note: 'nested objects, through optional and nullable',
      schema: z.object({ a: z.optional(z.object({ b: z.nullable(z.object({ c: z.string() })) })) }),
      want: ['a', 'a.b', 'a.b.c'],
    },
    {
      note: 'lists and records: anything below',
      schema: z.object({ l: z.array(z.string()), r: z.record(z.string(), z.number()) }),
      want: ['l', 'l.*', 'r', 'r.*'],
    },
    {
      note: 'unions and unknowns: anything below',
      schema: z.object({ u: z.union([z.string(), z.object({ x: z.string() })]), k: z.unknown() }),
      want: ['u', 'u.*', 'k', 'k.*'],
    },
    { note: 'a top-level list: any path', schema: z.array(z.object({ a: z.string() })), want: ['*'] },
    {
      note: 'default, readonly and nonoptional wrappers',
      schema: z.object({
        a: z._default(z.object({ b: z.string() }), { b: 'x' }),
        c: z.readonly(z.object({ d: z.string() })),
        e: z.nonoptional(z.optional(z.object({ f: z.string() }))),
      }),
      want: ['a', 'a.b', 'c', 'c.d', 'e', 'e.f'],
    },
    {
      note: 'a pipe offers its input',
      schema: z.pipe(
        z.object({ a: z.string() }),
        z.transform((v) => v),
      ),
      want: ['a'],
    },
    {
      note: 'loose and strict objects',
      schema: z.object({ l: z.looseObject({ a: z.string() }), s: z.strictObject({ b: z.string() }) }),
      want: ['l', 'l.a', 's', 's.b'],
    },
  ])('$note', ({ schema, want }) => {
    expect(pathsOf(schema)).toEqual(want);
  });

  test('a prefix is put before every path', () => {
    expect(pathsOf(z.object({ a: z.array(z.string()) }), 'task')).toEqual(['task.a', 'task.a.*']);
  });
});

describe('factVocabulary', () => {
  const stage: StageSpec = {
    name: 's',
    field: 'f',
    does: 'test',
    combine: 'first-match',
    facts: { task: z.object({ id: z.string(), tags: z.array(z.string()) }), results: z.record(z.string(), z.unknown()), flag: z.boolean() },
  };

  test('maps every fact to its paths', () => {
    expect([...factVocabulary(stage)]).toEqual([
      ['task', ['id', 'tags', 'tags.*']],
      ['results', ['*']],
      ['flag', []],
    ]);
  });

  test('is computed once per stage', () => {
    expect(factVocabulary(stage)).toBe(factVocabulary(stage));
    expect(factVocabulary({ ...stage })).not.toBe(factVocabulary(stage));
  });
});

describe('knownPath', () => {
  const paths = ['id', 'tags', 'tags.*', 'dispatcher', 'dispatcher.model'];
  test.each([
    ['id', true],
    ['dispatcher.model', true],
    ['tags', true],
    ['tags.0', true],
    ['tags.0.name', true],
    ['tagsx', false],
    ['tagsx.0', false],
    ['dispatcher.modle', false],
    ['dispatcher.model.x', false],
    ['nope', false],
  ])('%s → %s', (path, want) => {
    expect(knownPath(paths, path)).toBe(want);
  });

  test('`*` alone allows any path; no paths allow none', () => {
    expect(knownPath(['*'], 'a.b.c')).toBe(true);
    expect(knownPath([], 'a')).toBe(false);
  });
});
