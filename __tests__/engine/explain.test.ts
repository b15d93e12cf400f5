// Explanations from hand-made stage traces: every rule's outcome, the compact view, and the rendered text.
import { describe, expect, test } from '@jest/globals';
import type { StageTrace } from '../../src/engine/decide.js';
import type { ProvenanceEntry } from '../../src/engine/decision.js';
import { compactStages, explainStages, renderExplanation, renderSummary, whyNot } from '../../src/engine/explain.js';
import type { ConditionTrace, RuleTrace } from '../../src/engine/run-rules.js';
import type { LoadedRule } from '../../src/policy/schema.js';

const cond = (c: Partial<ConditionTrace>): ConditionTrace => ({
  fact: 'task',
  operator: 'equal',
  expected: undefined,
  actual: undefined,
  evaluated: true,
  result: true,
  ...c,
});
function trace(
  id: string,
  priority: number,
  line: number,
  matched: boolean,
  conditions: ConditionTrace[] = [],
  then: LoadedRule['then'] = { value: 'x' },
): RuleTrace {
  return { rule: { id, description: 'd', priority, when: { all: [] }, then, stage: id.split('.')[0], file: 'p.yaml', line, order: line }, matched, conditions };
}

const COLOR: StageTrace = {
  stage: 'color',
  field: 'color',
  combine: 'first-match',
  winner: 'color.cli',
  value: 'blue',
  rules: [
    trace('color.task', 100, 3, false, [cond({ path: 'model', operator: 'isSet', expected: true, actual: undefined, result: false })]),
    trace('color.cli', 90, 9, true, [cond({ fact: 'cli', path: 'color', operator: 'isSet', expected: true, actual: 'blue' })]),
    trace('color.skip', 50, 20, false, [cond({ fact: 'cli', path: 'x', expected: 'y', evaluated: false, result: null })]),
    trace('color.any', 40, 25, false),
    trace('color.default', 1, 15, true),
  ],
};
const PROVENANCE: Record<string, ProvenanceEntry> = {
  color: {
    value: 'blue',
    rule: 'color.cli',
    policy: 'p.yaml:9',
    shadowed: [],
    sources: [
      { layer: 'cli', file: null, key: '--color', value: 'blue' },
      { layer: 'task', file: 'graph.jsonl:2', key: 'color', value: 'blue', via: 'model' },
    ],
  },
};
const REFUSED: StageTrace = {
  stage: 'size',
  field: 'size',
  combine: 'first-match',
  winner: 'size.no',
  rejected: 'no size for t1',
  rules: [trace('size.no', 5, 30, true, [cond({ path: 'n', operator: 'isSet', expected: false, actual: null })], { reject: 'no size' })],
};
const DONE: StageTrace = {
  stage: 'done',
  field: 'done',
  combine: 'deny-overrides',
  winner: null,
  outcome: { allowed: false, effect: 'deny', determining: [], warnings: [], notices: [] },
  rules: [
    trace('done.deny', 90, 40, true, [cond({ fact: 'summary', path: 'brokenCount', operator: 'greaterThan', expected: 0, actual: 2 })], {
      effect: 'deny',
      message: 'm',
    }),
    trace('done.allow', 10, 45, true, [], { effect: 'allow', message: 'm' }),
    trace('done.warn', 50, 50, false, [cond({ fact: 'summary', path: 'skippedCount', operator: 'greaterThan', expected: 0, actual: 0, result: false })], {
      effect: 'warn',
      message: 'm',
    }),
  ],
};

describe('explainStages', () => {
  const [color, size, done] = explainStages([COLOR, REFUSED, DONE], PROVENANCE);

  test("a first-match stage: winner, value, what it read, and each rule's outcome", () => {
    expect(color).toMatchObject({ stage: 'color', field: 'color', combine: 'first-match', winner: 'color.cli', value: 'blue', read: PROVENANCE.color.sources });
    expect(color.rules.map((r) => [r.rule, r.policy, r.priority, r.outcome])).toEqual([
      ['color.task', 'p.yaml:3', 100, 'did not match'],
      ['color.cli', 'p.yaml:9', 90, 'won'],
      ['color.skip', 'p.yaml:20', 50, 'did not match'],
      ['color.any', 'p.yaml:25', 40, 'did not match'],
      ['color.default', 'p.yaml:15', 1, 'matched, lost'],
    ]);
  });

  test.each([
    { note: 'a flag operator hides `true`', stage: 0, rule: 0, want: { condition: 'task.model isSet', actual: null, result: false } },
    { note: 'the actual value seen', stage: 0, rule: 1, want: { condition: 'cli.color isSet', actual: 'blue', result: true } },
    { note: 'a condition the engine skipped', stage: 0, rule: 2, want: { condition: 'cli.x equal "y"', actual: 'not evaluated', result: null } },
    { note: 'a flag operator with `false` shows it', stage: 1, rule: 0, want: { condition: 'task.n isSet false', actual: null, result: true } },
    { note: 'a deny-overrides condition', stage: 2, rule: 0, want: { condition: 'summary.brokenCount greaterThan 0', actual: 2, result: true } },
  ])('conditions: $note', ({ stage, rule, want }) => {
    expect([color, size, done][stage].rules[rule].conditions[0]).toEqual(want);
  });

  test('a refusal shows as {reject}; a deny-overrides stage as {effect} with matched effects', () => {
    expect(size.value).toEqual({ reject: 'no size for t1' });
    expect(size.read).toBeUndefined();
    expect(done.value).toEqual({ effect: 'deny' });
    expect(done.rules.map((r) => r.outcome)).toEqual(['matched: deny', 'matched: allow', 'did not match']);
  });

  test('without provenance nothing is read', () => {
    expect(explainStages([COLOR])[0].read).toBeUndefined();
  });
});

describe('compactStages', () => {
  const [color, size, done] = compactStages(explainStages([COLOR, REFUSED, DONE], PROVENANCE));

  test('a first-match stage: who won, who lost, why the others failed', () => {
    expect(color).toEqual({
      stage: 'color',
      field: 'color',
      value: 'blue',
      won: { rule: 'color.cli', policy: 'p.yaml:9', priority: 90 },
      read: PROVENANCE.color.sources,
      lost: [{ rule: 'color.default', policy: 'p.yaml:15', priority: 1 }],
      failed: [
        { rule: 'color.task', policy: 'p.yaml:3', why: 'task.model isSet failed: actual unset' },
        { rule: 'color.skip', policy: 'p.yaml:20', why: 'cli.x equal "y": not evaluated' },
        { rule: 'color.any', policy: 'p.yaml:25', why: 'no condition matched' },
      ],
    });
    expect(color).not.toHaveProperty('matched');
  });

  test('a deny-overrides stage lists every matched rule with its effect', () => {
    expect(done).toMatchObject({
      won: { rule: 'done.deny', policy: 'p.yaml:40', priority: 90 },
      matched: [
        { rule: 'done.deny', policy: 'p.yaml:40', priority: 90, outcome: 'matched: deny' },
        { rule: 'done.allow', policy: 'p.yaml:45', priority: 10, outcome: 'matched: allow' },
      ],
      lost: [],
      failed: [{ rule: 'done.warn', why: 'summary.skippedCount greaterThan 0 failed: actual 0' }],
    });
  });

  test('a refused stage is won by the refusing rule', () => {
    expect(size).toMatchObject({ value: { reject: 'no size for t1' }, won: { rule: 'size.no' }, lost: [], failed: [] });
  });
});

describe('a condition whose value reads another fact', () => {
  const ref = { fact: 'cli', path: 'model' };
  const when = {
    all: [
      { fact: 'task', path: 'tier', operator: 'isSet' },
      { fact: 'task', path: 'model', operator: 'equal', value: ref },
    ],
  };
  const stage = (second: Partial<ConditionTrace>): StageTrace => {
    const t = trace('m.same', 50, 4, false, [cond({ path: 'tier', operator: 'isSet', expected: true, actual: 'fast' }), cond({ path: 'model', ...second })]);
    return { stage: 'm', field: 'm', combine: 'first-match', winner: null, value: undefined, rules: [{ ...t, rule: { ...t.rule, when } }] };
  };
  const shown = (second: Partial<ConditionTrace>) => explainStages([stage(second)])[0].rules[0].conditions[1].condition;

  test('is named by the fact it reads, with `unset` when that fact is unset (not as the reference object)', () => {
    expect(shown({ expected: { ...ref }, actual: 'opus', result: false })).toBe('task.model equal cli.model (unset)');
  });
  test('shows the value it read', () => {
    expect(shown({ expected: 'sonnet', actual: 'opus', result: false })).toBe('task.model equal cli.model (= "sonnet")');
  });
  test('is named alone when the engine did not evaluate it', () => {
    expect(shown({ expected: { ...ref }, actual: undefined, evaluated: false, result: null })).toBe('task.model equal cli.model');
  });
  test('a literal object value is shown as written', () => {
    const literal = explainStages([{ ...COLOR, rules: [trace('c.lit', 5, 1, false, [cond({ expected: { tier: 'x' }, result: false })])] }]);
    expect(literal[0].rules[0].conditions[0].condition).toBe('task equal {"tier":"x"}');
  });
});

describe('renderExplanation', () => {
  test('one block per stage, then the refusal', () => {
    const stages = compactStages(explainStages([COLOR, REFUSED, DONE], PROVENANCE));
    expect(renderExplanation({ task: 't1', policyRevision: 'sha256:abc', error: { message: 'no size for t1' }, stages })).toBe(
      [
        'task t1 (policy revision sha256:abc)',
        '',
        'color → color = "blue"',
        '  decided by color.cli (p.yaml:9, priority 90)',
        '  read cli --color = "blue"',
        '  read task graph.jsonl:2 color = "blue" (via model)',
        '  also matched, lost:',
        '    color.default (p.yaml:15, priority 1; lower priority)',
        '  did not match:',
        '    color.task (p.yaml:3): task.model isSet failed: actual unset',
        '    color.skip (p.yaml:20): cli.x equal "y": not evaluated',
        '    color.any (p.yaml:25): no condition matched',
        '',
        'size → size = {"reject":"no size for t1"}',
        '  decided by size.no (p.yaml:30, priority 5)',
        '',
        'done → done = {"effect":"deny"}',
        '  deny: done.deny (p.yaml:40, priority 90)',
        '  allow: done.allow (p.yaml:45, priority 10)',
        '  did not match:',
        '    done.warn (p.yaml:50): summary.skippedCount greaterThan 0 failed: actual 0',
        '',
        'rejected: no size for t1',
        '',
      ].join('\n'),
    );
  });

  test("a rule that matched at the winner's priority lost on file order, not on priority", () => {
    const tie: StageTrace = {
      ...COLOR,
      rules: [trace('color.cli', 90, 9, true), trace('color.env', 90, 12, true), trace('color.default', 1, 15, true)],
    };
    const text = renderExplanation({ task: 't1', policyRevision: 'r', error: null, stages: compactStages(explainStages([tie])) });
    expect(text).toContain(
      [
        '  also matched, lost:',
        '    color.env (p.yaml:12, priority 90; same priority, later in file order)',
        '    color.default (p.yaml:15, priority 1; lower priority)',
      ].join('\n'),
    );
    expect(renderSummary({ task: 't1', policyRevision: 'r', error: null, stages: compactStages(explainStages([tie])) })).toContain(
      '    next: color.env (p.yaml:12, priority 90; same priority, later in file order)',
    );
    expect(whyNot(explainStages([tie]), 'color.env')).toBe(
      'color.env (p.yaml:12, priority 90) matched, but color.cli (p.yaml:9, priority 90) beat it in color (same priority, later in file order)',
    );
    expect(whyNot(explainStages([tie]), 'color.default')).toMatch(/beat it in color \(lower priority\)$/);
  });

  test('no stages and no error: the header alone', () => {
    expect(renderExplanation({ task: 't2', policyRevision: 'r', error: null, stages: [] })).toBe('task t2 (policy revision r)\n');
  });
});
