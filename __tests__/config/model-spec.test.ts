// Model specs as wg parses them: a known provider prefix splits at the first `:`; deprecated prefixes warn.
import { describe, expect, test } from '@jest/globals';
import { DEPRECATED_PREFIXES, deprecationWarning, KNOWN_PROVIDERS, parseModelSpec, strictSpecProblem } from '../../src/config/model-spec.js';

// test_parse_model_spec_* (known provider, claude prefix, bare name, legacy slash format, ollama model tag and prefix,
// all known providers), lenient_treats_unknown_prefix_as_bare, lenient_empty_string, lenient_double_colon.
describe('parseModelSpec', () => {
  test.each([
    { spec: 'claude:opus', provider: 'claude', name: 'opus' },
    { spec: 'openrouter:anthropic/claude-3:beta', provider: 'openrouter', name: 'anthropic/claude-3:beta' },
    { spec: 'nex:qwen', provider: 'nex', name: 'qwen' },
    { spec: 'local:qwen', provider: 'local', name: 'qwen' },
    { spec: 'native:', provider: 'native', name: '' },
    { spec: 'opus', provider: null, name: 'opus' },
    { spec: 'acme:model', provider: null, name: 'acme:model' },
    { spec: 'Claude:opus', provider: null, name: 'Claude:opus' },
    { spec: ':opus', provider: null, name: ':opus' },
    { spec: '', provider: null, name: '' },
    { spec: 'claude::opus', provider: 'claude', name: ':opus' },
    { spec: 'deepseek-coder-v2:16b', provider: null, name: 'deepseek-coder-v2:16b' },
    { spec: 'ollama:llama3', provider: 'ollama', name: 'llama3' },
  ])('$spec → provider $provider, name $name', ({ spec, provider, name }) => {
    expect(parseModelSpec(spec)).toEqual({ spec, provider, name });
  });

  test('every known provider is a prefix', () => {
    for (const p of KNOWN_PROVIDERS) expect(parseModelSpec(`${p}:m`).provider).toBe(p);
  });
});

describe('deprecationWarning', () => {
  test.each([
    { where: 'agent.model', spec: 'local:qwen', want: 'model spec `agent.model = "local:qwen"` uses deprecated `local:` prefix — use `nex:qwen`' },
    {
      where: 'task t1 model',
      spec: 'oai-compat:gpt-4o',
      want: 'model spec `task t1 model = "oai-compat:gpt-4o"` uses deprecated `oai-compat:` prefix — use `nex:gpt-4o`',
    },
    { where: 'agent.model', spec: 'nex:qwen', want: null },
    { where: 'agent.model', spec: 'qwen', want: null },
    { where: 'agent.model', spec: 'toString:x', want: null },
  ])('$spec at $where', ({ where, spec, want }) => {
    expect(deprecationWarning(where, spec)).toBe(want);
  });

  test('every deprecated prefix is a known provider', () => {
    for (const p of Object.keys(DEPRECATED_PREFIXES)) expect(KNOWN_PROVIDERS).toContain(p);
  });
});

describe("strictSpecProblem (wg's parse_model_spec_strict)", () => {
  test.each<[string, string | null]>([
    ['claude:opus', null],
    ['openrouter:deepseek/deepseek-v3.2', null],
    ...KNOWN_PROVIDERS.map((p): [string, null] => [`${p}:some-model`, null]),
    ['', 'is empty'],
    ['opus', 'has no provider prefix (write provider:model, e.g. `claude:opus`'],
    ['deepseek/deepseek-v3.2', 'has no provider prefix'],
    ['foobar:gpt-4', 'names unknown provider `foobar`'],
    ['deepseek-coder-v2:16b', 'names unknown provider `deepseek-coder-v2`'],
    ['claude:', 'has provider `claude` but no model name'],
    ['amplifier:claude-3-haiku', 'removed `amplifier` executor'],
  ])('%j → %j', (spec, problem) => {
    const got = strictSpecProblem(spec);
    if (problem === null) expect(got).toBeNull();
    else expect(got).toContain(problem);
  });
});
