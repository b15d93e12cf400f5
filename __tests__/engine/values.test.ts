// resolveValue: literals, fact references, `where` lookups, aliases and templates, with every fact path read.
import { describe, expect, test } from '@jest/globals';
import { compileMessage } from '../../src/engine/compile-values.js';
import { renderMessage, resolveValue, type Read } from '../../src/engine/values.js';

const FACTS = {
  task: { id: 't1', model: 'claude:opus', endpoint: 'b', n: 3, tags: ['x', 'y'], flag: false, none: null },
  plan: { executor: 'native', provider: 'openai' },
  endpoints: {
    list: [
      { name: 'a', provider: 'openai' },
      { name: 'b', provider: 'openai' },
      { name: 'b', provider: 'ollama' },
    ],
  },
  names: ['a', 'b'],
};

describe('resolveValue', () => {
  test.each<{ note: string; expr: unknown; value: unknown; reads: Read[] }>([
    { note: 'a literal string', expr: 'claude:opus', value: 'claude:opus', reads: [] },
    { note: 'a literal number', expr: 5, value: 5, reads: [] },
    { note: 'a literal null', expr: null, value: null, reads: [] },
    { note: 'a reference', expr: { fact: 'task', path: 'model' }, value: 'claude:opus', reads: [{ fact: 'task', path: 'model', value: 'claude:opus' }] },
    { note: 'a reference to a whole fact', expr: { fact: 'names' }, value: ['a', 'b'], reads: [{ fact: 'names', path: undefined, value: ['a', 'b'] }] },
    {
      note: 'a reference to nothing is null',
      expr: { fact: 'task', path: 'missing' },
      value: null,
      reads: [{ fact: 'task', path: 'missing', value: undefined }],
    },
    { note: 'a reference keeps false', expr: { fact: 'task', path: 'flag' }, value: false, reads: [{ fact: 'task', path: 'flag', value: false }] },
    {
      note: 'an inherited path is nothing',
      expr: { fact: 'task', path: 'constructor' },
      value: null,
      reads: [{ fact: 'task', path: 'constructor', value: undefined }],
    },
    {
      note: 'a lookup: the first element matching every where, read at its index',
      expr: { fact: 'endpoints', path: 'list', where: { name: { fact: 'task', path: 'endpoint' }, provider: '{{plan.provider}}' } },
      value: { name: 'b', provider: 'openai' },
      reads: [
        { fact: 'task', path: 'endpoint', value: 'b' },
        { fact: 'plan', path: 'provider', value: 'openai' },
        { fact: 'endpoints', path: 'list.1', value: { name: 'b', provider: 'openai' } },
      ],
    },
    { note: 'a lookup without a path', expr: { fact: 'names', where: {} }, value: 'a', reads: [{ fact: 'names', path: '0', value: 'a' }] },
    {
      note: 'a lookup with no match is null',
      expr: { fact: 'endpoints', path: 'list', where: { name: 'zz' } },
      value: null,
      reads: [{ fact: 'endpoints', path: 'list', value: undefined }],
    },
    {
      note: 'a lookup in something that is no list is null',
      expr: { fact: 'task', path: 'model', where: { name: 'a' } },
      value: null,
      reads: [{ fact: 'task', path: 'model', value: undefined }],
    },
    {
      note: 'an alias renames a value',
      expr: { fact: 'plan', path: 'executor', alias: { native: 'nex' } },
      value: 'nex',
      reads: [{ fact: 'plan', path: 'executor', value: 'native' }],
    },
    {
      note: 'a value without an alias passes',
      expr: { fact: 'task', path: 'model', alias: { native: 'nex' } },
      value: 'claude:opus',
      reads: [{ fact: 'task', path: 'model', value: 'claude:opus' }],
    },
    { note: 'an alias uses own keys only', expr: { fact: 'task', path: 'id', alias: {} }, value: 't1', reads: [{ fact: 'task', path: 'id', value: 't1' }] },
    {
      note: 'a template',
      expr: 'task {{task.id}} runs {{ task.model }}',
      value: 'task t1 runs claude:opus',
      reads: [
        { fact: 'task', path: 'id', value: 't1' },
        { fact: 'task', path: 'model', value: 'claude:opus' },
      ],
    },
    {
      note: 'a template renders nothing as empty, lists as JSON',
      expr: '[{{task.missing}}] {{task.tags}} {{task.n}}',
      value: '[] ["x","y"] 3',
      reads: [
        { fact: 'task', path: 'missing', value: undefined },
        { fact: 'task', path: 'tags', value: ['x', 'y'] },
        { fact: 'task', path: 'n', value: 3 },
      ],
    },
    { note: 'a whole placeholder keeps a number', expr: '{{task.n}}', value: 3, reads: [{ fact: 'task', path: 'n', value: 3 }] },
    { note: 'a whole placeholder keeps a list', expr: '{{ task.tags }}', value: ['x', 'y'], reads: [{ fact: 'task', path: 'tags', value: ['x', 'y'] }] },
    { note: 'a whole placeholder of nothing is null', expr: '{{task.none}}', value: null, reads: [{ fact: 'task', path: 'none', value: null }] },
    { note: 'a whole fact placeholder', expr: '{{names}}', value: ['a', 'b'], reads: [{ fact: 'names', path: undefined, value: ['a', 'b'] }] },
    {
      note: 'lists and tables resolve inside',
      expr: ['--model', '{{task.model}}', { ID: { fact: 'task', path: 'id' }, N: 1 }],
      value: ['--model', 'claude:opus', { ID: 't1', N: 1 }],
      reads: [
        { fact: 'task', path: 'model', value: 'claude:opus' },
        { fact: 'task', path: 'id', value: 't1' },
      ],
    },
    {
      note: 'a table with a non-reference key is a table',
      expr: { fact: 'task', path: 'id', extra: 1 },
      value: { fact: 'task', path: 'id', extra: 1 },
      reads: [],
    },
  ])('$note', ({ expr, value, reads }) => {
    expect(resolveValue(expr, FACTS)).toEqual({ value, reads });
  });

  test.each<{ note: string; expr: unknown; value: unknown }>([
    { note: 'get reads a path below a lookup', expr: { fact: 'endpoints', path: 'list', where: { name: 'b' }, get: 'provider' }, value: 'openai' },
    { note: 'get below nothing is null', expr: { fact: 'endpoints', path: 'list', where: { name: 'zz' }, get: 'provider' }, value: null },
    {
      note: 'render fills named placeholders in every string, leaving unknown names and spaced ones as written',
      expr: { fact: 'tpl', render: { id: '{{task.id}}', m: 'model={{task.model}}' } },
      value: { cmd: 'run-t1', args: ['model=claude:opus', 'xmodel=claude:opusy', '{{nope}}', '{{ id }}'], n: 2 },
    },
    { note: 'filled text is not rescanned', expr: { fact: 'tpl2', render: { a: '{{task.loop}}', loop: 'X' } }, value: 'v={{loop}}' },
    {
      note: 'merge: later values win, null values and non-tables are skipped',
      expr: { merge: [{ A: '1', B: '2' }, null, 'text', { B: '{{task.id}}', C: '{{task.missing}}' }, { A: null }] },
      value: { A: '1', B: 't1' },
    },
    {
      note: 'concat: lists spliced, scalars appended, null skipped, a literal list kept only when all its items are set',
      expr: { concat: ['a', { fact: 'task', path: 'tags' }, ['--m', '{{task.model}}'], ['--x', '{{task.missing}}'], ['--e', ''], '{{task.none}}', 'z'] },
      value: ['a', 'x', 'y', '--m', 'claude:opus', 'z'],
    },
    { note: 'a mapping with merge and another key is a plain table', expr: { merge: [{ A: '1' }], B: 2 }, value: { merge: [{ A: '1' }], B: 2 } },
    { note: 'merge over something that is no list is a plain table', expr: { merge: 'x' }, value: { merge: 'x' } },
  ])('$note', ({ expr, value }) => {
    const facts = {
      ...FACTS,
      tpl: { cmd: 'run-{{id}}', args: ['{{m}}', 'x{{m}}y', '{{nope}}', '{{ id }}'], n: 2 },
      tpl2: 'v={{a}}',
      task: { ...FACTS.task, loop: '{{loop}}' },
    };
    expect(resolveValue(expr, facts).value).toEqual(value);
  });

  test('reads of get, render, merge and concat are recorded for provenance', () => {
    const { reads } = resolveValue(
      { concat: [{ fact: 'endpoints', path: 'list', where: { name: 'b' }, get: 'provider' }, { merge: [{ X: '{{task.id}}' }] }] },
      FACTS,
    );
    expect(reads).toEqual([
      { fact: 'endpoints', path: 'list.1.provider', value: 'openai' },
      { fact: 'task', path: 'id', value: 't1' },
    ]);
    const r = resolveValue({ fact: 'names', render: { a: '{{task.model}}' } }, { ...FACTS, names: ['{{a}}'] });
    expect(r).toEqual({
      value: ['claude:opus'],
      reads: [
        { fact: 'names', path: undefined, value: ['{{a}}'] },
        { fact: 'task', path: 'model', value: 'claude:opus' },
      ],
    });
  });

  test('an unknown fact reads nothing, even one named like an Object property', () => {
    expect(resolveValue('{{constructor.name}}', FACTS)).toEqual({ value: null, reads: [{ fact: 'constructor', path: 'name', value: undefined }] });
    expect(resolveValue({ fact: '__proto__' }, FACTS).value).toBeNull();
  });
});

describe('renderMessage', () => {
  test.each([
    ['task {{task.id}}: {{task.model}}', 'task t1: claude:opus'],
    ['{{task.n}}', '3'],
    ['{{task.missing}}', ''],
    ['no placeholders', 'no placeholders'],
    ['{{ plan.executor }} and {{plan}}', 'native and {"executor":"native","provider":"openai"}'],
    // A path holds no brace (with one allowed, `{{a.{{a.…` read to the end from every `{{`: quadratic): the inner one is the placeholder.
    ['{{task.{{task.id}}', '{{task.t1'],
    ['{{task.a{b}}', '{{task.a{b}}'],
  ])('%j → %j', (template, want) => {
    expect(renderMessage(template, FACTS)).toBe(want);
    expect(compileMessage(template)(FACTS)).toBe(want);
  });
});
