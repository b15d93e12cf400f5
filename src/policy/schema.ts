// The policy file format: zod schemas for files and rules; the condition tree is json-rules-engine's own.
import * as z from 'zod/mini';

/** Operators: json-rules-engine's built-ins plus the few wg-policy adds (see engine/run-rules.ts). */
export const OPERATORS = [
  'equal',
  'notEqual',
  'in',
  'notIn',
  'contains',
  'doesNotContain',
  'lessThan',
  'lessThanInclusive',
  'greaterThan',
  'greaterThanInclusive',
  'isSet',
  'matches',
  'hasCredentials',
] as const;
export type Operator = (typeof OPERATORS)[number];

/** Operators whose `value` may be left out (it defaults to `true`). */
export const FLAG_OPERATORS: ReadonlySet<string> = new Set(['isSet', 'hasCredentials']);

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

/** What a rule decides: a value or a refusal (first-match stages), or an effect with a message (deny-overrides). */
export const ThenSchema = z.strictObject({
  value: z.optional(z.unknown()),
  reject: z.optional(z.string()),
  effect: z.optional(z.enum(['allow', 'warn', 'deny'])),
  message: z.optional(z.string()),
  /** A second line for people: what to do about it (printed under the message, kept apart in records). */
  help: z.optional(z.string()),
});

export const RuleSchema = z.strictObject({
  id: z.string().check(z.regex(/^[a-z0-9][a-z0-9._-]*$/, 'must be lowercase letters, digits, `.`, `_` or `-`')),
  description: z.string().check(z.minLength(1)),
  priority: z.int().check(z.positive()),
  when: z.record(z.string(), z.unknown()),
  then: ThenSchema,
  /**
   * No other file may disable or replace this rule (`rule-locked`): the rule that denies an agent's changes to its own
   * gate must not be one of the rules those changes can switch off.
   */
  locked: z.optional(z.boolean()),
});
export type RuleSpec = z.infer<typeof RuleSchema>;

/** A policy file: rules for one stage (`field:` for spawn, `gate:` for gates), ids to disable, optional files to enable. */
export const PolicyFileSchema = z.strictObject({
  field: z.optional(z.string()),
  gate: z.optional(z.string()),
  description: z.optional(z.string()),
  disable: z.optional(z.array(z.string())),
  enable: z.optional(z.array(z.string())),
  rules: z.optional(z.array(RuleSchema)),
});
export type PolicyFile = z.infer<typeof PolicyFileSchema>;

/** Keys a policy file may have, for "did you mean". */
export const POLICY_FILE_KEYS: readonly string[] = Object.keys(PolicyFileSchema.shape);

/** A rule as loaded: its spec plus where it came from. */
export interface LoadedRule extends RuleSpec {
  /** The stage (a spawn field or a gate) the rule belongs to. */
  stage: string;
  /** Display path and 1-based line of the rule in its file. */
  file: string;
  line: number;
  /** Load order, the tie-breaker after priority. */
  order: number;
}
