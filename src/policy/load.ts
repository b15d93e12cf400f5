// Loads bundled, optional and project policy files into one checked rule set with file:line per rule.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { badInput, PolicyError } from '../shared/errors.js';
import { didYouMean } from '../shared/did-you-mean.js';
import { packageRoot } from '../shared/package-root.js';
import { issuePath, issueProblem, valueAt } from '../shared/zod-issues.js';
import { checkRules } from './check.js';
import { SPAWN_FIELDS } from '../spawn/stages.js';
import { GATE_FIELDS } from '../gate/fields.js';

/** Every field or gate a rule id may be namespaced by, across both kinds. */
const ALL_FIELDS: readonly string[] = [...SPAWN_FIELDS, ...GATE_FIELDS];
import { PolicyFileSchema, type LoadedRule, type PolicyFile, type PolicyKind } from './schema.js';
import type { YamlSource } from './yaml-source.js';

/** A loaded policy file, for the revision hash and for `check`. */
export interface PolicyFileInfo {
  file: string;
  origin: 'bundled' | 'optional' | 'project';
  sha256: string;
}

/** The checked rules of one kind, grouped by field, sorted by priority then file order. */
export interface PolicySet {
  kind: PolicyKind;
  byField: Map<string, LoadedRule[]>;
  revision: string;
  files: PolicyFileInfo[];
  disabled: Array<{ id: string; by: string }>;
  replaced: Array<{ id: string; was: string; by: string }>;
}

interface ParsedFile {
  info: PolicyFileInfo;
  body: PolicyFile;
  lineOf: (path: readonly PropertyKey[]) => number;
  src?: YamlSource;
  /** True when the body came from the build's compiled copy of this exact text. */
  precompiled?: boolean;
}

function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => join(dir, f));
}

/** A policy file as the build step compiles it (dist/policies.json): validated body plus line numbers. */
export interface CompiledFile {
  sha256: string;
  body: PolicyFile;
  lines: Record<string, number>;
}

let compiled: Record<string, CompiledFile> | null | undefined;

/** The build's compiled bundled policies, or null when there is no build (running from source). */
function compiledPolicies(root: string): Record<string, CompiledFile> | null {
  if (compiled === undefined) {
    try {
      compiled = JSON.parse(readFileSync(join(root, 'dist', 'policies.json'), 'utf8')) as Record<string, CompiledFile>;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/** Line numbers of every place a loader message may point at, keyed by path (`rules.3`, `disable.0`). */
export function compileLines(src: YamlSource, body: PolicyFile): Record<string, number> {
  const lines: Record<string, number> = { field: src.lineOf(['field']), gate: src.lineOf(['gate']) };
  for (const k of ['rules', 'disable', 'enable'] as const) (body[k] ?? []).forEach((_, i) => (lines[`${k}.${i}`] = src.lineOf([k, i])));
  return lines;
}

/** Parses and validates one policy file; the YAML parser is loaded only when a file is not precompiled. */
export async function parsePolicyFile(path: string, shownAs: string, origin: PolicyFileInfo['origin'], root?: string): Promise<ParsedFile> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw badInput(`cannot read policy file ${shownAs}: ${(e as Error).message}`, { file: shownAs });
  }
  const sha256 = createHash('sha256').update(text).digest('hex');
  const info = { file: shownAs, origin, sha256 };
  const hit = root ? compiledPolicies(root)?.[shownAs] : undefined;
  if (hit && hit.sha256 === sha256) {
    // INVARIANT: the build compiled exactly this text (same hash), so the same checks already passed.
    return { info, body: hit.body, lineOf: (p) => hit.lines[p.slice(0, 2).join('.')] ?? 1, precompiled: true };
  }
  const { parseYaml } = await import('./yaml-source.js');
  const src = parseYaml(text, shownAs);
  const data = src.data ?? {};
  const r = PolicyFileSchema.safeParse(data);
  if (!r.success) {
    const issue = r.error.issues[0];
    const line = src.lineOf(issue.path);
    const key = issuePath(issue.path);
    throw badInput(`${shownAs}:${line}: \`${key}\` ${issueProblem(issue, valueAt(data, issue.path))}`, { file: shownAs, line, key });
  }
  return { info, body: r.data, lineOf: src.lineOf, src };
}

/** Options: where the project's policy files are, and which fields (spawn stages or gates) exist. */
export interface LoadOptions {
  kind: PolicyKind;
  fields: readonly string[];
  /** `<wgdir>/policies`, shown relative to `projectRoot`. */
  projectPolicyDir?: string;
  projectRoot?: string;
}

const cache = new Map<string, { signature: string; set: PolicySet }>();

/** What a policy set was loaded from: every candidate file with its size and mtime. */
function signatureOf(root: string, opts: LoadOptions): string {
  const dirs = [join(root, 'policies', opts.kind), join(root, 'policies', 'optional'), opts.projectPolicyDir].filter((d): d is string => !!d);
  return dirs
    .flatMap((d) => yamlFiles(d))
    .map((f) => {
      const st = statSync(f);
      return `${f}\0${st.size}\0${st.mtimeMs}\0${st.ino}`;
    })
    .join('\n');
}

/**
 * Loads and checks the policy set; any problem is bad input naming file and line.
 * A process reuses a loaded set while none of its files changed (size, mtime, inode).
 */
export async function loadPolicySet(opts: LoadOptions): Promise<PolicySet> {
  const root = packageRoot();
  const key = `${opts.kind}\0${opts.projectPolicyDir ?? ''}\0${opts.projectRoot ?? ''}\0${opts.fields.join(',')}`;
  const signature = signatureOf(root, opts);
  const hit = cache.get(key);
  if (hit && hit.signature === signature) return hit.set;
  const set = await loadUncached(root, opts);
  cache.set(key, { signature, set });
  return set;
}

async function loadUncached(root: string, opts: LoadOptions): Promise<PolicySet> {
  const show = (p: string, base: string) => relative(base, p) || p;
  const bundled = await Promise.all(yamlFiles(join(root, 'policies', opts.kind)).map((p) => parsePolicyFile(p, show(p, root), 'bundled', root)));
  const project = opts.projectPolicyDir
    ? await Promise.all(yamlFiles(opts.projectPolicyDir).map((p) => parsePolicyFile(p, show(p, opts.projectRoot ?? opts.projectPolicyDir!), 'project')))
    : [];
  const optionalDir = join(root, 'policies', 'optional');
  const optional: ParsedFile[] = [];
  for (const f of project) {
    for (const [i, name] of (f.body.enable ?? []).entries()) {
      const path = join(optionalDir, `${name}.yaml`);
      if (!existsSync(path)) {
        const avail = yamlFiles(optionalDir).map((p) => p.slice(optionalDir.length + 1).replace(/\.ya?ml$/, ''));
        throw badInput(`${f.info.file}:${f.lineOf(['enable', i])}: no optional policy \`${name}\` (available: ${avail.join(', ')})${didYouMean(name, avail)}`, { file: f.info.file, key: 'enable' });
      }
      if (!optional.some((o) => o.info.file === show(path, root))) optional.push(await parsePolicyFile(path, show(path, root), 'optional', root));
    }
  }
  const fieldKey = opts.kind === 'spawn' ? 'field' : 'gate';
  const mine = (f: ParsedFile) => (f.body[fieldKey] !== undefined);
  const sources = new Map<string, YamlSource>();
  const indexOf = new Map<LoadedRule, number>();
  const rules = new Map<string, LoadedRule>();
  const replaced: PolicySet['replaced'] = [];
  const prechecked = new Set<LoadedRule>();
  let order = 0;
  const all = [...bundled, ...optional, ...project];
  for (const f of all) {
    if (f.src) sources.set(f.info.file, f.src);
    const field = f.body[fieldKey];
    if (f.body.rules?.length && f.body.field === undefined && f.body.gate === undefined)
      throw badInput(`${f.info.file}:1: a policy file with rules must say which \`field\` (spawn) or \`gate\` it decides`, { file: f.info.file });
    if (!mine(f) || field === undefined) continue;
    if (!opts.fields.includes(field))
      throw badInput(`${f.info.file}:${f.lineOf([fieldKey])}: unknown ${fieldKey} \`${field}\` (known: ${opts.fields.join(', ')})${didYouMean(field, opts.fields)}`, { file: f.info.file, key: fieldKey });
    for (const [i, spec] of (f.body.rules ?? []).entries()) {
      const line = f.lineOf(['rules', i]);
      if (!spec.id.startsWith(`${field}.`))
        throw badInput(`${f.info.file}:${line}: rule id \`${spec.id}\` must start with \`${field}.\` (ids are namespaced by the ${fieldKey} they decide)`, { file: f.info.file, line, rule: spec.id });
      const rule: LoadedRule = { ...spec, field, kind: opts.kind, file: f.info.file, line, order: order++ };
      indexOf.set(rule, i);
      if (f.precompiled) prechecked.add(rule);
      const prev = rules.get(spec.id);
      if (prev) {
        const prevOrigin = all.find((p) => p.info.file === prev.file)!.info.origin;
        if (f.info.origin !== 'project' || prevOrigin === 'project')
          throw badInput(`${f.info.file}:${line}: duplicate rule id \`${spec.id}\` (first defined at ${prev.file}:${prev.line})`, { file: f.info.file, line, rule: spec.id });
        if (prev.field !== field)
          throw badInput(`${f.info.file}:${line}: rule \`${spec.id}\` replaces a \`${prev.field}\` rule but this file decides \`${field}\``, { file: f.info.file, line, rule: spec.id });
        replaced.push({ id: spec.id, was: `${prev.file}:${prev.line}`, by: `${f.info.file}:${line}` });
      }
      rules.set(spec.id, rule);
    }
  }
  const disabled: PolicySet['disabled'] = [];
  for (const f of all) {
    for (const [i, id] of (f.body.disable ?? []).entries()) {
      const by = `${f.info.file}:${f.lineOf(['disable', i])}`;
      // Rule ids are namespaced by field (`executor.…`, `done.…`): ids of the other kind are not ours.
      const prefix = id.split('.')[0];
      if (!opts.fields.includes(prefix) && ALL_FIELDS.includes(prefix)) continue;
      if (disabled.some((d) => d.id === id)) continue; // already off (e.g. by an enabled optional file)
      if (!rules.has(id)) {
        const known = opts.fields.includes(prefix) ? [...rules.keys()] : [...rules.keys(), ...ALL_FIELDS.map((x) => `${x}.`)];
        throw badInput(`${by}: cannot disable unknown rule \`${id}\`${didYouMean(id, known)}`, { file: f.info.file, rule: id });
      }
      rules.delete(id);
      disabled.push({ id, by });
    }
  }
  const active = [...rules.values()];
  const problems = checkRules(active, opts.kind, sources, indexOf, prechecked);
  if (problems.length > 0) throw new PolicyCheckError(problems);
  const byField = new Map<string, LoadedRule[]>(opts.fields.map((f) => [f, []]));
  for (const r of active.sort((a, b) => b.priority - a.priority || a.order - b.order)) byField.get(r.field)!.push(r);
  const files = all.filter((f) => mine(f) || f.body.disable || f.body.enable).map((f) => f.info);
  const revision = createHash('sha256').update(files.map((f) => `${f.file}\0${f.sha256}\n`).join('')).digest('hex').slice(0, 16);
  return { kind: opts.kind, byField, revision: `sha256:${revision}`, files, disabled, replaced };
}

/** Several check problems at once; its message is the first, `problems` has them all. */
export class PolicyCheckError extends PolicyError {
  readonly problems: PolicyError[];
  constructor(problems: PolicyError[]) {
    super('bad-input', problems[0].message + (problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''}; run \`wg-policy check\`)` : ''), {
      file: problems[0].file,
      line: problems[0].line,
      key: problems[0].key,
      rule: problems[0].rule,
    });
    this.problems = problems;
  }
}
