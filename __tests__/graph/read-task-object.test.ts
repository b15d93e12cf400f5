// A task given as an object reads exactly as its JSON text does (the object path skips the text round trip when it can).
import { describe, expect, test } from '@jest/globals';
import * as fc from 'fast-check';
import { readTaskFromJson, readTaskFromObject } from '../../src/graph/read-tasks.js';
import { benchTasks } from '../../bench/graph.mjs';

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
      { numRuns: 3000 },
    );
  });
});
