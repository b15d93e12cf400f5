// The policy file format: zod schemas for files and rules; the condition tree is json-rules-engine's own.
import * as z from 'zod/mini';

/** Operators: json-rules-engine's built-ins plus the few wg-policy adds (see engine/operators.ts). */
export const OPERATORS = [
  'equal', 'notEqual', 'in', 'notIn', 'contains', 'doesNotContain',
  'lessThan', 'lessThanInclusive', 'greaterThan', 'greaterThanInclusive',
  'isSet', 'matches',
] as const;

/** The facts each kind of policy may read, with the paths they offer (`*` = any path below). */
export const FACTS = {
  spawn: {
    task: ['id', 'title', 'status', 'model', 'endpoint', 'exec', 'exec_mode', 'executor', 'provider', 'tier', 'agent', 'assigned', 'tags', 'priority', 'session_id'],
    cli: ['agentExecutor', 'defaultModel'],
    local: ['file', 'agent.model', 'agent.executor', 'dispatcher.model', 'dispatcher.executor', 'llm_endpoints.inherit_global', 'llm_endpoints.endpoints'],
    global: ['file', 'agent.model', 'agent.executor', 'dispatcher.model', 'dispatcher.executor', 'llm_endpoints.inherit_global', 'llm_endpoints.endpoints'],
    endpoints: ['list', 'list.*', 'names', 'defaults', 'count', 'origin', 'looked'],
    spawn: ['promptFile', 'execMode'],
    plan: ['executor', 'model', 'model.spec', 'model.provider', 'model.name', 'modelId', 'endpoint', 'endpoint.name', 'endpoint.url', 'endpoint.provider', 'env', 'env.*', 'argv'],
    provenance: ['*'],
  },
  gate: {
    task: ['id', 'title', 'status', 'priority', 'tags', 'assigned'],
    request: ['agent', 'agentId', 'human', 'skipSmoke', 'override', 'fullSmoke'],
    summary: ['selected', 'owned', 'ran', 'passed', 'skipped', 'skippedCount', 'skippedDetail', 'failed', 'timedOut', 'errored', 'broken', 'brokenCount', 'brokenDetail', 'allSkipped'],
    manifest: ['path', 'label', 'how', 'found', 'scenarios', 'base', 'compared', 'lost', 'lostCount', 'lostDetail'],
    results: ['*'],
  },
} as const satisfies Record<string, Record<string, readonly string[]>>;

export type PolicyKind = keyof typeof FACTS;

/** One leaf condition: `{fact, path, operator, value}` as in json-rules-engine. */
export const LeafSchema = z.strictObject({
  fact: z.string().check(z.minLength(1)),
  path: z.optional(z.string()),
  operator: z.enum(OPERATORS),
  value: z.optional(z.unknown()),
});
export type Leaf = z.infer<typeof LeafSchema>;

/** A condition tree (`all` / `any` / `not` over leaves); validated node by node in policy/check.ts. */
export type Condition = { all: Condition[] } | { any: Condition[] } | { not: Condition } | Leaf;

/** What a rule decides: a value, a refusal, or (gate) an effect with a message. */
export const ThenSchema = z.strictObject({
  value: z.optional(z.unknown()),
  reject: z.optional(z.string()),
  effect: z.optional(z.enum(['allow', 'warn', 'deny'])),
  message: z.optional(z.string()),
});

export const RuleSchema = z.strictObject({
  id: z.string().check(z.regex(/^[a-z0-9][a-z0-9._-]*$/, 'must be lowercase letters, digits, `.`, `_` or `-`')),
  description: z.string().check(z.minLength(1)),
  priority: z.int().check(z.positive()),
  when: z.record(z.string(), z.unknown()),
  then: ThenSchema,
});
export type RuleSpec = z.infer<typeof RuleSchema>;

/** A policy file: rules for one field (spawn) or one gate, plus ids to disable and optional files to enable. */
export const PolicyFileSchema = z.strictObject({
  field: z.optional(z.string()),
  gate: z.optional(z.string()),
  description: z.optional(z.string()),
  disable: z.optional(z.array(z.string())),
  enable: z.optional(z.array(z.string())),
  rules: z.optional(z.array(RuleSchema)),
});
export type PolicyFile = z.infer<typeof PolicyFileSchema>;

/** A rule as loaded: its spec plus where it came from. */
export interface LoadedRule extends RuleSpec {
  /** Stage (spawn field name) or gate name the rule belongs to. */
  field: string;
  kind: PolicyKind;
  /** Display path and 1-based line of the rule in its file. */
  file: string;
  line: number;
  /** Load order, the tie-breaker after priority. */
  order: number;
}
