// The gate stage table: the transition (first match) then done (deny-overrides); vocabularies cover what the bundled gate policies read.
import { describe, expect, test } from '@jest/globals';
import { factVocabulary, knownPath } from '../../src/policy/stage.js';
import { DONE_TABLE, GATE_TABLE, ScenarioResultSchema, TRANSITION_TABLE, TransitionValueSchema } from '../../src/stages/gate.js';
import { bundledRefs } from '../support/policy-refs.js';

describe('GATE_TABLE', () => {
  test('two stages: the transition (first match), then done (any deny wins); the one-stage tables run them one at a time', () => {
    expect(GATE_TABLE).toMatchObject({ kind: 'gate', fileKey: 'gate' });
    expect(GATE_TABLE.stages.map((s) => [s.name, s.field, s.combine])).toEqual([
      ['transition', 'transition', 'first-match'],
      ['done', 'done', 'deny-overrides'],
    ]);
    expect(GATE_TABLE.resultsFact).toBeUndefined();
    expect(TRANSITION_TABLE.stages).toEqual([GATE_TABLE.stages[0]]);
    expect(DONE_TABLE.stages).toEqual([GATE_TABLE.stages[1]]);
    expect({ ...TRANSITION_TABLE, stages: [] }).toEqual({ ...GATE_TABLE, stages: [] });
  });

  test('the transition reads only what is known before a scenario runs; done reads everything, the transition included', () => {
    expect([...factVocabulary(GATE_TABLE.stages[0]).keys()]).toEqual(['task', 'request', 'evaluation', 'config']);
    expect([...factVocabulary(GATE_TABLE.stages[1]).keys()]).toEqual([
      'task',
      'request',
      'summary',
      'manifest',
      'results',
      'blockers',
      'evaluation',
      'cycle',
      'config',
      'weakening',
      'transition',
    ]);
    expect(factVocabulary(GATE_TABLE.stages[1]).get('results')).toEqual(['*']);
  });

  test.each([
    { note: 'done with a log entry', value: { status: 'done', log: 'Task marked as done', say: "Marked 't' as done" }, ok: true },
    { note: 'the already-done no-op', value: { status: 'unchanged', gate: false, say: "Task 't' is already done" }, ok: true },
    { note: 'an unknown status', value: { status: 'closed', say: 'x' }, ok: false },
    { note: 'an empty log entry', value: { status: 'done', log: '', say: 'x' }, ok: false },
    { note: 'an unknown key', value: { status: 'done', say: 'x', colour: 'red' }, ok: false },
  ])('a transition value: $note → $ok', ({ value, ok }) => {
    expect(TransitionValueSchema.safeParse(value).success).toBe(ok);
  });

  const refs = bundledRefs('gate', 'gate');
  test('the bundled and optional gate policies read facts (sanity check of the scan)', () => {
    expect(refs.length).toBeGreaterThan(10);
    expect(new Set(refs.map((r) => r.file))).toEqual(
      new Set(['policies/gate/done.yaml', 'policies/gate/transition.yaml', 'policies/optional/deny-all-skipped.yaml']),
    );
  });

  test('the vocabulary of each stage has every fact and path its rules read', () => {
    const stages = new Map(GATE_TABLE.stages.map((s) => [s.name, factVocabulary(s)]));
    const unknown = refs.filter((r) => {
      const vocabulary = stages.get(r.stage);
      return !vocabulary?.get(r.fact) || (r.path !== undefined && !knownPath(vocabulary.get(r.fact)!, r.path));
    });
    expect(unknown).toEqual([]);
  });
});

describe('ScenarioResultSchema', () => {
  const result = {
    name: 's',
    outcome: 'pass',
    exitCode: 0,
    signal: null,
    timedOut: false,
    durationMs: 5,
    stderrTail: '',
    stdoutTail: '',
    logFile: 'l',
    owners: [],
  };
  test.each([
    { note: 'a pass', value: result, ok: true },
    {
      note: 'a timeout with a reason',
      value: { ...result, outcome: 'timeout', exitCode: null, signal: 'SIGKILL', timedOut: true, reason: 'took too long' },
      ok: true,
    },
    { note: 'an unknown outcome', value: { ...result, outcome: 'flaky' }, ok: false },
    { note: 'no owners', value: { ...result, owners: undefined }, ok: false },
  ])('$note: $ok', ({ value, ok }) => {
    expect(ScenarioResultSchema.safeParse(value).success).toBe(ok);
  });
});
