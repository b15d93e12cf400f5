// Writes the bad-input corpus (__tests__/corpus/*.jsonl): one hostile input per line with what must happen to it.
// The cases are data (run by __tests__/hardening/corpus.test.ts); this script only spells out their families.
// Regenerate after editing a family: `node scripts/corpus.mjs`.
import { mkdirSync, writeFileSync } from 'node:fs';

const out = new URL('../__tests__/corpus/', import.meta.url);
mkdirSync(out, { recursive: true });
const files = {};
const add = (file, c) => (files[file] ??= []).push(c);
const CFG = { project: ['project/.wg/config.toml', '.wg/config.toml'], global: ['home/.wg/config.toml', '.wg/config.toml'] };

// ── config TOML, in the project and in the global layer ─────────────────────────────────────────────────────────
const syntax = [
  ['unclosed table header', '[dispatcher\nexecutor = "claude"\n', 1],
  ['unterminated string', '[dispatcher]\nexecutor = "claude\n', 2],
  ['unterminated literal string', "[dispatcher]\nexecutor = 'claude\n", 2],
  ['unterminated multi-line string', '[dispatcher]\nexecutor = """claude\n', 2],
  ['duplicate key', '[dispatcher]\nexecutor = "claude"\nexecutor = "native"\n', 3],
  ['duplicate table', '[dispatcher]\nexecutor = "claude"\n[dispatcher]\nmodel = "x"\n', 3],
  ['table redefined as array of tables', '[agent]\nmodel = "x"\n[[agent]]\n', 3],
  ['dotted key over a value', 'agent = 1\nagent.model = "x"\n', 2],
  ['bad escape', '[dispatcher]\nexecutor = "cl\\qaude"\n', 2],
  ['short unicode escape', '[dispatcher]\nexecutor = "\\u12"\n', 2],
  ['missing key', '[dispatcher]\n= "claude"\n', 2],
  ['missing value', '[dispatcher]\nexecutor =\n', 2],
  ['unclosed array (reported where the file ends)', '[agent]\nmodel = ["a", "b"\n', 3],
  ['unclosed inline table (reported where the file ends)', 'agent = { model = "x"\n', 2],
  ['two commas in an inline table', 'agent = { model = "claude:opus", , }\n', 1],
  ['two values on one line', '[agent]\ninterval = 1 2\n', 2],
  ['bare key with a space', '[agent]\nmax tasks = 1\n', 2],
  ['empty table header', '[]\n', 1],
  ['header ending in a dot', '[agent.]\n', 1],
  ['leading zero', '[agent]\ninterval = 07\n', 2],
  ['double underscore in a number', '[agent]\ninterval = 1__0\n', 2],
  ['bare hex prefix', '[agent]\ninterval = 0x\n', 2],
  ['capitalised boolean', '[llm_endpoints]\ninherit_global = TRUE\n', 2],
  ['impossible date', '[agent]\nwhen = 1979-05-27T25:61:00Z\n', 2],
  ['control character in a string', '[agent]\nmodel = "a\u0001b"\n', 2],
  ['NUL byte in a key', '[agent]\nmo\u0000del = "x"\n', 2],
  ['integer overflow', '[agent]\ninterval = 99999999999999999999999\n', 2],
];
for (const [layer, [path, shown]] of Object.entries(CFG))
  for (const [note, text, line] of syntax)
    add('config-syntax', { note: `${layer} config: ${note}`, run: 'plan', files: { [path]: text }, want: { code: 'toml-syntax', file: shown, line } });

const wrongTypes = [
  ['dispatcher', 'executor', ['5', 'true', '[1]', '{ a = 1 }']],
  ['dispatcher', 'model', ['5', 'false', '["claude:opus"]', '1.5']],
  ['agent', 'model', ['5', 'true', '[]']],
  ['agent', 'executor', ['7', '{ x = 1 }']],
  ['agent', 'interval', ['"ten"', '-1', 'true']],
  ['agent', 'max_tasks', ['"many"', '-3', '4294967296']],
  ['llm_endpoints', 'inherit_global', ['"yes"', '1', '[true]']],
  ['tiers', 'fast', ['5', 'true']],
  ['tiers', 'premium', ['[]', '{ a = "b" }']],
];
for (const [layer, [path, shown]] of Object.entries(CFG))
  for (const [table, key, values] of wrongTypes)
    for (const v of values)
      add('config-type', {
        note: `${layer} config: \`${table}.${key} = ${v}\` has the wrong type`,
        run: 'plan',
        files: { [path]: `# wg config\n[${table}]\n${key} = ${v}\n` },
        want: { code: 'config-type', file: shown, line: 3, message: `\`${table}.${key}\`` },
      });
const endpointBad = [
  ['an endpoint without a name', 'provider = "openrouter"', 'llm_endpoints.endpoints[0].name'],
  ['a numeric endpoint url', 'name = "e"\nurl = 5', 'llm_endpoints.endpoints[0].url'],
  ['is_default as a string', 'name = "e"\nis_default = "yes"', 'llm_endpoints.endpoints[0].is_default'],
  ['a negative context window', 'name = "e"\ncontext_window = -5', 'llm_endpoints.endpoints[0].context_window'],
  ['api_key as a table', 'name = "e"\napi_key = { v = 1 }', 'llm_endpoints.endpoints[0].api_key'],
];
for (const [layer, [path, shown]] of Object.entries(CFG))
  for (const [note, body, key] of endpointBad)
    add('config-type', {
      note: `${layer} config: ${note}`,
      run: 'plan',
      files: { [path]: `[[llm_endpoints.endpoints]]\n${body}\n` },
      want: { code: 'config-type', file: shown, message: `\`${key}\`` },
    });

const deep = [
  ['a key 5000 levels deep', `${Array(5000).fill('a').join('.')} = 1\n`, 'toml-too-deep'],
  ['a table header 5000 levels deep', `[${Array(5000).fill('a').join('.')}]\n`, 'toml-too-deep'],
  ['an array 5000 levels deep', `a = ${'['.repeat(5000)}${']'.repeat(5000)}\n`, 'toml-too-deep'],
  ['an inline table 3000 levels deep', `a = ${'{b = '.repeat(3000)}1${'}'.repeat(3000)}\n`, 'toml-too-deep'],
  ['an array of tables 200 levels deep', `[[${Array(200).fill('a').join('.')}]]\n`, 'toml-too-deep'],
  ['arrays 65 levels deep', `a = ${'['.repeat(65)}${']'.repeat(65)}\n`, 'toml-too-deep'],
];
for (const [layer, [path, shown]] of Object.entries(CFG))
  for (const [note, text, code] of deep)
    add('config-deep', { note: `${layer} config: ${note}`, run: 'plan', files: { [path]: text }, want: { code, file: shown, line: 1 } });

const secretNames = [
  'api_key',
  'x-api-key',
  'access-token',
  'access_token',
  'client_secret',
  'API_KEY',
  'Token',
  'apikey',
  'key',
  'password',
  'Authorization',
  'auth',
  'sig',
  'signature',
  'session_token',
  'refresh_token',
  'X-Goog-Api-Key',
  'private_key',
  'secret',
];
const urlForms = [
  ['query', (n) => `https://h.example/v1?${n}=CANARY-c0rpus`],
  ['second query parameter', (n) => `https://h.example/v1?v=2&${n}=CANARY-c0rpus`],
  ['matrix parameter', (n) => `https://h.example/v1;${n}=CANARY-c0rpus`],
  ['fragment', (n) => `https://h.example/v1#${n}=CANARY-c0rpus`],
];
for (const n of secretNames)
  for (const [form, url] of urlForms)
    add('config-secrets', {
      note: `an endpoint url with \`${n}\` as a ${form} is refused without echoing the key`,
      run: 'plan',
      files: { 'project/.wg/config.toml': `[[llm_endpoints.endpoints]]\nname = "e"\nprovider = "openrouter"\nurl = "${url(n)}"\n` },
      want: { code: 'config-credential-url', file: '.wg/config.toml', absent: 'CANARY-c0rpus' },
    });
for (const scheme of ['https', 'HTTPS', 'Http', 'wss', 'ftp'])
  for (const info of ['user:CANARY-c0rpus', 'CANARY-c0rpus', ':CANARY-c0rpus'])
    add('config-secrets', {
      note: `an endpoint url ${scheme}://${info.replace('CANARY-c0rpus', 'KEY')}@host is refused`,
      run: 'plan',
      files: { 'home/.wg/config.toml': `[[llm_endpoints.endpoints]]\nname = "e"\nprovider = "openrouter"\nurl = "${scheme}://${info}@h.example/v1"\n` },
      want: { code: 'config-credential-url', file: '.wg/config.toml', absent: 'CANARY-c0rpus' },
    });
for (const [layer, [path, shown]] of Object.entries(CFG))
  for (const kind of ['dir', 'fifo'])
    add('config-special', { note: `${layer} config is a ${kind}`, run: 'plan', special: { [path]: kind }, want: { code: 'not-a-regular-file', file: shown } });

// ── policy YAML ────────────────────────────────────────────────────────────────────────────────────────────────
const P = 'project/.wg/policies/p.yaml';
const rule = (when, then = '{ value: shell }', extra = '') =>
  `field: executor\nrules:\n  - id: executor.hostile\n    description: hostile\n    priority: 500\n${extra}    when: ${when}\n    then: ${then}\n`;
const objectNames = [
  '__proto__',
  'constructor',
  'hasOwnProperty',
  'toString',
  'valueOf',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
  '__lookupGetter__',
  '__defineSetter__',
  '__lookupSetter__',
];
for (const n of objectNames) {
  add('policy-facts', {
    note: `fact \`${n}\` in a condition`,
    run: 'plan',
    files: { [P]: rule(`{ all: [ { fact: ${n}, operator: isSet } ] }`) },
    want: { code: 'unknown-fact', file: '.wg/policies/p.yaml', line: 6 },
  });
  add('policy-facts', {
    note: `path \`task.${n}\` in a condition`,
    run: 'plan',
    files: { [P]: rule(`{ all: [ { fact: task, path: ${n}, operator: isSet } ] }`) },
    want: { code: 'unknown-path', file: '.wg/policies/p.yaml', line: 6 },
  });
  add('policy-facts', {
    note: `fact \`${n}\` as a value reference`,
    run: 'plan',
    files: { [P]: rule('{ all: [] }', `{ value: { fact: ${n} } }`) },
    want: { code: 'unknown-fact', file: '.wg/policies/p.yaml' },
  });
  add('policy-facts', {
    note: `template \`{{task.${n}}}\` in a refusal`,
    run: 'plan',
    files: { [P]: rule('{ all: [] }', `{ reject: "no {{task.${n}}}" }`) },
    want: { code: 'unknown-path', file: '.wg/policies/p.yaml' },
  });
  add('policy-facts', {
    note: `template \`{{${n}}}\` in a refusal`,
    run: 'plan',
    files: { [P]: rule('{ all: [] }', `{ reject: "no {{${n}}}" }`) },
    want: { code: 'unknown-fact', file: '.wg/policies/p.yaml' },
  });
  add('policy-facts', {
    note: `a condition value referencing \`task.${n}\``,
    run: 'plan',
    files: { [P]: rule(`{ all: [ { fact: task, path: id, operator: equal, value: { fact: task, path: ${n} } } ] }`) },
    want: { code: 'unknown-path', file: '.wg/policies/p.yaml', line: 6 },
  });
}
for (const op of ['in', 'notIn'])
  for (const v of ['5', '"claude"', 'true', '{ a: 1 }', '3.5'])
    add('policy-values', {
      note: `\`${op}\` with value ${v} (not a list)`,
      run: 'plan',
      files: { [P]: rule(`{ all: [ { fact: task, path: executor, operator: ${op}, value: ${v} } ] }`) },
      want: { code: 'condition-shape', file: '.wg/policies/p.yaml', line: 6 },
    });
const badPatterns = [
  '"("',
  '"["',
  '"a{2,1}"',
  '"*"',
  '"+a"',
  '"(a)\\\\1"',
  '"(?=a)"',
  '"(?!a)"',
  '"(?<=a)"',
  '"(?<!a)"',
  '"(?<n>a)\\\\k<n>"',
  '"\\\\"',
  '5',
  '[a, b]',
  '{ fact: task, path: title }',
  '{ fact: task, path: description }',
  `"${'a'.repeat(1001)}"`,
];
for (const p of badPatterns)
  add('policy-values', {
    note: `\`matches\` with ${p.length > 40 ? 'a 1001-character pattern' : p}`,
    run: 'plan',
    files: { [P]: rule(`{ all: [ { fact: task, path: title, operator: matches, value: ${p} } ] }`) },
    want: { code: 'bad-regex', file: '.wg/policies/p.yaml', line: 6 },
  });
for (const op of ['equals', 'regex', 'EQUAL', 'constructor', '__proto__'])
  add('policy-shape', {
    note: `unknown operator \`${op}\``,
    run: 'plan',
    files: { [P]: rule(`{ all: [ { fact: task, path: id, operator: ${op}, value: x } ] }`) },
    want: { code: 'unknown-operator', file: '.wg/policies/p.yaml', line: 6 },
  });
for (const op of ['equal', 'in', 'matches', 'lessThan'])
  add('policy-shape', {
    note: `\`${op}\` without a value`,
    run: 'plan',
    files: { [P]: rule(`{ all: [ { fact: task, path: id, operator: ${op} } ] }`) },
    want: { code: 'missing-value', file: '.wg/policies/p.yaml', line: 6 },
  });
const shapes = [
  ['when as a list', '[ { fact: task, operator: isSet } ]', 'policy-schema'],
  ['all holding a mapping', '{ all: { fact: task, operator: isSet } }', 'condition-shape'],
  ['all and any together', '{ all: [], any: [] }', 'condition-shape'],
  ['a leaf with an unknown key', '{ all: [ { fact: task, operator: isSet, when: 1 } ] }', 'condition-shape'],
  ['a leaf that is a string', '{ all: [ "task.id" ] }', 'condition-shape'],
  ['not with a sibling', '{ not: { fact: task, operator: isSet }, all: [] }', 'condition-shape'],
  ['when without all, any or not', '{ fact: task, operator: isSet }', 'condition-shape'],
];
for (const [note, when, code] of shapes) add('policy-shape', { note, run: 'plan', files: { [P]: rule(when) }, want: { code, file: '.wg/policies/p.yaml' } });
const schema = [
  ['priority 0', rule('{ all: [] }').replace('priority: 500', 'priority: 0')],
  ['a negative priority', rule('{ all: [] }').replace('priority: 500', 'priority: -4')],
  ['a string priority', rule('{ all: [] }').replace('priority: 500', 'priority: high')],
  ['no description', rule('{ all: [] }').replace('    description: hostile\n', '')],
  ['an upper-case id', rule('{ all: [] }').replace('executor.hostile', 'Executor.Hostile')],
  ['an unknown rule key', rule('{ all: [] }', '{ value: shell }', '    severity: high\n')],
  ['rules as a mapping', 'field: executor\nrules: { a: 1 }\n'],
  ['a top-level unknown key', 'field: executor\nrulez: []\n'],
  ['a file that is a list', '- field: executor\n'],
  ['a file that is a string', 'just text\n'],
];
for (const [note, text] of schema)
  add('policy-shape', { note: `policy ${note}`, run: 'plan', files: { [P]: text }, want: { code: 'policy-schema', file: '.wg/policies/p.yaml' } });
for (const [note, then] of [
  ['value and reject together', '{ value: shell, reject: "no" }'],
  ['an effect in a spawn rule', '{ effect: deny, message: "no" }'],
  ['an empty then', '{}'],
])
  add('policy-shape', {
    note: `then with ${note}`,
    run: 'plan',
    files: { [P]: rule('{ all: [] }', then) },
    want: { code: 'then-shape', file: '.wg/policies/p.yaml' },
  });
for (const name of ['../spawn/executor', '../../../etc/passwd', '/etc/passwd', '', 'deny-all-skipped/../../x', '__proto__'])
  add('policy-shape', {
    note: `enable: [${JSON.stringify(name)}] cannot leave policies/optional/`,
    run: 'plan',
    files: { [P]: `field: executor\nenable: [${JSON.stringify(name)}]\nrules: []\n` },
    want: { code: 'unknown-optional', file: '.wg/policies/p.yaml', line: 2 },
  });
for (const id of ['executor.no-such-rule', '__proto__', 'constructor'])
  add('policy-shape', {
    note: `disable: [${id}] names no rule`,
    run: 'plan',
    files: { [P]: `field: executor\ndisable: [${JSON.stringify(id)}]\nrules: []\n` },
    want: { code: 'unknown-disable', file: '.wg/policies/p.yaml', line: 2 },
  });
for (const field of ['executorr', '__proto__', 'constructor', 'toString'])
  add('policy-shape', {
    note: `field: ${field} is no stage`,
    run: 'plan',
    files: { [P]: `field: ${field}\nrules: []\n` },
    want: { code: 'unknown-stage', file: '.wg/policies/p.yaml' },
  });
const yamlSyntax = [
  ['an unterminated quote', 'field: executor\nrules:\n  - id: executor.x\n    description: "open\n'],
  ['a tab indent', 'field: executor\nrules:\n\t- id: x\n'],
  ['an unclosed flow sequence', 'field: executor\nrules: [\n'],
  ['an unclosed flow mapping', 'field: executor\nrules:\n  - { id: x\n'],
  ['a duplicate key', 'field: executor\nfield: model\nrules: []\n'],
  ['a bad indentation', 'field: executor\n rules: []\n'],
  ['an undefined alias', 'field: executor\nrules: *nope\n'],
];
for (const [note, text] of yamlSyntax)
  add('policy-syntax', { note: `policy YAML with ${note}`, run: 'plan', files: { [P]: text }, want: { code: 'yaml-syntax', file: '.wg/policies/p.yaml' } });
const bomb = (levels, width) =>
  [
    `a0: &a0 [${Array(width).fill('x').join(', ')}]`,
    ...Array.from({ length: levels }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(width).fill(`*a${i}`).join(', ')}]`),
  ].join('\n');
for (const [levels, width] of [
  [8, 10],
  [20, 2],
  [4, 40],
  [30, 3],
])
  add('policy-syntax', {
    note: `a policy with an alias bomb (${levels} levels of ${width})`,
    run: 'plan',
    files: { [P]: `field: executor\n${bomb(levels, width)}\nrules: []\n` },
    want: { code: 'yaml-aliases', file: '.wg/policies/p.yaml' },
  });
for (const kind of ['fifo', 'dir'])
  add('policy-syntax', {
    note: `a policy file that is a ${kind}`,
    run: 'plan',
    special: { [P]: kind },
    want: { code: 'not-a-regular-file', file: '.wg/policies/p.yaml' },
  });
add('policy-syntax', {
  note: 'the policies folder is a file',
  run: 'plan',
  files: { 'project/.wg/policies': 'not a folder\n' },
  want: { code: 'file-unreadable', file: 'policies' },
});

// ── graph.jsonl ───────────────────────────────────────────────────────────────────────────────────────────────
const T = (o) => JSON.stringify({ kind: 'task', id: 't1', title: 'a task', status: 'open', ...o });
const badLines = [
  ['a truncated line', '{"kind":"task","id":"t1",'],
  ['a bare word', 'task t1'],
  ['a single-quoted object', "{'kind':'task','id':'t1'}"],
  ['a trailing comma', '{"kind":"task","id":"t1","title":"x",}'],
  ['an array', '["kind","task"]'],
  ['a number', '42'],
  ['NaN', '{"kind":"task","id":"t1","title":"x","priority":NaN}'],
  ['an unquoted key', '{kind:"task","id":"t1","title":"x"}'],
  ['two objects on one line', '{"kind":"task","id":"a","title":"x"}{"kind":"task","id":"t1","title":"x"}'],
  ['a lone surrogate escape', '{"kind":"task","id":"t1","title":"\\ud800'],
  ['no kind', '{"id":"t1","title":"x"}'],
  ['an unknown kind', '{"kind":"spawn","id":"t1","title":"x"}'],
  ['kind as a number', '{"kind":1,"id":"t1","title":"x"}'],
  ['no title', '{"kind":"task","id":"t1"}'],
  ['no id', '{"kind":"task","title":"x"}'],
  ['an unknown status', T({ status: 'finished' })],
  ['status __proto__', T({ status: '__proto__' })],
];
for (const [note, line] of badLines)
  add('graph', {
    note: `graph.jsonl with ${note} on line 2`,
    run: 'plan',
    graph: `${T({ id: 'other' })}\n${line}\n${T({})}\n`,
    want: { code: 'graph-line', file: '.wg/graph.jsonl', line: 2 },
  });
const taskFields = [
  'title',
  'model',
  'endpoint',
  'exec',
  'exec_mode',
  'executor',
  'provider',
  'tier',
  'verify',
  'agent',
  'assigned',
  'session_id',
  'description',
];
// wg's loader types every field but `executor`, which the planner checks (`task-field`, same place).
for (const f of taskFields)
  for (const v of [5, true, { a: 1 }, [1]])
    add('graph', {
      note: `task field \`${f}\` = ${JSON.stringify(v)}`,
      run: 'plan',
      graph: `# header\n${T({ [f]: v })}\n`,
      want: { code: f === 'executor' ? 'task-field' : 'graph-line', file: '.wg/graph.jsonl', line: 2, key: f },
    });
for (const v of ['x', 5, { a: 1 }, [1, 2]])
  add('graph', {
    note: `task tags = ${JSON.stringify(v)}`,
    run: 'plan',
    graph: `${T({ tags: v })}\n`,
    want: { code: 'graph-line', file: '.wg/graph.jsonl', line: 1, key: Array.isArray(v) ? 'tags[0]' : 'tags' },
  });
for (const [note, graph] of [
  ['an empty graph', ''],
  ['only comments', '# nothing\n'],
  ['another task only', `${T({ id: 'other' })}\n`],
  ['a task t10 but no t1', `${T({ id: 't10' })}\n`],
  ['a resource named t1', '{"kind":"resource","id":"t1"}\n'],
])
  add('graph', { note: `task not found: ${note}`, run: 'plan', graph, want: { code: 'task-not-found' } });
add('graph', {
  note: 'a graph that is not UTF-8',
  run: 'plan',
  graphBytes: [...Buffer.from(`${T({ title: 'caf' })}\n`).subarray(0, 40), 0xff, 0xfe, ...Buffer.from('"}\n')],
  want: { code: 'graph-line', file: '.wg/graph.jsonl' },
});
for (const kind of ['fifo', 'dir'])
  add('graph', {
    note: `graph.jsonl is a ${kind}`,
    run: 'plan',
    special: { 'project/.wg/graph.jsonl': kind },
    want: { code: 'not-a-regular-file', file: '.wg/graph.jsonl' },
  });

// ── smoke manifests (TOML) ────────────────────────────────────────────────────────────────────────────────────
const M = 'project/tests/smoke/manifest.toml';
const scen = (body) => `[[scenario]]\nname = "s"\nscript = "s.sh"\nowners = ["t1"]\n${body}`;
const manifestBad = [
  ['scenario as a table', '[scenario]\nname = "s"\n', 'manifest-invalid'],
  ['scenario as a string', 'scenario = "s"\n', 'manifest-invalid'],
  ['a scenario without a name', '[[scenario]]\nscript = "s.sh"\nowners = ["t1"]\n', 'manifest-invalid'],
  ['a numeric name', '[[scenario]]\nname = 5\nscript = "s.sh"\nowners = ["t1"]\n', 'manifest-invalid'],
  ['owners as a string', '[[scenario]]\nname = "s"\nscript = "s.sh"\nowners = "t1"\n', 'manifest-invalid'],
  ['owners holding a number', '[[scenario]]\nname = "s"\nscript = "s.sh"\nowners = [1]\n', 'manifest-invalid'],
  ['a string timeout', scen('timeout_seconds = "ten"\n'), 'manifest-invalid'],
  ['a negative timeout', scen('timeout_seconds = -1\n'), 'manifest-invalid'],
  ['requires with an unknown key', scen('requires = { files = ["x"] }\n'), 'manifest-invalid'],
  ['requires.env with a bad name', scen('requires = { env = ["1BAD"] }\n'), 'manifest-invalid'],
  ['requires.urls that are not http', scen('requires = { urls = ["file:///etc/passwd"] }\n'), 'manifest-invalid'],
  ['two scenarios with one name', `${scen('')}\n${scen('')}`, 'duplicate-scenario'],
  ['a TOML syntax error', '[[scenario]\nname = "s"\n', 'toml-syntax'],
  ['an unterminated string', '[[scenario]]\nname = "s\n', 'toml-syntax'],
  ['a table header 5000 levels deep', `[${Array(5000).fill('a').join('.')}]\n`, 'toml-too-deep'],
  ['an array 5000 levels deep', `a = ${'['.repeat(5000)}${']'.repeat(5000)}\n`, 'toml-too-deep'],
];
for (const [note, text, code] of manifestBad)
  add('manifest', { note: `manifest with ${note}`, run: 'gate', files: { [M]: text }, want: { code, file: 'tests/smoke/manifest.toml' } });
// wg's search skips what is not a file; a manifest named with --manifest must be one.
for (const kind of ['fifo', 'dir'])
  add('manifest', {
    note: `--manifest naming a ${kind}`,
    run: 'cli',
    special: { [M]: kind },
    args: ['gate', 't1', '--dir', '<wgdir>', '--manifest', '<root>/project/tests/smoke/manifest.toml'],
    want: { code: 'not-a-regular-file', file: 'manifest.toml' },
  });

// ── task fields (--task-json) ─────────────────────────────────────────────────────────────────────────────────
for (const [note, text] of [
  ['not JSON', 'task t1'],
  ['a truncated object', '{"id":"t1",'],
  ['an array', '[{"id":"t1"}]'],
  ['a string', '"t1"'],
  ['null', 'null'],
  ['empty', ''],
])
  add('task-json', { note: `--task-json that is ${note}`, run: 'plan', taskJson: text, want: { code: 'task-json' } });
add('task-json', {
  note: '--task-json whose syntax error sits in a secret value: the message quotes none of it (found in review)',
  run: 'plan',
  taskJson: '{"id":"t1","OPENAI_API_KEY":sk-proj-CANARY-c0rpus}',
  want: { code: 'task-json', absent: 'sk-proj' },
});
const forms = [
  ['userinfo', 'HTTPS://user:CANARY-c0rpus@h.example/v1'],
  ['a lone token in userinfo', 'https://CANARY-c0rpus@h.example/v1'],
  ['a query key', 'https://h.example/v1?api_key=CANARY-c0rpus'],
  ['a matrix key', 'https://h.example/v1;Token=CANARY-c0rpus'],
];
for (const f of ['model', 'executor', 'exec_mode', 'provider', 'tier', 'exec', 'verify'])
  for (const [form, value] of forms)
    add('task-fields', {
      note: `task.${f} with credentials (${form}) is refused without echo`,
      run: 'plan',
      taskJson: JSON.stringify({ id: 't1', title: 'x', [f]: value }),
      want: { code: 'task-field', key: f, absent: 'CANARY-c0rpus' },
    });
for (const v of ['ten minutes', '-5m', '5x', '1h30', '99999999999999999999s', '∞'])
  add('task-fields', {
    note: `task.timeout = ${JSON.stringify(v)}`,
    run: 'plan',
    taskJson: JSON.stringify({ id: 't1', title: 'x', timeout: v }),
    want: { code: 'bad-duration', key: 'timeout' },
  });
for (const v of ['evil\u001b]0;x\u0007', 'claude; rm -rf /', '$(id)', '__proto__', 'constructor'])
  add('task-fields', {
    note: `task.executor = ${JSON.stringify(v)} is refused by policy`,
    run: 'plan',
    taskJson: JSON.stringify({ id: 't1', title: 'x', executor: v }),
    want: { code: 'rule-rejected', exit: 1, rule: 'executor.unknown-in-task' },
  });
// Found in review: a key after its name in a shell command, in the three ways a command line spells it.
for (const [form, exec] of [
  ['as NAME=value (found in review)', 'OPENAI_API_KEY=CANARY-c0rpus make'],
  ['after its flag (found in review)', 'my-cli --api-key CANARY-c0rpus run'],
  ['as --flag=value', 'my-cli --auth-token=CANARY-c0rpus'],
])
  add('task-fields', {
    note: `task.exec with a key ${form} is refused without echo`,
    run: 'plan',
    taskJson: JSON.stringify({ id: 't1', title: 'x', exec, exec_mode: 'shell' }),
    want: { code: 'task-field', key: 'exec', absent: 'CANARY-c0rpus' },
  });
for (const [f, length] of [
  ['model', 4097],
  ['session_id', 4097],
  ['tier', 4097],
])
  add('task-fields', {
    note: `task.${f} of ${length.toLocaleString('en')} characters is longer than a plan takes`,
    run: 'plan',
    taskJson: JSON.stringify({ id: 't1', title: 'x', [f]: `claude:${'a'.repeat(length - 7)}` }),
    want: { code: 'task-field', key: f },
  });
for (const [f, value] of [
  ['session_id', '--dangerously-skip-permissions'],
  ['session_id', '-p'],
  ['model', 'claude:--mcp-config=/tmp/x.json'],
  ['model', 'codex:-c'],
])
  add('task-fields', {
    note: `task.${f} = ${JSON.stringify(value)} would be an option of the agent's program`,
    run: 'plan',
    taskJson: JSON.stringify({ id: 't1', title: 'x', [f]: value }),
    want: { code: 'task-field', key: f },
  });
for (const [form, value] of [
  ['a pass= query', 'curl https://h.example/v1?pass=CANARY-c0rpus'],
  ['a pwd= query', 'curl https://h.example/v1?pwd=CANARY-c0rpus'],
  ['a passphrase= value', 'unlock --passphrase=CANARY-c0rpus'],
])
  add('task-fields', {
    note: `task.exec with credentials (${form}) is refused without echo`,
    run: 'plan',
    taskJson: JSON.stringify({ id: 't1', title: 'x', exec: value }),
    want: { code: 'task-field', key: 'exec', absent: 'CANARY-c0rpus' },
  });

// ── caller flags ──────────────────────────────────────────────────────────────────────────────────────────────
for (const [flag, value, code] of [
  ['--timeout', 'soon', 'usage'],
  ['--timeout', '-1s', 'usage'],
  ['--agent-executor', 'bash', 'rule-rejected'],
  ['--agent-executor', '__proto__', 'rule-rejected'],
  ['--site', 'everywhere', 'usage'],
  ['--site', 'constructor', 'usage'],
  ['--agent-id', '../../etc', 'usage'],
])
  add('flags', { note: `plan ${flag} ${value}`, run: 'cli', args: ['plan', 't1', '--dir', '<wgdir>', flag, value], want: { code } });
for (const [args, code] of [
  [['gate', 't1', '--dir', '<wgdir>', '--jobs', '0'], 'usage'],
  [['gate', 't1', '--dir', '<wgdir>', '--jobs', 'many'], 'usage'],
  [['gate', 't1', '--dir', '<wgdir>', '--junit', '<root>/no/such/dir/j.xml'], 'junit-write'],
  [['done', 't1', '--dir', '<wgdir>', '--jobs', '-3'], 'usage'],
  [['plan', 't1', '--dir', '<wgdir>', '--task-json', '<root>/missing.json'], 'file-unreadable'],
  [['plan', 't1', '--dir', '<wgdir>', '--task-json', '<root>'], 'not-a-regular-file'],
  [['plan', 't1', '--dir', '<wgdir>', '--audit-log', '<wgdir>/graph.jsonl'], 'audit-config'],
  [['plan', 't1', '--dir', '<wgdir>', '--audit-log', '/proc/self/x/log.jsonl'], 'audit-unrecordable'],
  [['audit', 'verify', '--audit-log', '<root>'], 'not-a-regular-file'],

  [['audit', 'show', 'nope', '--audit-log', '<root>/none.jsonl'], 'audit-log-missing'],
  [['test', '<root>/no-such-tests.yaml', '--dir', '<wgdir>'], 'file-unreadable'],
])
  add('flags', { note: args.join(' ').replace(/<\w+>/g, 'X'), run: 'cli', args, want: { code } });
for (const since of ['yesterday-ish', 'not a date', '2026-13-45'])
  add('flags', {
    note: `audit list --since ${since}`,
    run: 'cli',
    files: { 'project/.wg/policy-audit.jsonl': '' },
    args: ['audit', 'list', '--dir', '<wgdir>', '--since', since],
    want: { code: 'usage' },
  });

let total = 0;
for (const [name, cases] of Object.entries(files)) {
  cases.forEach((c, i) => (c.id = `${name}-${String(i + 1).padStart(3, '0')}`));
  writeFileSync(new URL(`${name}.jsonl`, out), `${cases.map((c) => JSON.stringify(c)).join('\n')}\n`);
  total += cases.length;
}
console.log(`corpus: ${total} cases in ${Object.keys(files).length} files`);
