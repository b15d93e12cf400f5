// A task given as an object reads exactly as its JSON text does (the object path skips the text round trip when it can),
// and the hand-written checks of task fields and graph lines accept exactly what their zod schemas accept.
import { describe, expect, test } from '@jest/globals';
import * as fc from 'fast-check';
import { readTaskFromJson, readTaskFromObject, taskFromParsed, TaskSchema } from '../../src/graph/read-tasks.js';
import { TaskNodeSchema, taskNodeFits } from '../../src/graph/node-schema.js';
import { benchTasks } from '../../bench/graph.mjs';
import { sized } from '../support/stress.js';

/** What reading `obj` gives, or the error it throws (code, message, key), as JSON text: key order included. */
function outcome(read: () => unknown): string {
  try {
    return JSON.stringify({ ok: read() });
  } catch (e) {
    const err = e as { code?: string; message: string; key?: string };
    return JSON.stringify({ code: err.code, message: err.message, key: err.key });
  }
}

const same = (obj: Record<string, unknown>, id?: string) =>
  expect(outcome(() => readTaskFromObject(obj, '(task object)', id))).toBe(outcome(() => readTaskFromJson(JSON.stringify(obj), '(task object)', id)));

describe('readTaskFromObject', () => {
  test('gives what readTaskFromJson gives for every bench task', () => {
    for (const { kind: _kind, ...t } of benchTasks(2000)) same(t);
  });

  test('orders the schema keys first, drops nulls, normalises priority, as the zod parse does', () => {
    const r = readTaskFromObject({ zz: 1, priority: 'high', tags: ['a'], id: 't', title: null, log: [{ m: 1 }] }, '(task object)');
    expect(Object.keys(r.task)).toEqual(['id', 'tags', 'priority', 'zz', 'log']);
    expect(r.task.priority).toBe(50);
  });

  test('falls back to the JSON text for values JSON changes or drops, and for bad fields', () => {
    const cases: Array<Record<string, unknown>> = [
      { id: 't', when: new Date(0) },
      { id: 't', n: NaN, m: Infinity },
      { id: 't', gone: undefined, f: () => 1 },
      { id: 't', list: [1, undefined, 3] },
      // eslint-disable-next-line no-sparse-arrays
      { id: 't', holes: [1, , 3] },
      { id: 't', toJSON: () => ({ id: 'other' }) },
      JSON.parse('{"id":"t","__proto__":{"model":"x"}}') as Record<string, unknown>,
      { id: '' },
      { id: 7 },
      { id: 't', model: 5 },
      { id: 't', tags: ['a', 1] },
      { id: 't', tags: 'a' },
      { id: 't', priority: -3 },
      Object.assign(Object.create({ inherited: 1 }) as Record<string, unknown>, { id: 't' }),
    ];
    for (const c of cases) same(c);
    same({ id: 't' }, 'other');
  });

  test('agrees with readTaskFromJson on fuzzed objects', () => {
    const value = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.array(fc.string()));
    const keys = fc.constantFrom('id', 'title', 'model', 'tags', 'priority', 'tier', 'timeout', 'agent', 'status', 'log', 'x', '__proto__', 'toJSON');
    fc.assert(
      fc.property(fc.dictionary(keys, value), fc.string({ minLength: 1 }), (o, id) => {
        same({ id, ...o });
        same(o);
      }),
      { numRuns: sized(600, 3000) },
    );
  });
});

/** The task as the zod parse reads JSON text (the reference the hand-written path must equal), or null when it fails. */
function zodTask(text: string): string | null {
  const obj = JSON.parse(text) as unknown;
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return null;
  const r = TaskSchema.safeParse(obj);
  return r.success ? JSON.stringify(taskFromParsed(r.data as Record<string, unknown>)) : null;
}

const hand = (text: string): string | null => {
  try {
    return JSON.stringify(readTaskFromJson(text, '(t)').task);
  } catch {
    return null;
  }
};

const field = fc.oneof(
  fc.string(),
  fc.integer({ min: -2, max: 2 ** 33 }),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.array(fc.oneof(fc.string(), fc.integer()), { maxLength: 3 }),
  fc.record({ timestamp: fc.string(), message: fc.oneof(fc.string(), fc.integer()) }),
  fc.array(fc.record({ timestamp: fc.string(), message: fc.string() }), { maxLength: 2 }),
  fc.constantFrom('open', 'done', 'bogus', 'agent-hard-timeout'),
);
const names = fc.constantFrom(
  'id',
  'title',
  'kind',
  'status',
  'model',
  'tags',
  'priority',
  'tier',
  'log',
  'estimate',
  'identity',
  'failure_class',
  'visibility',
  'retry_count',
  'max_retries',
  'paused',
  'after',
  'x',
  '__proto__',
  'constructor',
  'toString',
);

describe('hand-written checks equal the zod schemas', () => {
  test('a task from JSON text reads as the zod parse reads it', () => {
    for (const { kind: _kind, ...t } of benchTasks(2000)) expect(hand(JSON.stringify(t))).toBe(zodTask(JSON.stringify(t)));
    fc.assert(
      fc.property(fc.dictionary(names, field), (o) => {
        const text = JSON.stringify(o);
        expect(hand(text)).toBe(zodTask(text));
      }),
      { numRuns: sized(1000, 5000) },
    );
    const proto = '{"id":"t","__proto__":{"model":"x"},"model":"m"}';
    expect(hand(proto)).toBe(zodTask(proto));
  });

  test('taskNodeFits accepts exactly the graph lines TaskNodeSchema accepts', () => {
    for (const t of benchTasks(2000)) expect(taskNodeFits(t)).toBe(true);
    fc.assert(
      fc.property(fc.dictionary(names, field), fc.constantFrom('task', 'resource', undefined), fc.string(), fc.string(), (o, kind, id, title) => {
        for (const rec of [o, { ...o, kind, id, title }, { kind: 'task', id, title, ...o }]) {
          const parsed = JSON.parse(JSON.stringify(rec)) as Record<string, unknown>;
          if (taskNodeFits(parsed)) expect(TaskNodeSchema.safeParse(parsed).success).toBe(true);
          else if (!Object.prototype.hasOwnProperty.call(parsed, '__proto__') && parsed.kind === 'task')
            expect(TaskNodeSchema.safeParse(parsed).success).toBe(false);
        }
      }),
      { numRuns: sized(1000, 5000) },
    );
  });
});
