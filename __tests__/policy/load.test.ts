// loadPolicySet over a temp project policy dir and a tiny stage table: order, replace, disable, and every loader error.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import * as z from 'zod/mini';
import { loadPolicySet, type PolicySet } from '../../src/policy/load.js';
import type { StageTable } from '../../src/policy/stage.js';
import { PolicyProblems } from '../../src/shared/errors.js';
import { NAMESPACES, SPAWN_TABLE } from '../../src/stages/index.js';

const TASK = z.object({ id: z.string(), color: z.optional(z.string()) });
const COLORS: StageTable = {
  kind: 'unit-colors',
  fileKey: 'field',
  stages: [
    { name: 'color', field: 'color', does: 'picks a color', combine: 'first-match', facts: { task: TASK } },
    { name: 'size', field: 'size', does: 'picks a size', combine: 'first-match', facts: { task: TASK } },
  ],
};
/** A one-stage gate table whose facts cover the optional `deny-all-skipped` file. */
const GATES: StageTable = {
  kind: 'unit-gates',
  fileKey: 'gate',
  stages: [
    {
      name: 'done',
      field: 'done',
      does: 'allows done',
      combine: 'deny-overrides',
      facts: { task: TASK, summary: z.object({ allSkipped: z.boolean(), selected: z.number(), skippedDetail: z.string() }) },
    },
  ],
};
const NS = ['color', 'size', 'done', 'other'];

const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

/** A fresh project whose `.wg/policies/` holds `files`; returns the load options. */
function project(files: Record<string, string>) {
  const root = mkdtempSync(join(tmpdir(), 'wgp-load-'));
  roots.push(root);
  const dir = join(root, '.wg', 'policies');
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return { projectPolicyDir: dir, projectRoot: root, namespaces: NS };
}
const load = (files: Record<string, string>, table = COLORS) => loadPolicySet(table, project(files));
async function loadError(files: Record<string, string>, table = COLORS): Promise<Record<string, unknown>> {
  return load(files, table).then(
    () => {
      throw new Error('expected the set to be refused');
    },
    (e: unknown) => e as Record<string, unknown>,
  );
}

/** A YAML rule entry (lines indented for `rules:`). */
const r = (id: string, priority: number, then = 'value: red', when = '{ all: [] }') =>
  `  - id: ${id}\n    description: d\n    priority: ${priority}\n    when: ${when}\n    then: { ${then} }\n`;
const isSet = (path: string) => `{ all: [ { fact: task, path: ${path}, operator: isSet } ] }`;
const ids = (set: PolicySet, stage: string) => set.byStage.get(stage)!.map((x) => x.id);

describe('a valid set', () => {
  test('rules sorted by priority, then file order; files, lines and revision recorded', async () => {
    const set = await load({
      'a.yaml': `field: color\nrules:\n${r('color.a-low', 5)}${r('color.a-high', 50, 'value: blue', isSet('color'))}`,
      'b.yml': `field: color\nrules:\n${r('color.b-high', 50, 'value: red', isSet('id'))}`,
      'README.md': 'not a policy',
    });
    expect(ids(set, 'color')).toEqual(['color.a-high', 'color.b-high', 'color.a-low']);
    expect(ids(set, 'size')).toEqual([]);
    expect(set.byStage.get('color')![0]).toMatchObject({ stage: 'color', file: '.wg/policies/a.yaml', line: 8 });
    expect(set.files.map((f) => [f.file, f.origin])).toEqual([
      ['.wg/policies/a.yaml', 'project'],
      ['.wg/policies/b.yml', 'project'],
    ]);
    expect(set.files[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(set.revision).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(set).toMatchObject({ kind: 'unit-colors', disabled: [], replaced: [] });
  });

  test('no project dir: an empty set', async () => {
    const set = await loadPolicySet(COLORS, { projectPolicyDir: join(tmpdir(), 'wgp-load-none', 'policies'), namespaces: NS });
    expect([...set.byStage]).toEqual([
      ['color', []],
      ['size', []],
    ]);
    expect(set.files).toEqual([]);
  });

  test('the revision changes with any file text; an unchanged set is reused', async () => {
    const files = { 'a.yaml': `field: color\nrules:\n${r('color.a', 5)}` };
    const opts = project(files);
    const first = await loadPolicySet(COLORS, opts);
    expect(await loadPolicySet(COLORS, opts)).toBe(first);
    writeFileSync(join(opts.projectPolicyDir, 'a.yaml'), `${files['a.yaml']}# changed\n`);
    const second = await loadPolicySet(COLORS, opts);
    expect(second).not.toBe(first);
    expect(second.revision).not.toBe(first.revision);
  });

  test("disable removes a rule and records who disabled it; another table's ids are left alone", async () => {
    const set = await load({
      'a.yaml': `field: color\nrules:\n${r('color.a', 50, 'value: red', isSet('color'))}${r('color.b', 5)}`,
      'b.yaml': 'description: x\ndisable:\n  - other.rule\n  - color.a\n',
      'c.yaml': 'disable: [other.only]\n',
    });
    expect(ids(set, 'color')).toEqual(['color.b']);
    expect(set.disabled).toEqual([{ id: 'color.a', by: '.wg/policies/b.yaml:4' }]);
    expect(set.files.map((f) => f.file)).toEqual(['.wg/policies/a.yaml', '.wg/policies/b.yaml']);
  });

  test('a project rule replaces an optional rule of the same id', async () => {
    const set = await load(
      {
        'on.yaml': 'enable: [deny-all-skipped]\n',
        'mine.yaml': `gate: done\nrules:\n${r('done.all-skipped', 100, 'effect: warn, message: "all skipped"', isSet('id'))}`,
      },
      GATES,
    );
    expect(set.replaced).toEqual([
      { id: 'done.all-skipped', was: expect.stringMatching(/^policies\/optional\/deny-all-skipped\.yaml:\d+$/), by: '.wg/policies/mine.yaml:3' },
    ]);
    expect(set.byStage.get('done')!.map((x) => [x.id, x.file, x.then.effect])).toEqual([['done.all-skipped', '.wg/policies/mine.yaml', 'warn']]);
    expect(set.files.map((f) => [f.file, f.origin])).toEqual([
      ['policies/optional/deny-all-skipped.yaml', 'optional'],
      ['.wg/policies/mine.yaml', 'project'],
      ['.wg/policies/on.yaml', 'project'],
    ]);
  });

  test('a project rule replaces a bundled rule (spawn table)', async () => {
    const set = await loadPolicySet(SPAWN_TABLE, {
      ...project({ 'm.yaml': `field: model\nrules:\n${r('model.standard-tier', 1, 'value: "claude:haiku"')}` }),
      namespaces: NAMESPACES,
    });
    expect(set.replaced).toEqual([
      { id: 'model.standard-tier', was: expect.stringMatching(/^policies\/spawn\/model\.yaml:\d+$/), by: '.wg/policies/m.yaml:3' },
    ]);
    expect(set.byStage.get('model')!.at(-1)).toMatchObject({ id: 'model.standard-tier', then: { value: 'claude:haiku' }, file: '.wg/policies/m.yaml' });
  });
});

describe('refused sets', () => {
  test.each<{ note: string; files: Record<string, string>; want: Record<string, unknown> }>([
    {
      note: 'an unknown stage, with a hint',
      files: { 'a.yaml': `description: x\nfield: colour\nrules:\n${r('colour.a', 5)}` },
      want: {
        code: 'unknown-stage',
        file: '.wg/policies/a.yaml',
        line: 2,
        key: 'field',
        message: 'unknown field `colour` (known: color, size); did you mean `color`?',
      },
    },
    {
      note: 'an id outside the stage namespace',
      files: { 'a.yaml': `field: color\nrules:\n${r('color.ok', 9, 'value: red', isSet('id'))}${r('size.a', 5)}` },
      want: { code: 'rule-id-namespace', file: '.wg/policies/a.yaml', line: 8, rule: 'size.a' },
    },
    {
      note: 'a duplicate id across project files',
      files: { 'a.yaml': `field: color\nrules:\n${r('color.x', 5)}`, 'b.yaml': `field: color\nrules:\n${r('color.x', 6)}` },
      want: {
        code: 'duplicate-rule-id',
        file: '.wg/policies/b.yaml',
        line: 3,
        message: 'duplicate rule id `color.x` (first defined at .wg/policies/a.yaml:3)',
      },
    },
    { note: 'rules without a stage', files: { 'a.yaml': `rules:\n${r('color.a', 5)}` }, want: { code: 'policy-schema', file: '.wg/policies/a.yaml', line: 1 } },
    {
      note: 'an unknown rule to disable, with a hint',
      files: { 'a.yaml': `field: color\nrules:\n${r('color.red', 5)}`, 'b.yaml': 'disable: [color.rde]\n' },
      want: {
        code: 'unknown-disable',
        file: '.wg/policies/b.yaml',
        line: 1,
        rule: 'color.rde',
        message: 'cannot disable unknown rule `color.rde`; did you mean `color.red`?',
      },
    },
    {
      note: 'a disable id in no namespace, with a hint',
      files: { 'b.yaml': 'disable:\n  - sizes.x\n' },
      want: { code: 'unknown-disable', line: 2, message: 'cannot disable unknown rule `sizes.x`; did you mean `size.`?' },
    },
    {
      note: 'an unknown optional file, with a hint',
      files: { 'a.yaml': 'enable: [deny-all-skiped]\n' },
      want: {
        code: 'unknown-optional',
        key: 'enable',
        line: 1,
        message: expect.stringMatching(/^no optional policy `deny-all-skiped` \(available: .*\); did you mean `deny-all-skipped`\?$/),
      },
    },
    { note: 'YAML syntax', files: { 'a.yaml': 'field: color\nrules: [\n' }, want: { code: 'yaml-syntax', file: '.wg/policies/a.yaml' } },
    {
      note: 'a value outside the stage vocabulary',
      files: { 'a.yaml': `field: color\nrules:\n${r('color.a', 5, 'value: "{{task.colour}}"')}` },
      want: { code: 'unknown-path', file: '.wg/policies/a.yaml', rule: 'color.a', line: 7 },
    },
  ])('$note → $want.code', async ({ files, want }) => {
    expect(await loadError(files)).toMatchObject(want);
  });

  test('every schema issue of a file is collected, each with its line and key', async () => {
    const e = await loadError({
      'a.yaml': [
        'field: color',
        'rules:',
        '  - id: color.a',
        '    priority: -1',
        '    when: { all: [] }',
        '    then: { value: red }',
        '  - id: Color.B',
        '    description: d',
        '    priority: 1',
        '    when: { all: [] }',
        '    thn: { value: red }',
      ].join('\n'),
    });
    expect(e).toBeInstanceOf(PolicyProblems);
    const problems = (e as unknown as PolicyProblems).problems.map((p) => [p.code, p.line, p.key]);
    expect(problems).toEqual([
      ['policy-schema', 3, 'rules[0].description'], // missing: the rule's line
      ['policy-schema', 4, 'rules[0].priority'],
      ['policy-schema', 7, 'rules[1].id'],
      ['policy-schema', 7, 'rules[1].then'],
      ['policy-schema', 7, 'rules[1].thn'], // an unknown key: the line of the mapping holding it
    ]);
    expect(e.message).toMatch(/ \(and 4 more problems; run `wg-policy check`\)$/);
    expect((e as unknown as PolicyProblems).problems.find((p) => p.key === 'rules[1].thn')?.message).toBe(
      '`rules[1]` has unknown key `thn`; did you mean `then`?',
    );
  });

  test('every check problem of the set is collected', async () => {
    const e = (await loadError({
      'a.yaml': `field: color\nrules:\n${r('color.a', 5, 'value: red, reject: no')}${r('color.b', 9, 'value: red', '{ all: [ { fact: tsk, operator: isSet } ] }')}`,
    })) as unknown as PolicyProblems;
    expect(e.problems.map((p) => [p.code, p.rule, p.line])).toEqual([
      ['then-shape', 'color.a', 7],
      ['unknown-fact', 'color.b', 11],
    ]);
  });
});
