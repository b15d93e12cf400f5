// Value expressions: fact references, the refs an expression makes, and path lookups through own properties only.
import { describe, expect, test } from '@jest/globals';
import { collectRefs, combinatorOf, getPath, isFactRef, readFact } from '../../src/policy/value-expr.js';

describe('isFactRef', () => {
  test.each([
    [{ fact: 'task' }, true],
    [{ fact: 'task', path: 'model' }, true],
    [{ fact: 'endpoints', path: 'list', where: { name: 'x' }, alias: { a: 'b' } }, true],
    [{ fact: 'plan', path: 'executorConfig.args', render: { task_id: '{{task.id}}' } }, true],
    [{ fact: 'tiers', path: 'list', where: { tier: 'fast' }, get: 'spec' }, true],
    [{ fact: 'task', other: 1 }, false],
    [{ fact: 5 }, false],
    [{ path: 'model' }, false],
    [[{ fact: 'task' }], false],
    ['{{task.model}}', false],
    [null, false],
    [undefined, false],
  ])('%j → %s', (value, want) => {
    expect(isFactRef(value)).toBe(want);
  });
});

describe('collectRefs', () => {
  test.each<{ note: string; expr: unknown; want: Array<{ fact: string; path?: string }> }>([
    { note: 'a literal', expr: 'claude:opus', want: [] },
    { note: 'a number', expr: 3, want: [] },
    { note: 'a reference', expr: { fact: 'task', path: 'model' }, want: [{ fact: 'task', path: 'model' }] },
    { note: 'a reference without a path', expr: { fact: 'task' }, want: [{ fact: 'task', path: undefined }] },
    {
      note: 'templates in a string',
      expr: 'model {{task.model}} by {{ provenance.model.rule }} for {{cli}}',
      want: [
        { fact: 'task', path: 'model' },
        { fact: 'provenance', path: 'model.rule' },
        { fact: 'cli', path: undefined },
      ],
    },
    {
      note: 'a lookup and its where values',
      expr: { fact: 'endpoints', path: 'list', where: { name: { fact: 'task', path: 'endpoint' }, provider: '{{plan.model.provider}}' } },
      want: [
        { fact: 'endpoints', path: 'list' },
        { fact: 'task', path: 'endpoint' },
        { fact: 'plan', path: 'model.provider' },
      ],
    },
    {
      note: 'lists and tables of expressions',
      expr: ['--model', { fact: 'plan', path: 'modelId' }, { WG_TASK_ID: '{{task.id}}' }],
      want: [
        { fact: 'plan', path: 'modelId' },
        { fact: 'task', path: 'id' },
      ],
    },
    {
      note: 'alias values are not references',
      expr: { fact: 'plan', path: 'executor', alias: { native: '{{task.id}}' } },
      want: [{ fact: 'plan', path: 'executor' }],
    },
    {
      note: 'render map templates are references',
      expr: { fact: 'plan', path: 'executorConfig.env', render: { task_id: '{{task.id}}', model: '{{plan.modelId}}' } },
      want: [
        { fact: 'plan', path: 'executorConfig.env' },
        { fact: 'task', path: 'id' },
        { fact: 'plan', path: 'modelId' },
      ],
    },
    {
      note: 'merge and concat items',
      expr: { merge: [{ A: '{{task.id}}' }, { concat: [['--m', '{{plan.modelId}}']] }] },
      want: [
        { fact: 'task', path: 'id' },
        { fact: 'plan', path: 'modelId' },
      ],
    },
    { note: 'null', expr: null, want: [] },
  ])('$note', ({ expr, want }) => {
    expect(collectRefs(expr)).toEqual(want);
  });

  test('appends to the list given', () => {
    const out = [{ fact: 'a' }];
    expect(collectRefs('{{b.c}}', out)).toBe(out);
    expect(out).toEqual([{ fact: 'a' }, { fact: 'b', path: 'c' }]);
  });
});

describe('getPath', () => {
  const root = { a: { b: [{ c: 1 }, { c: 2 }] }, n: null, s: 'str', z: 0 };
  test.each([
    ['a.b.1.c', 2],
    ['a.b.0', { c: 1 }],
    ['z', 0],
    ['n', null],
    ['n.x', undefined],
    ['s.length', undefined],
    ['a.b.length', 2], // a list's length is an own property
    ['a.missing.c', undefined],
    ['__proto__', undefined],
    ['constructor', undefined],
    ['a.constructor.name', undefined],
    ['a.b.__proto__', undefined],
    ['toString', undefined],
    ['a.hasOwnProperty', undefined],
  ])('%s → %j', (path, want) => {
    expect(getPath(root, path)).toEqual(want);
  });

  test('no path: the root itself', () => {
    expect(getPath(root, undefined)).toBe(root);
    expect(getPath(root, '')).toBe(root);
  });

  test('an own `__proto__` key (as JSON.parse makes it) is data', () => {
    expect(getPath(JSON.parse('{"__proto__":{"x":1}}'), '__proto__.x')).toBe(1);
  });
});

describe('readFact', () => {
  const facts = { task: { id: 't', model: 'm' } };
  test.each([
    ['task', 'model', 'm'],
    ['task', undefined, { id: 't', model: 'm' }],
    ['task', 'constructor', undefined],
    ['nope', 'x', undefined],
    ['__proto__', undefined, undefined],
    ['constructor', undefined, undefined],
    ['hasOwnProperty', undefined, undefined],
  ] as Array<[string, string | undefined, unknown]>)('%s.%s → %j', (fact, path, want) => {
    expect(readFact(facts, fact, path)).toEqual(want);
  });
});

describe('combinatorOf', () => {
  test.each([
    [{ merge: [{ A: '1' }] }, { op: 'merge', items: [{ A: '1' }] }],
    [{ concat: ['a', ['b']] }, { op: 'concat', items: ['a', ['b']] }],
    [{ merge: 'x' }, null],
    [{ concat: [], other: 1 }, null],
    [{ fact: 'task' }, null],
    [['merge'], null],
    [null, null],
  ])('%j → %j', (value, want) => {
    expect(combinatorOf(value)).toEqual(want);
  });
});
