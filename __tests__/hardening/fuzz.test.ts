// Property-based fuzzing (fast-check) of the planner and the gate over hostile config, task, policy and manifest
// inputs. A bounded run in `npm test`; `npm run fuzz` runs many more (FUZZ_RUNS, FUZZ_SEED).
import { readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { decideGate } from '../../src/gate/decide.js';
import { PolicyError } from '../../src/shared/errors.js';
import { planSpawn } from '../../src/spawn/plan.js';
import { SpawnPlanSchema, type SpawnPlan } from '../../src/spawn/plan-schema.js';
import { SPAWN_TABLE } from '../../src/stages/index.js';
import { scratch } from '../support/project.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 25);
// The bounded run in `npm test` is reproducible (a fixed seed); `npm run fuzz` explores new seeds unless FUZZ_SEED is set.
const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : process.env.FUZZ_RUNS === undefined ? 20261202 : undefined;
const params = { numRuns: RUNS, seed: SEED, endOnFailure: true };
const TIMEOUT = Math.max(60_000, RUNS * 2_000);

/** The planted secret: in config as a key and inside URLs; it must appear in no output and no record. */
const CANARY = 'fz-CANARY-51e0a2';

const hostile = fc.constantFrom(
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  '',
  ' ',
  '\u001b]0;t\u0007',
  '\u009b2J',
  '../../etc/passwd',
  '$(id)',
  '`id`',
  'a'.repeat(5000),
  'claude',
  'native',
  'codex',
  'shell',
  'nex',
  'claude:opus',
  'openrouter:anthropic/claude-3',
  'nex:qwen3',
  'fast',
  'premium',
  '30m',
  '-1s',
  'https://h.example/v1',
  `https://u:${CANARY}@h.example/v1`,
  `HTTPS://${CANARY}@h.example/v1`,
  `https://h.example/v1?x-api-key=${CANARY}`,
  `https://h.example/v1;Token=${CANARY}`,
  `https://h.example/v1#access_token=${CANARY}`,
  `Authorization: Bearer ${CANARY}`,
);
const good = fc.constantFrom(
  'claude',
  'native',
  'codex',
  'claude:opus',
  'claude:sonnet',
  'claude:haiku',
  'openrouter:anthropic/claude-3',
  'nex:qwen3',
  'codex:gpt-5',
);
const text = fc.oneof(
  { weight: 5, arbitrary: good },
  { weight: 3, arbitrary: hostile },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
);
const anyValue = fc.oneof(text, fc.integer(), fc.boolean(), fc.constant(null), fc.array(text, { maxLength: 3 }), fc.dictionary(text, text, { maxKeys: 2 }));
/** Mostly strings (what the fields hold), sometimes anything (what a typo or an attacker writes). */
const value = fc.oneof({ weight: 6, arbitrary: text }, { weight: 1, arbitrary: anyValue });
const rarely = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 12, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: arb });

/** TOML: a basic string as JSON writes it (TOML accepts JSON's escapes); other values as TOML literals. */
const tomlValue = (v: unknown): string =>
  typeof v === 'string'
    ? JSON.stringify(v)
    : typeof v === 'number' || typeof v === 'boolean'
      ? String(v)
      : Array.isArray(v)
        ? `[${v.map(tomlValue).join(', ')}]`
        : v && typeof v === 'object'
          ? `{ ${Object.entries(v)
              .map(([k, x]) => `${JSON.stringify(k)} = ${tomlValue(x)}`)
              .join(', ')} }`
          : '""';

const configArb = fc.record(
  {
    dispatcher: fc.dictionary(fc.constantFrom('executor', 'model', 'executor', 'model', 'agent_timeout', '__proto__'), value, { maxKeys: 3 }),
    agent: fc.dictionary(fc.constantFrom('executor', 'model'), value, { maxKeys: 2 }),
    endpoint: fc.record({
      name: fc.oneof(fc.constantFrom('or', 'lab'), text),
      provider: fc.oneof(fc.constantFrom('openrouter', 'oai-compat', 'anthropic'), text),
      url: fc.oneof(fc.constantFrom('https://h.example/v1', 'http://127.0.0.1:8088'), text),
      is_default: fc.boolean(),
    }),
    garbage: rarely(fc.string({ maxLength: 30 })),
  },
  { requiredKeys: ['endpoint'] },
);
type ConfigIn = { dispatcher?: Record<string, unknown>; agent?: Record<string, unknown>; endpoint: Record<string, unknown>; garbage?: string | null };
function configToml(c: ConfigIn): string {
  const table = (name: string, t?: Record<string, unknown>) =>
    t && Object.keys(t).length
      ? `[${name}]\n${Object.entries(t)
          .map(([k, v]) => `${JSON.stringify(k)} = ${tomlValue(v)}`)
          .join('\n')}\n`
      : '';
  const e = c.endpoint;
  const endpoint = `[[llm_endpoints.endpoints]]\nname = ${tomlValue(e.name)}\nprovider = ${tomlValue(e.provider)}\nurl = ${tomlValue(e.url)}\nis_default = ${String(e.is_default)}\napi_key = "${CANARY}"\n`;
  return `${table('dispatcher', c.dispatcher)}${table('agent', c.agent)}${endpoint}${c.garbage ?? ''}\n`;
}

const taskArb = fc.dictionary(
  fc.constantFrom(
    'model',
    'model',
    'executor',
    'executor',
    'endpoint',
    'exec_mode',
    'exec',
    'tier',
    'timeout',
    'provider',
    'agent',
    'title',
    'verify',
    '__proto__',
    'constructor',
  ),
  value,
  { maxKeys: 5 },
);

const operator = fc.constantFrom('equal', 'notEqual', 'in', 'notIn', 'contains', 'isSet', 'matches', 'hasCredentials', 'lessThan', 'bogus');
const factPath = fc.tuple(
  fc.constantFrom('task', 'cli', 'local', 'plan', '__proto__', 'constructor', 'nope'),
  fc.option(fc.constantFrom('id', 'model', 'executor', 'title', 'constructor', 'tags', 'x.y'), { nil: undefined }),
);
const policyArb = rarely(
  fc.record({
    field: fc.constantFrom('executor', 'model', 'endpoint', 'timeout', 'env', '__proto__'),
    priority: fc.oneof(fc.integer({ min: -2, max: 600 }), text),
    leaves: fc.array(
      fc.record({ fp: factPath, operator, value: fc.oneof(value, fc.constantFrom('^(a+)+$', '(', '(?=x)', '^claude', { fact: 'task', path: 'title' })) }),
      { maxLength: 3 },
    ),
    then: fc.oneof(
      value.map((v) => ({ value: v })),
      fc.constantFrom(
        { reject: 'no {{task.model}} {{task.constructor}}' },
        { value: { fact: 'task', path: 'model' } },
        { value: 'shell' },
        { value: 'claude' },
      ),
    ),
  }),
);
type PolicyIn = { field: string; priority: unknown; leaves: Array<{ fp: [string, string | undefined]; operator: string; value: unknown }>; then: unknown };
const policyYaml = (p: PolicyIn) =>
  // JSON is YAML: the generated structure is written exactly.
  JSON.stringify({
    field: p.field,
    rules: [
      {
        id: `${p.field === '__proto__' ? 'x' : p.field}.fuzz`,
        description: 'fuzzed',
        priority: p.priority,
        when: { all: p.leaves.map((l) => ({ fact: l.fp[0], ...(l.fp[1] === undefined ? {} : { path: l.fp[1] }), operator: l.operator, value: l.value })) },
        then: p.then,
      },
    ],
  });

type Project = ReturnType<typeof scratch>;
function projectFor(config: ConfigIn, global: ConfigIn | null, task: Record<string, unknown>, policy: PolicyIn | null): Project {
  const s = scratch({
    'project/.wg/config.toml': configToml(config),
    ...(global ? { 'home/.wg/config.toml': configToml(global) } : {}),
    ...(policy ? { 'project/.wg/policies/fuzz.yaml': policyYaml(policy) } : {}),
  });
  writeFileSync(join(s.wgDir, 'graph.jsonl'), `${JSON.stringify({ kind: 'task', title: 'fuzzed', status: 'open', ...task, id: 't1' })}\n`);
  return s;
}

type Outcome = { plan?: SpawnPlan; error?: { code: string; message: string; file?: string; line?: number; shown: string } };
async function plan(s: Project): Promise<Outcome & { warnings: string[] }> {
  const warnings: string[] = [];
  try {
    const p = await planSpawn({ taskId: 't1', dir: s.wgDir, home: s.home, env: {} }, { warn: (m) => warnings.push(m), decisionLog: {} });
    return { plan: p, warnings };
  } catch (e) {
    // INVARIANT under test: nothing but the project's own error type escapes.
    if (!(e instanceof PolicyError)) throw new Error(`planSpawn threw ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
    return { error: { code: e.code, message: e.message, file: e.file, line: e.line, shown: [e.format(), e.help ?? ''].join('\n') }, warnings };
  }
}

const logOf = (s: Project) => (existsSync(join(s.wgDir, 'policy-audit.jsonl')) ? readFileSync(join(s.wgDir, 'policy-audit.jsonl'), 'utf8') : '');

const seen: string[] = [];
afterAll(() => {
  const counts: Record<string, number> = {};
  for (const x of seen) counts[x] = (counts[x] ?? 0) + 1;
  if (process.env.FUZZ_STATS) process.stderr.write(`planSpawn outcomes: ${JSON.stringify(counts)}\n`);
});

test(
  'planSpawn: only PolicyError, provenance for every field, deterministic, the canary secret nowhere',
  async () => {
    await fc.assert(
      fc.asyncProperty(configArb, fc.option(configArb), taskArb, policyArb, async (config, global, task, policy) => {
        const a = projectFor(config as ConfigIn, global as ConfigIn | null, task, policy as PolicyIn | null);
        const b = projectFor(config as ConfigIn, global as ConfigIn | null, task, policy as PolicyIn | null);
        try {
          const [x, y] = [await plan(a), await plan(b)];
          seen.push(x.plan ? 'plan' : x.error!.code);
          if (x.plan) {
            expect(SpawnPlanSchema.safeParse(x.plan).success).toBe(true);
            for (const st of SPAWN_TABLE.stages) {
              const p = x.plan.provenance[st.field as keyof SpawnPlan['provenance']];
              expect(p?.rule).toEqual(expect.any(String));
              expect(p.policy).toMatch(/:\d+$/);
            }
          }
          // Deterministic: the same inputs in another folder give the same plan or the same error.
          const norm = (o: Outcome) => JSON.stringify(o).replaceAll(a.root, '<root>').replaceAll(b.root, '<root>');
          expect(norm(y)).toBe(norm(x));
          const everything = [JSON.stringify(x.plan ?? null), x.error?.shown ?? '', x.warnings.join('\n'), logOf(a)].join('\n');
          expect(everything).not.toContain(CANARY);
        } finally {
          a.cleanup();
          b.cleanup();
        }
      }),
      params,
    );
  },
  TIMEOUT,
);

const manifestArb = fc.record({
  scenarios: fc.array(
    fc.record({
      name: fc.oneof(text, fc.constantFrom('s', 'leak')),
      owners: fc.oneof(fc.constant(['t1']), fc.array(text, { maxLength: 2 }), text),
      script: fc.constantFrom('s.sh', 'leak.sh', 'missing.sh', '../../x.sh'),
      timeout: fc.option(fc.oneof(fc.integer({ min: -5, max: 5 }), text), { nil: undefined }),
    }),
    { maxLength: 3 },
  ),
  garbage: rarely(fc.string({ maxLength: 20 })),
});
type ManifestIn = { scenarios: Array<{ name: unknown; owners: unknown; script: string; timeout?: unknown }>; garbage: string | null };

test(
  'decideGate: only PolicyError, deterministic verdicts, the canary secret nowhere (scenario output included)',
  async () => {
    await fc.assert(
      fc.asyncProperty(
        configArb,
        manifestArb,
        fc.constantFrom('open', 'in-progress', 'done', 'blocked', 'failed'),
        fc.boolean(),
        async (config, manifest, status, skip) => {
          const m = manifest as ManifestIn;
          const toml = `${m.scenarios
            .map(
              (sc) =>
                `[[scenario]]\nname = ${tomlValue(sc.name)}\nscript = ${tomlValue(sc.script)}\nowners = ${tomlValue(sc.owners)}\n${sc.timeout === undefined ? '' : `timeout_seconds = ${tomlValue(sc.timeout)}\n`}`,
            )
            .join('\n')}${m.garbage ?? ''}\n`;
          const outcomes: string[] = [];
          for (let i = 0; i < 2; i++) {
            const s = scratch({
              'project/.wg/config.toml': configToml(config as ConfigIn),
              'project/tests/smoke/manifest.toml': toml,
              'project/tests/smoke/s.sh': 'exit 0\n',
              'project/tests/smoke/leak.sh': `cat .wg/config.toml; echo "Authorization: Bearer ${CANARY}"; exit 1\n`,
            });
            mkdirSync(join(s.home, '.local'), { recursive: true });
            writeFileSync(join(s.wgDir, 'graph.jsonl'), `${JSON.stringify({ kind: 'task', id: 't1', title: 'x', status })}\n`);
            try {
              let shown: string;
              try {
                const g = await decideGate(
                  {
                    taskId: 't1',
                    dir: s.wgDir,
                    cwd: s.project,
                    env: { PATH: process.env.PATH, HOME: s.home },
                    skipSmoke: skip && status !== 'open',
                    decisionLog: {},
                  },
                  { warn: () => undefined },
                );
                const v = { ...g.verdict, elapsedMs: 0, runMs: 0, results: g.verdict.results.map((r) => ({ ...r, durationMs: 0, logFile: '' })) };
                shown = JSON.stringify({ v, d: g.decision });
                outcomes.push(JSON.stringify(v));
              } catch (e) {
                if (!(e instanceof PolicyError)) throw new Error(`decideGate threw ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
                shown = `${e.format()}\n${e.help ?? ''}`;
                outcomes.push(`${e.code}:${e.message}`);
              }
              expect(`${shown}\n${logOf(s)}`).not.toContain(CANARY);
            } finally {
              s.cleanup();
            }
          }
          const norm = (o: string) => o.replace(/[^"`\s]*\/wgp-[A-Za-z0-9]+/g, '<root>').replace(/"(id|ts|blob|sha256|policyRevision)":"[^"]*"/g, '');
          expect(norm(outcomes[1])).toBe(norm(outcomes[0]));
        },
      ),
      { ...params, numRuns: Math.max(5, Math.round(RUNS / 2)) },
    );
  },
  TIMEOUT,
);
