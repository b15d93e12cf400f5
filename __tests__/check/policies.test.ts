// checkPolicies on temp projects: an ok report per policy set, and every problem reported once with code, file and line.
import { describe, expect, test } from '@jest/globals';
import { checkPolicies } from '../../src/check/policies.js';
import { scratch } from '../support/project.js';

/** Checks a scratch project whose `.wg/policies/` holds `files`, removing it after. */
async function check(files: Record<string, string>) {
  const p = scratch(Object.fromEntries(Object.entries(files).map(([name, text]) => [`project/.wg/policies/${name}`, text])));
  try {
    return await checkPolicies({ dir: p.project, env: {}, cwd: p.root });
  } finally {
    p.cleanup();
  }
}
const rule = (id: string, then: string) =>
  `  - id: ${id}\n    description: d\n    priority: 500\n    when: { all: [ { fact: task, path: id, operator: equal, value: special } ] }\n    then: ${then}\n`;

describe('checkPolicies', () => {
  test('the bundled policies alone are ok', async () => {
    const report = await checkPolicies({ bundledOnly: true });
    expect(report.ok).toBe(true);
    expect(report.findings).toEqual([]); // no errors and no warnings: the bundled set has no ambiguous or shadowed rules
    expect(report.sets.map((s) => s.kind)).toEqual(['spawn', 'gate']);
    for (const s of report.sets) {
      expect(s.rules).toBeGreaterThan(0);
      expect(s.revision).toMatch(/^sha256:[0-9a-f]{16}$/);
      expect(s.files.every((f) => f.origin === 'bundled')).toBe(true);
    }
  });

  test('a project with valid policies is ok; each set lists the files it uses', async () => {
    const report = await check({
      'model.yaml': `field: model\nrules:\n${rule('model.special', '{ value: "claude:haiku" }')}`,
      'gate.yaml': 'enable: [deny-all-skipped]\n',
    });
    expect(report).toMatchObject({ ok: true, findings: [] });
    const [spawn, gate] = report.sets;
    expect(spawn.files.filter((f) => f.origin === 'project').map((f) => f.file)).toEqual(['.wg/policies/model.yaml']);
    expect(gate.files.filter((f) => f.origin !== 'bundled').map((f) => f.file)).toEqual(['policies/optional/deny-all-skipped.yaml', '.wg/policies/gate.yaml']);
    expect(gate.rules).toBe((await checkPolicies({ bundledOnly: true })).sets[1].rules + 1);
  });

  test.each<{ note: string; files: Record<string, string>; want: Array<{ file: string } & Record<string, unknown>> }>([
    {
      note: 'a YAML error read by both sets',
      files: { 'bad.yaml': 'field: model\nrules: [\n' },
      want: [{ code: 'yaml-syntax', file: '.wg/policies/bad.yaml' }],
    },
    {
      note: 'an unknown disable id read by both sets',
      files: { 'd.yaml': 'description: x\ndisable: [nope.rule]\n' },
      want: [{ code: 'unknown-disable', file: '.wg/policies/d.yaml', line: 2, rule: 'nope.rule' }],
    },
    {
      note: 'an unknown stage',
      files: { 'a.yaml': `field: modle\nrules:\n${rule('modle.x', '{ value: x }')}` },
      want: [{ code: 'unknown-stage', file: '.wg/policies/a.yaml', line: 1, key: 'field' }],
    },
    {
      note: 'an unknown gate fact',
      files: { 'g.yaml': `gate: done\nrules:\n${rule('done.x', '{ effect: deny, message: "{{summry.failed}}" }')}` },
      want: [{ code: 'unknown-fact', file: '.wg/policies/g.yaml', line: 7, rule: 'done.x', key: 'summry' }],
    },
  ])('$note is reported once', async ({ files, want }) => {
    const report = await check(files);
    expect(report.ok).toBe(false);
    expect(report.findings).toEqual(
      want.map((w) => expect.objectContaining({ ...w, severity: 'error', message: expect.any(String), formatted: expect.stringContaining(`${w.file}`) })),
    );
  });

  test('every problem of a set is reported, each with its own line', async () => {
    const report = await check({
      'm.yaml': `field: model\nrules:\n${rule('model.a', '{ value: x, reject: no }')}${rule('model.b', '{ value: "{{task.nope}}" }')}`,
    });
    expect(report.findings.map((p) => [p.code, p.rule, p.line])).toEqual([
      ['then-shape', 'model.a', 7],
      ['unknown-path', 'model.b', 12],
    ]);
    expect(report.findings[0].formatted).toBe(
      '.wg/policies/m.yaml:7:11: error then-shape: rule `model.a`: `then` must have exactly one of `value` or `reject`',
    );
    expect(report.sets.map((s) => [s.kind, s.rules])).toEqual([
      ['spawn', 0],
      ['gate', expect.any(Number)],
    ]);
  });

  test('a literal value the stage does not accept is an error at check time, with the allowed values', async () => {
    const report = await check({ 'e.yaml': `field: executor\nrules:\n${rule('executor.mine', '{ value: codx }')}` });
    expect(report.findings).toEqual([expect.objectContaining({ severity: 'error', code: 'rule-value', rule: 'executor.mine', line: 7 })]);
    expect(report.findings[0].message).toContain('(allowed: claude, native, codex, shell); did you mean `codex`?');
  });

  test('shadowed and ambiguous rules are warnings with both places named; warnings do not fail the check', async () => {
    const same = (id: string, prio: number, value: string) =>
      `  - id: ${id}\n    description: d\n    priority: ${prio}\n    when: { all: [ { fact: task, path: tier, operator: equal, value: fast } ] }\n    then: { value: "${value}" }\n`;
    const report = await check({
      'm.yaml': `field: model\nrules:\n${same('model.a', 150, 'claude:haiku')}${same('model.b', 150, 'claude:opus')}${same('model.c', 140, 'claude:sonnet')}`,
    });
    expect(report.ok).toBe(true);
    expect(report.findings.map((f) => [f.severity, f.code, f.rule])).toEqual([
      ['warning', 'ambiguous-rules', 'model.b'],
      ['warning', 'shadowed-rule', 'model.c'],
    ]);
    expect(report.findings[1].message).toContain('whenever it matches, `model.a` (.wg/policies/m.yaml:3, priority 150) matches too');
  });

  test('both wg config files, the executor TOMLs and the smoke manifest are checked too', async () => {
    const p = scratch({
      'project/.wg/config.toml': '[dispatcher]\nmodel = 5\n',
      'project/.wg/executors/claude.toml': '[executor]\ntype = "claude"\ncommand = "claude"\n[executor.env]\nANTHROPIC_API_KEY = "sk-ant-canary-123456"\n',
      'project/smoke/manifest.toml': '[[scenario]]\nname = "a"\n',
    });
    try {
      const report = await checkPolicies({ dir: p.project, env: {}, cwd: p.root, home: p.home });
      expect(JSON.stringify(report)).not.toContain('sk-ant-canary');
      expect(report.findings.map((f) => [f.code, f.file, f.line])).toEqual([
        ['config-type', '.wg/config.toml', 2],
        ['executor-secret', '.wg/executors/claude.toml', 5],
        ['manifest-invalid', `${p.project}/smoke/manifest.toml`, 1],
      ]);
    } finally {
      p.cleanup();
    }
  });

  test('a config that a reject rule reading config alone refuses is a warning at the rule; a config a task-dependent rule may refuse is not', async () => {
    for (const [config, rule] of [
      ['[dispatcher]\nexecutor = "cladue"\n', 'executor.unknown-in-local-dispatcher'],
      ['[dispatcher]\nexecutor = "shell"\n', undefined], // refused only for a task without `exec`: not check's to say
      ['[agent]\nexecutor = "nex"\n', undefined],
    ] as const) {
      const p = scratch({ 'project/.wg/config.toml': config });
      try {
        const report = await checkPolicies({ dir: p.project, env: {}, cwd: p.root, home: p.home });
        if (rule === undefined) {
          expect(report).toMatchObject({ ok: true, findings: [] });
          continue;
        }
        expect(report.ok).toBe(true); // a warning: an earlier rule may decide first
        expect(report.findings.map((f) => [f.severity, f.code, f.rule])).toEqual([['warning', 'config-refused', rule]]);
        expect(report.findings[0].formatted).toMatch(
          /^policies\/spawn\/executor\.yaml:\d+: warning config-refused: the config as written is refused by `executor\.unknown-in-local-dispatcher` for every task that reaches it: unknown executor `cladue` set in \.wg\/config\.toml dispatcher\.executor; use claude, native \(alias nex\), codex or shell$/,
        );
      } finally {
        p.cleanup();
      }
    }
  });

  test('a config-only reject rule whose message reads a task is described instead of rendered with empty placeholders (found in review)', async () => {
    const p = scratch({
      'project/.wg/config.toml': '[[llm_endpoints.endpoints]]\nname = "lab"\nurl = "http://127.0.0.1:8088"\n',
      'project/.wg/policies/p.yaml':
        'field: endpoint\nrules:\n  - id: endpoint.need-inherit\n    description: the project must say whether it inherits global endpoints\n    priority: 5\n    when: { all: [ { fact: local, path: llm_endpoints.inherit_global, operator: isSet, value: false } ] }\n    then: { reject: "task {{task.id}}: set inherit_global" }\n',
    });
    try {
      const report = await checkPolicies({ dir: p.project, env: {}, cwd: p.root, home: p.home });
      expect(report.ok).toBe(true);
      expect(report.findings.map((f) => f.formatted)).toEqual([
        '.wg/policies/p.yaml:3: warning config-refused: the config as written is refused by `endpoint.need-inherit` for every task that reaches it: the project must say whether it inherits global endpoints',
      ]);
    } finally {
      p.cleanup();
    }
  });

  test('a deprecated config table is a warning naming its file', async () => {
    const p = scratch({ 'project/.wg/config.toml': '[coordinator]\nexecutor = "claude"\n' });
    try {
      const report = await checkPolicies({ dir: p.project, env: {}, cwd: p.root, home: p.home });
      const found = report.findings.filter((f) => f.code === 'config-deprecated');
      expect(found.map((f) => [f.severity, f.file, f.formatted.split(': warning')[0]])).toEqual([['warning', '.wg/config.toml', '.wg/config.toml']]);
    } finally {
      p.cleanup();
    }
  });

  test('outside any wg project the check is wgdir-not-found', async () => {
    const p = scratch();
    try {
      await expect(checkPolicies({ env: {}, cwd: p.root })).rejects.toMatchObject({ code: 'wgdir-not-found' });
    } finally {
      p.cleanup();
    }
  });
});
