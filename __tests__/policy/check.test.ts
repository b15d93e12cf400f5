// checkRules: every static problem of a rule set against a tiny stage table, by code, key and location. Never evaluates.
import { describe, expect, test } from '@jest/globals';
import * as z from 'zod/mini';
import { checkRules } from '../../src/policy/check.js';
import type { LoadedRule } from '../../src/policy/schema.js';
import type { StageTable } from '../../src/policy/stage.js';
import { parseYaml } from '../../src/shared/yaml.js';

const FACTS = {
  task: z.object({ id: z.string(), model: z.optional(z.string()), tags: z.array(z.string()) }),
  plan: z.record(z.string(), z.unknown()),
};
const TABLE: StageTable = {
  kind: 'test',
  fileKey: 'field',
  stages: [
    { name: 'pick', field: 'pick', does: 'picks', combine: 'first-match', facts: FACTS },
    { name: 'allow', field: 'allow', does: 'allows', combine: 'deny-overrides', facts: FACTS },
  ],
};

let order = 0;
/** A loaded rule of stage `pick` (unless given), unconditional, deciding `value: x`. */
function rule(over: Partial<LoadedRule> = {}): LoadedRule {
  const stage = over.stage ?? 'pick';
  return {
    id: `${stage}.r${order}`,
    description: 'd',
    priority: 10,
    when: { all: [] },
    then: stage === 'pick' ? { value: 'x' } : { effect: 'allow', message: 'ok' },
    stage,
    file: 'p.yaml',
    line: 1,
    order: order++,
    ...over,
  };
}
const leaf = (l: Record<string, unknown>) => ({ all: [l] });
const check = (rules: LoadedRule[]) => checkRules(rules, TABLE, new Map(), new Map());
const codes = (rules: LoadedRule[]) => check(rules).map((p) => p.code);

describe('conditions', () => {
  test.each<{ note: string; when: Record<string, unknown>; code: string; key?: string; message?: RegExp }>([
    {
      note: 'an unknown fact, with a hint',
      when: leaf({ fact: 'tsk', operator: 'isSet' }),
      code: 'unknown-fact',
      key: 'tsk',
      message: /^unknown fact `tsk` in a condition; did you mean `task`\?$/,
    },
    {
      note: 'an unknown path, listing the known ones',
      when: leaf({ fact: 'task', path: 'modle', operator: 'isSet' }),
      code: 'unknown-path',
      key: 'task.modle',
      message: /^fact `task` has no path `modle` \(known: id, model, tags\); did you mean `model`\?$/,
    },
    { note: 'a path below a scalar', when: leaf({ fact: 'task', path: 'id.x', operator: 'isSet' }), code: 'unknown-path', key: 'task.id.x' },
    {
      note: 'an unknown operator, with a hint',
      when: leaf({ fact: 'task', path: 'id', operator: 'equals', value: 'a' }),
      code: 'unknown-operator',
      key: 'operator',
      message: /^unknown operator `equals` \(known: .*\); did you mean `equal`\?$/,
    },
    {
      note: 'a missing value',
      when: leaf({ fact: 'task', path: 'id', operator: 'equal' }),
      code: 'missing-value',
      message: /^condition on `task` with operator `equal` needs a `value`$/,
    },
    {
      note: 'a bad regular expression',
      when: leaf({ fact: 'task', path: 'id', operator: 'matches', value: '(' }),
      code: 'bad-regex',
      message: /^`matches` needs a valid regular expression: /,
    },
    {
      note: 'an unknown fact in a value reference',
      when: leaf({ fact: 'task', path: 'id', operator: 'equal', value: { fact: 'plna', path: 'x' } }),
      code: 'unknown-fact',
      key: 'plna',
      message: /in a condition value; did you mean `plan`\?/,
    },
    {
      note: 'an unknown key in a leaf, with a hint',
      when: leaf({ fact: 'task', path: 'id', operator: 'equal', vlaue: 1 }),
      code: 'condition-shape',
      message: /unknown key `vlaue`; did you mean `value`\?/,
    },
    { note: 'a leaf that is not a mapping', when: { all: ['task'] }, code: 'condition-shape' },
    {
      note: '`all` that is not a list',
      when: { all: { fact: 'task' } },
      code: 'condition-shape',
      message: /^`all` must be the only key and hold a list of conditions$/,
    },
    { note: '`all` beside another key', when: { all: [], any: [] }, code: 'condition-shape' },
    {
      note: '`not` beside another key',
      when: { all: [{ not: leaf({ fact: 'task', operator: 'isSet' }), fact: 'task' }] },
      code: 'condition-shape',
      message: /^`not` must be the only key$/,
    },
    {
      note: 'a `when` that starts with a leaf',
      when: { fact: 'task', operator: 'isSet' },
      code: 'condition-shape',
      message: /`when` must start with `all`, `any` or `not`/,
    },
    { note: 'problems deep in `any` and `not`', when: { any: [{ not: { all: [{ fact: 'nope', operator: 'isSet' }] } }] }, code: 'unknown-fact', key: 'nope' },
  ])('$note → $code', ({ when, code, key, message }) => {
    const problems = check([rule({ id: 'pick.a', when })]);
    expect(problems.map((p) => p.code)).toEqual([code]);
    expect(problems[0]).toMatchObject({ rule: 'pick.a', file: 'p.yaml', line: 1, ...(key ? { key } : {}) });
    if (message) expect(problems[0].message).toMatch(message);
  });

  test.each<{ note: string; when: Record<string, unknown> }>([
    {
      note: 'flag operators need no value',
      when: {
        all: [
          { fact: 'task', path: 'model', operator: 'isSet' },
          { fact: 'task', path: 'model', operator: 'hasCredentials' },
        ],
      },
    },
    { note: 'a wildcard path below a list', when: leaf({ fact: 'task', path: 'tags.0', operator: 'equal', value: 'a' }) },
    { note: 'any path of a record fact', when: leaf({ fact: 'plan', path: 'model.provider', operator: 'equal', value: 'claude' }) },
    { note: 'a whole fact', when: leaf({ fact: 'task', operator: 'isSet' }) },
    {
      note: 'a valid regex and a fact reference value',
      when: {
        all: [
          { fact: 'task', path: 'id', operator: 'matches', value: '^t[0-9]+$' },
          { fact: 'task', path: 'id', operator: 'notEqual', value: { fact: 'plan', path: 'x' } },
        ],
      },
    },
    { note: 'nested any / not', when: { any: [{ not: leaf({ fact: 'task', path: 'id', operator: 'in', value: ['a'] }) }, { all: [] }] } },
  ])('valid: $note', ({ when }) => {
    expect(check([rule({ when, priority: 50 })])).toEqual([]);
  });

  test('every problem of a rule is reported, not only the first', () => {
    expect(
      codes([
        rule({
          when: {
            all: [
              { fact: 'nope', operator: 'isSet' },
              { fact: 'task', path: 'zz', operator: 'isSet' },
              { fact: 'task', operator: 'equal' },
            ],
          },
        }),
      ]),
    ).toEqual(['unknown-fact', 'unknown-path', 'missing-value']);
  });
});

describe('then', () => {
  test.each<{ note: string; stage: string; then: LoadedRule['then']; codes: string[] }>([
    { note: 'first-match: a value', stage: 'pick', then: { value: { fact: 'task', path: 'model' } }, codes: [] },
    { note: 'first-match: a refusal', stage: 'pick', then: { reject: 'no {{task.id}}', help: 'h' }, codes: [] },
    { note: 'first-match: value and reject', stage: 'pick', then: { value: 'x', reject: 'no' }, codes: ['then-shape'] },
    { note: 'first-match: neither', stage: 'pick', then: { help: 'h' }, codes: ['then-shape'] },
    { note: 'first-match: an effect', stage: 'pick', then: { value: 'x', effect: 'allow' }, codes: ['then-shape'] },
    { note: 'deny-overrides: effect and message', stage: 'allow', then: { effect: 'deny', message: 'm', help: 'h' }, codes: [] },
    { note: 'deny-overrides: no message', stage: 'allow', then: { effect: 'warn' }, codes: ['then-shape'] },
    { note: 'deny-overrides: no effect', stage: 'allow', then: { message: 'm' }, codes: ['then-shape'] },
    { note: 'deny-overrides: a value', stage: 'allow', then: { effect: 'allow', message: 'm', value: 1 }, codes: ['then-shape'] },
    { note: 'deny-overrides: a reject', stage: 'allow', then: { effect: 'deny', message: 'm', reject: 'r' }, codes: ['then-shape'] },
    { note: 'unknown fact in a value template', stage: 'pick', then: { value: '{{tsk.id}}' }, codes: ['unknown-fact'] },
    { note: 'unknown path in a refusal', stage: 'pick', then: { reject: 'no {{task.nope}}' }, codes: ['unknown-path'] },
    {
      note: 'unknown fact in a lookup',
      stage: 'pick',
      then: { value: { fact: 'plan', path: 'list', where: { name: { fact: 'tassk', path: 'id' } } } },
      codes: ['unknown-fact'],
    },
    {
      note: 'unknown path in a message and help',
      stage: 'allow',
      then: { effect: 'deny', message: '{{task.a}}', help: '{{task.b}}' },
      codes: ['unknown-path', 'unknown-path'],
    },
  ])('$note → $codes', ({ stage, then, codes: want }) => {
    const problems = check([rule({ id: `${stage}.a`, stage, then })]);
    expect(problems.map((p) => p.code)).toEqual(want);
    if (want[0] === 'then-shape') expect(problems[0].message).toMatch(new RegExp(`^rule \`${stage}.a\`: \`then\` `));
  });
});

describe('unreachable rules', () => {
  test('first-match: every rule below an unconditional rule, by priority then file order', () => {
    const top = rule({ id: 'pick.top', priority: 90, when: leaf({ fact: 'task', path: 'model', operator: 'isSet' }) });
    const stop = rule({ id: 'pick.stop', priority: 50, line: 7 });
    const tie = rule({ id: 'pick.tie', priority: 50, line: 9, when: leaf({ fact: 'task', path: 'model', operator: 'isSet' }) });
    const low = rule({ id: 'pick.low', priority: 5, line: 11 });
    const problems = check([low, tie, stop, top]);
    expect(problems.map((p) => [p.code, p.rule, p.line])).toEqual([
      ['unreachable-rule', 'pick.tie', 9],
      ['unreachable-rule', 'pick.low', 11],
    ]);
    expect(problems[0].message).toBe('rule `pick.tie` can never win: `pick.stop` (p.yaml:7) always matches at priority 50');
  });

  test('a rule earlier in file order at the same priority is reachable', () => {
    const first = rule({ id: 'pick.first', priority: 50, when: leaf({ fact: 'task', path: 'model', operator: 'isSet' }) });
    expect(check([first, rule({ id: 'pick.stop', priority: 50 })])).toEqual([]);
  });

  test('deny-overrides: every matching rule counts, so nothing is unreachable', () => {
    expect(check([rule({ stage: 'allow', priority: 50 }), rule({ stage: 'allow', priority: 5 })])).toEqual([]);
  });
});

describe('locations and prechecked rules', () => {
  test('a problem points at the line and column of the offending node in its file', () => {
    const text = [
      'field: pick',
      'rules:',
      '  - id: pick.a',
      '    description: d',
      '    priority: 10',
      '    when:',
      '      all:',
      '        - { fact: task, path: modle, operator: isSet }',
      '    then: { value: x, reject: no }',
    ].join('\n');
    const src = parseYaml(text, 'p.yaml');
    const r = rule({ id: 'pick.a', line: 3, when: { all: [{ fact: 'task', path: 'modle', operator: 'isSet' }] }, then: { value: 'x', reject: 'no' } });
    const problems = checkRules([r], TABLE, new Map([['p.yaml', src]]), new Map([[r, 0]]));
    expect(problems.map((p) => [p.code, p.line, p.column])).toEqual([
      ['unknown-path', 8, 19], // at the leaf's `fact`
      ['then-shape', 9, 11],
    ]);
  });

  test('prechecked rules skip the per-rule checks but still count for unreachable rules', () => {
    const stop = rule({ id: 'pick.stop', priority: 50, then: { value: '{{nope}}', reject: 'r' } });
    const low = rule({ id: 'pick.low', priority: 5 });
    expect(codes([stop])).toEqual(['then-shape', 'unknown-fact']);
    expect(checkRules([stop, low], TABLE, new Map(), new Map(), new Set([stop])).map((p) => [p.code, p.rule])).toEqual([['unreachable-rule', 'pick.low']]);
  });

  test('no rules, no problems', () => {
    expect(check([])).toEqual([]);
  });
});
