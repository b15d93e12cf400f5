// Key values from config never leave the process: a plan holding one is refused (plan-repeats-key, see the spawn
// cases), and every message, diagnostic and JSON answer built from other files (the model cache) or the environment
// has them masked. Data is masked as data (string values), never in its JSON text.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from '@jest/globals';
import { MASK } from '../../src/shared/mask-values.js';
import { maskKeys, useKeys } from '../../src/shared/secrets.js';
import { decideSpawn, planMany } from '../../src/spawn/plan.js';
import { decideGate } from '../../src/gate/decide.js';
import { hostCli } from '../support/cli-host.js';
import { scratch } from '../support/project.js';

const KEY = 'sk-CANARY-0123456789';
const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

/** A project whose global config holds KEY, and a model cache whose ids contain it (what "did you mean" quotes). */
function project() {
  const s = scratch({
    'home/.wg/config.toml': `[[llm_endpoints.endpoints]]\nname = "lab"\nprovider = "oai-compat"\nurl = "http://127.0.0.1:8088"\napi_key = "${KEY}"\n`,
    'project/.wg/config.toml': '[dispatcher]\nexecutor = "claude"\nmodel = "claude:opus"\n',
  });
  writeFileSync(join(s.wgDir, 'model_cache.json'), JSON.stringify({ models: [{ id: `a/${KEY}` }, { id: `b/${KEY}x` }] }));
  const tasks = [
    { kind: 'task', id: 't1', title: 'plain', status: 'open' },
    { kind: 'task', id: 't2', title: 'unknown model', status: 'open', model: 'CANARY' },
  ];
  writeFileSync(join(s.wgDir, 'graph.jsonl'), tasks.map((t) => JSON.stringify(t)).join('\n') + '\n');
  cleanups.push(s.cleanup);
  return { ...s, log: join(s.wgDir, 'policy-audit.jsonl') };
}

test('a refusal whose help quotes model-cache ids holding a key shows them masked everywhere, and records them masked', () => {
  const p = project();
  const plan = hostCli(['plan', 't2', '--dir', p.wgDir], { home: p.home });
  expect(plan.code).toBe(1);
  expect(plan.stderr).toContain(`did you mean one of: openrouter:a/${MASK}, openrouter:b/${MASK}x`);
  const runs = [
    plan,
    hostCli(['explain', 't2', '--json', '--dir', p.wgDir], { home: p.home }),
    hostCli(['explain', 't2', '--dir', p.wgDir], { home: p.home }),
    hostCli(['plan', '--all', '--dir', p.wgDir], { home: p.home }),
    hostCli(['serve', '--stdio', '--dir', p.wgDir], { home: p.home, input: '{"id":1,"op":"plan","task":"t2"}\n{"id":2,"op":"explain","task":"t2"}\n' }),
  ];
  expect(runs.map((r) => r.code)).toEqual([1, 1, 1, 1, 0]);
  for (const r of runs) expect(r.stdout + r.stderr).not.toContain(KEY);
  expect(JSON.stringify(JSON.parse(runs[1].stdout))).toContain(`openrouter:a/${MASK}`); // masked as data: still JSON
  expect(existsSync(p.log)).toBe(true); // the refusal was recorded
  expect(readFileSync(p.log, 'utf8')).not.toContain(KEY);
});

test('a gate answer echoing the environment (WG_AGENT_ID) has a key masked in its JSON, in serve and with --json', () => {
  const p = project();
  const serve = hostCli(['serve', '--stdio', '--dir', p.wgDir, '--no-audit'], {
    home: p.home,
    input: `${JSON.stringify({ id: 1, op: 'gate', task: 't1', env: { WG_AGENT_ID: KEY } })}\n`,
  });
  const gate = hostCli(['gate', 't1', '--json', '--no-audit', '--dir', p.wgDir], { home: p.home, env: { WG_AGENT_ID: KEY } });
  expect([serve.code, gate.code]).toEqual([0, 0]);
  expect(JSON.parse(serve.stdout).verdict.request.agentId).toBe(MASK);
  expect(JSON.parse(gate.stdout).request.agentId).toBe(MASK);
  for (const r of [serve, gate]) expect(r.stdout + r.stderr).not.toContain(KEY);
});

test('maskKeys masks the keys in use, longest first; useKeys replaces them (a command line starts with none)', () => {
  useKeys([KEY, `${KEY}-long`, 'short']);
  expect(maskKeys(`a ${KEY}-long b ${KEY} c short`)).toBe(`a ${MASK} b ${MASK} c short`);
  useKeys([]);
  expect(maskKeys(`a ${KEY}`)).toBe(`a ${KEY}`);
});

test('library calls for two projects interleaved: each message is masked with its own project’s keys', async () => {
  const a = project();
  const b = scratch({ 'project/.wg/config.toml': '[dispatcher]\nexecutor = "claude"\n' }); // no keys
  cleanups.push(b.cleanup);
  writeFileSync(join(b.wgDir, 'graph.jsonl'), `${JSON.stringify({ kind: 'task', id: 'b1', title: 'b', status: 'open' })}\n`);
  const quiet = { warn: () => {}, decisionLog: false as const };
  const many = planMany({ dir: a.wgDir, home: a.home, env: {}, tasks: ['t1', 't2'] }, quiet);
  expect((await many.next()).value).toMatchObject({ task: 't1', error: null }); // project a's keys loaded
  const other = await decideSpawn({ taskId: 'b1', dir: b.wgDir, home: b.home, env: {} }, quiet); // b loads its (no) keys
  expect(other.error).toBeNull();
  const refused = (await many.next()).value as { task: string; error: Error | null };
  expect(refused.task).toBe('t2');
  expect(JSON.stringify(refused.error)).toContain(`openrouter:a/${MASK}`); // built after b’s call, with a’s keys
  expect(JSON.stringify(refused.error)).not.toContain(KEY);
  // json-rules-engine (the reference evaluator) waits inside the decision: b's plan is decided while a's rules run.
  const [viaReference, meanwhile] = await Promise.all([
    decideSpawn({ taskId: 't2', dir: a.wgDir, home: a.home, env: {} }, { ...quiet, evaluator: 'reference' }),
    decideSpawn({ taskId: 'b1', dir: b.wgDir, home: b.home, env: {} }, quiet),
  ]);
  expect(meanwhile.error).toBeNull();
  expect(JSON.stringify(viaReference.error)).toContain(`openrouter:a/${MASK}`);
  expect(JSON.stringify(viaReference.error)).not.toContain(KEY);
});

test('a gate that waits while another project plans goes on masking its own config’s keys', async () => {
  const a = project();
  const b = scratch({ 'project/.wg/config.toml': '[dispatcher]\nexecutor = "claude"\n' }); // no keys
  cleanups.push(b.cleanup);
  writeFileSync(join(b.wgDir, 'graph.jsonl'), `${JSON.stringify({ kind: 'task', id: 'b1', title: 'b', status: 'open' })}\n`);
  let inTheWait = '';
  const { verdict } = await decideGate(
    { taskId: 't1', dir: a.wgDir, cwd: a.project, env: { HOME: a.home, PATH: process.env.PATH } },
    {
      beforeRecord: async () => {
        await decideSpawn({ taskId: 'b1', dir: b.wgDir, home: b.home, env: {} }, { warn: () => {}, decisionLog: false });
        inTheWait = maskKeys(KEY); // b's call loaded b's keys (none)
      },
    },
  );
  expect(verdict.allowed).toBe(true);
  expect(inTheWait).toBe(KEY);
  expect(maskKeys(`x ${KEY}`)).toBe(`x ${MASK}`); // the gate set its own again when it went on
});

test('a policy error built while the policy set loads (beside another project’s plan, or in a gate before config is read) masks its config’s keys', async () => {
  const a = project();
  mkdirSync(join(a.wgDir, 'policies'));
  writeFileSync(join(a.wgDir, 'policies', 'x.yaml'), `field: ${KEY}\n`);
  const b = scratch({ 'project/.wg/config.toml': '[dispatcher]\nexecutor = "claude"\n' }); // no keys
  cleanups.push(b.cleanup);
  writeFileSync(join(b.wgDir, 'graph.jsonl'), `${JSON.stringify({ kind: 'task', id: 'b1', title: 'b', status: 'open' })}\n`);
  const quiet = { warn: () => {}, decisionLog: false as const };
  const [planA, planB] = await Promise.allSettled([
    decideSpawn({ taskId: 't1', dir: a.wgDir, home: a.home, env: {} }, quiet),
    decideSpawn({ taskId: 'b1', dir: b.wgDir, home: b.home, env: {} }, quiet),
  ]);
  expect(planB.status).toBe('fulfilled');
  const refused = JSON.stringify((planA as PromiseRejectedResult).reason);
  expect(refused).toContain(MASK);
  expect(refused).not.toContain(KEY);
  writeFileSync(join(a.wgDir, 'policies', 'x.yaml'), `gate: ${KEY}\n`);
  const gate = hostCli(['gate', 't1', '--no-audit', '--dir', a.wgDir], { home: a.home });
  expect(gate.code).toBe(2);
  expect(gate.stderr).toContain(MASK);
  expect(gate.stdout + gate.stderr).not.toContain(KEY);
});

describe('a key with URL-special characters is found percent-encoded too', () => {
  const SPECIAL = 'sk-ant-C4NARY/q+r=s@t:u%v';
  const ENCODED = encodeURIComponent(SPECIAL); // sk-ant-C4NARY%2Fq%2Br%3Ds%40t%3Au%25v
  function special(tasks: object[], local = '[dispatcher]\nexecutor = "claude"\n') {
    const s = scratch({
      'home/.wg/config.toml': `[[llm_endpoints.endpoints]]\nname = "lab"\nurl = "http://127.0.0.1:8088"\napi_key = "${SPECIAL}"\n`,
      'project/.wg/config.toml': local,
    });
    writeFileSync(join(s.wgDir, 'graph.jsonl'), tasks.map((t) => `${JSON.stringify({ kind: 'task', status: 'open', ...t })}\n`).join(''));
    cleanups.push(s.cleanup);
    return { ...s, log: join(s.wgDir, 'policy-audit.jsonl') };
  }
  const leaks = (text: string) => [SPECIAL, ENCODED, ENCODED.toLowerCase().replace('sk-ant-c4nary', 'sk-ant-C4NARY')].filter((k) => text.includes(k));

  test('a task that carries it encoded (its model, endpoint URL, title, tags) is refused, and nothing shows or records it', () => {
    const p = special([
      { id: 'm', title: 'm', model: `claude:${ENCODED}` },
      { id: 'e', title: 'e', endpoint: `https://h.example/v1#${ENCODED.toLowerCase().replace('sk-ant-c4nary', 'sk-ant-C4NARY')}` },
      { id: 'tags', title: `x ${ENCODED}`, tags: [ENCODED] },
    ]);
    const runs = [
      hostCli(['plan', 'm', '--dir', p.wgDir], { home: p.home }),
      hostCli(['plan', 'e', '--dir', p.wgDir], { home: p.home }),
      hostCli(['plan', 'tags', '--dir', p.wgDir], { home: p.home }),
      hostCli(['explain', 'tags', '--json', '--dir', p.wgDir], { home: p.home }),
    ];
    expect(runs.map((r) => r.code)).toEqual([2, 2, 2, 2]);
    for (const r of runs.slice(0, 3)) expect(r.stderr).toMatch(/field `[\w.]+` repeats a key's value from config; .*\[task-field\]/);
    for (const r of runs) expect(leaks(r.stdout + r.stderr)).toEqual([]);
    expect(existsSync(p.log)).toBe(false); // bad input: nothing decided, nothing recorded
  });

  test("a project config value that repeats the global config's key, as written or encoded, is refused where it is written", () => {
    for (const spelled of [SPECIAL, ENCODED]) {
      const p = special([{ id: 't1', title: 't' }], `[[llm_endpoints.endpoints]]\nname = "mine"\nurl = "http://h2.example/${spelled}"\n`);
      const runs = [hostCli(['plan', 't1', '--dir', p.wgDir], { home: p.home }), hostCli(['check', '--dir', p.wgDir], { home: p.home })];
      expect(runs.map((r) => r.code)).toEqual([2, 1]); // check: an error finding
      expect(runs[1].stdout).toContain('error config-credential-url: `llm_endpoints.endpoints[0].url`');
      expect(runs[0].stderr).toMatch(
        /config\.toml:3:\d+: `llm_endpoints\.endpoints\[0\]\.url` carries credentials \(or repeats a key's value\).*\[config-credential-url\]/,
      );
      for (const r of runs) expect(leaks(r.stdout + r.stderr)).toEqual([]);
      expect(existsSync(p.log)).toBe(false);
    }
  });
});

test('a key the config keeps in the environment (api_key_env) is masked in what a scenario prints, as a key written in config is', () => {
  const secret = 'sk-env-0123456789abcdef';
  const s = scratch({
    'home/.wg/config.toml': '[[llm_endpoints.endpoints]]\nname = "or"\nprovider = "openrouter"\napi_key_env = "WGP_TEST_KEY"\n',
    'project/.wg/config.toml': '[dispatcher]\nexecutor = "claude"\n',
    'project/tests/smoke/manifest.toml': '[[scenario]]\nname = "prints"\nscript = "prints.sh"\nowners = ["t1"]\n',
    'project/tests/smoke/prints.sh': 'echo "key is $WGP_TEST_KEY"; echo "$WGP_TEST_KEY" >&2; exit 1\n',
  });
  cleanups.push(s.cleanup);
  writeFileSync(join(s.wgDir, 'graph.jsonl'), `${JSON.stringify({ kind: 'task', id: 't1', title: 't', status: 'open' })}\n`);
  const log = join(s.wgDir, 'policy-audit.jsonl');
  const junit = join(s.root, 'junit.xml');
  const r = hostCli(['gate', 't1', '--dir', s.wgDir, '--json', '--junit', junit], { home: s.home, env: { WGP_TEST_KEY: secret } });
  expect(r.code).toBe(1);
  expect(r.stdout).toContain(`key is ${MASK}`);
  for (const text of [r.stdout, r.stderr, readFileSync(log, 'utf8'), readFileSync(junit, 'utf8')]) expect(text).not.toContain(secret);
});
