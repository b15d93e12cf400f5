// The compiled evaluator against json-rules-engine (the reference): identical traces, values, decisions, plans,
// provenance, refusals and explanations, on every task of the bench graph (with every spawn site and caller flag) and on
// fuzzed rules, facts, tasks and callers. The hand-written cases are compared in differential-cases.test.ts.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import * as fc from 'fast-check';
import * as z from 'zod/mini';
import { benchProject } from '../../bench/graph.mjs';
import { compileStage, runStage } from '../../src/engine/compile.js';
import { decide, type EvaluatorName } from '../../src/engine/decide.js';
import { explainStages } from '../../src/engine/explain.js';
import { OPERATOR_TABLE } from '../../src/engine/operators.js';
import { evaluateRules, type RuleTrace } from '../../src/engine/run-rules.js';
import { compileExpr, compileMessage } from '../../src/engine/compile-values.js';
import { renderMessage, resolveValue, type Read } from '../../src/engine/values.js';
import type { PolicySet } from '../../src/policy/load.js';
import { OPERATORS, type LoadedRule } from '../../src/policy/schema.js';
import type { StageTable } from '../../src/policy/stage.js';
import { sameOutcome } from '../support/canonical.js';
import { spawnBytes } from '../support/spawn-bytes.js';
import { sized } from '../support/stress.js';

// `npm test` compares a 60-task bench graph and a fifth of the fuzz runs; `npm run sweeps` (run by CI) the
// 10,000-task graph the bench uses and every fuzz run (`runs(n)`: n there, n / 5 in `npm test`).
const TASKS = Number(process.env.WG_POLICY_DIFFERENTIAL_TASKS ?? 60);
const runs = (full: number) => sized(full / 5, full);
let bench: ReturnType<typeof benchProject>;
beforeAll(() => {
  bench = benchProject(TASKS);
});
afterAll(() => bench.cleanup());

describe('the bench graph', () => {
  test(`every one of its ${TASKS} tasks: byte-identical plans, provenance, refusals, explanations and records`, async () => {
    const callers = [
      {},
      { agentExecutor: 'codex' },
      { defaultModel: 'openrouter:qwen/qwen3' },
      { agentExecutor: 'nex', defaultModel: 'claude:haiku' },
      { site: 'ipc', agentExecutor: 'native', timeout: '45m' },
      { site: 'spawn', agent: 'b2', agentId: 'agent-7' },
      { site: 'spawn-task', role: 'coordinator' },
      { site: 'chat', timeout: '' },
    ];
    const seen = { plans: 0, refusals: 0 };
    const differ: string[] = [];
    for (const [i, t] of bench.tasks.entries()) {
      const req = { taskId: t.id, dir: bench.wgDir, home: bench.home, env: {}, ...callers[i % callers.length] };
      const [ref, fast] = [await spawnBytes(req, 'reference'), await spawnBytes(req, 'compiled')];
      if (ref !== fast) differ.push(t.id);
      if (ref.startsWith('{"plan":{')) seen.plans++;
      else seen.refusals++;
    }
    expect(differ).toEqual([]);
    // The mix covers both outcomes in earnest.
    expect(seen.plans).toBeGreaterThan(TASKS * 0.7);
    expect(seen.refusals).toBeGreaterThan(TASKS * 0.05);
  }, 1_500_000);
});

// --- fuzzed tasks and callers through the bundled policies -------------------------------------------------------

const text = fc.oneof(
  fc.constantFrom('claude', 'native', 'nex', 'codex', 'shell', 'bogus', 'full', 'light', 'bare', '', 'lab', 'openrouter', 'nowhere'),
  fc.constantFrom('claude:opus', 'codex:gpt-5', 'nex:qwen', 'local:llama', 'opus', 'claude:', 'openrouter:x/y', 'http://h:1/v1', 'https://u:p@h/v1'),
  fc.string({ maxLength: 8 }),
);
const taskArb = fc.record(
  {
    id: fc.oneof(fc.constantFrom('t1', '.assign-t1', 'a/b', '../x', 'x y'), fc.string({ minLength: 1, maxLength: 6 })),
    model: fc.oneof(text, fc.constant(null)),
    executor: fc.oneof(text, fc.constant(null)),
    exec: fc.oneof(text, fc.constant(null)),
    exec_mode: fc.oneof(text, fc.constant(null)),
    endpoint: fc.oneof(text, fc.constant(null)),
    session_id: text,
    tier: text,
    tags: fc.oneof(fc.array(text, { maxLength: 3 }), fc.constant(null)),
    priority: fc.oneof(fc.integer(), fc.constantFrom('high', 'low', 'critical'), fc.constant(null)),
    status: fc.constantFrom('open', 'done', 'in-progress'),
    agent: fc.oneof(fc.constantFrom('a1', 'b2', 'zz', ''), fc.constant(null)),
    timeout: fc.oneof(fc.constantFrom('30m', '90s', '120', '', 'soon', '1h30m'), fc.constant(null)),
    extra: fc.jsonValue({ maxDepth: 2 }),
  },
  { requiredKeys: ['id'] },
);
const callerArb = fc.record(
  {
    agentExecutor: text,
    defaultModel: text,
    promptFile: fc.constantFrom('p.txt', 'a b/p.txt'),
    site: fc.constantFrom('dispatcher', 'ipc', 'spawn', 'spawn-task', 'chat', 'nowhere'),
    agent: fc.constantFrom('a1', 'b2', 'a'),
    agentId: fc.constantFrom('agent-3', 'x y'),
    timeout: fc.constantFrom('10m', '', 'never'),
    role: fc.constantFrom('coordinator', 'helper'),
  },
  { requiredKeys: [] },
);

describe('fuzzed tasks and callers (bundled policies)', () => {
  test('the compiled path decides every task as json-rules-engine does', async () => {
    await fc.assert(
      fc.asyncProperty(taskArb, callerArb, async (task, caller) => {
        const req = { task, dir: bench.wgDir, home: bench.home, env: {}, ...caller };
        expect(await spawnBytes(req, 'compiled')).toBe(await spawnBytes(req, 'reference'));
      }),
      { numRuns: runs(300) },
    );
  }, 300_000);
});

// --- fuzzed rules and facts: every operator, nesting, fact references, condition priorities -------------------------

const FACT_NAMES = ['task', 'plan', 'prov', 'list', 'n', 's', 'none', 'missing'] as const;
const PATHS = ['id', 'model', 'tags', 'tags.0', 'a', 'a.b', 'b', 'b.v', 'a.rule', 'a.from', 'n', 'constructor', '__proto__', 'length', 'x.y', ''] as const;
const scalar = fc.oneof(
  fc.constantFrom('claude', 'codex', 'a', 'ab', '', '3', '3x', 'https://u:p@h/x?api_key=1', '^a', '[', 'b|c', 'null'),
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom(0.5, -0, Number.NaN, 1e21),
  fc.boolean(),
  fc.constant(null),
);
const ref = fc.record({ fact: fc.constantFrom(...FACT_NAMES), path: fc.constantFrom(...PATHS) }, { requiredKeys: ['fact'] });
const operand = fc.oneof(
  scalar,
  fc.array(scalar, { maxLength: 3 }),
  ref,
  fc.dictionary(fc.constantFrom('a', 'b', 'fact', 'valueOf', 'constructor', '__proto__', 'toString'), fc.oneof(scalar, fc.array(scalar, { maxLength: 2 })), {
    maxKeys: 3,
  }),
);
const leaf = fc.record(
  {
    fact: fc.constantFrom(...FACT_NAMES),
    path: fc.constantFrom(...PATHS),
    operator: fc.constantFrom(...OPERATORS),
    value: operand,
    priority: fc.integer({ min: 1, max: 3 }),
  },
  { requiredKeys: ['fact', 'operator'] },
);
const { node } = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ all: fc.array(tie('node'), { maxLength: 4 }) }),
    fc.record({ any: fc.array(tie('node'), { maxLength: 4 }) }),
    fc.record({ not: tie('node') }),
  ),
}));
const root = fc.oneof(fc.record({ all: fc.array(node, { maxLength: 4 }) }), fc.record({ any: fc.array(node, { maxLength: 4 }) }), fc.record({ not: node }));
const factValue = fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.jsonValue({ maxDepth: 2 }));
const factsArb = fc.record(
  {
    task: fc.record({ id: scalar, model: scalar, tags: fc.array(scalar, { maxLength: 3 }), a: fc.record({ b: factValue }), n: scalar }, { requiredKeys: [] }),
    plan: fc.dictionary(fc.constantFrom('id', 'model', 'a', 'x'), factValue, { maxKeys: 3 }),
    list: fc.array(scalar, { maxLength: 4 }),
    n: scalar,
    s: fc.string({ maxLength: 5 }),
    none: fc.constant(null),
  },
  { requiredKeys: [] },
);

let order = 0;
const ruleOf = (when: unknown, then: LoadedRule['then'] = { value: 1 }, priority = 1): LoadedRule => {
  const n = order++;
  return { id: `s.r${n}`, description: 'fuzzed', priority, when: when as Record<string, unknown>, then, stage: 's', file: 'p.yaml', line: n + 1, order: n };
};

/** A trace as bytes that keep undefined, NaN and -0 apart. */
const traceBytes = (traces: readonly RuleTrace[]) => sameOutcome.bytes(traces.map((t) => ({ rule: t.rule.id, matched: t.matched, conditions: t.conditions })));

/** Runs both evaluators; both must throw, or both must give the same traces. */
async function bothTraces(rules: LoadedRule[], facts: Record<string, unknown>): Promise<[string, string]> {
  const settle = async (f: () => RuleTrace[] | Promise<RuleTrace[]>) => {
    try {
      return traceBytes(await f());
    } catch {
      return 'threw';
    }
  };
  const ref = await settle(() => evaluateRules(rules, facts));
  const fast = await settle(() => {
    const run = runStage(compileStage(rules), facts);
    return rules.map((_, i) => run.trace(i));
  });
  return [ref, fast];
}

describe('fuzzed rules and facts', () => {
  test('every rule matches, and every condition records fact value, value and result, as in json-rules-engine', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(root, { minLength: 1, maxLength: 5 }), factsArb, async (whens, facts) => {
        const [ref, fast] = await bothTraces(
          whens.map((w, i) => ruleOf(w, { value: 1 }, 5 - i)),
          facts,
        );
        expect(fast).toBe(ref);
      }),
      { numRuns: runs(1500) },
    );
  }, 300_000);

  test('each operator, leaf by leaf, on hostile operands', async () => {
    const values = fc.oneof(scalar, operand, fc.jsonValue({ maxDepth: 1 }), fc.constantFrom([1, '1'], 'abc', { toString: 1 }));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...OPERATOR_TABLE.keys()), values, values, async (operator, actual, expected) => {
        const rule = ruleOf({ all: [{ fact: 'x', operator, value: expected }] });
        const [ref, fast] = await bothTraces([rule], { x: actual });
        expect(fast).toBe(ref);
      }),
      { numRuns: runs(3000) },
    );
  }, 300_000);

  test('conditions with priorities are run group by group, and later groups are left unevaluated once the answer is known', async () => {
    const when = {
      any: [
        { fact: 'n', operator: 'equal', value: 1, priority: 3 },
        { fact: 'n', operator: 'equal', value: 2, priority: 3 },
        { all: [{ fact: 'n', operator: 'greaterThan', value: 0 }] },
      ],
    };
    const rule = ruleOf(when);
    const [ref, fast] = await bothTraces([rule], { n: 1 });
    expect(fast).toBe(ref);
    const [trace] = await evaluateRules([rule], { n: 1 });
    expect(trace.conditions.map((c) => c.evaluated)).toEqual([true, true, false]);
  });
});

// --- fuzzed value expressions and messages --------------------------------------------------------------------------

const template = fc
  .array(
    fc.oneof(fc.constantFrom('x', ' ', '{{', '}}', '{{ task.id }}', '{{plan.model}}', '{{list}}', '{{missing.a}}', '{{n}}'), fc.string({ maxLength: 3 })),
    {
      maxLength: 5,
    },
  )
  .map((parts) => parts.join(''));
const { expr } = fc.letrec<{ expr: unknown }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small' },
    scalar,
    template,
    ref,
    fc.record(
      {
        fact: fc.constantFrom(...FACT_NAMES),
        path: fc.constantFrom(...PATHS),
        where: fc.dictionary(fc.constantFrom('id', 'a', 'model'), tie('expr'), { maxKeys: 2 }),
        alias: fc.dictionary(fc.constantFrom('claude', 'a', '3'), fc.string({ maxLength: 3 }), { maxKeys: 2 }),
      },
      { requiredKeys: ['fact'] },
    ),
    fc.array(tie('expr'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('name', 'url', 'fact', '__proto__'), tie('expr'), { maxKeys: 3 }),
  ),
}));

describe('fuzzed value expressions', () => {
  test('a compiled expression gives the value and the reads resolveValue gives', () => {
    fc.assert(
      fc.property(expr, factsArb, (e, facts) => {
        const reads: Read[] = [];
        const value = compileExpr(e)(facts, reads);
        expect(sameOutcome.bytes({ value, reads })).toBe(sameOutcome.bytes(resolveValue(e, facts)));
      }),
      { numRuns: runs(3000) },
    );
  });

  test('a compiled message renders as renderMessage does', () => {
    fc.assert(
      fc.property(template, factsArb, (t, facts) => expect(compileMessage(t)(facts)).toBe(renderMessage(t, facts))),
      { numRuns: runs(2000) },
    );
  });
});

// --- fuzzed policy sets through decide: winners, refusals, provenance, deny-overrides, explanations ----------------

const FACTS = { task: z.unknown(), list: z.unknown(), n: z.unknown(), s: z.unknown(), none: z.unknown(), plan: z.unknown(), prov: z.unknown() };
const TABLE: StageTable = {
  kind: 'fuzz',
  fileKey: 'field',
  resultsFact: 'plan',
  provenanceFact: 'prov',
  stages: [
    { name: 'a', field: 'a', does: 'decides a', combine: 'first-match', facts: FACTS, value: z.union([z.string(), z.number(), z.null()]) },
    { name: 'b', field: 'b', does: 'decides b from a', combine: 'first-match', facts: FACTS, toFact: (v) => ({ v }) },
    { name: 'a2', field: 'a', does: 'confirms or changes a', combine: 'first-match', facts: FACTS },
    { name: 'gate', field: 'gate', does: 'allows or denies', combine: 'deny-overrides', facts: FACTS },
  ],
};
const thenArb = (stage: string) =>
  stage === 'gate'
    ? fc.record({ effect: fc.constantFrom('allow', 'warn', 'deny' as const), message: template, help: template }, { requiredKeys: ['effect', 'message'] })
    : fc.oneof(fc.record({ value: expr }), fc.record({ reject: template }));
const stageRules = (stage: string) =>
  fc
    .array(fc.record({ when: root, then: thenArb(stage), priority: fc.integer({ min: 1, max: 4 }) }), { maxLength: 4 })
    .map((list) => list.map((r) => ({ ...ruleOf(r.when, r.then as LoadedRule['then'], r.priority), stage, id: `${stage}.r${order++}` })));
const setArb = fc.tuple(stageRules('a'), stageRules('b'), stageRules('a2'), stageRules('gate')).map((lists): PolicySet => {
  const byStage = new Map(TABLE.stages.map((s, i) => [s.name, [...lists[i]].sort((x, y) => y.priority - x.priority || x.order - y.order)]));
  return { kind: 'fuzz', byStage, revision: 'sha256:fuzz', files: [], disabled: [], replaced: [] };
});

async function decisionBytes(set: PolicySet, facts: Record<string, unknown>, evaluator: EvaluatorName): Promise<string> {
  const sourcesOf = (fact: string, path: string | undefined, value: unknown) =>
    value === undefined ? [] : [{ layer: 'task' as const, file: fact, key: path ?? '', value }];
  try {
    const r = await decide(TABLE, set, facts, { sourcesOf, subject: 'the fuzz', evaluator });
    const { trace, error, ...rest } = r;
    return sameOutcome.bytes({ ...rest, error: error?.toJSON(), trace: JSON.stringify(trace), explained: JSON.stringify(explainStages(trace, r.provenance)) });
  } catch {
    return 'threw';
  }
}

describe('fuzzed policy sets', () => {
  test('decide gives identical values, provenance, determining rules, refusals, outcomes, traces and explanations', async () => {
    await fc.assert(
      fc.asyncProperty(setArb, factsArb, async (set, facts) => {
        expect(await decisionBytes(set, facts, 'compiled')).toBe(await decisionBytes(set, facts, 'reference'));
      }),
      { numRuns: runs(800) },
    );
  }, 300_000);
});
