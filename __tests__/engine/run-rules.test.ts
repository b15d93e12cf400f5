// evaluateRules: one trace per rule with every condition's actual value, and the operators wg-policy adds or makes safe.
import { describe, expect, test } from '@jest/globals';
import { evaluateRules } from '../../src/engine/run-rules.js';
import type { LoadedRule } from '../../src/policy/schema.js';

let order = 0;
function rule(when: Record<string, unknown>, id = `s.r${order}`, priority = 10): LoadedRule {
  return { id, description: 'd', priority, when, then: { value: 1 }, stage: 's', file: 'p.yaml', line: 1, order: order++ };
}
/** Whether one leaf condition matches `facts`. */
async function matches(leaf: Record<string, unknown>, facts: Record<string, unknown>): Promise<boolean> {
  const [trace] = await evaluateRules([rule({ all: [leaf] })], facts);
  return trace.matched;
}

const FACTS = {
  task: { id: 't1', model: 'claude:opus', tags: ['a', 'b'], url: 'https://u:p@h/v1', empty: '', none: null, list: [], n: 3 },
  allowed: ['claude', 'codex'],
};

describe('operators', () => {
  test.each([
    { note: 'isSet: a string', leaf: { fact: 'task', path: 'model', operator: 'isSet' }, want: true },
    { note: 'isSet: missing', leaf: { fact: 'task', path: 'missing', operator: 'isSet' }, want: false },
    { note: 'isSet: empty string', leaf: { fact: 'task', path: 'empty', operator: 'isSet' }, want: false },
    { note: 'isSet: null', leaf: { fact: 'task', path: 'none', operator: 'isSet' }, want: false },
    { note: 'isSet: empty list', leaf: { fact: 'task', path: 'list', operator: 'isSet' }, want: false },
    { note: 'isSet false: unset', leaf: { fact: 'task', path: 'empty', operator: 'isSet', value: false }, want: true },
    { note: 'isSet false: set', leaf: { fact: 'task', path: 'model', operator: 'isSet', value: false }, want: false },
    { note: 'isSet: an unknown fact', leaf: { fact: 'nope', operator: 'isSet' }, want: false },
    { note: 'hasCredentials: userinfo', leaf: { fact: 'task', path: 'url', operator: 'hasCredentials' }, want: true },
    { note: 'hasCredentials: plain', leaf: { fact: 'task', path: 'model', operator: 'hasCredentials' }, want: false },
    { note: 'hasCredentials: not a string', leaf: { fact: 'task', path: 'n', operator: 'hasCredentials' }, want: false },
    { note: 'hasCredentials false', leaf: { fact: 'task', path: 'model', operator: 'hasCredentials', value: false }, want: true },
    { note: 'matches', leaf: { fact: 'task', path: 'model', operator: 'matches', value: '^claude:' }, want: true },
    { note: 'matches: no match', leaf: { fact: 'task', path: 'model', operator: 'matches', value: '^codex:' }, want: false },
    { note: 'matches: not a string', leaf: { fact: 'task', path: 'n', operator: 'matches', value: '3' }, want: false },
    { note: 'matches: unset', leaf: { fact: 'task', path: 'missing', operator: 'matches', value: '.*' }, want: false },
    { note: 'in: a list', leaf: { fact: 'task', path: 'id', operator: 'in', value: ['t0', 't1'] }, want: true },
    { note: 'in: not in the list', leaf: { fact: 'task', path: 'id', operator: 'in', value: ['t0'] }, want: false },
    { note: 'in: a fact list', leaf: { fact: 'task', path: 'model', operator: 'in', value: { fact: 'allowed' } }, want: false },
    { note: 'in: an unset list is empty', leaf: { fact: 'task', path: 'id', operator: 'in', value: { fact: 'nope' } }, want: false },
    { note: 'in: a number is no list', leaf: { fact: 'task', path: 'id', operator: 'in', value: 5 }, want: false },
    { note: 'in: a table is no list', leaf: { fact: 'task', path: 'id', operator: 'in', value: { t1: true } }, want: false },
    { note: 'in: a string is searched', leaf: { fact: 'task', path: 'id', operator: 'in', value: 'xt1x' }, want: true },
    { note: 'in: a non-string in a string', leaf: { fact: 'task', path: 'n', operator: 'in', value: '123' }, want: false },
    { note: 'notIn: absent from the list', leaf: { fact: 'task', path: 'id', operator: 'notIn', value: ['t0'] }, want: true },
    { note: 'notIn: in the list', leaf: { fact: 'task', path: 'id', operator: 'notIn', value: ['t1'] }, want: false },
    { note: 'notIn: an unset list is empty', leaf: { fact: 'task', path: 'id', operator: 'notIn', value: { fact: 'nope' } }, want: true },
    { note: 'notIn: a number is no list', leaf: { fact: 'task', path: 'id', operator: 'notIn', value: 5 }, want: false },
    { note: 'notIn: a table is no list', leaf: { fact: 'task', path: 'id', operator: 'notIn', value: { a: 1 } }, want: false },
    { note: 'equal', leaf: { fact: 'task', path: 'n', operator: 'equal', value: 3 }, want: true },
    { note: 'contains', leaf: { fact: 'task', path: 'tags', operator: 'contains', value: 'b' }, want: true },
    { note: 'greaterThan', leaf: { fact: 'task', path: 'n', operator: 'greaterThan', value: 5 }, want: false },
    { note: 'a list index path', leaf: { fact: 'task', path: 'tags.1', operator: 'equal', value: 'b' }, want: true },
    { note: 'an inherited path is unset', leaf: { fact: 'task', path: 'constructor', operator: 'isSet' }, want: false },
    { note: 'a __proto__ path is unset', leaf: { fact: 'task', path: '__proto__', operator: 'isSet' }, want: false },
  ])('$note → $want', async ({ leaf, want }) => {
    expect(await matches(leaf, FACTS)).toBe(want);
  });
});

describe('traces', () => {
  test("one trace per rule, in the rules' order, with each condition's fact, expected and actual value", async () => {
    const a = rule(
      {
        all: [
          { fact: 'task', path: 'id', operator: 'equal', value: 't1' },
          { fact: 'task', path: 'model', operator: 'isSet' },
        ],
      },
      's.a',
      1,
    );
    const b = rule(
      {
        any: [
          { fact: 'task', path: 'n', operator: 'lessThan', value: 2 },
          { not: { fact: 'task', path: 'model', operator: 'in', value: { fact: 'allowed' } } },
        ],
      },
      's.b',
      50,
    );
    const traces = await evaluateRules([a, b], FACTS);
    expect(traces.map((t) => [t.rule.id, t.matched])).toEqual([
      ['s.a', true],
      ['s.b', true],
    ]);
    expect(traces[0].conditions).toEqual([
      { fact: 'task', path: 'id', operator: 'equal', expected: 't1', actual: 't1', evaluated: true, result: true },
      { fact: 'task', path: 'model', operator: 'isSet', expected: true, actual: 'claude:opus', evaluated: true, result: true },
    ]);
    expect(traces[1].conditions[0]).toMatchObject({ operator: 'lessThan', actual: 3, result: false });
    expect(traces[1].conditions[1]).toMatchObject({ operator: 'in', expected: ['claude', 'codex'], actual: 'claude:opus', evaluated: true });
  });

  test('a failing rule keeps the values it saw', async () => {
    const [t] = await evaluateRules([rule({ all: [{ fact: 'task', path: 'id', operator: 'equal', value: 'zz' }] })], FACTS);
    expect(t.matched).toBe(false);
    expect(t.conditions).toEqual([{ fact: 'task', path: 'id', operator: 'equal', expected: 'zz', actual: 't1', evaluated: true, result: false }]);
  });

  test('an unconditional rule matches with no conditions', async () => {
    const [t] = await evaluateRules([rule({ all: [] })], {});
    expect(t).toMatchObject({ matched: true, conditions: [] });
  });

  test('no rules: no traces', async () => {
    expect(await evaluateRules([], FACTS)).toEqual([]);
  });

  test('concurrent evaluations do not share state', async () => {
    const r = rule({ all: [{ fact: 'task', path: 'id', operator: 'equal', value: 'a' }] });
    const runs = await Promise.all(['a', 'b', 'a', 'b'].map((id) => evaluateRules([r], { task: { id } })));
    expect(runs.map(([t]) => t.matched)).toEqual([true, false, true, false]);
  });

  test('facts are not changed by evaluation', async () => {
    const facts = JSON.parse(JSON.stringify(FACTS));
    await evaluateRules([rule({ all: [{ fact: 'task', path: 'tags', operator: 'contains', value: 'a' }] })], facts);
    expect(facts).toEqual(FACTS);
  });
});
