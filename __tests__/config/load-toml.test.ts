// One wg config.toml: errors by code with line and key, [coordinator] as [dispatcher], secrets set aside, warnings.
import { describe, expect, test } from '@jest/globals';
import { emptyConfig, loadConfigFile } from '../../src/config/load-toml.js';
import { tempFiles } from '../support/temp-files.js';
import { thrown } from '../support/thrown.js';

const configFile = tempFiles('c', '.toml');

/** Loads `lines` as a config file shown as `c.toml`. */
function load(...lines: string[]) {
  return loadConfigFile(configFile.write(lines), 'c.toml');
}

describe('errors', () => {
  test.each([
    { note: 'TOML syntax', lines: ['[dispatcher]', 'model = '], want: { code: 'toml-syntax', line: 2 } },
    {
      note: 'a wrong type',
      lines: ['[dispatcher]', 'model = 5'],
      want: {
        code: 'config-type',
        line: 2,
        column: 1,
        key: 'dispatcher.model',
        message:
          '`dispatcher.model` must be a string, not number 5; wg refuses such a config and would ignore the whole file, spawning with its built-in defaults',
      },
    },
    {
      note: 'a wrong type under [coordinator] names the key as written',
      lines: ['', '[coordinator]', 'executor = true'],
      want: {
        code: 'config-type',
        line: 3,
        key: 'coordinator.executor',
        message:
          '`coordinator.executor` must be a string, not boolean true; wg refuses such a config and would ignore the whole file, spawning with its built-in defaults',
      },
    },
    {
      note: 'a role that is not a table',
      lines: ['agent = "claude"'],
      want: {
        code: 'config-type',
        line: 1,
        key: 'agent',
        message: `\`agent\` must be a table, not the string "claude"${'; wg refuses such a config and would ignore the whole file, spawning with its built-in defaults'}`,
      },
    },
    {
      note: 'inherit_global not a boolean',
      lines: ['[llm_endpoints]', 'inherit_global = "yes"'],
      want: { code: 'config-type', line: 2, key: 'llm_endpoints.inherit_global' },
    },
    {
      note: 'an endpoint without a name',
      lines: ['[[llm_endpoints.endpoints]]', 'name = "a"', '[[llm_endpoints.endpoints]]', 'url = "http://b"'],
      want: {
        code: 'config-type',
        line: 3,
        key: 'llm_endpoints.endpoints[1].name',
        message: '`llm_endpoints.endpoints[1].name` is required; wg refuses such a config and would ignore the whole file, spawning with its built-in defaults',
      },
    },
    {
      note: 'an empty endpoint name',
      lines: ['[[llm_endpoints.endpoints]]', 'name = ""'],
      want: {
        code: 'config-type',
        line: 2,
        key: 'llm_endpoints.endpoints[0].name',
        message:
          '`llm_endpoints.endpoints[0].name` must not be empty; wg refuses such a config and would ignore the whole file, spawning with its built-in defaults',
      },
    },
    {
      note: "a [models.<role>].tier outside fast|standard|premium (lowercase only, as wg's serde reads it)",
      lines: ['[models.evaluator]', 'tier = "Premium"'],
      want: { code: 'config-type', line: 2, key: 'models.evaluator.tier', message: expect.stringContaining('not `Premium`') },
    },
    {
      note: 'a [[model_registry]] entry without its tier',
      lines: ['[[model_registry]]', 'id = "x"', 'provider = "openrouter"', 'model = "a/b"'],
      want: {
        code: 'config-type',
        line: 1,
        key: 'model_registry[0].tier',
        message: expect.stringContaining('`model_registry[0].tier` must be one of `fast`, `standard`, `premium`'),
      },
    },
    {
      note: 'a [[tag_routing]] rule without a model',
      lines: ['[[tag_routing]]', 'tag = "ui"'],
      want: { code: 'config-type', key: 'tag_routing[0].model', message: expect.stringContaining('would ignore the whole file') },
    },
    {
      note: 'wg\'s example: [agency] auto_assign = "yes"',
      lines: ['[agency]', 'auto_assign = "yes"'],
      want: { code: 'config-type', line: 2, key: 'agency.auto_assign', message: expect.stringContaining('must be a boolean') },
    },
    {
      note: 'wg\'s example: [dispatcher] max_agents = "8"',
      lines: ['[dispatcher]', 'max_agents = "8"'],
      want: { code: 'config-type', line: 2, key: 'dispatcher.max_agents' },
    },
    {
      note: "wg's example: [dispatcher] agent_timeout = 30 (it must be a string)",
      lines: ['[dispatcher]', 'agent_timeout = 30'],
      want: { code: 'config-type', line: 2, key: 'dispatcher.agent_timeout' },
    },
    {
      note: 'an agent_timeout wg cannot parse',
      lines: ['[coordinator]', 'agent_timeout = "1h30m"'],
      want: { code: 'bad-duration', line: 2, key: 'coordinator.agent_timeout', message: expect.stringContaining('`coordinator.agent_timeout` = "1h30m"') },
    },
    {
      note: 'a URL with userinfo',
      lines: ['[[llm_endpoints.endpoints]]', 'name = "a"', '[[llm_endpoints.endpoints]]', 'name = "b"', 'url = "https://user:pw@h/v1"'],
      want: { code: 'config-credential-url', line: 5, key: 'llm_endpoints.endpoints[1].url' },
    },
    {
      note: 'a URL with a secret query parameter',
      lines: ['[[llm_endpoints.endpoints]]', 'name = "a"', 'url = "https://h/v1?API_KEY=sk-1"'],
      want: { code: 'config-credential-url', line: 3, key: 'llm_endpoints.endpoints[0].url' },
    },
  ])('$note → $want.code', ({ lines, want }) => {
    const e = thrown(() => load(...lines));
    expect(e).toMatchObject({ file: 'c.toml', ...want });
  });

  test("wg-policy's own [policy] table is not wg's, so its errors do not say wg would ignore the file", () => {
    expect(String(thrown(() => load('policy = 5')).message)).not.toContain('wg refuses');
  });

  test('a secret of the wrong type is never echoed', () => {
    const e = thrown(() => load('[[llm_endpoints.endpoints]]', 'name = "a"', 'api_key = 123456789'));
    expect(e).toMatchObject({
      code: 'config-type',
      key: 'llm_endpoints.endpoints[0].api_key',
      line: 3,
      message: expect.stringContaining('`llm_endpoints.endpoints[0].api_key` must be a string'),
    });
    expect(String(e.message)).not.toContain('123456789');
  });

  test('a credentialed URL is named, never its credentials', () => {
    const e = thrown(() => load('[[llm_endpoints.endpoints]]', 'name = "a"', 'url = "https://u:hunter2@h"'));
    expect(String(e.message)).not.toContain('hunter2');
    expect(e.message).toContain('api_key_env');
  });

  test('a dotted key nested 100k deep inside an inline table', () => {
    expect(thrown(() => load(`x = { ${'a.'.repeat(100_000)}a = 1 }`))).toMatchObject({ code: 'toml-too-deep' });
  });
});

describe('a loaded file', () => {
  test('a missing file is an empty layer', () => {
    const missing = loadConfigFile(configFile.at('none.toml'), '.wg/config.toml');
    expect(missing).toMatchObject({ file: '.wg/config.toml', exists: false, data: {}, endpoints: undefined, secrets: [], warnings: [] });
    expect(missing.positionOf(['dispatcher'])).toBeUndefined();
    expect(emptyConfig('x.toml')).toMatchObject({ file: 'x.toml', exists: false });
  });

  test('keys policies do not read are kept untouched', () => {
    const c = load('[agent]', 'model = "claude:haiku"', 'interval = 10', '[project]', 'default_skills = []');
    expect(c.exists).toBe(true);
    expect(c.data).toEqual({ agent: { model: 'claude:haiku', interval: 10 }, project: { default_skills: [] } });
    expect(c.endpoints).toBeUndefined();
  });

  test('[coordinator] is read as [dispatcher]; [dispatcher] keys win; positions point at the key as written', () => {
    const c = load('[dispatcher]', 'model = "claude:opus"', '[coordinator]', 'model = "claude:haiku"', 'executor = "native"');
    expect(c.data.dispatcher).toEqual({ model: 'claude:opus', executor: 'native' });
    expect(c.data).not.toHaveProperty('coordinator');
    expect([...c.aliases]).toEqual([['dispatcher.executor', 'coordinator.executor']]);
    expect(c.positionOf(['dispatcher', 'executor'])?.line).toBe(5);
    expect(c.positionOf(['dispatcher', 'model'])?.line).toBe(2);
    expect(c.warnings).toEqual(['Deprecated: [coordinator] table is now [dispatcher]; please rename in c.toml']);
  });

  test('endpoints carry name, provider, URL and is_default only, with defaults filled in', () => {
    const c = load(
      '[[llm_endpoints.endpoints]]',
      'name = "main"',
      'api_key = "sk-secret-1"',
      'is_default = true',
      '[[llm_endpoints.endpoints]]',
      'name = "or"',
      'provider = "openrouter"',
      'api_key_env = "OR_KEY"',
      '[[llm_endpoints.endpoints]]',
      'name = "mine"',
      'provider = "custom"',
      'url = "http://h:1/v1?model=x"',
      'api_key_file = "/run/key"',
    );
    expect(c.endpoints).toEqual([
      { name: 'main', provider: 'anthropic', url: 'https://api.anthropic.com', is_default: true },
      { name: 'or', provider: 'openrouter', url: 'https://openrouter.ai/api/v1', is_default: false },
      { name: 'mine', provider: 'custom', url: 'http://h:1/v1?model=x', is_default: false },
    ]);
    expect(JSON.stringify(c.endpoints)).not.toMatch(/sk-secret-1|OR_KEY|\/run\/key/);
  });

  test('every value under a secret-named key is collected for masking, whatever the table', () => {
    const c = load(
      '[openai]',
      'token = "tok-1"',
      'name = "not secret"',
      '[[llm_endpoints.endpoints]]',
      'name = "a"',
      'api_key = "sk-2"',
      'api_key_ref = "vault:x"',
      'api_key_env = ""',
    );
    expect(c.secrets.sort()).toEqual(['sk-2', 'tok-1', 'vault%3Ax', 'vault%3ax', 'vault:x']); // with their encoded spellings
  });

  test('deprecated model prefixes warn with the file, the key as written and the replacement', () => {
    const c = load('[agent]', 'model = "local:qwen"', '[coordinator]', 'model = "oai-compat:gpt-4o"', '[dispatcher]', 'executor = "native"');
    expect(c.warnings).toEqual([
      'Deprecated: [coordinator] table is now [dispatcher]; please rename in c.toml',
      '(c.toml) model spec `agent.model = "local:qwen"` uses deprecated `local:` prefix — use `nex:qwen`',
      '(c.toml) model spec `coordinator.model = "oai-compat:gpt-4o"` uses deprecated `oai-compat:` prefix — use `nex:gpt-4o`',
    ]);
  });

  test('current prefixes do not warn', () => {
    expect(load('[agent]', 'model = "nex:qwen"', '[dispatcher]', 'model = "claude:opus"').warnings).toEqual([]);
  });

  test('only model specs warn, and a secret is never echoed in a warning', () => {
    const c = load('[[llm_endpoints.endpoints]]', 'name = "a"', 'api_key = "local:sk-very-secret"', '[project]', 'note = "local:files"');
    expect(c.warnings).toEqual([]);
    expect(c.warnings.join('\n')).not.toContain('sk-very-secret');
    expect(load('[tiers]', 'fast = "local:q"', '[models.default]', 'model = "oai-compat:x"').warnings).toHaveLength(2);
  });
});
