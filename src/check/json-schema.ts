// The JSON Schema of the policy file format, generated from its zod schema with facts, paths and operators as enums.
import * as z from 'zod/mini';
import { FLAG_OPERATORS, OPERATORS, PolicyFileSchema, RuleSchema, ThenSchema } from '../policy/schema.js';
import { factVocabulary, type StageTable } from '../policy/stage.js';

/** Known facts and their exact paths across every stage of the tables (`*` wildcards left out of the enums). */
function vocabulary(tables: readonly StageTable[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const t of tables)
    for (const s of t.stages)
      for (const [fact, paths] of factVocabulary(s)) {
        const set = out.get(fact) ?? new Set<string>();
        for (const p of paths) if (!p.includes('*')) set.add(p);
        out.set(fact, set);
      }
  return out;
}

/** A leaf condition per fact, so an editor offers the fact's own paths; a path below a wildcard stays free text. */
function leafSchemas(tables: readonly StageTable[]) {
  return [...vocabulary(tables)].map(([fact, paths]) =>
    z.strictObject({
      fact: z.literal(fact),
      path: z.optional(paths.size ? z.union([z.enum([...paths] as [string, ...string[]]), z.string()]) : z.string()),
      operator: z.enum(OPERATORS),
      value: z.optional(z.unknown()),
    }),
  );
}

/** The editor's schema: PolicyFileSchema with `field`/`gate`, facts, paths and operators narrowed to what exists. */
export function policyJsonSchema(tables: readonly StageTable[]): Record<string, unknown> {
  const leaves = leafSchemas(tables);
  const Condition: z.ZodMiniType = z.lazy(() =>
    z.union([z.strictObject({ all: z.array(Condition) }), z.strictObject({ any: z.array(Condition) }), z.strictObject({ not: Condition }), ...leaves]),
  );
  const stageNames = (key: string) => tables.filter((t) => t.fileKey === key).flatMap((t) => t.stages.map((s) => s.name));
  const names = (key: string) => {
    const list = stageNames(key);
    return list.length ? z.enum(list as [string, ...string[]]) : z.string();
  };
  const Rule = z.extend(RuleSchema, { when: Condition, then: ThenSchema });
  const File = z.extend(PolicyFileSchema, { field: z.optional(names('field')), gate: z.optional(names('gate')), rules: z.optional(z.array(Rule)) });
  const schema = z.toJSONSchema(File, { cycles: 'ref', unrepresentable: 'any' }) as Record<string, unknown>;
  return {
    ...schema,
    $id: 'https://github.com/graphwork/wg-policy/policy.schema.json',
    title: 'wg-policy policy file',
    description: `A YAML policy file for wg-policy. Operators that need no value: ${[...FLAG_OPERATORS].join(', ')}.`,
  };
}
