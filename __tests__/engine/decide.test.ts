// decide, the pure core: a hand-made stage table and policy set, no files. First-match winners, refusals, provenance, deny-overrides.
import { describe, expect, test } from '@jest/globals';
import * as z from 'zod/mini';
import { decide } from '../../src/engine/decide.js';
import type { PolicySet } from '../../src/policy/load.js';
import type { LoadedRule } from '../../src/policy/schema.js';
import type { StageTable } from '../../src/policy/stage.js';
import type { Source, SourceMapper } from '../../src/shared/source.js';

const colorFact = (v: unknown) => ({ name: v, warm: v === 'red' });
const FACTS = { task: z.looseObject({ id: z.string() }), results: z.record(z.string(), z.unknown()), prov: z.record(z.string(), z.unknown()) };
const TABLE: StageTable = {
  kind: 'unit',
  fileKey: 'field',
  resultsFact: 'results',
  provenanceFact: 'prov',
  stages: [
    {
      name: 'color',
      field: 'color',
      does: 'picks a color',
      combine: 'first-match',
      facts: FACTS,
      value: z.enum(['red', 'blue', 'green']),
      toFact: colorFact,
      warnings: (v, sources) => (v === 'green' ? [`green from ${sources.map((s) => s.layer).join(',')}`] : []),
    },
    {
      name: 'recolor',
      field: 'color',
      does: 'confirms or changes the color',
      combine: 'first-match',
      facts: FACTS,
      value: z.enum(['red', 'blue', 'green']),
      toFact: colorFact,
    },
    { name: 'label', field: 'label', does: 'labels it', combine: 'first-match', facts: FACTS, value: z.string() },
  ],
};
const GATE: StageTable = {
  kind: 'unit-gate',
  fileKey: 'gate',
  stages: [{ name: 'done', field: 'done', does: 'allows done', combine: 'deny-overrides', facts: FACTS }],
};

let order = 0;
/** A rule of the stage its id names, on line 10 + its load order. */
function rule(id: string, priority: number, then: LoadedRule['then'], when: Record<string, unknown> = { all: [] }): LoadedRule {
  const n = order++;
  return { id, description: id, priority, when, then, stage: id.split('.')[0], file: 'p.yaml', line: 10 + n, order: n };
}
/** A policy set as the loader builds it: rules by stage, sorted by priority then load order. */
function setOf(table: StageTable, ...rules: LoadedRule[]): PolicySet {
  const byStage = new Map(
    table.stages.map((s) => [s.name, rules.filter((r) => r.stage === s.name).sort((a, b) => b.priority - a.priority || a.order - b.order)]),
  );
  return { kind: table.kind, byStage, revision: 'sha256:test', files: [], disabled: [], replaced: [] };
}
const when = (fact: string, path: string, operator: string, value?: unknown) => ({
  all: [{ fact, path, operator, ...(value === undefined ? {} : { value }) }],
});
const at = (r: LoadedRule) => `p.yaml:${r.line}`;
const task = { task: { id: 't1', color: 'green' } };
/** The task fields as sources, the way the spawn mapper reports them. */
const taskSources: SourceMapper = (fact, path, value) =>
  fact === 'task' && value !== undefined ? [{ layer: 'task', file: 'graph.jsonl:3', key: path ?? 'id', value }] : [];
const label = rule('label.any', 1, { value: 'x' });
const recolor = rule('recolor.keep', 1, { value: { fact: 'results', path: 'color.name' } });

describe('first-match stages', () => {
  test('the winner is the first match by priority, then file order; the other matches are shadowed', async () => {
    const off = rule('color.off', 50, { value: 'red' }, when('task', 'missing', 'isSet'));
    const blue = rule('color.blue', 50, { value: 'blue' });
    const refuse = rule('color.refuse', 50, { reject: 'no {{task.id}}' });
    const red = rule('color.red', 5, { value: 'red' });
    const out = await decide(TABLE, setOf(TABLE, red, refuse, off, blue, recolor, label), task);
    expect(out.error).toBeUndefined();
    expect(out.allowed).toBe(true);
    expect(out.values).toEqual({ color: 'blue', label: 'x' });
    expect(out.trace[0]).toMatchObject({ stage: 'color', field: 'color', combine: 'first-match', winner: 'color.blue', value: 'blue' });
    expect(out.trace[0].rules.map((t) => [t.rule.id, t.matched])).toEqual([
      ['color.off', false],
      ['color.blue', true],
      ['color.refuse', true],
      ['color.red', true],
    ]);
    expect(out.provenance.color).toEqual({
      value: 'blue',
      rule: 'color.blue',
      policy: at(blue),
      sources: [{ layer: 'default', file: 'p.yaml', key: 'color.blue.then.value', value: 'blue' }],
      shadowed: [
        { rule: 'color.refuse', value: { reject: 'no t1' }, policy: at(refuse) },
        { rule: 'color.red', value: 'red', policy: at(red) },
      ],
    });
  });

  test("determining lists each stage's winner in stage order", async () => {
    const blue = rule('color.b2', 9, { value: 'blue' });
    const out = await decide(TABLE, setOf(TABLE, blue, recolor, label), task);
    expect(out.determining).toEqual([
      { stage: 'color', field: 'color', rule: 'color.b2', policy: at(blue) },
      { stage: 'recolor', field: 'color', rule: 'recolor.keep', policy: at(recolor) },
      { stage: 'label', field: 'label', rule: 'label.any', policy: at(label) },
    ]);
  });

  test('a refusal stops with rule-rejected; the trace so far is kept', async () => {
    const no = rule('color.no', 9, { reject: 'task {{task.id}} may not be colored' });
    const out = await decide(TABLE, setOf(TABLE, no, recolor, label), task);
    expect(out.error).toMatchObject({ code: 'rule-rejected', message: 'task t1 may not be colored', rule: 'color.no', file: 'p.yaml', line: no.line });
    expect(out.allowed).toBe(false);
    expect(out.trace).toHaveLength(1);
    expect(out.trace[0]).toMatchObject({ winner: 'color.no', rejected: 'task t1 may not be colored' });
    expect(out.values).toEqual({});
    expect(out.determining).toEqual([{ stage: 'color', field: 'color', rule: 'color.no', policy: at(no) }]);
  });

  test("a refusal's help is rendered and kept apart from its message", async () => {
    const no = rule('color.no', 9, { reject: 'no color for {{task.id}}', help: 'try {{task.color}}' });
    const out = await decide(TABLE, setOf(TABLE, no), task);
    expect(out.error).toMatchObject({ code: 'rule-rejected', message: 'no color for t1', help: 'try green' });
  });

  test('no matching rule stops with no-rule-matched naming the stage and the subject', async () => {
    const off = rule('color.never', 9, { value: 'red' }, when('task', 'id', 'equal', 'other'));
    const out = await decide(TABLE, setOf(TABLE, off), task, { subject: 'task `t1`' });
    expect(out.error).toMatchObject({
      code: 'no-rule-matched',
      message: 'no `color` rule matched task `t1`; the policy set needs a default rule for `color`',
      help: expect.stringContaining('explain'),
    });
    expect(out.allowed).toBe(false);
    expect(out.trace.map((s) => [s.stage, s.winner])).toEqual([['color', null]]);
  });

  test('a value the stage schema refuses stops with rule-value naming the rule', async () => {
    const bad = rule('color.bad', 9, { value: { fact: 'task', path: 'id' } });
    const out = await decide(TABLE, setOf(TABLE, bad), task);
    expect(out.error).toMatchObject({ code: 'rule-value', rule: 'color.bad', line: bad.line, message: 'rule `color.bad` gave `color` the invalid value "t1"' });
    expect(out.trace[0].value).toBe('t1');
    expect(out.values).toEqual({});
  });
});

describe('later stages', () => {
  test('see earlier results through the results fact (as toFact shapes them) and provenance through the provenance fact', async () => {
    const red = rule('color.red', 9, { value: 'red' });
    const warm = rule(
      'label.warm',
      9,
      { value: '{{results.color.name}} by {{prov.color.rule}} ({{prov.color.from}})' },
      when('results', 'color.warm', 'equal', true),
    );
    const out = await decide(TABLE, setOf(TABLE, red, recolor, warm, label), task);
    expect(out.values.label).toBe('red by color.red (default p.yaml color.red.then.value)');
  });

  test('sources come from the mapper for values and true conditions; results read later carry `via`', async () => {
    const fromTask = rule('color.task', 9, { value: { fact: 'task', path: 'color' } }, when('task', 'id', 'equal', 't1'));
    const copy = rule('label.copy', 9, { value: '{{results.color.name}}' });
    const describe = (s: Source) => `${s.layer}:${s.key}`;
    const out = await decide(TABLE, setOf(TABLE, fromTask, recolor, copy), task, { sourcesOf: taskSources, describe });
    const color = [
      { layer: 'task', file: 'graph.jsonl:3', key: 'color', value: 'green' },
      { layer: 'task', file: 'graph.jsonl:3', key: 'id', value: 't1' },
    ];
    expect(out.provenance.color.sources).toEqual(color);
    expect(out.provenance.label.sources).toEqual(color.map((s) => ({ ...s, via: 'color' })));
    expect(out.warnings).toEqual(['green from task,task']);
  });

  test('a later stage that confirms a field keeps its provenance; one that changes it takes over and shadows it', async () => {
    const blue = rule('color.blue', 9, { value: 'blue' });
    const confirmed = await decide(TABLE, setOf(TABLE, blue, recolor, label), task);
    expect(confirmed.provenance.color).toMatchObject({ value: 'blue', rule: 'color.blue', shadowed: [] });

    const change = rule('recolor.red', 9, { value: 'red' });
    const changed = await decide(TABLE, setOf(TABLE, blue, change, label), task);
    expect(changed.values.color).toBe('red');
    expect(changed.provenance.color).toMatchObject({ value: 'red', rule: 'recolor.red', shadowed: [{ rule: 'color.blue', value: 'blue', policy: at(blue) }] });
  });

  test('toFact sees the facts of the decision (for lookups)', async () => {
    const table: StageTable = {
      ...TABLE,
      stages: [{ ...TABLE.stages[0], toFact: (v, facts) => ({ name: v, owner: (facts.task as { id: string }).id }) }, TABLE.stages[2]],
    };
    const out = await decide(table, setOf(table, rule('color.red', 9, { value: 'red' }), rule('label.own', 9, { value: '{{results.color.owner}}' })), task);
    expect(out.values.label).toBe('t1');
  });

  test('a read below an earlier result carries its sources plus any the mapper names for that path', async () => {
    const fromTask = rule('color.task', 9, { value: { fact: 'task', path: 'color' } });
    const copy = rule('label.copy', 9, { value: '{{results.color.name}}' });
    const mapper: SourceMapper = (fact, path, value, facts) =>
      fact === 'results' && path === 'color.name'
        ? [{ layer: 'local', file: 'lookup.json', key: String((facts?.task as { id: string }).id), value }]
        : taskSources(fact, path, value);
    const out = await decide(TABLE, setOf(TABLE, fromTask, recolor, copy), task, { sourcesOf: mapper });
    expect(out.provenance.label.sources).toEqual([
      { layer: 'task', file: 'graph.jsonl:3', key: 'color', value: 'green', via: 'color' },
      { layer: 'local', file: 'lookup.json', key: 't1', value: 'green' },
    ]);
  });

  test('a stage without rules is no-rule-matched', async () => {
    const out = await decide(TABLE, setOf(TABLE, rule('color.x', 1, { value: 'red' })), task);
    expect(out.error?.code).toBe('no-rule-matched');
    expect(out.trace.map((s) => s.stage)).toEqual(['color', 'recolor']);
  });
});

describe('deny-overrides stages', () => {
  const allow = rule('done.allow', 50, { effect: 'allow', message: 'fine' });
  const deny1 = rule('done.deny1', 40, { effect: 'deny', message: 'no: {{task.id}}', help: 'fix {{task.id}}' });
  const deny2 = rule('done.deny2', 10, { effect: 'deny', message: 'also no' });
  const offDeny = rule('done.off', 90, { effect: 'deny', message: 'never' }, when('task', 'id', 'equal', 'other'));
  const warn = rule('done.warn', 30, { effect: 'warn', message: 'careful with {{task.id}}' });

  test('any deny wins and lists every matching deny; warnings still reported', async () => {
    const out = await decide(GATE, setOf(GATE, allow, deny1, deny2, offDeny, warn), task);
    expect(out.outcomes.done).toEqual({
      allowed: false,
      effect: 'deny',
      determining: [
        { rule: 'done.deny1', policy: at(deny1), effect: 'deny', message: 'no: t1', help: 'fix t1' },
        { rule: 'done.deny2', policy: at(deny2), effect: 'deny', message: 'also no' },
      ],
      warnings: [{ rule: 'done.warn', policy: at(warn), effect: 'warn', message: 'careful with t1' }],
      notices: [],
    });
    expect(out.allowed).toBe(false);
    expect(out.error).toBeUndefined();
    expect(out.trace[0].outcome).toBe(out.outcomes.done);
  });

  test('with no deny, the matching allows decide', async () => {
    const out = await decide(GATE, setOf(GATE, allow, offDeny, warn), task);
    expect(out.outcomes.done).toMatchObject({ allowed: true, effect: 'allow', determining: [{ rule: 'done.allow', message: 'fine' }], notices: [] });
    expect(out.allowed).toBe(true);
  });

  test.each([
    { note: 'no rule matched', rules: [offDeny], warnings: [] as string[] },
    { note: 'a warning alone never allows', rules: [warn], warnings: ['done.warn'] },
    { note: 'no rules at all', rules: [], warnings: [] as string[] },
  ])('no allow means deny, with a notice: $note', async ({ rules, warnings }) => {
    const out = await decide(GATE, setOf(GATE, ...rules), task, { subject: 'task `t1`' });
    expect(out.outcomes.done).toMatchObject({
      allowed: false,
      effect: 'deny',
      determining: [],
      notices: ['no `done` rule allowed task `t1` (no allow means deny); run `wg-policy check` and see the `gate: done` policy files'],
    });
    expect(out.outcomes.done.warnings.map((w) => w.rule)).toEqual(warnings);
    expect(out.allowed).toBe(false);
  });

  test('the determining list names each deciding rule with its effect', async () => {
    const out = await decide(GATE, setOf(GATE, allow, deny1, warn), task);
    // A warning never decides: the deny alone determines.
    expect(out.determining).toEqual([{ stage: 'done', field: 'deny', rule: 'done.deny1', policy: at(deny1) }]);
  });
});
