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
      ['launch', 'launch', 'first-match'],
      ['exec-mode', 'execMode', 'first-match'],
      ['model', 'model', 'first-match'],
      ['executor', 'executor', 'first-match'],
      ['compat', 'executor', 'first-match'],
      ['executor-config', 'executorConfig', 'first-match'],
      ['model-override', 'model', 'first-match'],
      ['model-id', 'modelId', 'first-match'],
      ['provider', 'provider', 'first-match'],
      ['endpoint', 'endpoint', 'first-match'],
      ['agent-id', 'agentId', 'first-match'],
      ['prompt-file', 'promptFile', 'first-match'],
      ['timeout', 'timeout', 'first-match'],
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
      expect([...factVocabulary(s).keys()]).toEqual([
        'task',
        'cli',
        'local',
        'global',
        'endpoints',
        'spawn',
        'agency',
        'tiers',
        'tagRouting',
        'registry',
        'modelCache',
        'executors',
        'timeouts',
        'profile',
        'plan',
        'provenance',
      ]);
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
    { stage: 'launch', value: 'inline-shell', ok: true },
    { stage: 'launch', value: 'daemon', ok: false },
    { stage: 'timeout', value: 1800, ok: true },
    { stage: 'timeout', value: null, ok: true },
    { stage: 'timeout', value: -1, ok: false },
    { stage: 'timeout', value: '30m', ok: false },
    { stage: 'agent-id', value: 'agent-7', ok: true },
    { stage: 'agent-id', value: '../x', ok: false },
    { stage: 'provider', value: 'anthropic', ok: true },
    { stage: 'provider', value: '', ok: false },
  ])('$stage accepts $value: $ok', ({ stage: name, value, ok }) => {
    expect(stage(name).value!.safeParse(value).success).toBe(ok);
  });
});

describe('the model stage hooks', () => {
  const registry = {
    list: [
      { index: 0, id: 'opus', provider: 'anthropic', model: 'opus', tier: 'premium', endpoint: null },
      { index: 1, id: 'my-alias', provider: 'openrouter', model: 'anthropic/claude-3.5-sonnet', tier: 'standard', endpoint: 'or' },
    ],
  };
  const modelCache = { file: '.wg/model_cache.json', present: true, ids: ['openai/gpt-5.5', 'qwen/qwen3-coder', 'qwen/qwen3-coder-plus'] };

  test('later stages see the model as a parsed spec with the lookups wg makes', () => {
    expect(stage('model').toFact!('openrouter:a/b', { registry, modelCache })).toEqual({
      spec: 'openrouter:a/b',
      provider: 'openrouter',
      name: 'a/b',
      registry: null,
      cache: null,
      listed: false,
    });
    expect(stage('model').toFact!('opus', { registry })).toMatchObject({ provider: null, name: 'opus', registry: { id: 'opus' }, cache: null, listed: null });
    expect(stage('model').toFact!('anthropic/claude-3.5-sonnet', { registry })).toMatchObject({ registry: { id: 'my-alias' } });
    expect(stage('model').toFact!('gpt-5.5', { registry, modelCache })).toMatchObject({
      registry: null,
      cache: { resolved: 'openai/gpt-5.5', suggestions: '' },
    });
    expect(stage('model').toFact!('qwen3', { registry, modelCache })).toMatchObject({
      cache: { resolved: null, suggestions: 'openrouter:qwen/qwen3-coder, openrouter:qwen/qwen3-coder-plus' },
    });
    expect(stage('model').toFact!('nex:qwen/qwen3-coder', { registry, modelCache })).toMatchObject({ listed: true });
    expect(stage('model-override').toFact!('codex:gpt-5', {})).toMatchObject({ provider: 'codex', name: 'gpt-5' });
  });

  test('later stages see the timeout as the text argv and env carry', () => {
    expect(stage('timeout').toFact!(1800, {})).toBe('1800');
    expect(stage('timeout').toFact!(0, {})).toBe('0');
    expect(stage('timeout').toFact!(null, {})).toBeNull();
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
