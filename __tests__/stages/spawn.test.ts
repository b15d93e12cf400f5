// The spawn stage table: stage order, value schemas and hooks, and a vocabulary covering what the bundled policies read.
import { describe, expect, test } from '@jest/globals';
import { factVocabulary, knownPath, pathsOf } from '../../src/policy/stage.js';
import { PlanFactSchema, SPAWN_TABLE } from '../../src/stages/spawn.js';
import { bundledRefs } from '../support/policy-refs.js';

const stage = (name: string) => SPAWN_TABLE.stages.find((s) => s.name === name)!;

describe('SPAWN_TABLE', () => {
  test('stages in evaluation order, each first-match, with the field it decides', () => {
    expect(SPAWN_TABLE).toMatchObject({ kind: 'spawn', fileKey: 'field', resultsFact: 'plan', provenanceFact: 'provenance' });
    expect(SPAWN_TABLE.stages.map((s) => [s.name, s.field, s.combine])).toEqual([
      ['model', 'model', 'first-match'],
      ['executor', 'executor', 'first-match'],
      ['compat', 'executor', 'first-match'],
      ['model-id', 'modelId', 'first-match'],
      ['endpoint', 'endpoint', 'first-match'],
      ['env', 'env', 'first-match'],
      ['argv', 'argv', 'first-match'],
    ]);
  });

  test('every decided field is a path of the plan fact later stages read', () => {
    const plan = pathsOf(PlanFactSchema);
    for (const s of SPAWN_TABLE.stages) expect(plan).toContain(s.field);
  });

  test('every stage can read every fact, including the results and provenance facts', () => {
    for (const s of SPAWN_TABLE.stages)
      expect([...factVocabulary(s).keys()]).toEqual(['task', 'cli', 'local', 'global', 'endpoints', 'spawn', 'plan', 'provenance']);
  });

  const refs = bundledRefs('spawn', 'field');
  test('the bundled policies read facts (sanity check of the scan)', () => {
    expect(refs.length).toBeGreaterThan(50);
    expect(new Set(refs.map((r) => r.stage))).toEqual(new Set(SPAWN_TABLE.stages.map((s) => s.name)));
  });

  test("each stage's vocabulary has every fact and path its bundled and optional policies read", () => {
    const unknown = refs.filter((r) => {
      const paths = factVocabulary(stage(r.stage)).get(r.fact);
      return !paths || (r.path !== undefined && !knownPath(paths, r.path));
    });
    expect(unknown).toEqual([]);
  });
});

describe('value schemas', () => {
  test.each([
    { stage: 'model', value: 'claude:opus', ok: true },
    { stage: 'model', value: '', ok: false },
    { stage: 'executor', value: 'native', ok: true },
    { stage: 'executor', value: 'bash', ok: false },
    { stage: 'compat', value: 'codex', ok: true },
    { stage: 'model-id', value: 'opus', ok: true },
    { stage: 'model-id', value: 7, ok: false },
    { stage: 'endpoint', value: null, ok: true },
    { stage: 'endpoint', value: { name: 'a', provider: 'openai', url: 'https://h' }, ok: true },
    { stage: 'endpoint', value: { name: 'a' }, ok: false },
    { stage: 'env', value: { WG_TASK_ID: 't1', _X: '' }, ok: true },
    { stage: 'env', value: { 'lower-case': 'x' }, ok: false },
    { stage: 'env', value: { A: 1 }, ok: false },
    { stage: 'argv', value: ['claude', '--print'], ok: true },
    { stage: 'argv', value: [], ok: false },
  ])('$stage accepts $value: $ok', ({ stage: name, value, ok }) => {
    expect(stage(name).value!.safeParse(value).success).toBe(ok);
  });
});

describe('the model stage hooks', () => {
  test('later stages see the model as a parsed spec', () => {
    expect(stage('model').toFact!('openrouter:a/b')).toEqual({ spec: 'openrouter:a/b', provider: 'openrouter', name: 'a/b' });
    expect(stage('model').toFact!('opus')).toEqual({ spec: 'opus', provider: null, name: 'opus' });
  });

  test.each([
    {
      note: 'from the task',
      sources: [{ layer: 'task', key: 'model' }],
      want: ['model spec `task t1 model = "local:qwen"` uses deprecated `local:` prefix — use `nex:qwen`'],
    },
    {
      note: 'from the caller',
      sources: [{ layer: 'cli', key: '--default-model' }],
      want: ['model spec `--default-model = "local:qwen"` uses deprecated `local:` prefix — use `nex:qwen`'],
    },
    { note: 'from a config file (it warned when it loaded)', sources: [{ layer: 'local', key: 'agent.model' }], want: [] },
  ])('a deprecated prefix warns $note', ({ sources, want }) => {
    expect(stage('model').warnings!('local:qwen', sources as never, { task: { id: 't1' } })).toEqual(want);
  });

  test('a current prefix does not warn', () => {
    expect(stage('model').warnings!('nex:qwen', [{ layer: 'task', file: null, key: 'model', value: 'nex:qwen' }], { task: { id: 't1' } })).toEqual([]);
  });
});
