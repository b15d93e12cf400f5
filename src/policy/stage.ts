// Stage tables: what each decision of a policy set reads and produces. policy/ and engine/ run any table they are given.
import type * as z from 'zod/mini';
import type { Source } from '../shared/source.js';

/** How the matching rules of a stage combine: the highest-priority match decides, or any deny wins. */
export type Combine = 'first-match' | 'deny-overrides';

/** One stage: everything specific to the field (or gate) it decides. */
export interface StageSpec {
  /** The stage's name, as policy files give it (`field: model`, `gate: done`); rule ids start with it. */
  name: string;
  /** The result field the stage decides; several stages may decide one field (a later one confirms or changes it). */
  field: string;
  /** One line on what the stage does, for `explain` and the docs. */
  does: string;
  combine: Combine;
  /** The facts its rules may read: `check` derives the known paths from these schemas. */
  facts: Readonly<Record<string, z.ZodMiniType>>;
  /** first-match: what a winning rule's value must be; anything else is `rule-value` naming the rule. */
  value?: z.ZodMiniType;
  /** What later stages see of the value under the table's results fact (default: the value itself); lookups may read the facts. */
  toFact?: (value: unknown, facts: Readonly<Record<string, unknown>>) => unknown;
  /** Warnings the decided value raises (a deprecated model prefix), given where it came from. */
  warnings?: (value: unknown, sources: readonly Source[], facts: Readonly<Record<string, unknown>>) => string[];
}

/** A named table of stages run in order, with the policy-file key that names a stage. */
export interface StageTable {
  /** The policy set's name (`spawn`, `gate`): the bundled folder `policies/<kind>/` and records' kind. */
  kind: string;
  /** The key a policy file names its stage with (`field`, `gate`). */
  fileKey: string;
  stages: readonly StageSpec[];
  /** The fact through which a stage sees the results of earlier stages (first-match tables). */
  resultsFact?: string;
  /** The fact through which a stage sees the provenance of earlier results (`{rule, from}` per field). */
  provenanceFact?: string;
}

/** Known dotted paths of a fact: exact paths, and `p.*` for anything below `p` (`*` alone: any path). */
export type FactPaths = readonly string[];

type Def = { type: string; shape?: Record<string, z.ZodMiniType>; innerType?: z.ZodMiniType; in?: z.ZodMiniType; element?: z.ZodMiniType };
const defOf = (s: z.ZodMiniType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The schema inside optional, nullable, default, readonly and pipe wrappers. */
function unwrap(schema: z.ZodMiniType): z.ZodMiniType {
  for (let s = schema; ;) {
    const def = defOf(s);
    if (['optional', 'nullable', 'default', 'readonly', 'nonoptional'].includes(def.type)) s = def.innerType!;
    else if (def.type === 'pipe') s = def.in!;
    else return s;
  }
}

/** The paths a zod schema offers, derived from its shape (never typed by hand). */
export function pathsOf(schema: z.ZodMiniType, prefix = ''): string[] {
  const def = defOf(unwrap(schema));
  switch (def.type) {
    case 'object': {
      const out: string[] = [];
      for (const [k, v] of Object.entries(def.shape ?? {})) {
        const p = prefix ? `${prefix}.${k}` : k;
        out.push(p, ...pathsOf(v, p));
      }
      return out;
    }
    case 'string':
    case 'number':
    case 'int':
    case 'boolean':
    case 'enum':
    case 'literal':
    case 'null':
      return [];
    default:
      // Lists, records, unions and unknown values: any path below.
      return [prefix ? `${prefix}.*` : '*'];
  }
}

const vocabularies = new WeakMap<StageSpec, ReadonlyMap<string, FactPaths>>();

/** The fact vocabulary of a stage: fact name → known paths. */
export function factVocabulary(stage: StageSpec): ReadonlyMap<string, FactPaths> {
  let v = vocabularies.get(stage);
  if (!v) {
    v = new Map(Object.entries(stage.facts).map(([name, schema]) => [name, pathsOf(schema)]));
    vocabularies.set(stage, v);
  }
  return v;
}

/** True when `path` is one a fact offers. */
export function knownPath(paths: FactPaths, path: string): boolean {
  return paths.some((k) => k === path || k === '*' || (k.endsWith('.*') && path.startsWith(k.slice(0, -1))));
}

/** A copy of `value` keeping only what `schema` declares (object keys, recursively); lists, records and unknowns whole. */
export function pruneToSchema(value: unknown, schema: z.ZodMiniType): unknown {
  const def = defOf(unwrap(schema));
  switch (def.type) {
    case 'object': {
      if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(def.shape ?? {})) if (Object.hasOwn(value, k)) out[k] = pruneToSchema((value as Record<string, unknown>)[k], v);
      return out;
    }
    default:
      return value;
  }
}

/** The facts a stage table's rules read from the caller (not the results and provenance facts decide makes), with their schemas. */
function inputFacts(table: StageTable): Map<string, z.ZodMiniType> {
  const schemas = new Map<string, z.ZodMiniType>();
  for (const s of table.stages)
    for (const [name, schema] of Object.entries(s.facts)) if (name !== table.resultsFact && name !== table.provenanceFact) schemas.set(name, schema);
  return schemas;
}

/** The facts a stage table's rules can read, pruned to their schemas (what a decision record keeps for replay). */
export function factsForRecord(table: StageTable, facts: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const schemas = inputFacts(table);
  return Object.fromEntries([...schemas].filter(([name]) => Object.hasOwn(facts, name)).map(([name, schema]) => [name, pruneToSchema(facts[name], schema)]));
}

/** Why recorded facts cannot be decided on again (a fact missing, or not of its schema's shape), or undefined when they can. */
export function factsProblem(table: StageTable, facts: unknown): string | undefined {
  if (!facts || typeof facts !== 'object' || Array.isArray(facts)) return 'its facts are not an object';
  for (const [name, schema] of inputFacts(table)) {
    if (!Object.hasOwn(facts, name)) return `its facts lack \`${name}\``;
    const r = schema.safeParse((facts as Record<string, unknown>)[name]);
    if (!r.success) return `its fact \`${[name, ...r.error.issues[0].path].join('.')}\` ${r.error.issues[0].message.toLowerCase()}`;
  }
  return undefined;
}
