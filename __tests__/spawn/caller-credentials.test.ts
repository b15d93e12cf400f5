// The caller's inputs (`plan` flags, serve request keys, the library's request fields) are refused, as task fields are,
// when they carry credentials: a `usage` error naming the flag, with the value nowhere in output or the decision log.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from '@jest/globals';
import { planMany, planSpawn } from '../../src/index.js';
import { PolicyError } from '../../src/shared/errors.js';
import { CALLER_FLAGS } from '../../src/spawn/inputs.js';
import type { CallerInput } from '../../src/spawn/facts.js';
import { hostCli } from '../support/cli-host.js';
import { projectWithTasks } from '../support/project.js';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function project() {
  const s = projectWithTasks([
    { id: 't1', title: 'one' },
    { id: 't2', title: 'two' },
  ]);
  cleanups.push(s.cleanup);
  return s;
}

const SECRET = 'Zx81CANARYq7';
/** One spelling per caller input; every one carries SECRET. */
const GIVEN: Record<keyof CallerInput, string> = {
  agentExecutor: `claude --api-key ${SECRET}`,
  defaultModel: `claude:opus?api_key=${SECRET}`,
  promptFile: `/tmp/prompt.txt?token=${SECRET}`,
  site: `token=${SECRET}`,
  agent: `https://bob:${SECRET}@agents.example`,
  agentId: `OPENAI_API_KEY=${SECRET}`,
  timeout: `Authorization: Bearer ${SECRET}`,
  role: `--password ${SECRET}`,
};

test('every caller input has a spelling here', () => {
  expect(Object.keys(GIVEN).sort()).toEqual(Object.keys(CALLER_FLAGS).sort());
});

test.each(Object.entries(GIVEN))('the library refuses %s carrying credentials, naming its flag, before any other check quotes it', async (key, value) => {
  const s = project();
  const error = await planSpawn({ taskId: 't1', dir: s.wgDir, home: s.home, env: {}, [key]: value }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PolicyError);
  const e = error as PolicyError;
  expect([e.code, e.exit, e.key]).toEqual(['usage', 2, CALLER_FLAGS[key as keyof CallerInput]]);
  expect(e.message).toContain(`${CALLER_FLAGS[key as keyof CallerInput]} carries credentials`);
  expect(e.message).not.toContain(SECRET);
});

test('the library refuses a caller input holding a NUL (no path, argument or environment variable can carry one)', async () => {
  const s = project();
  await expect(planSpawn({ taskId: 't1', dir: s.wgDir, home: s.home, env: {}, promptFile: '/tmp/a\0b' })).rejects.toMatchObject({
    code: 'usage',
    key: '--prompt-file',
    message: '--prompt-file contains a NUL character, which no path, argument or environment variable can carry',
  });
});

test('the library refuses a caller input that is not a string (no check is skipped for it)', async () => {
  const s = project();
  const base = { taskId: 't1', dir: s.wgDir, home: s.home, env: {} };
  await expect(planSpawn({ ...base, timeout: 30 as unknown as string })).rejects.toMatchObject({
    code: 'usage',
    key: '--timeout',
    message: '--timeout must be a string',
  });
  await expect(planSpawn({ ...base, agentExecutor: ['shell', GIVEN.agent] as unknown as string })).rejects.toMatchObject({
    code: 'usage',
    key: '--agent-executor',
  });
});

test('the same flag without key material is planned (a plain executor name, a plain role)', async () => {
  const s = project();
  const plan = await planSpawn({ taskId: 't1', dir: s.wgDir, home: s.home, env: {}, agentExecutor: 'claude', role: 'reviewer' });
  expect(plan.executor).toBe('claude');
});

test('planMany refuses a credential-carrying flag once for the batch, not once per task', async () => {
  const s = project();
  const items: unknown[] = [];
  const run = (async () => {
    for await (const item of planMany({ dir: s.wgDir, home: s.home, env: {}, role: GIVEN.role })) items.push(item);
  })();
  await expect(run).rejects.toMatchObject({ code: 'usage', key: '--role' });
  expect(items).toEqual([]);
});

test('`plan` and `plan --all` exit 2 naming the flag; the value is in no output and no decision record', () => {
  const s = project();
  const log = join(s.wgDir, 'policy-audit.jsonl');
  const runs = [
    hostCli(['plan', 't1', '--dir', s.wgDir, '--agent-executor', GIVEN.agentExecutor], { home: s.home }),
    hostCli(['plan', 't1', '--dir', s.wgDir, '--role', GIVEN.role], { home: s.home }),
    hostCli(['plan', '--all', '--dir', s.wgDir, '--record', '--prompt-file', GIVEN.promptFile], { home: s.home }),
  ];
  expect(runs.map((r) => [r.code, r.stdout])).toEqual([
    [2, ''],
    [2, ''],
    [2, ''],
  ]);
  expect(runs[0].stderr).toBe(
    `wg-policy: --agent-executor carries credentials (a URL with a user, key or token, an authorization header, a value after a key's or token's name, or a password in its program's own form: \`curl -u\`, \`sshpass -p\`, \`mysql -p…\`); wg-policy never plans, prints or records them [usage]\n(run with --help for usage)\n`,
  );
  expect(runs[2].stderr.match(/\[usage\]/g)).toHaveLength(1);
  for (const r of runs) expect(r.stderr).not.toContain(SECRET);
  expect(existsSync(log)).toBe(false); // a usage error decides nothing, so nothing is recorded
});

test('serve answers a request whose caller key carries credentials with a usage error naming the flag', () => {
  const s = project();
  const requests = [
    { id: 1, op: 'plan', task: 't1', agentId: GIVEN.agentId },
    { id: 2, op: 'explain', task: 't1', defaultModel: GIVEN.defaultModel },
    { id: 3, op: 'plan', task: 't1' },
  ];
  const r = hostCli(['serve', '--stdio', '--dir', s.wgDir], { home: s.home, input: requests.map((q) => JSON.stringify(q)).join('\n') + '\n' });
  expect(r.code).toBe(0);
  const answers = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { id: number; ok: boolean; error?: { code: string; exit: number; message: string } });
  expect(answers.map((a) => [a.id, a.ok, a.error?.code, a.error?.exit])).toEqual([
    [1, false, 'usage', 2],
    [2, false, 'usage', 2],
    [3, true, undefined, undefined],
  ]);
  expect(answers[0].error!.message).toContain('--agent-id carries credentials');
  expect(r.stdout + r.stderr).not.toContain(SECRET);
  expect(readFileSync(join(s.wgDir, 'policy-audit.jsonl'), 'utf8')).not.toContain(SECRET);
});
