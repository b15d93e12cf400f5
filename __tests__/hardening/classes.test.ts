// Every class of hostile input that once crashed, hung, leaked or tore (issue 10's list), reproduced through the CLI:
// in the CLI host (a hang still fails: the host is killed at the deadline), and as real processes where the process
// itself is the point (closed pipes; the file-size limits are in faults.test.ts).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectRefused, hostRun, pipeline } from '../support/hostile.js';
import { scratch } from '../support/project.js';

const CANARY = 'CANARY-7d1f0c9e5b';
const TASK = { kind: 'task', id: 't1', title: 'a task', status: 'open' };

/** A scratch project with task t1 (plus `task` fields) and `files` (relative to the scratch root). */
function project(files: Record<string, string> = {}, task: Record<string, unknown> = {}) {
  const s = scratch(files);
  writeFileSync(join(s.wgDir, 'graph.jsonl'), `${JSON.stringify({ ...TASK, ...task })}\n`);
  return s;
}

const rule = (when: string, then = '{ value: shell }') =>
  `field: executor\nrules:\n  - id: executor.hostile\n    description: hostile\n    priority: 500\n    when: ${when}\n    then: ${then}\n`;

let cleanups: Array<() => void> = [];
const track = <T extends { cleanup(): void }>(s: T): T => (cleanups.push(() => s.cleanup()), s);
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

describe('crashes: object-property fact names, alias bombs, list operands, task patterns, deep TOML, directories', () => {
  test.each([
    ['__proto__ as a fact', '{ all: [ { fact: __proto__, operator: isSet } ] }', 'unknown-fact'],
    ['constructor as a path', '{ all: [ { fact: task, path: constructor, operator: isSet } ] }', 'unknown-path'],
    ['in with a number', '{ all: [ { fact: task, path: id, operator: in, value: 5 } ] }', 'condition-shape'],
    ['a pattern taken from task data', '{ all: [ { fact: task, path: id, operator: matches, value: { fact: task, path: title } } ] }', 'bad-regex'],
  ])('%s in a condition is refused at load (more in the corpus)', (_n, when, code) => {
    const s = track(project({ 'project/.wg/policies/p.yaml': rule(when) }));
    const r = hostRun(['plan', 't1', '--dir', s.wgDir], { home: s.home });
    expectRefused(r, code);
    expect(r.stderr).toContain('.wg/policies/p.yaml:');
    expect(existsSync(join(s.wgDir, 'policy-audit.jsonl'))).toBe(false);
  });

  test.each(['{{task.constructor}}'])('the template %s is refused at load (more in the corpus)', (t) => {
    const s = track(project({ 'project/.wg/policies/p.yaml': rule('{ all: [] }', `{ reject: "no ${t}" }`) }));
    const r = hostRun(['check', '--dir', s.wgDir], { home: s.home });
    expect(r.code).toBe(1);
    expect(r.stderr + r.stdout).toMatch(/unknown-(fact|path)/);
  });

  test('an `in` against a fact that is unset plans (an unset list is empty)', () => {
    const s = track(project({ 'project/.wg/policies/p.yaml': rule('{ all: [ { fact: task, path: id, operator: in, value: { fact: task, path: tags } } ] }') }));
    const r = hostRun(['plan', 't1', '--dir', s.wgDir, '--no-audit'], { home: s.home });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).executor).toBe('claude');
  });

  const bomb = (n: number) =>
    ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: n }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(10).fill(`*a${i}`).join(', ')}]`)].join(
      '\n',
    );

  test('a YAML alias bomb in a policy file, an agency file and a policy test file', () => {
    const s = track(project({ 'project/.wg/policies/bomb.yaml': `field: executor\n${bomb(8)}\nrules: []\n` }));
    expectRefused(hostRun(['plan', 't1', '--dir', s.wgDir], { home: s.home }), 'yaml-aliases');
    const t = track(project({ 'project/tests/bomb.yaml': `${bomb(8)}\ncases: []\n` }));
    expectRefused(hostRun(['test', join(t.project, 'tests', 'bomb.yaml'), '--dir', t.wgDir], { home: t.home }), 'yaml-aliases');
    const a = track(project({ 'project/.wg/agency/cache/agents/abc.yaml': `${bomb(8)}\nid: abc\n` }, { agent: 'abc' }));
    const r = hostRun(['plan', 't1', '--dir', a.wgDir, '--no-audit'], { home: a.home });
    // wg skips a corrupt agency file with a warning; so does wg-policy, in time and without a trace.
    expect({ code: r.code, timedOut: r.timedOut }).toEqual({ code: 0, timedOut: false });
    expect(r.stderr).toContain('aliases');
  });

  test.each([['a table header 5000 levels deep', `[${Array(5000).fill('a').join('.')}]\n`]])(
    '%s in config.toml, the global config and the manifest',
    (_n, toml) => {
      const s = track(project({ 'project/.wg/config.toml': toml }));
      const r = hostRun(['plan', 't1', '--dir', s.wgDir], { home: s.home });
      expectRefused(r, 'toml-too-deep');
      expect(r.stderr).toContain('.wg/config.toml:1');
      const g = track(project({ 'home/.wg/config.toml': toml }));
      expectRefused(hostRun(['plan', 't1', '--dir', g.wgDir], { home: g.home }), 'toml-too-deep');
      const m = track(project({ 'project/tests/smoke/manifest.toml': toml }, { status: 'in-progress' }));
      expectRefused(hostRun(['gate', 't1', '--dir', m.wgDir, '--no-audit'], { home: m.home, cwd: m.project }), 'toml-too-deep');
    },
  );

  test('audit verify, list and show on a directory', () => {
    const s = track(project());
    mkdirSync(join(s.root, 'dir.jsonl'));
    for (const args of [['verify']]) {
      const r = hostRun(['audit', ...args, '--audit-log', join(s.root, 'dir.jsonl')], { home: s.home });
      expectRefused(r, 'not-a-regular-file');
      expect(r.stderr).toContain('is a directory');
    }
  });
});

describe('hangs: backtracking patterns, FIFOs, /proc', () => {
  test('a catastrophically backtracking pattern against agent-written text decides in time', () => {
    const s = track(
      project(
        { 'project/.wg/policies/p.yaml': rule('{ all: [ { fact: task, path: title, operator: matches, value: "^(a+)+$" } ] }') },
        { title: `${'a'.repeat(100_000)}b` },
      ),
    );
    const r = hostRun(['plan', 't1', '--dir', s.wgDir, '--no-audit'], { home: s.home, timeoutMs: 15_000 });
    expect({ timedOut: r.timedOut, code: r.code }).toEqual({ timedOut: false, code: 0 });
    expect(JSON.parse(r.stdout).executor).toBe('claude');
  });

  const fifo = (path: string) => execFileSync('mkfifo', [path]);
  test.each([
    ['project config', '.wg/config.toml', 'plan'],
    ['graph', '.wg/graph.jsonl', 'plan'],
    ['smoke manifest', 'tests/smoke/manifest.toml', 'gate'],
    ['decision log', '.wg/policy-audit.jsonl', 'plan'],
    ['graph lock', '.wg/graph.lock', 'done'],
    ['active profile', '~/.wg/active-profile', 'plan'],
  ])('a %s that is a FIFO is refused, never waited on', (_n, rel, cmd) => {
    const s = track(project({}, { status: 'in-progress' }));
    const at = rel.startsWith('~/') ? join(s.home, rel.slice(2)) : join(s.project, rel);
    mkdirSync(join(at, '..'), { recursive: true });
    if (existsSync(at)) execFileSync('rm', [at]);
    fifo(at);
    // wg's manifest search skips what is not a file, so the manifest is named with --manifest.
    const args = cmd === 'plan' ? ['plan', 't1', '--dir', s.wgDir] : [cmd, 't1', '--dir', s.wgDir, ...(cmd === 'done' ? ['--skip-smoke'] : ['--manifest', at])];
    const r = hostRun(args, { home: s.home, cwd: s.project, timeoutMs: 15_000 });
    expect(r.timedOut).toBe(false);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\[(not-a-regular-file|lock-path|audit-unrecordable)\]/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test('--task-json and audit verify on a FIFO', () => {
    const s = track(project());
    fifo(join(s.root, 'task.fifo'));
    expectRefused(hostRun(['plan', 't1', '--dir', s.wgDir, '--task-json', join(s.root, 'task.fifo')], { home: s.home }), 'not-a-regular-file');
    expectRefused(hostRun(['audit', 'verify', '--audit-log', join(s.root, 'task.fifo')], { home: s.home }), 'not-a-regular-file');
  });

  test.each(['/proc/self/x/y.jsonl'])('--audit-log %s is refused in time', (p) => {
    const s = track(project());
    const r = hostRun(['plan', 't1', '--dir', s.wgDir, '--audit-log', p], { home: s.home, timeoutMs: 15_000 });
    expect(r.timedOut).toBe(false);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('secrets never leave config', () => {
  const endpoint = (url: string) =>
    `[dispatcher]\nexecutor = "native"\nmodel = "openrouter:x/y"\n[[llm_endpoints.endpoints]]\nname = "or"\nprovider = "openrouter"\nurl = "${url}"\nis_default = true\n`;
  test.each([`https://h.example/v1?x-api-key=${CANARY}`, `https://h.example/v1;api_key=${CANARY}`, `HTTPS://user:${CANARY}@h.example/v1`])(
    'an endpoint url %s is refused and the key is shown nowhere',
    (url) => {
      const s = track(project({ 'project/.wg/config.toml': endpoint(url) }));
      for (const cmd of ['plan', 'explain']) {
        const r = hostRun([cmd, 't1', '--dir', s.wgDir], { home: s.home });
        expectRefused(r, 'config-credential-url');
        expect(r.stdout + r.stderr).not.toContain(CANARY);
      }
      expect(existsSync(join(s.wgDir, 'policy-audit.jsonl'))).toBe(false);
    },
  );

  test.each(['model', 'endpoint'])('an upper-case HTTPS://user:key@ URL in task.%s is never echoed', (field) => {
    const s = track(project({}, { [field]: `HTTPS://user:${CANARY}@h.example/v1` }));
    for (const cmd of ['plan', 'explain']) {
      const r = hostRun([cmd, 't1', '--dir', s.wgDir], { home: s.home });
      expect([1, 2]).toContain(r.code);
      expect(r.stdout + r.stderr).not.toContain(CANARY);
    }
    const log = join(s.wgDir, 'policy-audit.jsonl');
    if (existsSync(log)) expect(readFileSync(log, 'utf8')).not.toContain(CANARY);
  });

  test("a scenario that prints the project and global config, a header and a URL leaks no key into output, JUnit or the gate's record", () => {
    const key = (n: string) =>
      `[[llm_endpoints.endpoints]]\nname = "${n}"\nprovider = "openrouter"\nurl = "https://h.example/v1"\napi_key = "${CANARY}-${n}"\n`;
    const s = track(
      project(
        {
          'project/.wg/config.toml': key('local'),
          'home/.wg/config.toml': key('global'),
          'project/tests/smoke/manifest.toml': '[[scenario]]\nname = "leak"\nscript = "scenarios/leak.sh"\nowners = ["t1"]\n',
          'project/tests/smoke/scenarios/leak.sh': `cat "$HOME/.wg/config.toml" .wg/config.toml\necho "Authorization: Bearer ${CANARY}-hdr"\necho "https://u:${CANARY}-url@h/" >&2\necho "OPENAI_API_KEY=${CANARY}-env" >&2\nexit 1\n`,
        },
        { status: 'in-progress' },
      ),
    );
    const junit = join(s.root, 'junit.xml');
    const r = hostRun(['gate', 't1', '--dir', s.wgDir, '--json', '--junit', junit], { home: s.home, cwd: s.project });
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).not.toContain(CANARY);
    expect(readFileSync(junit, 'utf8')).not.toContain(CANARY);
    const log = readFileSync(join(s.wgDir, 'policy-audit.jsonl'), 'utf8');
    expect(log).toContain('"kind":"gate"');
    expect(log).not.toContain(CANARY);
  });
});

test('the canary key of both config layers appears in no command, no output stream, no record kind and no report', () => {
  const endpoint = (n: string) =>
    `[[llm_endpoints.endpoints]]\nname = "${n}"\nprovider = "openrouter"\nurl = "https://h.example/v1"\napi_key = "${CANARY}-${n}"\nis_default = true\n`;
  const s = track(
    project(
      {
        'project/.wg/config.toml': `[dispatcher]\nexecutor = "native"\nmodel = "openrouter:x/y"\n[llm_endpoints]\ninherit_global = true\n${endpoint('local')}`,
        'home/.wg/config.toml': endpoint('global'),
        'project/tests/smoke/manifest.toml': '[[scenario]]\nname = "env"\nscript = "env.sh"\nowners = ["t1"]\n',
        'project/tests/smoke/env.sh': `cat "$HOME/.wg/config.toml" .wg/config.toml; env; echo "x-api-key: ${CANARY}-hdr"\nexit 0\n`,
      },
      { status: 'in-progress' },
    ),
  );
  const junit = join(s.root, 'j.xml');
  const o = { home: s.home, cwd: s.project };
  const runs = [
    hostRun(['plan', 't1', '--dir', s.wgDir], o),
    hostRun(['explain', 't1', '--dir', s.wgDir, '--all'], o),
    hostRun(['explain', 't1', '--dir', s.wgDir, '--json'], o),
    hostRun(['check', '--dir', s.wgDir, '--json'], o),
    hostRun(['gate', 't1', '--dir', s.wgDir, '--json', '--junit', junit], o),
    hostRun(['done', 't1', '--dir', s.wgDir, '--json'], o),
    hostRun(['audit', 'verify', '--dir', s.wgDir, '--json'], o),
    hostRun(['audit', 'list', '--dir', s.wgDir, '--json'], o),
    hostRun(['audit', 'replay', '--dir', s.wgDir, '--json'], o),
  ];
  const ids = runs[7].stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { id: string }).id);
  expect(ids.length).toBeGreaterThanOrEqual(3); // spawn, explain records nothing, gate, done
  for (const id of ids) runs.push(hostRun(['audit', 'show', id, '--dir', s.wgDir], o));
  for (const r of runs) {
    expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
    expect(r.stdout + r.stderr).not.toContain(CANARY);
  }
  expect(readFileSync(junit, 'utf8')).not.toContain(CANARY);
  const log = readFileSync(join(s.wgDir, 'policy-audit.jsonl'), 'utf8');
  expect(
    new Set(
      log
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { kind: string }).kind),
    ),
  ).toEqual(new Set(['spawn', 'gate']));
  expect(log).not.toContain(CANARY);
});

describe('nothing torn, nothing changed that was not asked for', () => {
  test('done rewrites only its task line: other lines keep their exact bytes (escapes, spacing, CRLF, numbers)', () => {
    const s = track(project({}, { status: 'in-progress' }));
    const graph = join(s.wgDir, 'graph.jsonl');
    const other = Buffer.from('{ "kind":"task", "id":"o","title":"caf\\u00e9 \\ud83d\\ude00 é","status":"open","n":1.50,"e":1E2 }  \r');
    const comment = Buffer.from('# a comment: \u00e9\t\r');
    writeFileSync(graph, Buffer.concat([other, Buffer.from('\n'), readFileSync(graph), comment, Buffer.from('\n')]));
    const r = hostRun(['done', 't1', '--dir', s.wgDir, '--skip-smoke', '--no-audit'], { home: s.home, cwd: s.project });
    expect(r.code).toBe(0);
    const lines = readFileSync(graph)
      .toString('latin1')
      .split('\n')
      .map((l) => Buffer.from(l, 'latin1'));
    expect(lines[0].equals(other)).toBe(true);
    expect(lines[2].equals(comment)).toBe(true);
    expect(JSON.parse(lines[1].toString('utf8')).status).toBe('done');
  });

  test('a graph with bytes that are not UTF-8 is refused (wg refuses it) and left byte for byte', () => {
    const s = track(project({}, { status: 'in-progress' }));
    const graph = join(s.wgDir, 'graph.jsonl');
    writeFileSync(
      graph,
      Buffer.concat([Buffer.from('{"kind":"task","id":"o","title":"caf'), Buffer.from([0xe9, 0xff]), Buffer.from('"}\n'), readFileSync(graph)]),
    );
    const before = readFileSync(graph);
    const r = hostRun(['done', 't1', '--dir', s.wgDir, '--skip-smoke', '--no-audit'], { home: s.home, cwd: s.project });
    expectRefused(r, 'graph-line');
    expect(readFileSync(graph).equals(before)).toBe(true);
  });

  test.each(['gate', 'done'])('%s --junit onto a directory exits 2 and records no allowed verdict', (cmd) => {
    const s = track(project({}, { status: 'in-progress' }));
    mkdirSync(join(s.root, 'out.xml'));
    const r = hostRun([cmd, 't1', '--dir', s.wgDir, '--skip-smoke', '--junit', join(s.root, 'out.xml')], { home: s.home, cwd: s.project });
    expectRefused(r, 'junit-write');
    const log = join(s.wgDir, 'policy-audit.jsonl');
    expect(existsSync(log) ? readFileSync(log, 'utf8') : '').not.toContain('"allowed":true');
    expect(JSON.parse(readFileSync(join(s.wgDir, 'graph.jsonl'), 'utf8')).status).toBe('in-progress');
  });

  test.each([
    [
      'gate --junit',
      'gate t1 --skip-smoke --junit /dev/stdout',
      'junit-write',
      /cannot write the JUnit report `\/dev\/stdout`: it is the file standard output writes to/,
    ],
    [
      'plan --audit-log',
      'plan t1 --audit-log /dev/stdout',
      'audit-config',
      /the decision log `\/dev\/stdout` cannot be written there: it is the file standard output writes to/,
    ],
    ['plan --audit-log (stderr)', 'plan t1 --audit-log /dev/stderr', 'audit-config', /it is the file standard error writes to/],
  ])('%s onto the file stdout or stderr goes to is refused before anything is written (found by an adversarial pass)', (_n, args, code, message) => {
    const s = track(project({}, { status: 'in-progress' }));
    const out = join(s.root, 'out.txt');
    const err = join(s.root, 'err.txt');
    const r = pipeline(`"$NODE" "$BIN" ${args} --dir '${s.wgDir}' > '${out}' 2> '${err}'`, { home: s.home, cwd: s.project });
    expect(r.status).toEqual([2]);
    const stderr = readFileSync(err, 'utf8');
    expect(stderr).toContain(`[${code}]`);
    expect(stderr).toMatch(message);
    if (!args.includes('stderr')) expect(readFileSync(out, 'utf8')).toBe('');
    expect(JSON.parse(readFileSync(join(s.wgDir, 'graph.jsonl'), 'utf8')).status).toBe('in-progress');
  });

  test.each([
    ['[policy] audit_log = "graph.jsonl"', { 'project/.wg/config.toml': '[policy]\naudit_log = "graph.jsonl"\n' }, []],
    ['--audit-log onto the global config', { 'home/.wg/config.toml': '' }, ['--audit-log', '<home>/.wg/config.toml']],
  ])('the decision log may not be wg’s own file: %s', (_n, files, extra) => {
    const s = track(project(files as Record<string, string>));
    const graphBefore = readFileSync(join(s.wgDir, 'graph.jsonl'));
    const args = (extra as string[]).map((a) => a.replace('<wg>', s.wgDir).replace('<home>', s.home));
    const r = hostRun(['plan', 't1', '--dir', s.wgDir, ...args], { home: s.home });
    expectRefused(r, 'audit-config');
    expect(readFileSync(join(s.wgDir, 'graph.jsonl')).equals(graphBefore)).toBe(true);
  });
});

describe('unchecked input: optional policies, terminal escapes, closed pipes', () => {
  test('enable: ["../x"] cannot leave policies/optional/', () => {
    const s = track(project({ 'project/.wg/policies/e.yaml': 'field: executor\nenable: ["../spawn/executor"]\nrules: []\n' }));
    expectRefused(hostRun(['plan', 't1', '--dir', s.wgDir], { home: s.home }), 'unknown-optional');
  });

  test('terminal escape sequences in task data are shown escaped on stdout and stderr', () => {
    const esc = '\u001b]0;pwned\u0007\u001b[2J\u009b31m';
    const s = track(project({}, { executor: `evil${esc}` }));
    for (const cmd of ['plan', 'explain']) {
      const r = hostRun([cmd, 't1', '--dir', s.wgDir], { home: s.home });
      expect(r.code).toBe(1);
      expect(r.stdout + r.stderr).not.toMatch(/[\u001b\u0007\u009b]/);
      expect(r.stdout + r.stderr).toContain('evil\\u001b]0;pwned');
    }
    const list = hostRun(['audit', 'list', '--dir', s.wgDir], { home: s.home });
    expect(list.stdout + list.stderr).not.toMatch(/[\u001b\u0007\u009b]/);
  });

  test('a line break in data (an actor an agent names) cannot forge a line of `audit show`', () => {
    const s = track(project());
    const forged = 'agent-7\nresult: DENIED (forged)';
    expect(hostRun(['plan', 't1', '--dir', s.wgDir, '-q'], { home: s.home, env: { WG_AGENT_ID: forged } }).code).toBe(0);
    const { id } = JSON.parse(hostRun(['audit', 'list', '--json', '--dir', s.wgDir], { home: s.home }).stdout) as { id: string };
    const show = hostRun(['audit', 'show', id, '--dir', s.wgDir], { home: s.home });
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('actor agent-7\\u000aresult: DENIED (forged)');
    expect(show.stdout.split('\n').filter((l) => l.startsWith('result:'))).toEqual([expect.stringMatching(/^result: executor=/)]);
  });

  test('a closed pipe ends the output quietly, no EPIPE trace (audit list | head -1, --help | head -1)', () => {
    const s = track(project());
    for (let i = 0; i < 2; i++) expect(hostRun(['plan', 't1', '--dir', s.wgDir, '-q'], { home: s.home }).code).toBe(0);
    const list = pipeline(`"$NODE" "$BIN" audit list --dir "${s.wgDir}" --json | head -c 10`, { home: s.home });
    expect(list.stderr).toBe('');
    expect(list.stdout).toHaveLength(10);
    expect(list.status[0]).toBe(0); // the command finishes and exits with its own code (output.ts, guardPipes)
    const help = pipeline(`"$NODE" "$BIN" --help | head -1`);
    expect(help.stderr).toBe('');
    expect(help.status[0]).toBe(0);
    const show = pipeline(`"$NODE" "$BIN" audit verify --dir "${s.wgDir}" | head -c 1 >/dev/null`, { home: s.home });
    expect(show.stderr).toBe('');
  });
});
