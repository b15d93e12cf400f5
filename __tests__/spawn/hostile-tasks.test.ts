// Task data is written by agents: fields too long to plan, fields that would put an option of the agent's choosing on
// the command line, objects that are not JSON data, and credentials that reach a plan from a file other than the task.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from '@jest/globals';
import { PolicyError } from '../../src/shared/errors.js';
import { MAX_COMMAND_CHARS, MAX_FIELD_CHARS, MAX_LIST_ITEMS, MAX_TEXT_CHARS } from '../../src/shared/flaws.js';
import { planMany, planSpawn } from '../../src/spawn/plan.js';
import { MAX_ARG_BYTES } from '../../src/spawn/plan-checks.js';
import { scratch } from '../support/project.js';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function project(files: Record<string, string> = {}) {
  const s = scratch(files);
  writeFileSync(join(s.wgDir, 'graph.jsonl'), '');
  cleanups.push(s.cleanup);
  return s;
}

/** The plan's argv for `task` (planned as an object), or the error's code, key and message. */
async function outcome(s: ReturnType<typeof project>, task: Record<string, unknown>) {
  try {
    const plan = await planSpawn({ task: { title: 'a task', status: 'open', ...task }, dir: s.wgDir, home: s.home, env: {} }, { warn: () => {} });
    return { argv: plan.argv };
  } catch (e) {
    if (!(e instanceof PolicyError)) throw e;
    return { code: e.code, key: e.key, message: e.message };
  }
}

const text = (n: number) => 'a'.repeat(n);

describe('a field longer than a plan takes is refused as bad task input, naming the field', () => {
  test.each([
    ['model', MAX_FIELD_CHARS, (v: string) => ({ model: `claude:${v}` }), 'claude:'.length],
    ['session_id', MAX_FIELD_CHARS, (v: string) => ({ session_id: v }), 0],
    ['exec', MAX_COMMAND_CHARS, (v: string) => ({ exec: `echo ${v}`, exec_mode: 'shell' }), 'echo '.length],
  ])('%s: %d characters plan, one more is task-field', async (field, max, fields, prefix) => {
    const s = project();
    const fits = await outcome(s, { id: 't1', ...fields(text(max - prefix)) });
    expect(fits).not.toMatchObject({ message: expect.stringContaining('is longer than') });
    const over = await outcome(s, { id: 't1', ...fields(text(max - prefix + 1)) });
    expect(over).toEqual({
      code: 'task-field',
      key: field,
      message: `task \`t1\` field \`${field}\` is longer than ${max.toLocaleString('en')} characters, more than wg-policy plans from one field`,
    });
  });

  test('tags, which tag routing copies into provenance: each at most MAX_FIELD_CHARS, at most MAX_LIST_ITEMS of them (found by an adversarial pass)', async () => {
    const s = project({ 'project/.wg/config.toml': '[[tag_routing]]\ntag = "gpu"\nmodel = "claude:opus"\n' });
    expect(await outcome(s, { id: 't1', tags: ['gpu', text(MAX_FIELD_CHARS)] })).toHaveProperty('argv');
    expect(await outcome(s, { id: 't1', tags: ['gpu', text(MAX_FIELD_CHARS + 1)] })).toMatchObject({ code: 'task-field', key: 'tags.1' });
    const many = (n: number) => ['gpu', ...Array.from({ length: n - 1 }, (_, i) => `t${i}`)];
    expect(await outcome(s, { id: 't1', tags: many(MAX_LIST_ITEMS) })).toHaveProperty('argv');
    expect(await outcome(s, { id: 't1', tags: many(MAX_LIST_ITEMS + 1) })).toEqual({
      code: 'task-field',
      key: 'tags',
      message: `task \`t1\` field \`tags\` has more than ${MAX_LIST_ITEMS.toLocaleString('en')} entries, more than wg-policy plans from one field`,
    });
  });

  test('timeout, which the timeout stage cites in provenance though no rule reads it (found in review)', async () => {
    const s = project();
    expect(await outcome(s, { id: 't1', timeout: '30m' })).toHaveProperty('argv');
    expect(await outcome(s, { id: 't1', timeout: `30m${' '.repeat(MAX_FIELD_CHARS)}` })).toMatchObject({ code: 'task-field', key: 'timeout' });
  });

  test('a title is free text: far longer than a name plans, up to MAX_TEXT_CHARS', async () => {
    const s = project();
    expect(await outcome(s, { id: 't1', title: text(MAX_TEXT_CHARS) })).toHaveProperty('argv');
    expect(await outcome(s, { id: 't1', title: text(MAX_TEXT_CHARS + 1) })).toMatchObject({ code: 'task-field', key: 'title' });
  });

  test('an argument an executor TOML fills past what Linux passes to a program is plan-invalid, naming where', async () => {
    const s = project({
      'project/.wg/executors/shell.toml': '[executor]\ntype = "custom"\ncommand = "echo"\nargs = ["{{task_description}}"]\n',
    });
    const fits = await outcome(s, { id: 't1', exec: 'true', description: text(MAX_ARG_BYTES - 1) });
    expect(fits).toHaveProperty('argv');
    expect((fits as { argv: string[] }).argv.at(-1)).toHaveLength(MAX_ARG_BYTES - 1);
    const over = await outcome(s, { id: 't1', exec: 'true', description: text(MAX_ARG_BYTES) });
    expect(over).toMatchObject({ code: 'plan-invalid', message: expect.stringMatching(/^the plan for task `t1` at `argv\.\d+` is longer than Linux passes/) });
    const multibyte = await outcome(s, { id: 't1', exec: 'true', description: 'é'.repeat(MAX_ARG_BYTES / 2) }); // 2 bytes each
    expect(multibyte).toMatchObject({ code: 'plan-invalid' });
  });
});

test('arguments each short enough but together more than Linux passes to a program are plan-invalid, naming the total', async () => {
  const toml = (n: number) => ({
    'project/.wg/executors/shell.toml': `[executor]\ntype = "custom"\ncommand = "echo"\nargs = [${Array(n).fill('"{{task_description}}"').join(', ')}]\n`,
  });
  const description = text(MAX_ARG_BYTES - 1_000);
  expect(await outcome(project(toml(15)), { id: 't1', exec: 'true', description })).toHaveProperty('argv');
  const over = await outcome(project(toml(17)), { id: 't1', exec: 'true', description });
  expect(over).toMatchObject({
    code: 'plan-invalid',
    key: 'argv',
    message: expect.stringMatching(
      /^the plan for task `t1` passes 2,2\d\d,\d{3} bytes of arguments and environment, more than Linux passes to a program in all \(2,097,152 bytes/,
    ),
  });
});

describe('task text never becomes an option of the launched program', () => {
  test.each([
    [{ session_id: '--dangerously-skip-permissions' }, 'session_id'],
    [{ model: 'claude:--mcp-config=/tmp/x.json' }, 'model'],
    [{ model: 'claude:-x' }, 'model'],
  ])('%j is task-field naming %s', async (fields, key) => {
    const got = await outcome(project(), { id: 't1', ...fields });
    expect(got).toMatchObject({
      code: 'task-field',
      key,
      message: expect.stringContaining('puts an argument starting with `-` into the command line (`argv.'),
    });
  });

  test('a task id starting with `-` plans where it is an environment value, and is refused where it would be an argument', async () => {
    const s = project();
    expect(await outcome(s, { id: '--dry-run' })).toHaveProperty('argv'); // claude: the id is in WG_TASK_ID only
    expect(await outcome(s, { id: '--dry-run', exec: 'echo hi', exec_mode: 'shell' })).toMatchObject({
      code: 'task-field',
      key: 'id',
      message: expect.stringMatching(/^task field `id` puts an argument starting with `-`/),
    });
  });

  test.each([
    ['--', '--mcp-config=/tmp/evil.json'],
    ['--mcp-con', 'fig=/tmp/evil.json'],
  ])('a title %j that two fields complete into an option (%j after it) is refused too', async (title, description) => {
    const s = project({
      'project/.wg/executors/claude.toml': '[executor]\ntype = "claude"\ncommand = "claude"\nargs = ["--print", "{{task_title}}{{task_description}}"]\n',
    });
    expect(await outcome(s, { id: 't1', title, description })).toMatchObject({ code: 'task-field', key: 'title' });
  });

  test('an argument that merely starts with `-` and is not task text still plans (a TOML or the policy chose it)', async () => {
    const got = await outcome(project(), { id: 't1', session_id: 'abc-123' });
    expect(got).toHaveProperty('argv');
    expect((got as { argv: string[] }).argv).toContain('abc-123');
  });
});

test('a task object that is not JSON data is an error item of planMany; the tasks after it still plan', async () => {
  const s = project();
  const cycle: Record<string, unknown> = { id: 'cycle', title: 'c', status: 'open' };
  cycle.self = cycle;
  const getter = Object.defineProperty({ title: 'g', status: 'open' }, 'id', {
    enumerable: true,
    get() {
      throw new Error('no id today');
    },
  });
  const tasks = [{ id: 'big', title: 'b', status: 'open', n: BigInt(1) }, cycle, getter, { id: 'ok', title: 'fine', status: 'open' }];
  const items = [];
  for await (const item of planMany({ tasks, dir: s.wgDir, home: s.home, env: {} }, { warn: () => {} })) items.push(item);
  expect(items.map((i) => [i.task, i.error?.code ?? null, i.plan?.task ?? null])).toEqual([
    ['big', 'task-json', null],
    ['cycle', 'task-field', null], // seen as nesting deeper than a task may before anything recurses into it
    ['', 'task-json', null],
    ['ok', null, 'ok'],
  ]);
  expect(items[0].error?.message).toMatch(/^the task object is not JSON data \(/);
  expect(items[1].error?.message).toBe('task field `self` nests deeper than 128 levels, which wg cannot read');
  expect(items[2].error?.message).toBe('the task object is not JSON data (no id today)');
});

test('a credential that reaches a plan from the model cache is refused (plan-carries-credential), naming the file and not the value', async () => {
  const s = project({
    'project/.wg/config.toml':
      '[dispatcher]\nexecutor = "native"\n\n[[llm_endpoints.endpoints]]\nname = "or"\nprovider = "openrouter"\nurl = "https://openrouter.ai/api/v1"\nis_default = true\n',
  });
  writeFileSync(join(s.wgDir, 'model_cache.json'), JSON.stringify({ models: [{ id: 'vendor/gemzz?api_key=ABCD1234efgh5678' }] }));
  const got = await outcome(s, { id: 't1', model: 'gemzz' });
  expect(got).toMatchObject({ code: 'plan-carries-credential' });
  expect(JSON.stringify(got)).not.toContain('ABCD1234efgh5678');
  try {
    await planSpawn({ task: { id: 't1', title: 't', status: 'open', model: 'gemzz' }, dir: s.wgDir, home: s.home, env: {} }, { warn: () => {} });
  } catch (e) {
    expect((e as PolicyError).help).toContain('model_cache.json');
  }
  expect.assertions(3);
});
