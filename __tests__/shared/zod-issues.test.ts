// zod issues as one plain sentence: "`key` must be …", for every issue kind the translator handles.
import { describe, expect, test } from '@jest/globals';
import * as z from 'zod/mini';
import { describe as describeValue, issueKey, issuePath, issueProblem, issueSentence, valueAt } from '../../src/shared/zod-issues.js';

/** The first issue of parsing `value` with `schema`. */
function issueOf(schema: z.ZodMiniType, value: unknown) {
  const r = schema.safeParse(value);
  if (r.success) throw new Error('expected the value to fail');
  return r.error.issues[0];
}

const Endpoint = z.strictObject({
  name: z.string(),
  provider: z.optional(z.enum(['anthropic', 'openai'])),
  port: z.optional(z.number().check(z.gte(1), z.lt(65536))),
});
const Config = z.strictObject({
  dispatcher: z.optional(z.strictObject({ model: z.optional(z.string()), executor: z.optional(z.string()) })),
  endpoints: z.optional(z.array(Endpoint)),
});
const Transport = z.discriminatedUnion('type', [
  z.object({ type: z.literal('file'), path: z.string() }),
  z.object({ type: z.literal('http'), url: z.string() }),
]);

describe('issueSentence', () => {
  const cases: Array<{ note: string; schema: z.ZodMiniType; value: unknown; want: string; options?: Parameters<typeof issueSentence>[2] }> = [
    { note: 'wrong type names the value', schema: Config, value: { dispatcher: { model: 5 } }, want: '`dispatcher.model` must be a string, not number 5' },
    {
      note: 'a table where a string belongs',
      schema: Config,
      value: { dispatcher: { model: { a: 1 } } },
      want: '`dispatcher.model` must be a string, not a table',
    },
    { note: 'a list where a table belongs', schema: Config, value: { dispatcher: [] }, want: '`dispatcher` must be a table, not a list' },
    { note: 'missing required key', schema: Config, value: { endpoints: [{}] }, want: '`endpoints[0].name` is required' },
    {
      note: 'array index in the path',
      schema: Config,
      value: { endpoints: [{ name: 'a' }, { name: 7 }] },
      want: '`endpoints[1].name` must be a string, not number 7',
    },
    {
      note: 'enum with did-you-mean',
      schema: Config,
      value: { endpoints: [{ name: 'a', provider: 'openia' }] },
      want: '`endpoints[0].provider` must be one of `anthropic`, `openai`, not `openia`; did you mean `openai`?',
    },
    {
      note: 'enum with a non-string value names no value',
      schema: Config,
      value: { endpoints: [{ name: 'a', provider: 3 }] },
      want: '`endpoints[0].provider` must be one of `anthropic`, `openai`',
    },
    { note: 'number below a minimum', schema: Config, value: { endpoints: [{ name: 'a', port: 0 }] }, want: '`endpoints[0].port` must be at least 1' },
    {
      note: 'number at an exclusive maximum',
      schema: Config,
      value: { endpoints: [{ name: 'a', port: 65536 }] },
      want: '`endpoints[0].port` must be less than 65536',
    },
    {
      note: 'one unknown key with a hint',
      schema: Config,
      value: { dispatchr: {} },
      want: 'the file has unknown key `dispatchr`; did you mean `dispatcher`?',
      options: { known: () => ['dispatcher', 'endpoints'] },
    },
    {
      note: 'several unknown keys, no hint',
      schema: Config,
      value: { dispatchr: {}, endpionts: [] },
      want: 'the file has unknown keys `dispatchr`, `endpionts`',
      options: { known: () => ['dispatcher', 'endpoints'] },
    },
    {
      note: 'root issue uses the whole',
      schema: Config,
      value: 'text',
      want: 'the config file must be a table, not the string "text"',
      options: { whole: 'the config file' },
    },
    {
      note: 'a prefix is prepended to the key',
      schema: Config,
      value: { dispatcher: { model: 1 } },
      want: '`rules[2].dispatcher.model` must be a string, not number 1',
      options: { prefix: ['rules', 2] },
    },
    {
      note: 'a secret value is never echoed',
      schema: z.object({ api_key: z.string() }),
      value: { api_key: 12345 },
      want: '`api_key` must be a string',
      options: { secret: (p) => p[p.length - 1] === 'api_key' },
    },
    {
      note: 'discriminated union lists its options',
      schema: Transport,
      value: { type: 'htp' },
      want: '`type` must be one of `file`, `http`, not `htp`; did you mean `http`?',
    },
    { note: 'discriminated union, missing discriminator', schema: Transport, value: {}, want: '`type` must be one of `file`, `http`' },
    { note: 'a plain union', schema: z.union([z.string(), z.number()]), value: { a: 1 }, want: 'the file is invalid (a table)' },
    { note: 'empty string', schema: z.object({ name: z.string().check(z.minLength(1)) }), value: { name: '' }, want: '`name` must not be empty' },
    {
      note: 'short list',
      schema: z.object({ argv: z.array(z.string()).check(z.minLength(1)) }),
      value: { argv: [] },
      want: '`argv` must have at least 1 item(s)',
    },
    { note: 'positive int', schema: z.object({ priority: z.int().check(z.positive()) }), value: { priority: 0 }, want: '`priority` must be greater than 0' },
    {
      note: 'whole number expected',
      schema: z.object({ priority: z.int() }),
      value: { priority: 1.5 },
      want: '`priority` must be a whole number, not number 1.5',
    },
    { note: 'at most', schema: z.object({ n: z.number().check(z.lte(3)) }), value: { n: 4 }, want: '`n` must be at most 3' },
    {
      note: 'a custom regex message, lowercased',
      schema: z.object({ id: z.string().check(z.regex(/^[a-z]+$/, 'Must be lowercase')) }),
      value: { id: 'A' },
      want: '`id` must be lowercase',
    },
  ];
  test.each(cases)('$note', ({ schema, value, want, options }) => {
    expect(issueSentence(issueOf(schema, value), value, options)).toBe(want);
  });
});

describe('issueProblem', () => {
  test('hideValue keeps the value out of every kind that would show it', () => {
    expect(issueProblem(issueOf(z.string(), 'x'.length), 1, true)).toBe('must be a string');
    expect(issueProblem(issueOf(z.enum(['a', 'b']), 'secret-c'), 'secret-c', true)).toBe('must be one of `a`, `b`');
    expect(issueProblem(issueOf(z.union([z.string(), z.number()]), true), true, true)).toBe('is invalid');
  });

  test('an `Invalid input` message reads as `is invalid`', () => {
    const issue = issueOf(z.string().check(z.refine(() => false)), 'x');
    expect(issueProblem(issue, 'x')).toBe('is invalid');
  });
});

describe('issueKey and issuePath', () => {
  test.each([
    [[], ''],
    [['a'], 'a'],
    [['a', 'b'], 'a.b'],
    [['a', 0, 'b'], 'a[0].b'],
    [[0, 1], '[0][1]'],
  ] as Array<[PropertyKey[], string]>)('issuePath(%j) is %j', (path, want) => {
    expect(issuePath(path)).toBe(want);
  });

  test('a single unknown key is part of the key; several are not', () => {
    expect(issueKey(issueOf(Config, { dispatcher: { modle: 'x' } }))).toBe('dispatcher.modle');
    expect(issueKey(issueOf(Config, { dispatcher: { a: 1, b: 2 } }))).toBe('dispatcher');
    expect(issueKey(issueOf(Config, { dispatcher: { model: 1 } }), ['cfg'])).toBe('cfg.dispatcher.model');
  });
});

describe('describe and valueAt', () => {
  test.each([
    [null, 'null'],
    [[1], 'a list'],
    [{}, 'a table'],
    ['abc', 'the string "abc"'],
    [true, 'boolean true'],
    [3, 'number 3'],
    ['x'.repeat(70), `the string "${'x'.repeat(57)}..."`],
  ])('describe(%j) is %j', (value, want) => {
    expect(describeValue(value)).toBe(want);
  });

  test('valueAt reads own properties only', () => {
    const root = { a: { b: [10, 20] } };
    expect(valueAt(root, ['a', 'b', 1])).toBe(20);
    expect(valueAt(root, ['a', 'c'])).toBeUndefined();
    expect(valueAt(root, ['a', 'toString'])).toBeUndefined();
    expect(valueAt(root, ['__proto__'])).toBeUndefined();
    expect(valueAt(5, ['a'])).toBeUndefined();
  });
});
