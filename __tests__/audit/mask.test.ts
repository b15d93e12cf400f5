// Masking: secret-named keys and known secret values never reach the log; masked paths are listed; input untouched.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import type { Decision } from '../../src/audit/event.js';
import { appendDecision, closeAuditLog } from '../../src/audit/append.js';
import { MASK, maskSecrets } from '../../src/audit/mask.js';
import { listDecisions } from '../../src/audit/query.js';
import { tempDir } from './helpers.js';

const CANARY = 'sk-canary-7f3e9a51';

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** The canary in every place a decision can carry a secret. */
function canaryDecision(): Decision {
  return {
    kind: 'spawn',
    taskId: 'task-secret',
    policyRevision: 'rev-1',
    inputs: [
      { layer: 'local', file: '.wg/config.toml', key: 'dispatcher.executor', value: 'claude' },
      { layer: 'global', file: '~/.wg/config.toml', key: 'llm_endpoints.endpoints[0].api_key', value: CANARY },
      {
        layer: 'local',
        file: '.wg/config.toml',
        key: 'llm_endpoints.endpoints',
        value: [
          { name: 'openrouter', url: 'https://openrouter.ai', api_key: CANARY, api_key_file: `/run/${CANARY}`, api_key_env: 'OR_KEY', api_key_ref: 'vault:or' },
        ],
      },
      { layer: 'cli', file: null, key: 'note', value: `copied ${CANARY} by hand` },
    ],
    result: {
      executor: 'native',
      env: { WG_TASK_ID: 'task-secret', WG_API_KEY: CANARY, OPENAI_TOKEN: CANARY, PLAIN: CANARY },
      argv: ['wg-native', `--api-key=${CANARY}`, '--model', 'gpt'],
      endpoint: { name: 'openrouter', auth: { password: CANARY, Secret: { nested: [CANARY] } }, apiKey: CANARY },
      headers: { Authorization: `Bearer ${CANARY}` },
      [CANARY]: 'the secret as a key',
      provenance: { model: { sources: [{ layer: 'global', file: 'g.toml', key: 'openai.token', value: CANARY }] } },
    },
    rules: [{ field: 'env', rule: 'env.pass-key', policy: `policies/spawn/env.yaml:3 ${CANARY}` }],
    error: { code: 'rejected', message: `endpoint key ${CANARY} was refused`, rule: 'endpoint.reject' },
  };
}

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(async () => {
  await closeAuditLog();
  tmp.cleanup();
});

describe('masking in the decision log', () => {
  test('a canary secret in every field appears nowhere on disk; masked paths are listed; the input is unchanged', async () => {
    const log = path.join(tmp.dir, 'policy-audit.jsonl');
    const decision = deepFreeze(canaryDecision());
    const before = structuredClone(decision);
    const record = await appendDecision(decision, { path: log, secrets: [CANARY, ''], actor: 'x' });

    expect(decision).toEqual(before);
    for (const name of fs.readdirSync(tmp.dir)) expect(fs.readFileSync(path.join(tmp.dir, name), 'utf8')).not.toContain(CANARY);
    expect(JSON.stringify(record)).not.toContain(CANARY);
    expect(new Set(record.masked)).toEqual(
      new Set([
        'inputs[1].value',
        'inputs[2].value[0].api_key',
        'inputs[2].value[0].api_key_file',
        'inputs[2].value[0].api_key_env',
        'inputs[2].value[0].api_key_ref',
        'inputs[3].value',
        'result.env.WG_API_KEY',
        'result.env.OPENAI_TOKEN',
        'result.env.PLAIN',
        'result.argv[1]',
        'result.endpoint.auth', // a table under a secret-named key is masked whole
        'result.endpoint.apiKey',
        'result.headers.Authorization',
        'result["***"]',
        'result.provenance.model.sources[0].value',
        'rules[0].policy',
        'error.message',
      ]),
    );
    const [onDisk] = await collect(listDecisions(log));
    expect(onDisk.masked).toEqual(record.masked);
    // Names of config keys and innocent values survive.
    expect(onDisk.inputs[1]).toEqual({ layer: 'global', file: '~/.wg/config.toml', key: 'llm_endpoints.endpoints[0].api_key', value: MASK });
    expect(onDisk.inputs[0].value).toBe('claude');
    expect(onDisk.result).toMatchObject({ argv: ['wg-native', '--api-key=***', '--model', 'gpt'], env: { WG_TASK_ID: 'task-secret' } });
    expect(onDisk.error?.message).toBe('endpoint key *** was refused');
  });

  test('without the secret values, secret-named keys are still masked', async () => {
    const log = path.join(tmp.dir, 'policy-audit.jsonl');
    const record = await appendDecision(canaryDecision(), { path: log, actor: 'x' });
    expect(record.masked).toContain('result.env.WG_API_KEY');
    expect(record.masked).not.toContain('result.env.PLAIN');
  });
});

const cases: { note: string; value: unknown; secrets?: string[]; want: unknown; masked: string[] }[] = [
  {
    note: 'secret-named keys, any case',
    value: { apiKey: 'a', API_TOKEN: 'b', db_password: 'c', name: 'n' },
    want: { apiKey: MASK, API_TOKEN: MASK, db_password: MASK, name: 'n' },
    masked: ['apiKey', 'API_TOKEN', 'db_password'],
  },
  { note: 'null under a secret key stays null', value: { api_key: null }, want: { api_key: null }, masked: [] },
  { note: 'a whole subtree under a secret key', value: { secrets: { a: 1, b: [2] } }, want: { secrets: MASK }, masked: ['secrets'] },
  {
    note: '{key, value}: key is a name, value judged by it',
    value: [
      { key: 'x.api_key', value: 's' },
      { key: 'x.model', value: 'm' },
    ],
    want: [
      { key: 'x.api_key', value: MASK },
      { key: 'x.model', value: 'm' },
    ],
    masked: ['[0].value'],
  },
  { note: 'a bare `key` without a value is a secret', value: { key: 'abc' }, want: { key: MASK }, masked: ['key'] },
  {
    note: 'known secret inside strings',
    value: { argv: ['--k=s3cr3t!!', 's3cr3t!!'] },
    secrets: ['s3cr3t!!'],
    want: { argv: ['--k=***', MASK] },
    masked: ['argv[0]', 'argv[1]'],
  },
  { note: 'longest secret first', value: 'abcdefgh-abcdefghij', secrets: ['abcdefgh', 'abcdefghij'], want: '***-***', masked: [''] },
  {
    note: 'a short secret value (`none`) is masked under secret keys only, never searched inside other strings',
    value: { api_key: 'none', rule: 'endpoint.none-for-claude', reject: 'but none is configured', endpoint: 'none', argv: ['--x', 'none'] },
    secrets: ['none'],
    want: { api_key: MASK, rule: 'endpoint.none-for-claude', reject: 'but none is configured', endpoint: 'none', argv: ['--x', 'none'] },
    masked: ['api_key'],
  },
  {
    note: 'a 7-character secret is not searched; 8 characters is',
    value: { provider: 'ollama-local', url: 'http://ollama:11434', note: 'key12345 used' },
    secrets: ['ollama', 'key12345'],
    want: { provider: 'ollama-local', url: 'http://ollama:11434', note: '*** used' },
    masked: ['note'],
  },
  {
    note: 'rule ids are never altered, even when a long secret occurs in one',
    value: {
      rules: [{ field: 'endpoint', rule: 'endpoint.longsecret-x', policy: 'p.yaml:1 longsecret' }],
      explanation: { won: { rule: 'endpoint.longsecret-x' } },
    },
    secrets: ['longsecret'],
    want: {
      rules: [{ field: 'endpoint', rule: 'endpoint.longsecret-x', policy: `p.yaml:1 ${MASK}` }],
      explanation: { won: { rule: 'endpoint.longsecret-x' } },
    },
    masked: ['rules[0].policy'],
  },
  {
    note: 'a password in a URL is masked; user and host stay',
    value: { url: 'https://alice:hunter2@llm.example.com:8443/v1', note: 'see postgres://bob:pw@db/x and http://127.0.0.1:8088/v1' },
    want: { url: `https://alice:${MASK}@llm.example.com:8443/v1`, note: `see postgres://bob:${MASK}@db/x and http://127.0.0.1:8088/v1` },
    masked: ['url', 'note'],
  },
  {
    note: 'secret-named query parameters are masked, others stay',
    value: { shadowed: [{ value: { url: 'http://localhost:11434/v1?api_key=abc&model=m&token=t&key=k&secret=s&password=p&page=2' } }] },
    want: {
      shadowed: [{ value: { url: `http://localhost:11434/v1?api_key=${MASK}&model=m&token=${MASK}&key=${MASK}&secret=${MASK}&password=${MASK}&page=2` } }],
    },
    masked: ['shadowed[0].value.url'],
  },
  {
    note: 'URLs without credentials are untouched',
    value: { url: 'https://openrouter.ai/api/v1?model=x', at: 'a@b.c' },
    want: { url: 'https://openrouter.ai/api/v1?model=x', at: 'a@b.c' },
    masked: [],
  },
  { note: 'odd key names are quoted in paths', value: { 'x y': { token: 1 } }, want: { 'x y': { token: MASK } }, masked: ['["x y"].token'] },
  {
    note: 'a source kept without its value ({layer, file, key}) keeps its config key name; a known secret in it is still masked',
    value: { list: [{ source: { layer: 'default', file: 'tiers', key: 'tiers.fast' } }, { source: { layer: 'local', key: 'x-sk-CANARY-123456' } }] },
    secrets: ['sk-CANARY-123456'],
    want: { list: [{ source: { layer: 'default', file: 'tiers', key: 'tiers.fast' } }, { source: { layer: 'local', key: `x-${MASK}` } }] },
    masked: ['list[1].source.key'],
  },
];

describe('maskSecrets cases', () => {
  test.each(cases)('$note', ({ value, secrets, want, masked }) => {
    const frozen = deepFreeze(structuredClone(value));
    const out = maskSecrets(frozen, secrets);
    expect(out.value).toEqual(want);
    expect(out.masked).toEqual(masked);
  });
});

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
