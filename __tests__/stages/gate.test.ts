// The gate stage table: one deny-overrides stage whose vocabulary covers what the bundled gate policies read.
import { describe, expect, test } from '@jest/globals';
import { factVocabulary, knownPath } from '../../src/policy/stage.js';
import { GATE_TABLE, ScenarioResultSchema } from '../../src/stages/gate.js';
import { bundledRefs } from '../support/policy-refs.js';

describe('GATE_TABLE', () => {
  test('one stage, `done`, where any deny wins', () => {
    expect(GATE_TABLE).toMatchObject({ kind: 'gate', fileKey: 'gate' });
    expect(GATE_TABLE.stages.map((s) => [s.name, s.field, s.combine])).toEqual([['done', 'done', 'deny-overrides']]);
    expect(GATE_TABLE.resultsFact).toBeUndefined();
  });

  test('the done stage reads task, request, summary, manifest and results', () => {
    expect([...factVocabulary(GATE_TABLE.stages[0]).keys()]).toEqual(['task', 'request', 'summary', 'manifest', 'results']);
    expect(factVocabulary(GATE_TABLE.stages[0]).get('results')).toEqual(['*']);
  });

  const refs = bundledRefs('gate', 'gate');
  test('the bundled and optional gate policies read facts (sanity check of the scan)', () => {
    expect(refs.length).toBeGreaterThan(10);
    expect(new Set(refs.map((r) => r.file))).toEqual(new Set(['policies/gate/done.yaml', 'policies/optional/deny-all-skipped.yaml']));
  });

  test('the vocabulary has every fact and path they read', () => {
    const vocabulary = factVocabulary(GATE_TABLE.stages[0]);
    expect(refs.filter((r) => r.stage !== 'done' || !vocabulary.get(r.fact) || (r.path !== undefined && !knownPath(vocabulary.get(r.fact)!, r.path)))).toEqual(
      [],
    );
  });
});

describe('ScenarioResultSchema', () => {
  const result = { name: 's', outcome: 'pass', exitCode: 0, signal: null, timedOut: false, durationMs: 5, stderrTail: '', logFile: 'l', owners: [] };
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
