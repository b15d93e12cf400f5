// Executor configurations: wg's built-ins, or <wgdir>/executors/<name>.toml in their place (no merge), as wg parses them.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { BUILTIN_EXECUTORS, EXECUTOR_NAMES, loadExecutors } from '../../src/config/executors.js';
import { thrown } from '../support/thrown.js';

const dir = mkdtempSync(join(tmpdir(), 'wgp-exec-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
/** A wg dir with the given executor TOMLs. */
function wgDir(files: Record<string, string> = {}) {
  const d = join(dir, `wg${n++}`);
  mkdirSync(join(d, 'executors'), { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, 'executors', `${name}.toml`), text);
  return d;
}

describe('built-ins (test_executor_registry_default_configs and friends)', () => {
  const { list, sources } = loadExecutors(wgDir(), '.wg');
  test('one per plannable executor, in order', () => {
    expect(list.map((c) => [c.name, c.type, c.command, c.builtin])).toEqual(EXECUTOR_NAMES.map((name) => [name, name, BUILTIN_EXECUTORS[name].command, true]));
  });
  test("codex carries wg's three -c settings, the developer instructions as one argument", () => {
    const codex = list.find((c) => c.name === 'codex')!;
    expect(codex.args.slice(0, 4)).toEqual(['exec', '--json', '--skip-git-repo-check', '--dangerously-bypass-approvals-and-sandbox']);
    expect(codex.args.filter((a) => a === '-c')).toHaveLength(3);
    expect(codex.args.at(-1)).toMatch(/^developer_instructions="You are a non-interactive batch worker\. .* do not describe work in the response\."$/);
  });
  test('shell exports TASK_ID and TASK_TITLE; native WG_TASK_ID; none has a timeout or model', () => {
    expect(list.find((c) => c.name === 'shell')!.env).toEqual({ TASK_ID: '{{task_id}}', TASK_TITLE: '{{task_title}}' });
    expect(list.find((c) => c.name === 'native')!.env).toEqual({ WG_TASK_ID: '{{task_id}}' });
    expect(list.every((c) => c.timeout === null && c.model === null)).toBe(true);
  });
  test("the built-in shell args name {{task_context}} (shell ignores its args); sources name wg's built-in", () => {
    expect(list.find((c) => c.name === 'shell')!).toMatchObject({ runtimeVars: '', runtimeArgVars: '{{task_context}}' });
    expect(sources[0].map((s) => s.key)).toEqual(['executor.type', 'executor.command', 'executor.args', 'executor.env']);
    expect(sources[0][0]).toMatchObject({ layer: 'default', file: "wg's built-in claude executor" });
  });
});

describe('a TOML replaces the built-in wholesale', () => {
  test('test_executor_config_load: every key read, timeout and model too; the model prefix parsed', () => {
    const d = wgDir({
      claude:
        '[executor]\ntype = "custom"\ncommand = "my-agent"\nargs = ["--task", "{{task_id}}"]\ntimeout = 600\nmodel = "codex:gpt-5"\nworking_dir = "/w"\nextra = 1\n[executor.env]\nTASK_TITLE = "{{task_title}} {{task_identity}}"\n[executor.prompt_template]\ntemplate = "x"\n',
    });
    const { list, sources } = loadExecutors(d, '.wg');
    expect(list[0]).toEqual({
      name: 'claude',
      type: 'custom',
      command: 'my-agent',
      args: ['--task', '{{task_id}}'],
      env: { TASK_TITLE: '{{task_title}} {{task_identity}}' },
      working_dir: '/w',
      timeout: 600,
      model: 'codex:gpt-5',
      modelProvider: 'codex',
      file: '.wg/executors/claude.toml',
      builtin: false,
      runtimeVars: '{{task_identity}}',
      runtimeArgVars: '',
    });
    expect(sources[0].map((s) => s.key)).toEqual(['executor.type', 'executor.command', 'executor.args', 'executor.env', 'executor.timeout', 'executor.model']);
    expect(list[1].builtin).toBe(true);
  });

  test('no args in the TOML means no args (the built-in --print is gone)', () => {
    expect(loadExecutors(wgDir({ claude: '[executor]\ntype = "claude"\ncommand = "c"\n' }), '.wg').list[0].args).toEqual([]);
  });

  test.each([
    { note: 'no [executor] table', text: '[something_else]\nkey = "value"\n', key: 'executor' },
    { note: 'no command', text: '[executor]\ntype = "custom"\n', key: 'executor.command' },
    { note: 'no type', text: '[executor]\ncommand = "echo"\n', key: 'executor.type' },
    { note: 'args not strings', text: '[executor]\ntype = "x"\ncommand = "c"\nargs = [1]\n', key: 'executor.args[0]' },
    { note: 'a timeout string', text: '[executor]\ntype = "x"\ncommand = "c"\ntimeout = "30m"\n', key: 'executor.timeout' },
    { note: 'a negative timeout', text: '[executor]\ntype = "x"\ncommand = "c"\ntimeout = -1\n', key: 'executor.timeout' },
  ])('$note → executor-toml naming the key', ({ text, key }) => {
    const e = thrown(() => loadExecutors(wgDir({ codex: text }), '.wg'));
    expect(e).toMatchObject({ code: 'executor-toml', file: '.wg/executors/codex.toml', key });
    expect(e.message).toContain('wg cannot parse this executor config');
  });

  test('a TOML syntax error is toml-syntax', () => {
    expect(thrown(() => loadExecutors(wgDir({ shell: 'invalid toml {{{' }), '.wg'))).toMatchObject({ code: 'toml-syntax', file: '.wg/executors/shell.toml' });
  });

  test.each([
    { note: 'a secret-named env var', text: '[executor]\ntype = "x"\ncommand = "c"\n[executor.env]\nMY_TOKEN = "abc"\n', key: 'executor.env.MY_TOKEN' },
    { note: 'a credentialed URL in env', text: '[executor]\ntype = "x"\ncommand = "c"\n[executor.env]\nBASE = "https://u:pw@h"\n', key: 'executor.env.BASE' },
    { note: 'a credentialed URL in args', text: '[executor]\ntype = "x"\ncommand = "c"\nargs = ["https://h/?api_key=zz"]\n', key: 'executor.args' },
  ])('$note → executor-secret, the value never echoed', ({ text, key }) => {
    const e = thrown(() => loadExecutors(wgDir({ native: text }), '.wg'));
    expect(e).toMatchObject({ code: 'executor-secret', key });
    expect(e.message).not.toMatch(/abc|pw@|zz/);
  });

  // Each spelling a CLI or an SDK takes a key in; found in review (all reached the plan's argv and the decision log).
  const executor = (lines: string) => `[executor]\ntype = "claude"\ncommand = "claude"\n${lines}\n`;
  test.each([
    ['args = ["--api-key=CANARY0123456789"]', 'executor.args'],
    ['args = ["--api-key", "CANARY0123456789"]', 'executor.args'],
    ['args = ["--verbose", "--token", "CANARY0123456789"]', 'executor.args'],
    ['args = ["-HAuthorization: Bearer CANARY0123456789"]', 'executor.args'],
    ['args = ["--header=Authorization=Bearer CANARY0123456789"]', 'executor.args'],
    ['args = ["-H", "api-key: CANARY0123456789"]', 'executor.args'],
    ['args = ["--clientSecret=CANARY0123456789"]', 'executor.args'],
    ['[executor.env]\nMY_CONFIG = "apiKey=CANARY0123456789"', 'executor.env.MY_CONFIG'],
    ['[executor.env]\nOPENAI_HEADERS = "{\\"Authorization\\": \\"Bearer CANARY0123456789\\"}"', 'executor.env.OPENAI_HEADERS'],
    ['[executor.env]\nBASE = "https:/user:CANARY0123456789@host/v1"', 'executor.env.BASE'],
  ])('%s → executor-secret naming %s, the value never echoed', (lines, key) => {
    const e = thrown(() => loadExecutors(wgDir({ claude: executor(lines) }), '.wg'));
    expect(e).toMatchObject({ code: 'executor-secret', key });
    expect(e.message).not.toContain('CANARY');
  });

  test.each([
    'args = ["--max-tokens", "4096", "--sort-key", "name", "--keyboard=us"]',
    'args = ["--permission-mode", "bypassPermissions", "--output-format", "stream-json"]',
    'args = ["--model=opus", "--author", "me", "--token-limit=100"]',
    '[executor.env]\nMODE = "fast=1"\nURL = "https://host/v1?model=m"',
  ])('%s is no credential: the executor loads', (lines) => {
    expect(loadExecutors(wgDir({ claude: executor(lines) }), '.wg').list[0].name).toBe('claude');
  });
});
