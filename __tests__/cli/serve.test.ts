// `wg-policy serve --stdio`: one answer per request, in order; the CLI's plans and errors; edited inputs picked up before
// the next answer (a half-written file is an error answer, then the good version is used); decisions recorded.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, expect, test } from '@jest/globals';
import { BIN, projectWithTasks } from '../support/project.js';
import { hostCli } from '../support/cli-host.js';

type Answer = {
  id: unknown;
  ok: boolean;
  exit?: number;
  plan?: Record<string, unknown>;
  explanation?: unknown;
  verdict?: Record<string, unknown>;
  error?: Record<string, unknown>;
};

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function project() {
  const s = projectWithTasks([
    { id: 't1', title: 'one' },
    { id: 't2', title: 'two', model: 'claude:haiku' },
  ]);
  cleanups.push(s.cleanup);
  return s;
}

/** A running server and a way to ask it one request at a time. */
function serve(args: string[], home: string) {
  const p: ChildProcessWithoutNullStreams = spawn(process.execPath, [BIN, 'serve', '--stdio', ...args], {
    env: { PATH: process.env.PATH, HOME: home, NO_COLOR: '1' },
  });
  let stderr = '';
  p.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const answers: string[] = [];
  const waiting: Array<(line: string) => void> = [];
  createInterface({ input: p.stdout }).on('line', (line) => {
    const w = waiting.shift();
    if (w) w(line);
    else answers.push(line);
  });
  const next = () => new Promise<string>((resolve) => (answers.length ? resolve(answers.shift()!) : waiting.push(resolve)));
  const exited = new Promise<number | null>((resolve) => p.on('exit', (code) => resolve(code)));
  cleanups.push(() => p.kill('SIGKILL'));
  return {
    /** Sends raw text or bytes (one or more lines). */
    send: (text: string | Buffer) => p.stdin.write(text),
    next,
    async ask(req: Record<string, unknown>): Promise<Answer> {
      p.stdin.write(`${JSON.stringify(req)}\n`);
      return JSON.parse(await next()) as Answer;
    },
    /** Sends the requests in one write and reads their answers. */
    async askTogether(reqs: Array<Record<string, unknown>>): Promise<Answer[]> {
      p.stdin.write(reqs.map((r) => `${JSON.stringify(r)}\n`).join(''));
      const answers: Answer[] = [];
      for (const _r of reqs) answers.push(JSON.parse(await next()) as Answer);
      return answers;
    },
    async end(): Promise<{ code: number | null; stderr: string }> {
      p.stdin.end();
      return { code: await exited, stderr };
    },
  };
}

test('plans, refusals and bad input are answered as the CLI answers them, in order, one line each', async () => {
  const s = project();
  const srv = serve(['--dir', s.wgDir, '--no-audit'], s.home);
  const a = await srv.ask({ id: 1, op: 'plan', task: 't1' });
  const viaCli = hostCli(['plan', 't1', '--dir', s.wgDir, '--no-audit'], { home: s.home });
  expect(a).toEqual({ id: 1, ok: true, exit: 0, plan: JSON.parse(viaCli.stdout) });
  // Several requests at once: answered in order, under their own ids.
  srv.send(
    [
      JSON.stringify({ id: 'b', op: 'plan', task: 'nope' }),
      'not json',
      JSON.stringify({ id: 'c', op: 'plan', task: { id: 'obj', model: 'codex:gpt-5' } }),
      JSON.stringify({ id: 'd', op: 'plan', task: 't2', colour: 'red' }),
      JSON.stringify({ id: 'e', op: 'explain', task: 't2' }),
      JSON.stringify({ id: 'f', op: 'plan', task: 't2', agentExecutor: 'codex' }),
      '',
    ].join('\n'),
  );
  const [b, bad, c, d, e, f] = (await Promise.all(Array.from({ length: 6 }, () => srv.next()))).map((l) => JSON.parse(l) as Answer);
  expect(b).toEqual({ id: 'b', ok: false, error: expect.objectContaining({ code: 'task-not-found', exit: 2 }) });
  expect(bad).toEqual({ id: null, ok: false, error: expect.objectContaining({ code: 'usage', exit: 2 }) });
  expect(c).toMatchObject({ id: 'c', ok: false, error: { code: 'rule-rejected', exit: 1, rule: 'compat.claude-cannot-run-model' } });
  expect(d).toMatchObject({ id: 'd', ok: false, error: { code: 'usage', key: 'colour' } });
  const explained = hostCli(['explain', 't2', '--dir', s.wgDir, '--json'], { home: s.home });
  expect(e).toEqual({ id: 'e', ok: true, exit: 0, explanation: JSON.parse(explained.stdout) });
  expect(f).toMatchObject({ id: 'f', ok: true, plan: { executor: 'codex' } });
  const { code, stderr } = await srv.end();
  expect(code).toBe(0);
  expect(stderr).toBe('');
}, 60_000);

test('edited config, policy and graph files are picked up before the next answer; a half-written file is an error answer', async () => {
  const s = project();
  const srv = serve(['--dir', s.wgDir, '--no-audit'], s.home);
  expect((await srv.ask({ id: 1, op: 'plan', task: 't1' })).plan).toMatchObject({ executor: 'claude' });
  // The config changes (same length: only a stat's mtime and the content tell).
  writeFileSync(join(s.wgDir, 'config.toml'), '[dispatcher]\nexecutor = "codex"\nmodel = "codex:gpt-5"\n');
  expect((await srv.ask({ id: 2, op: 'plan', task: 't1' })).plan).toMatchObject({ executor: 'codex' });
  // Half-written: an error answer naming the file, and the server keeps serving.
  writeFileSync(join(s.wgDir, 'config.toml'), '[dispatcher]\nexecutor = "cla');
  expect(await srv.ask({ id: 3, op: 'plan', task: 't1' })).toMatchObject({
    id: 3,
    ok: false,
    error: { code: 'toml-syntax', file: '.wg/config.toml', exit: 2 },
  });
  writeFileSync(join(s.wgDir, 'config.toml'), '[dispatcher]\nexecutor = "claude"\nmodel = "claude:opus"\n');
  expect((await srv.ask({ id: 4, op: 'plan', task: 't1' })).plan).toMatchObject({ executor: 'claude' });
  // A project policy appears, then changes.
  mkdirSync(join(s.wgDir, 'policies'));
  const policy = (model: string) =>
    `field: model\nrules:\n  - id: model.house\n    description: the house model\n    priority: 900\n    when: { all: [ { fact: task, path: id, operator: equal, value: t1 } ] }\n    then: { value: "${model}" }\n`;
  writeFileSync(join(s.wgDir, 'policies', 'house.yaml'), policy('claude:sonnet'));
  expect((await srv.ask({ id: 5, op: 'plan', task: 't1' })).plan).toMatchObject({ model: { spec: 'claude:sonnet' } });
  writeFileSync(join(s.wgDir, 'policies', 'house.yaml'), policy('claude:haiku1'));
  expect((await srv.ask({ id: 6, op: 'plan', task: 't1' })).plan).toMatchObject({ model: { spec: 'claude:haiku1' } });
  writeFileSync(join(s.wgDir, 'policies', 'house.yaml'), 'field: model\nrules:\n  - id: model.house\n    priority: [');
  expect(await srv.ask({ id: 7, op: 'plan', task: 't1' })).toMatchObject({ ok: false, error: { code: 'yaml-syntax', exit: 2 } });
  writeFileSync(join(s.wgDir, 'policies', 'house.yaml'), policy('claude:opus'));
  expect((await srv.ask({ id: 8, op: 'plan', task: 't1' })).plan).toMatchObject({ model: { spec: 'claude:opus' } });
  // The graph gains a task, and a malformed line makes every lookup an error until it is fixed.
  appendFileSync(join(s.wgDir, 'graph.jsonl'), `${JSON.stringify({ kind: 'task', id: 't3', title: 'three', exec: 'make' })}\n`);
  expect((await srv.ask({ id: 9, op: 'plan', task: 't3' })).plan).toMatchObject({ executor: 'shell' });
  appendFileSync(join(s.wgDir, 'graph.jsonl'), '{"kind":"task","id":\n');
  expect(await srv.ask({ id: 10, op: 'plan', task: 't1' })).toMatchObject({ ok: false, error: { code: 'graph-line', line: 4 } });
  writeFileSync(join(s.wgDir, 'graph.jsonl'), `${JSON.stringify({ kind: 'task', id: 't1', title: 'one', exec: 'make test' })}\n`);
  expect((await srv.ask({ id: 11, op: 'plan', task: 't1' })).plan).toMatchObject({
    executor: 'shell',
    argv: expect.arrayContaining(['bash', '-c', 'make test']),
  });
  expect((await srv.end()).code).toBe(0);
}, 60_000);

test('requests sent together (one stat of each input for the batch) are answered as when sent one at a time', async () => {
  const s = project();
  const requests = Array.from({ length: 12 }, (_, i) => ({ id: i, op: i % 3 === 2 ? 'explain' : 'plan', task: i % 2 ? 't2' : 't1' }));
  const one = serve(['--dir', s.wgDir, '--no-audit'], s.home);
  const alone: Answer[] = [];
  for (const r of requests) alone.push(await one.ask(r));
  expect((await one.end()).code).toBe(0);
  const all = serve(['--dir', s.wgDir, '--no-audit'], s.home);
  expect(await all.askTogether(requests)).toEqual(alone);
  // The next batch sees an edit made after the first one was answered.
  writeFileSync(join(s.wgDir, 'config.toml'), '[dispatcher]\nexecutor = "codex"\nmodel = "codex:gpt-5"\n');
  const after = await all.askTogether([
    { id: 'a', op: 'plan', task: 't1' },
    { id: 'b', op: 'plan', task: 't1' },
  ]);
  expect(after.map((a) => [a.id, a.plan?.executor])).toEqual([
    ['a', 'codex'],
    ['b', 'codex'],
  ]);
  expect((await all.end()).code).toBe(0);
}, 60_000);

test('a gate request in a batch checks its files afresh, and so does the request after it: a scenario that edits the config is seen', async () => {
  const s = project();
  const config = join(s.wgDir, 'config.toml');
  const past = new Date(Date.now() - 60_000);
  utimesSync(config, past, past); // settled: within a batch only a new stat (not a content check) can see an edit
  const smoke = join(s.project, 'tests', 'smoke');
  mkdirSync(smoke, { recursive: true });
  writeFileSync(join(smoke, 'manifest.toml'), '[[scenario]]\nname = "edits"\nscript = "edits.sh"\nowners = ["t1"]\n');
  writeFileSync(join(smoke, 'edits.sh'), `printf '[dispatcher]\\nexecutor = "codex"\\nmodel = "codex:gpt-5"\\n' > '${config}'\n`);
  const srv = serve(['--dir', s.wgDir, '--no-audit'], s.home);
  const answers = await srv.askTogether([
    { id: 1, op: 'plan', task: 't1' },
    { id: 2, op: 'gate', task: 't1' },
    { id: 3, op: 'plan', task: 't1' },
  ]);
  expect(answers.map((a) => [a.id, a.ok, a.plan?.executor ?? (a.verdict ? 'verdict' : undefined)])).toEqual([
    [1, true, 'claude'],
    [2, true, 'verdict'],
    [3, true, 'codex'],
  ]);
  expect(readFileSync(config, 'utf8')).toContain('codex');
  expect((await srv.end()).code).toBe(0);
}, 60_000);

test('decisions are recorded as the CLI records them (plans and refusals; not explanations, not with audit:false)', async () => {
  const s = project();
  const log = join(s.root, 'decisions.jsonl');
  const srv = serve(['--dir', s.wgDir, '--audit-log', log], s.home);
  await srv.ask({ id: 1, op: 'plan', task: 't1' });
  await srv.ask({ id: 2, op: 'plan', task: { id: 'obj', model: 'codex:gpt-5' } });
  await srv.ask({ id: 3, op: 'explain', task: 't1' });
  await srv.ask({ id: 4, op: 'plan', task: 't2', audit: false });
  expect((await srv.end()).code).toBe(0);
  const records = readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  expect(records.map((r) => [r.task, r.error?.code ?? null])).toEqual([
    ['t1', null],
    ['obj', 'rule-rejected'],
  ]);
  const cliLog = join(s.root, 'cli.jsonl');
  expect(hostCli(['plan', 't1', '--dir', s.wgDir, '--audit-log', cliLog], { home: s.home }).code).toBe(0);
  const [viaCli] = readFileSync(cliLog, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const strip = ({ id: _i, ts: _t, seq: _s, prev: _p, hash: _h, ...rest }: Record<string, unknown>) => rest;
  expect(strip(records[0])).toEqual(strip(viaCli));
  expect(hostCli(['audit', 'verify', '--audit-log', log]).code).toBe(0);
}, 60_000);

test('a gate request answers with the verdict `gate --json` prints', async () => {
  const s = project();
  const srv = serve(['--dir', s.wgDir, '--no-audit'], s.home);
  const a = await srv.ask({ id: 'g', op: 'gate', task: 't1' });
  const viaCli = hostCli(['gate', 't1', '--dir', s.wgDir, '--json', '--no-audit'], { home: s.home });
  // The same verdict but for the wall time it took.
  const timeless = (v: unknown) => ({ ...(v as Record<string, unknown>), elapsedMs: 0 });
  expect({ ...a, verdict: timeless(a.verdict) }).toEqual({ id: 'g', ok: true, exit: viaCli.code, verdict: timeless(JSON.parse(viaCli.stdout)) });
  expect(await srv.ask({ id: 'h', op: 'gate', task: { id: 'x' } })).toMatchObject({ ok: false, error: { code: 'usage', key: 'task' } });
  // `jobs` as the CLI's --jobs takes it: a positive whole number (as a JSON number).
  for (const jobs of [0, 1.5, '2'])
    expect(await srv.ask({ id: 'j', op: 'gate', task: 't1', jobs })).toMatchObject({ ok: false, error: { code: 'usage', key: 'jobs' } });
  expect(await srv.ask({ id: 'k', op: 'gate', task: 't1', jobs: 2 })).toMatchObject({ id: 'k', ok: true });
  const end = await srv.end();
  expect(end.code).toBe(0);
  // stderr's progress for each gate request ends with the CLI's summary line (found by an adversarial pass: it did not)
  expect(end.stderr.match(/^\d+ passed, \d+ failed, \d+ skipped in /gm)).toHaveLength(2);
  const quiet = serve(['--dir', s.wgDir, '--no-audit', '-q'], s.home);
  expect(await quiet.ask({ id: 'q', op: 'gate', task: 't1' })).toMatchObject({ id: 'q', ok: true });
  expect((await quiet.end()).stderr).not.toMatch(/passed, /);
}, 60_000);

test('serve without --stdio is a usage error', () => {
  const s = project();
  const r = hostCli(['serve', '--dir', s.wgDir], { home: s.home });
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('`serve` needs `--stdio`');
});

test('an id is always echoed (null when the request has none); a number JSON would not give back exactly is refused', async () => {
  const s = project();
  const srv = serve(['--dir', s.wgDir, '--no-audit'], s.home);
  expect(await srv.ask({ op: 'plan', task: 't1' })).toMatchObject({ id: null, ok: true });
  srv.send('{"id":12345678901234567891,"op":"plan","task":"t1"}\n{"id":1e400,"op":"plan","task":"t1"}\n');
  for (let i = 0; i < 2; i++) expect(JSON.parse(await srv.next())).toMatchObject({ id: null, ok: false, error: { code: 'usage', key: 'id' } });
  expect(await srv.ask({ id: 9007199254740991, op: 'plan', task: 't1' })).toMatchObject({ id: 9007199254740991, ok: true });
  expect((await srv.end()).code).toBe(0);
});

test('a request line longer than 8,388,608 characters is a usage answer and is skipped to its end; the next request is answered', async () => {
  const s = project();
  const srv = serve(['--dir', s.wgDir, '--no-audit'], s.home);
  srv.send(`{"id":1,"op":"plan","task":"${'a'.repeat(9 * 1024 * 1024)}"}\n{"id":2,"op":"plan","task":"t1"}\n`);
  expect(JSON.parse(await srv.next())).toMatchObject({
    id: null,
    ok: false,
    error: { code: 'usage', message: expect.stringContaining('longer than 8,388,608 characters') },
  });
  expect(JSON.parse(await srv.next())).toMatchObject({ id: 2, ok: true });
  expect((await srv.end()).code).toBe(0);
});

test('a line past what the server holds (3 bytes a character) is answered as soon as its newline comes, and the server keeps serving', async () => {
  const s = project();
  const srv = serve(['--dir', s.wgDir, '--no-audit'], s.home);
  // Sent in pieces without a newline and a request after it (stdin stays open: the answer may not wait for its end).
  const piece = 'a'.repeat(1024 * 1024);
  for (let i = 0; i < 25; i++) srv.send(piece);
  srv.send('\n');
  expect(JSON.parse(await srv.next())).toMatchObject({
    id: null,
    ok: false,
    error: { code: 'usage', message: expect.stringContaining('skipped up to its end') },
  });
  expect(await srv.ask({ id: 2, op: 'plan', task: 't1' })).toMatchObject({ id: 2, ok: true });
  expect((await srv.end()).code).toBe(0);
});

test('a line whose bytes are not UTF-8 is a usage answer (not read with U+FFFD), under its id when the bad bytes are not in it; a character split across writes is read whole', async () => {
  const s = project();
  const server = serve(['--dir', s.wgDir, '--no-audit'], s.home);
  const refused = { ok: false, error: { code: 'usage', message: 'a request line is not valid UTF-8; it was skipped', exit: 2 } };
  for (const [raw, id] of [
    ['{"id":1,"op":"plan","task":"t\xff1"}', 1],
    ['{"id":"a-1","op":"plan","task":"t\xff1"}', 'a-1'],
    ['{"id":"a\xff1","op":"plan","task":"t1"}', null], // the bad byte is in the id: it cannot be echoed as sent
    ['{"id":{"k":"a\xff"},"op":"plan","task":"t1"}', null], // inside an object id too
    ['{"id":"a-1","op":"plan","task":"t1"\xff', null], // not JSON once read
  ] as const) {
    server.send(Buffer.from(`${raw}\n`, 'latin1'));
    expect(JSON.parse(await server.next())).toEqual({ id, ...refused });
  }
  const line = Buffer.from('{"id":"é-2","op":"plan","task":"t1"}\n');
  const cut = line.indexOf(0xa9); // the second byte of é
  server.send(line.subarray(0, cut));
  await new Promise((r) => setTimeout(r, 50));
  server.send(line.subarray(cut));
  expect(JSON.parse(await server.next())).toMatchObject({ id: 'é-2', ok: true });
  expect((await server.end()).code).toBe(0);
});

test('an id nested too deeply to be written back is a usage answer under id null, on a good line or one that is not UTF-8; the server goes on', async () => {
  const s = project();
  const server = serve(['--dir', s.wgDir, '--no-audit'], s.home);
  const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
  server.send(`{"id":${deep},"op":"plan","task":"t1"}\n`);
  expect(JSON.parse(await server.next())).toEqual({
    id: null,
    ok: false,
    error: { code: 'usage', message: 'the `id` nests deeper than 64 levels, too deep to be sent back (send a string or a number)', exit: 2, key: 'id' },
  });
  server.send(Buffer.from(`{"id":${deep},"op":"plan","task":"t\xff1"}\n`, 'latin1'));
  expect(JSON.parse(await server.next())).toMatchObject({
    id: null,
    ok: false,
    error: { code: 'usage', message: 'a request line is not valid UTF-8; it was skipped' },
  });
  server.send('{"id":2,"op":"plan","task":"t1"}\n');
  expect(JSON.parse(await server.next())).toMatchObject({ id: 2, ok: true });
  const end = await server.end();
  expect(end.code).toBe(0);
  expect(end.stderr).not.toMatch(/\n\s+at /);
});

test('an id a few thousand levels deep (deep enough for a recursive walk to overflow, not JSON.stringify) is refused; the batch is answered (found by an adversarial pass)', async () => {
  const s = project();
  const server = serve(['--dir', s.wgDir, '--no-audit'], s.home);
  const nested = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
  server.send(
    `{"id":"a","op":"plan","task":"t1"}\n{"id":${nested(3_000)},"op":"nope"}\n{"id":${nested(64)},"op":"plan","task":"t1"}\n{"id":${nested(65)},"op":"plan","task":"t1"}\n{"id":"c","op":"plan","task":"t1"}\n`,
  );
  const answers = [];
  for (let i = 0; i < 5; i++) answers.push(JSON.parse(await server.next()) as Answer);
  expect(answers.map((a) => [a.ok, a.error?.key ?? null])).toEqual([
    [true, null],
    [false, 'id'],
    [true, null],
    [false, 'id'],
    [true, null],
  ]);
  expect(answers[2].id).toEqual(JSON.parse(nested(64)));
  const end = await server.end();
  expect(end.code).toBe(0);
  expect(end.stderr).not.toMatch(/RangeError|\n\s+at /);
});

test("a key of another op's is refused, not ignored: a gate request with agentId, a plan with jobs, an explain with audit (found by an adversarial pass)", async () => {
  const s = project();
  const server = serve(['--dir', s.wgDir, '--no-audit'], s.home);
  const answers = await server.askTogether([
    { id: 1, op: 'gate', task: 't1', agentId: 'agent-3', skipSmoke: true },
    { id: 2, op: 'plan', task: 't1', jobs: 4 },
    { id: 3, op: 'explain', task: 't1', audit: false },
    { id: 4, op: 'plan', task: 't1', agentId: 'agent-3', audit: false },
  ]);
  expect(answers.slice(0, 3).map((a) => [a.id, a.error?.code, a.error?.key])).toEqual([
    [1, 'usage', 'agentId'],
    [2, 'usage', 'jobs'],
    [3, 'usage', 'audit'],
  ]);
  expect(answers[0].error?.message).toMatch(/^`agentId` does not apply to a `gate` request \(it reads: id, op, task, dir, env, audit, auditLog, manifest/);
  expect(answers[3]).toMatchObject({ id: 4, ok: true });
  await server.end();
});

test('a NUL in a request string, an env entry or a task field a plan carries (one a rule tests for credentials too) is a usage or task-field answer naming the key', async () => {
  const s = project();
  const server = serve(['--dir', s.wgDir, '--no-audit'], s.home);
  const answers = await server.askTogether([
    { id: 1, op: 'plan', task: 't1', promptFile: '/tmp/a\0b' },
    { id: 2, op: 'plan', task: 't1', auditLog: 'x\0y' },
    { id: 3, op: 'plan', task: 't1', env: { A: 'b\0c' } },
    { id: 4, op: 'plan', task: { id: 'a\0b', title: 'x' } },
    { id: 5, op: 'plan', task: { id: 'ab', title: 'x', model: 'claude:op\0us' } },
    { id: 6, op: 'plan', task: 't1' },
    { id: 7, op: 'plan', task: { id: 'tt', title: 't', endpoint: 'https://llm.example/v1\0evil' } },
  ]);
  expect(answers.map((a) => [a.id, a.ok, a.error?.code, a.error?.key])).toEqual([
    [1, false, 'usage', '--prompt-file'],
    [2, false, 'usage', 'auditLog'],
    [3, false, 'usage', 'env'],
    [4, false, 'task-field', 'id'],
    [5, false, 'task-field', 'model'],
    [6, true, undefined, undefined],
    [7, false, 'task-field', 'endpoint'],
  ]);
  expect(answers[4].error!.message).toBe('task `ab` field `model` contains a NUL character, which no path, argument or environment variable can carry');
  expect((await server.end()).code).toBe(0);
});

test('a reader that falls behind holds the server back: it stops reading requests until its answers are taken', async () => {
  const s = project();
  const p = spawn(process.execPath, [BIN, 'serve', '--stdio', '--dir', s.wgDir, '--no-audit'], { env: { PATH: process.env.PATH, HOME: s.home } });
  cleanups.push(() => p.kill('SIGKILL'));
  p.stdout.pause(); // nobody reads the answers yet
  const n = 20_000;
  let consumed = false;
  p.stdin.write(Array.from({ length: n }, (_, i) => `{"id":${i},"op":"nope","task":"t1"}\n`).join(''), () => (consumed = true));
  p.stdin.end();
  // Waits until the server has stopped taking requests (what is still queued for its stdin stays the same for 0.5 s):
  // without backpressure it takes all ~700 KB and buffers the answers, and the queue runs empty.
  let queued = -1;
  for (let same = 0, i = 0; same < 5 && i < 200; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    same = p.stdin.writableLength === queued ? same + 1 : 0;
    queued = p.stdin.writableLength;
  }
  expect([consumed, queued > 0]).toEqual([false, true]);
  const ids: number[] = [];
  for await (const line of createInterface({ input: p.stdout })) ids.push((JSON.parse(line) as Answer).id as number);
  expect(ids).toEqual(Array.from({ length: n }, (_, i) => i));
});

test('a directory as stdin is file-unreadable, exit 2 (Node reads it as an empty stream: nothing would be served)', () => {
  const s = project();
  const r = spawnSync('sh', ['-c', `"$NODE" "$BIN" serve --stdio --dir "$DIR" < "$DIR"`], {
    env: { PATH: process.env.PATH, HOME: s.home, NODE: process.execPath, BIN, DIR: s.wgDir },
    encoding: 'utf8',
  });
  expect([r.status, r.stdout]).toEqual([2, '']);
  expect(r.stderr).toBe('wg-policy: stdin is a directory; `serve --stdio` reads JSON Lines requests from stdin [file-unreadable]\n');
});

test('an id that stdout would mask is refused under id null before anything is decided; one holding a config key comes back with it masked', async () => {
  const s = project();
  const key = 'sk-lab-SECRET12345678';
  writeFileSync(join(s.wgDir, 'config.toml'), `[dispatcher]\nexecutor = "claude"\n[[llm_endpoints.endpoints]]\nname = "lab"\napi_key = "${key}"\n`);
  const log = join(s.wgDir, 'policy-audit.jsonl');
  const server = serve(['--dir', s.wgDir, '--audit-log', log], s.home);
  const ids = ['https://u:p@h', 'a?token=1', { 'x-api-key: abc': 1 }, 'Authorization: Bearer abc'];
  const answers = await server.askTogether(ids.map((id) => ({ id, op: 'plan', task: 't1' })));
  const refused = {
    id: null,
    ok: false,
    error: {
      code: 'usage',
      message: 'the `id` holds a credential (a URL with a user, a secret parameter, a credential header), which no answer shows; send an id without one',
      exit: 2,
      key: 'id',
    },
  };
  expect(answers).toEqual(ids.map(() => refused));
  expect(existsSync(log)).toBe(false); // refused before deciding: nothing recorded
  expect(await server.ask({ id: key, op: 'plan', task: 't1' })).toMatchObject({ id: '***', ok: true });
  expect(await server.ask({ id: [`${key}!`], op: 'plan', task: 'nope' })).toMatchObject({ id: ['***!'], ok: false });
  expect(await server.ask({ id: 'plain-7', op: 'plan', task: 't1' })).toMatchObject({ id: 'plain-7', ok: true });
  const end = await server.end();
  expect(end.code).toBe(0);
  expect(end.stderr).not.toContain(key);
});

test('a jobs count too large to be exact is refused under its own name, as the CLI refuses --jobs', async () => {
  const s = project();
  const server = serve(['--dir', s.wgDir, '--no-audit'], s.home);
  expect(await server.ask({ id: 1, op: 'gate', task: 't1', jobs: 1e308 })).toEqual({
    id: 1,
    ok: false,
    error: { code: 'usage', message: '`jobs` must be a positive whole number, not `1e+308`', exit: 2, key: 'jobs' },
  });
  expect((await server.end()).code).toBe(0);
  expect(hostCli(['gate', 't1', '--jobs', '99999999999999999999', '--dir', s.wgDir, '--no-audit'], { home: s.home }).stderr).toContain(
    '`--jobs` must be a positive whole number, not `99999999999999999999`',
  );
});

test('bidi overrides and line separators in data reach stdout escaped (\\u202e), and the JSON still reads back the same', async () => {
  const s = project();
  const server = serve(['--dir', s.wgDir, '--no-audit'], s.home);
  server.send(`${JSON.stringify({ id: 'a\u202eb\u2028c', op: 'plan', task: 't1' })}\n`);
  const line = await server.next();
  expect(line).toContain('"id":"a\\u202eb\\u2028c"');
  expect(line).not.toMatch(/[\u202e\u2028]/);
  expect(JSON.parse(line)).toMatchObject({ id: 'a\u202eb\u2028c', ok: true });
  expect((await server.end()).code).toBe(0);
});

test('with -q a gate request prints nothing on stderr (its progress and verdict lines are the CLI gate’s, not an answer)', async () => {
  const s = project();
  const smoke = join(s.project, 'tests', 'smoke');
  mkdirSync(smoke, { recursive: true });
  writeFileSync(join(smoke, 'manifest.toml'), '[[scenario]]\nname = "ok"\nscript = "ok.sh"\nowners = ["t1"]\n');
  writeFileSync(join(smoke, 'ok.sh'), 'exit 0\n');
  for (const quiet of [true, false]) {
    const srv = serve(['--dir', s.wgDir, '--no-audit', ...(quiet ? ['-q'] : [])], s.home);
    expect(await srv.ask({ id: 1, op: 'gate', task: 't1' })).toMatchObject({ id: 1, ok: true, exit: 0 });
    const end = await srv.end();
    expect([quiet, end.code, end.stderr.includes('Smoke gate: running 1 scenario(s)')]).toEqual([quiet, 0, !quiet]);
    if (quiet) expect(end.stderr).toBe('');
  }
}, 60_000);
