// The decision log through the CLI: what plan, gate and done record; masking; verify; queries; many writers.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, ROOT, scratch } from '../support/project.js';
import { hostCli } from '../support/cli-host.js';
import { EACH, report, STRESS, WRITERS } from '../support/stress.js';

const CANARY = 'CANARY-5ecr3t-7f1d';
const lines = (f: string) => readFileSync(f, 'utf8').split('\n').filter(Boolean);

/** A project with a canary secret in every config field that can hold one. */
function project() {
  const secretFields = `api_key = "${CANARY}-inline"\napi_key_file = "/run/secrets/${CANARY}-file"\napi_key_env = "${CANARY}_ENV"\napi_key_ref = "pass:${CANARY}-ref"\n`;
  const s = scratch({
    'project/.wg/config.toml': `[dispatcher]\nexecutor = "claude"\n\n[openrouter]\napi_key = "${CANARY}-table"\ntoken = "${CANARY}-token"\n\n[secrets]\npassword = "${CANARY}-password"\n\n[[llm_endpoints.endpoints]]\nname = "lab"\nprovider = "oai-compat"\nurl = "http://127.0.0.1:8088"\n${secretFields}`,
    'home/.wg/config.toml': `[[llm_endpoints.endpoints]]\nname = "openrouter"\nprovider = "openrouter"\nis_default = true\n${secretFields}`,
  });
  const tasks = [
    { kind: 'task', id: 't1', title: 'claude task', status: 'open' },
    { kind: 'task', id: 't2', title: 'native task', status: 'open', executor: 'native', model: 'nex:qwen3' },
    { kind: 'task', id: 't3', title: 'refused', status: 'open', model: 'nex:qwen3' },
  ];
  writeFileSync(join(s.wgDir, 'graph.jsonl'), `${tasks.map((t) => JSON.stringify(t)).join('\n')}\n`);
  return { ...s, log: join(s.wgDir, 'policy-audit.jsonl') };
}

test('plan records one spawn decision with every field, before printing the plan', () => {
  const p = project();
  const r = hostCli(['plan', 't1', '--dir', p.wgDir], { home: p.home, env: { WG_AGENT_ID: 'agent-17' } });
  expect(r.code).toBe(0);
  const [rec] = lines(p.log).map((l) => JSON.parse(l));
  expect(Object.keys(rec)).toEqual([
    'id',
    'ts',
    'kind',
    'task',
    'actor',
    'policyRevision',
    'inputs',
    'result',
    'rules',
    'explanation',
    'facts',
    'masked',
    'seq',
    'prev',
    'hash',
  ]);
  expect(rec).toMatchObject({ kind: 'spawn', task: 't1', actor: 'agent-17', seq: 0, prev: '0'.repeat(64) });
  expect(rec.result).toEqual(JSON.parse(r.stdout));
  expect(rec.policyRevision).toBe(rec.result.policyRevision);
  expect(Object.keys(rec.facts).sort()).toEqual([
    'agency',
    'cli',
    'endpoints',
    'executors',
    'global',
    'local',
    'modelCache',
    'profile',
    'registry',
    'spawn',
    'tagRouting',
    'task',
    'tiers',
    'timeouts',
  ]); // what replay needs
  expect(rec.rules).toContainEqual({
    field: 'executor',
    rule: 'executor.local-dispatcher',
    policy: expect.stringMatching(/^policies\/spawn\/executor\.yaml:\d+$/),
  });
  expect(rec.rules).toContainEqual(expect.objectContaining({ field: 'endpoint', rule: 'endpoint.none-for-claude' }));
  expect(rec.inputs).toContainEqual({ layer: 'local', file: '.wg/config.toml', key: 'dispatcher.executor', value: 'claude' });
  expect(rec.explanation.stages.map((s: { stage: string }) => s.stage)).toEqual([
    'launch',
    'exec-mode',
    'model',
    'executor',
    'compat',
    'executor-config',
    'model-override',
    'model-id',
    'provider',
    'endpoint',
    'agent-id',
    'prompt-file',
    'timeout',
    'env',
    'argv',
  ]);
});

test('a refused plan is recorded with the refusing rule; --no-audit records nothing', () => {
  const p = project();
  expect(hostCli(['plan', 't3', '--dir', p.wgDir], { home: p.home }).code).toBe(1);
  const [rec] = lines(p.log).map((l) => JSON.parse(l));
  expect(rec.result).toBeNull();
  expect(rec.error).toMatchObject({ code: 'rule-rejected', rule: 'compat.claude-cannot-run-model' });
  expect(hostCli(['plan', 't1', '--dir', p.wgDir, '--no-audit'], { home: p.home }).code).toBe(0);
  expect(lines(p.log)).toHaveLength(1);
});

test('the log moves with --audit-log, WG_POLICY_AUDIT_LOG or [policy] audit_log', () => {
  const p = project();
  const flag = join(p.root, 'flag.jsonl');
  const env = join(p.root, 'env.jsonl');
  expect(hostCli(['plan', 't1', '--dir', p.wgDir, '--audit-log', flag], { home: p.home }).code).toBe(0);
  expect(hostCli(['plan', 't1', '--dir', p.wgDir], { home: p.home, env: { WG_POLICY_AUDIT_LOG: env } }).code).toBe(0);
  writeFileSync(join(p.wgDir, 'config.toml'), `[dispatcher]\nexecutor = "claude"\n[policy]\naudit_log = "logs/decisions.jsonl"\n`);
  expect(hostCli(['plan', 't1', '--dir', p.wgDir], { home: p.home }).code).toBe(0);
  expect([flag, env, join(p.wgDir, 'logs', 'decisions.jsonl')].map((f) => lines(f).length)).toEqual([1, 1, 1]);
  expect(existsSync(p.log)).toBe(false);
});

test('a decision that cannot be recorded is exit 2 and no plan is printed', () => {
  const p = project();
  writeFileSync(join(p.root, 'not-a-dir'), ''); // a file where the log's folder should be: fails even for root
  const r = hostCli(['plan', 't1', '--dir', p.wgDir, '--audit-log', join(p.root, 'not-a-dir', 'log.jsonl')], { home: p.home });
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^wg-policy: .*not-a-dir\/log\.jsonl: cannot record the decision: .*\[audit-unrecordable\]/);
  expect(r.stderr).not.toMatch(/\n\s+at /);
});

test('the canary secret appears in no record, stdout or stderr of any command', () => {
  const p = project();
  const manifest = join(p.project, 'smoke', 'manifest.toml');
  mkdirSync(join(p.project, 'smoke'), { recursive: true });
  writeFileSync(join(p.project, 'smoke', 'ok.sh'), 'echo fine\n');
  writeFileSync(manifest, '[[scenario]]\nname = "ok"\nscript = "ok.sh"\nowners = ["t1"]\n');
  const runs = [
    ['plan', 't1'],
    ['plan', 't2'],
    ['plan', 't3'],
    ['explain', 't1'],
    ['explain', 't2', '--json'],
    ['explain', 't3'],
    ['check'],
    ['check', '--json'],
    ['gate', 't1', '--json'],
    ['done', 't1', '--json'],
  ].map((args) => hostCli([...args, '--dir', p.wgDir], { home: p.home, cwd: p.project, env: { CI: '1' } }));
  const id = JSON.parse(lines(p.log)[0]).id;
  runs.push(
    hostCli(['audit', 'list', '--json', '--dir', p.wgDir]),
    hostCli(['audit', 'show', id, '--dir', p.wgDir]),
    hostCli(['audit', 'verify', '--dir', p.wgDir]),
  );
  expect(runs.map((r) => r.code)).toEqual([0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
  for (const r of runs) expect(r.stdout + r.stderr).not.toContain(CANARY);
  const log = readFileSync(p.log, 'utf8');
  expect(lines(p.log).length).toBe(5); // 3 plans, 1 gate, 1 done: explain and check decide nothing
  expect(log).not.toContain(CANARY);
  for (const f of readdirSync(p.wgDir)) expect([f, readFileSync(join(p.wgDir, f), 'utf8').includes(CANARY)]).toEqual([f, f === 'config.toml']);
});

test('gate and done record their verdicts with scenario outcomes', () => {
  const p = project();
  mkdirSync(join(p.project, 'smoke'));
  writeFileSync(join(p.project, 'smoke', 'bad.sh'), 'echo broken >&2; exit 3\n');
  writeFileSync(join(p.project, 'smoke', 'manifest.toml'), '[[scenario]]\nname = "bad"\nscript = "bad.sh"\nowners = ["t1"]\n');
  expect(hostCli(['done', 't1', '--dir', p.wgDir], { home: p.home, cwd: p.project, env: { CI: '1' } }).code).toBe(1);
  const [rec] = lines(p.log).map((l) => JSON.parse(l));
  expect(rec).toMatchObject({ kind: 'gate', task: 't1', result: { allowed: false, results: [{ name: 'bad', outcome: 'fail', exitCode: 3 }] } });
  expect(rec.rules).toContainEqual({ field: 'deny', rule: 'done.scenario-broken', policy: expect.stringMatching(/^policies\/gate\/done\.yaml:\d+$/) });
  expect(rec.inputs).toContainEqual(expect.objectContaining({ key: 'summary.broken' }));
});

test('audit verify finds an edited record and names its line; list and show filter and explain', () => {
  const p = project();
  for (const t of ['t1', 't2', 't1']) expect(hostCli(['plan', t, '--dir', p.wgDir], { home: p.home }).code).toBe(0);
  expect(hostCli(['plan', 't3', '--dir', p.wgDir], { home: p.home }).code).toBe(1);
  const ok = hostCli(['audit', 'verify', '--dir', p.wgDir]);
  expect([ok.code, ok.stdout]).toEqual([0, 'ok: 4 records, chain intact (1 file)\n']);

  const list = (...args: string[]) =>
    hostCli(['audit', 'list', '--json', '--dir', p.wgDir, ...args])
      .stdout.split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
  expect(list('--task', 't1')).toHaveLength(2);
  expect(list('--rule', 'endpoint.first').map((r) => r.task)).toEqual(['t2']);
  expect(list('--rule', 'compat.claude-cannot-run-model').map((r) => r.task)).toEqual(['t3']);
  expect(list('--kind', 'gate')).toHaveLength(0);
  expect(list('--field', 'endpoint')).toHaveLength(3);
  expect(list('--since', '2000-01-01', '--until', '2999-01-01')).toHaveLength(4);
  expect(list('--until', '2000-01-01')).toHaveLength(0);

  const second = list()[1];
  const show = hostCli(['audit', 'show', second.id, '--dir', p.wgDir]);
  expect(show.code).toBe(0);
  expect(show.stdout).toContain(`decision ${second.id}`);
  expect(show.stdout).toContain('endpoint: endpoint.first');
  expect(show.stdout).toMatch(/endpoint → endpoint = .*\n {2}decided by endpoint.first/);
  expect(show.stdout).toContain('did not match:');
  expect(hostCli(['audit', 'show', 'nope', '--dir', p.wgDir]).code).toBe(2);

  const text = lines(p.log);
  text[1] = text[1].replace('"native"', '"claude"');
  writeFileSync(p.log, `${text.join('\n')}\n`);
  const bad = hostCli(['audit', 'verify', '--dir', p.wgDir]);
  expect(bad.code).toBe(1);
  expect(bad.stdout).toMatch(/^TAMPERED: .*edited at .*policy-audit\.jsonl:2\)/);
});

// `npm test` races 3 writers × 10 plans, started together; `npm run stress` the full WRITERS × EACH.
const writers = STRESS ? WRITERS : Math.min(WRITERS, 3);
const each = STRESS ? EACH : Math.min(EACH, 10);

test(`${writers} processes × ${each} real plans at once against one log: audit verify passes with exactly ${writers * each} records`, async () => {
  const p = project();
  const child = join(ROOT, '__tests__', 'audit', 'fixtures', 'plan-child.mjs');
  const log = join(p.root, 'shared.jsonl');
  const children = Array.from({ length: writers }, () => {
    const c = spawn(process.execPath, [child, p.wgDir, p.home, log, String(each)], { stdio: ['pipe', 'pipe', 'pipe'] });
    let err = '';
    c.stderr.on('data', (d) => (err += d));
    const exited = new Promise<void>((resolve, reject) => c.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`child exited ${code}: ${err}`)))));
    const ready = Promise.race([new Promise<void>((resolve) => c.stdout.once('data', () => resolve())), exited]);
    return { c, ready, exited };
  });
  let started = 0;
  try {
    await Promise.all(children.map((x) => x.ready));
    started = Date.now();
  } finally {
    for (const { c } of children) c.stdin.end('go\n'); // all at once (or, after a failure, so none waits)
  }
  await Promise.all(children.map((x) => x.exited));
  const ms = Date.now() - started;
  const v = hostCli(['audit', 'verify', '--audit-log', log]);
  const total = writers * each;
  expect([v.code, v.stdout]).toEqual([0, `ok: ${total} records, chain intact (1 file)\n`]);
  const seqs = lines(log).map((l) => JSON.parse(l).seq);
  expect(seqs).toEqual(Array.from({ length: total }, (_, i) => i));
  report(`${writers} × ${each} plans recorded in ${ms} ms (${(ms / total).toFixed(2)} ms per plan+record)`);
}, 180_000);

test('a short api_key placeholder (`none`) masks no rule id; a config URL with credentials is refused unechoed', () => {
  const p = project();
  const cfg = (url: string) =>
    `[dispatcher]\nexecutor = "claude"\n\n[[llm_endpoints.endpoints]]\nname = "local"\nprovider = "local"\nurl = "${url}"\napi_key = "none"\n`;
  writeFileSync(join(p.wgDir, 'config.toml'), cfg('http://wg:hunter22@localhost:11434/v1?api_key=abc123&model=m'));
  const refused = hostCli(['plan', 't1', '--dir', p.wgDir], { home: p.home });
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain('carries credentials');
  expect(refused.stdout + refused.stderr).not.toMatch(/hunter22|abc123/);
  expect(existsSync(p.log)).toBe(false);
  writeFileSync(join(p.wgDir, 'config.toml'), cfg('http://localhost:11434/v1'));
  expect(hostCli(['plan', 't1', '--dir', p.wgDir], { home: p.home }).code).toBe(0);
  const [rec] = lines(p.log).map((l) => JSON.parse(l));
  const text = JSON.stringify(rec);
  expect(text).not.toContain('***-');
  expect(rec.rules).toContainEqual(expect.objectContaining({ field: 'endpoint', rule: 'endpoint.none-for-claude' }));
  expect(rec.result.provenance.endpoint.rule).toBe('endpoint.none-for-claude');
  expect(rec.masked.every((m: string) => !/\.rule$/.test(m))).toBe(true);
  const listed = hostCli(['audit', 'list', '--json', '--dir', p.wgDir, '--rule', 'endpoint.none-for-claude']);
  expect(
    listed.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l).id),
  ).toEqual([rec.id]);
  expect(hostCli(['audit', 'show', rec.id, '--dir', p.wgDir]).stdout).toContain('endpoint: endpoint.none-for-claude');
});

describe('a log rotated with maxFiles (oldest files pruned) still verifies, lists and shows through the CLI', () => {
  test.each([false, true])('tailable = %s', (tailable) => {
    const p = project();
    writeFileSync(
      join(p.wgDir, 'config.toml'),
      `[dispatcher]\nexecutor = "claude"\n\n[policy]\n[[policy.audit_transports]]\ntype = "file"\nmaxsize = 50000\nmaxFiles = 2\ntailable = ${tailable}\n`,
    );
    for (let i = 0; i < 6; i++) expect(hostCli(['plan', 't1', '--dir', p.wgDir], { home: p.home }).code).toBe(0);
    const logs = readdirSync(p.wgDir).filter((f) => /^policy-audit\d*\.jsonl$/.test(f));
    expect(logs).toHaveLength(2);
    expect(existsSync(p.log)).toBe(tailable); // counting up deletes the bare file first

    const v = hostCli(['audit', 'verify', '--dir', p.wgDir]);
    expect([v.code, v.stderr]).toEqual([0, '']);
    expect(v.stdout).toMatch(/^ok: 4 records, chain intact \(2 files\); oldest records pruned by rotation: chain verified from seq 2\n$/);
    const listed = hostCli(['audit', 'list', '--json', '--dir', p.wgDir]);
    expect(listed.code).toBe(0);
    const records = listed.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    expect(records.map((r) => r.seq)).toEqual([2, 3, 4, 5]);
    const show = hostCli(['audit', 'show', records[0].id, '--dir', p.wgDir]);
    expect([show.code, show.stdout.split('\n')[0]]).toEqual([0, expect.stringContaining(`decision ${records[0].id}`)]);

    // Tampering is still found in a pruned set: the newest record dropped (the head knows).
    const newest = join(p.wgDir, tailable ? 'policy-audit.jsonl' : logs.sort().at(-1)!);
    writeFileSync(newest, `${lines(newest).slice(0, -1).join('\n')}\n`);
    const bad = hostCli(['audit', 'verify', '--dir', p.wgDir]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^TAMPERED: the log was truncated/);
  });

  test('a file deleted from the middle of a pruned set is named as the gap it leaves, not as pruned records', () => {
    const p = project();
    writeFileSync(
      join(p.wgDir, 'config.toml'),
      '[dispatcher]\nexecutor = "claude"\n\n[policy]\n[[policy.audit_transports]]\ntype = "file"\nmaxsize = 50000\nmaxFiles = 3\n',
    );
    for (let i = 0; i < 8; i++) expect(hostCli(['plan', 't1', '--dir', p.wgDir], { home: p.home }).code).toBe(0);
    const logs = readdirSync(p.wgDir)
      .filter((f) => /^policy-audit\d*\.jsonl$/.test(f))
      .sort();
    expect(logs).toEqual(['policy-audit1.jsonl', 'policy-audit2.jsonl', 'policy-audit3.jsonl']);
    rmSync(join(p.wgDir, 'policy-audit2.jsonl'));
    const v = hostCli(['audit', 'verify', '--dir', p.wgDir]);
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(
      /^TAMPERED: records were removed before line 1 of `.*policy-audit3\.jsonl`: seq 4–5 are missing \(removed at .*policy-audit3\.jsonl:1\)\n$/,
    );
  });

  test('no file of the log at all is exit 2 naming it', () => {
    const p = project();
    const r = hostCli(['audit', 'verify', '--dir', p.wgDir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`no decision log at \`${p.log}\``);
  });

  test('a log that cannot be opened (a symlink loop) is exit 2 naming it for every audit command, no stack trace', () => {
    const p = project();
    const loop = join(p.root, 'loop.jsonl');
    symlinkSync(join(p.root, 'loop2.jsonl'), loop);
    symlinkSync(loop, join(p.root, 'loop2.jsonl'));
    for (const cmd of [['verify'], ['list'], ['show', '01'], ['replay']]) {
      const r = hostCli(['audit', ...cmd, '--audit-log', loop]);
      expect([cmd[0], r.code]).toEqual([cmd[0], 2]);
      expect(r.stderr).toContain(`cannot read audit log \`${loop}\`: too many symbolic links encountered [audit-log-missing]`);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

test('audit verify reports the tail removed together with the head sidecar', () => {
  const p = project();
  for (let i = 0; i < 3; i++) expect(hostCli(['plan', 't1', '--dir', p.wgDir], { home: p.home }).code).toBe(0);
  writeFileSync(p.log, `${lines(p.log).slice(0, -1).join('\n')}\n`);
  rmSync(`${p.log}.head`);
  const v = hostCli(['audit', 'verify', '--dir', p.wgDir]);
  expect(v.code).toBe(1);
  expect(v.stdout).toMatch(
    /^TAMPERED: the head sidecar `.*policy-audit\.jsonl\.head` is missing: records at the end .* may have been removed \(head-missing at .*policy-audit\.jsonl:3\)\n$/,
  );
  const json = hostCli(['audit', 'verify', '--json', '--dir', p.wgDir]);
  expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, records: 2, problem: { kind: 'head-missing', line: 3, seq: 2 } });
});

test('a lock file that cannot be created is exit 2 naming it, with --audit-log / --no-audit as the way out', () => {
  const p = project();
  writeFileSync(join(p.root, 'regular'), '');
  symlinkSync(join(p.root, 'regular', 'policy-audit.jsonl.lock'), `${p.log}.lock`); // ENOTDIR on open, even for root
  const r = hostCli(['plan', 't1', '--dir', p.wgDir], { home: p.home });
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toContain(`${p.log}: cannot record the decision: cannot create the lock file \`${p.log}.lock\`: not a directory`);
  expect(r.stderr).toContain('pass --audit-log PATH, or --no-audit to skip the decision log');
  expect(r.stderr).not.toContain('flock(1)');
  expect(hostCli(['plan', 't1', '--dir', p.wgDir, '--audit-log', join(p.root, 'elsewhere.jsonl')], { home: p.home }).code).toBe(0);
});

test('a stream transport to a FIFO nobody reads: plan still finishes, with a warning, and the decision is chained', () => {
  const p = project();
  const target = join(p.root, 'audit.fifo');
  expect(spawnSync('mkfifo', [target]).status).toBe(0);
  writeFileSync(
    join(p.wgDir, 'config.toml'),
    `[dispatcher]\nexecutor = "claude"\n\n[policy]\n[[policy.audit_transports]]\ntype = "stream"\nstream = "${target}"\n`,
  );
  const r = spawnSync(process.execPath, [BIN, 'plan', 't1', '--dir', p.wgDir], {
    env: { PATH: process.env.PATH, HOME: p.home },
    encoding: 'utf8',
    timeout: 20_000,
  });
  expect([r.status, r.signal]).toEqual([0, null]);
  expect(r.stderr).toContain(`audit transport \`stream\` skipped: nobody reads the FIFO \`${target}\``);
  expect(lines(p.log)).toHaveLength(1);
});

test('recording needs no flock(1): with an empty PATH the decision is still recorded and the chain verifies', () => {
  const p = project();
  const r = hostCli(['plan', 't1', '--dir', p.wgDir], { home: p.home, env: { PATH: join(p.root, 'empty-bin') } });
  expect(r.code).toBe(0);
  expect(lines(p.log)).toHaveLength(1);
  expect(existsSync(`${p.log}.lock`)).toBe(false); // the writer lock is a file only while it is held
  expect(hostCli(['audit', 'verify', '--dir', p.wgDir]).code).toBe(0);
});

test('an internal failure of the log (the log is a folder) is exit 2 naming the log, with the way out', () => {
  const p = project();
  mkdirSync(p.log);
  const r = hostCli(['plan', 't1', '--dir', p.wgDir], { home: p.home });
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toContain(`wg-policy: ${p.log}: cannot record the decision: `);
  expect(r.stderr).toContain('pass --audit-log PATH, or --no-audit to skip the decision log');
  expect(hostCli(['plan', 't1', '--dir', p.wgDir, '--no-audit'], { home: p.home }).code).toBe(0);
});

describe('audit verify holds the log to the bytes and records its writers wrote (found in a walk-through)', () => {
  /** Appends a record chained after the log's last one, with a valid hash: what anyone with the file can forge. */
  async function forge(log: string) {
    const { hashRecord } = await import('../../src/audit/chain.js');
    const last = JSON.parse(lines(log).at(-1)!) as Record<string, unknown> & { seq: number; hash: string };
    const { hash: _hash, ...body } = { ...last, task: 'forged', seq: last.seq + 1, prev: last.hash };
    writeFileSync(log, `${readFileSync(log, 'utf8')}${JSON.stringify({ ...body, hash: hashRecord(body as never) })}\n`);
  }

  test('two forged records past the head are found, and the next plan refuses to fork the chain', async () => {
    const p = project();
    for (let i = 0; i < 2; i++) expect(hostCli(['plan', 't1', '--dir', p.wgDir], { home: p.home }).code).toBe(0);
    await forge(p.log);
    expect(hostCli(['audit', 'verify', '--dir', p.wgDir]).code).toBe(0); // one ahead: what a writer stopped before its head update leaves
    await forge(p.log);
    const v = hostCli(['audit', 'verify', '--dir', p.wgDir]);
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(
      /^TAMPERED: the log runs 2 records past its head sidecar \(seq 1\), from seq 3 at line 4 of .*\(edited at .*policy-audit\.jsonl:4\)\n$/,
    );
    const plan = hostCli(['plan', 't1', '--dir', p.wgDir], { home: p.home });
    expect(plan.code).toBe(2);
    expect(plan.stderr).toMatch(/cannot record the decision: the log runs 2 records past its head sidecar \(seq 1\).*\[audit-unrecordable\]/);
    expect(lines(p.log)).toHaveLength(4); // nothing appended: no two records with one seq
  });

  test('a CRLF or a blank line is an edit; a reader (list) still takes them', () => {
    const p = project();
    for (let i = 0; i < 3; i++) expect(hostCli(['plan', 't1', '--dir', p.wgDir], { home: p.home }).code).toBe(0);
    const good = readFileSync(p.log, 'utf8');
    const [a, b, c] = lines(p.log);
    writeFileSync(p.log, `${a}\n${b}\r\n${c}\n`);
    let v = hostCli(['audit', 'verify', '--dir', p.wgDir]);
    expect([v.code, v.stdout]).toEqual([1, expect.stringMatching(/its bytes are not those the log wrote .*\(edited at .*:2\)\n$/)]);
    expect(hostCli(['audit', 'list', '--dir', p.wgDir]).stdout.trim().split('\n')).toHaveLength(3);
    writeFileSync(p.log, `${a}\n   \n${b}\n${c}\n`);
    v = hostCli(['audit', 'verify', '--dir', p.wgDir]);
    expect([v.code, v.stdout]).toEqual([1, expect.stringMatching(/line 2 of .* is blank \(the log writes no blank lines\) \(corrupt at .*:2\)\n$/)]);
    writeFileSync(p.log, good);
    expect(hostCli(['audit', 'verify', '--dir', p.wgDir]).code).toBe(0);
  });

  test('a log deleted while its head remains is every record removed (exit 1), not a missing log (exit 2)', () => {
    const p = project();
    expect(hostCli(['plan', 't1', '--dir', p.wgDir], { home: p.home }).code).toBe(0);
    rmSync(p.log);
    const v = hostCli(['audit', 'verify', '--dir', p.wgDir]);
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(
      /^TAMPERED: the log `.*policy-audit\.jsonl` is gone, but its head sidecar says seq 0: every record was removed \(truncated at .*\.head:1\)\n$/,
    );
    rmSync(`${p.log}.head`);
    expect(hostCli(['audit', 'verify', '--dir', p.wgDir]).code).toBe(2); // no log and no head: nothing was ever written
  });

  test('--audit-log naming a log sidecar (.head, .lock) is refused before anything is written', () => {
    const p = project();
    expect(hostCli(['plan', 't1', '--dir', p.wgDir], { home: p.home }).code).toBe(0);
    const head = readFileSync(`${p.log}.head`, 'utf8');
    for (const side of ['.head', '.lock']) {
      const r = hostCli(['plan', 't1', '--dir', p.wgDir, '--audit-log', `${p.log}${side}`], { home: p.home });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`would be written into a decision log's \`${side}\` file; choose another file [audit-config]`);
    }
    expect(readFileSync(`${p.log}.head`, 'utf8')).toBe(head);
    expect(hostCli(['audit', 'verify', '--dir', p.wgDir]).code).toBe(0);
  });
});

test('an audit command quoting what was typed (show with a key as its id) masks the config keys of both files', () => {
  const p = project();
  expect(hostCli(['plan', 't1', '--dir', p.wgDir], { home: p.home }).code).toBe(0);
  for (const key of [`${CANARY}-table`, `${CANARY}-inline`]) {
    const r = hostCli(['audit', 'show', key, '--dir', p.wgDir], { home: p.home });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no decision with the id (or id prefix) `***` in the decision log [decision-not-found]');
    expect(r.stdout + r.stderr).not.toContain(CANARY);
  }
});

test('an emptied log whose head remains says it holds no record (not "ends at seq -1, line 0")', () => {
  const p = project();
  expect(hostCli(['plan', 't1', '--dir', p.wgDir], { home: p.home }).code).toBe(0);
  writeFileSync(p.log, '');
  const v = hostCli(['audit', 'verify', '--dir', p.wgDir]);
  expect(v.code).toBe(1);
  expect(v.stdout).toMatch(
    /^TAMPERED: the log was truncated: `.*policy-audit\.jsonl` holds no record but its head sidecar says seq 0 \(truncated at .*policy-audit\.jsonl:1\)\n$/,
  );
});

test('a log named like a sidecar is refused only when the log it belongs to is beside it', () => {
  const p = project();
  const own = join(p.root, 'decisions.lock');
  expect(hostCli(['plan', 't1', '--dir', p.wgDir, '--audit-log', own], { home: p.home }).code).toBe(0);
  expect(lines(own)).toHaveLength(1);
});
