// Loads bundled, optional and project policy files into one checked rule set per stage table, with file:line per rule.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { didYouMean } from '../shared/did-you-mean.js';
import { PolicyError, PolicyProblems } from '../shared/errors.js';
import { cachesOff, FileCache, isRacy, signatureOf, stateOf } from '../shared/file-cache.js';
import { packageRoot } from '../shared/package-root.js';
import { listDir, readFileBytes, readTextFile } from '../shared/read-file.js';
import { loadLinearEngine, needsLinearEngine } from '../shared/regex.js';
import type { Located } from '../shared/toml.js';
import { issueKey, issueSentence } from '../shared/zod-issues.js';
import { checkRules } from './check.js';
import { PolicyFileSchema, POLICY_FILE_KEYS, RuleSchema, ThenSchema, type LoadedRule, type PolicyFile } from './schema.js';
import type { StageTable } from './stage.js';

/** A loaded policy file, for the revision hash and for `check`. */
export interface PolicyFileInfo {
  file: string;
  origin: 'bundled' | 'optional' | 'project';
  sha256: string;
}

/** The checked rules of one stage table, by stage, sorted by priority then file order. */
export interface PolicySet {
  kind: string;
  byStage: Map<string, LoadedRule[]>;
  revision: string;
  files: PolicyFileInfo[];
  disabled: Array<{ id: string; by: string }>;
  replaced: Array<{ id: string; was: string; by: string }>;
}

interface ParsedFile {
  info: PolicyFileInfo;
  body: PolicyFile;
  lineOf: (path: readonly PropertyKey[]) => number;
  src?: Located;
  /** True when the body came from the build's compiled copy of this exact text. */
  precompiled?: boolean;
}

/** The `matches` patterns (strings) of a condition tree. */
function patternsOf(node: unknown, out: string[] = []): string[] {
  if (!node || typeof node !== 'object') return out;
  const n = node as Record<string, unknown>;
  for (const k of ['all', 'any'] as const) if (Array.isArray(n[k])) for (const c of n[k] as unknown[]) patternsOf(c, out);
  if (n.not) patternsOf(n.not, out);
  if (n.operator === 'matches' && typeof n.value === 'string') out.push(n.value);
  return out;
}

function yamlFiles(dir: string): string[] {
  return listDir(dir, { what: 'policy folder' })
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

/** A policy file as the build step compiles it (dist/policies.json): validated body plus line numbers. */
export interface CompiledFile {
  sha256: string;
  body: PolicyFile;
  lines: Record<string, number>;
  /** The file as the build saw it (inode, size, mtime): a file that still stats the same is not read or hashed again. */
  stat?: { ino: number; size: number; mtimeMs: number };
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
export function compileLines(src: Located, body: PolicyFile): Record<string, number> {
  const line = (p: readonly PropertyKey[]) => src.positionOf(p)?.line ?? 1;
  const lines: Record<string, number> = { field: line(['field']), gate: line(['gate']) };
  for (const k of ['rules', 'disable', 'enable'] as const) (body[k] ?? []).forEach((_, i) => (lines[`${k}.${i}`] = line([k, i])));
  return lines;
}

/** Known keys at a path of a policy file, for "did you mean" on an unknown key. */
function knownKeys(path: readonly PropertyKey[]): readonly string[] {
  if (path.length === 0) return POLICY_FILE_KEYS;
  if (path[0] === 'rules' && path.length === 2) return Object.keys(RuleSchema.shape);
  if (path[0] === 'rules' && path[2] === 'then') return Object.keys(ThenSchema.shape);
  return [];
}

/** Parses and validates one policy file; the YAML parser is loaded only when a file is not precompiled. */
export async function parsePolicyFile(path: string, shownAs: string, origin: PolicyFileInfo['origin'], root?: string): Promise<ParsedFile> {
  const hit = root && !cachesOff() ? compiledPolicies(root)?.[shownAs] : undefined;
  const precompiled = (sha256: string) => ({
    info: { file: shownAs, origin, sha256 },
    body: hit!.body,
    lineOf: (p: readonly PropertyKey[]) => hit!.lines[p.slice(0, 2).join('.')] ?? 1,
    precompiled: true,
  });
  const st = hit?.stat && stateOf(path);
  // INVARIANT: the build compiled this very file (same inode, size and mtime), so the same checks already passed.
  if (
    st &&
    st.kind === 'file' &&
    st.ino === hit!.stat!.ino &&
    st.size === hit!.stat!.size &&
    st.mtimeMs === hit!.stat!.mtimeMs &&
    (st.mode & 0o170000) === 0o100000
  )
    return precompiled(hit!.sha256);
  const text = readTextFile(path, { shownAs, what: 'policy file' });
  const sha256 = createHash('sha256').update(text).digest('hex');
  const info = { file: shownAs, origin, sha256 };
  // INVARIANT: the build compiled exactly this text (same hash), so the same checks already passed.
  if (hit && hit.sha256 === sha256) return precompiled(sha256);
  const { parseYaml } = await import('../shared/yaml.js');
  const src = parseYaml(text, shownAs);
  const data = src.data ?? {};
  const r = PolicyFileSchema.safeParse(data);
  if (!r.success) {
    const problems = r.error.issues.map((issue) => {
      const pos = src.positionOf(issue.path);
      return new PolicyError('policy-schema', issueSentence(issue, data, { whole: 'the policy file', known: knownKeys }), {
        file: shownAs,
        line: pos?.line,
        column: pos?.column,
        key: issueKey(issue),
      });
    });
    throw new PolicyProblems(problems);
  }
  return { info, body: r.data, lineOf: (p) => src.positionOf(p)?.line ?? 1, src };
}

/** `rule-locked`: a file tried to switch off or stand in for a rule marked `locked`. */
function lockedRule(rule: LoadedRule, act: 'disable' | 'replace', at: { file: string; line?: number; rule: string }): PolicyError {
  return new PolicyError('rule-locked', `cannot ${act} rule \`${rule.id}\` (${rule.file}:${rule.line}): it is locked`, {
    ...at,
    help: 'a locked rule guards the gate itself; what it refuses is accepted by committing the change to the base branch',
  });
}

/** Where the project's policy files are, and every stage name of every table (for `disable` ids of other sets). */
export interface LoadOptions {
  /** `<wgdir>/policies`, shown relative to `projectRoot`. */
  projectPolicyDir?: string;
  projectRoot?: string;
  /** Stage names of every policy set; a `disable` id whose stage is in none of them is an error. */
  namespaces?: readonly string[];
}

/** Loaded sets by table, project folder and root; a set is reused while its project files keep their signatures. */
const cache = new Map<string, { namespaces: readonly string[]; signature: string; contents?: string; set: PolicySet }>();
/** Listings of project policy folders, revalidated by the folder's own stat (an added, removed or renamed file changes it). */
const listings = new FileCache<string[]>(64);

/** The project's policy files, from the (cached) listing of its folder. */
function projectFiles(dir: string): string[] {
  return listings.get(
    dir,
    () => yamlFiles(dir).join('\n'),
    (text) => (text ? text.split('\n') : []),
  );
}

/** The project's policy files with their stat signatures, and the newest mtime among them. */
function projectSignature(dir: string | undefined): { signature: string; newest: number } {
  if (!dir) return { signature: '', newest: 0 };
  let signature = '';
  let newest = 0;
  for (const f of projectFiles(dir)) {
    const s = signatureOf(f);
    newest = Math.max(newest, s.mtimeMs);
    signature += `${f}\0${s.signature}\n`;
  }
  return { signature, newest };
}

/** The sha256 of every project policy file (what a racy set is checked against: equal stats can hide a rewrite). */
function projectContents(dir: string | undefined): string {
  if (!dir) return '';
  return projectFiles(dir)
    .map((f) => {
      try {
        return `${f}\0${createHash('sha256')
          .update(readFileBytes(f, { what: 'policy file' })!)
          .digest('hex')}\n`;
      } catch {
        return `${f}\0unreadable\n`;
      }
    })
    .join('');
}

const sameList = (a: readonly string[], b: readonly string[]) => a === b || (a.length === b.length && a.every((x, i) => x === b[i]));

function lookup(table: StageTable, opts: LoadOptions) {
  const key = `${table.kind}\0${opts.projectPolicyDir ?? ''}\0${opts.projectRoot ?? ''}`;
  const namespaces = opts.namespaces ?? [];
  const { signature, newest } = projectSignature(opts.projectPolicyDir);
  const entry = cache.get(key);
  let hit = entry && entry.signature === signature && !cachesOff() && sameList(entry.namespaces, namespaces) ? entry.set : undefined;
  if (hit && entry?.contents !== undefined) {
    // Racy (written within one timestamp tick of loading): the files' contents decide.
    if (projectContents(opts.projectPolicyDir) !== entry.contents) hit = undefined;
    else if (!isRacy(newest)) entry.contents = undefined;
  }
  return { key, namespaces, signature, newest, hit };
}

/** The set loadPolicySet would return, when it is loaded and still current (synchronous: no file is parsed); else undefined. */
export function cachedPolicySet(table: StageTable, opts: LoadOptions = {}): PolicySet | undefined {
  return lookup(table, opts).hit;
}

/**
 * Loads and checks the policy set of a stage table; every problem is an error naming file and line.
 * A process reuses a loaded set while none of the project's policy files changed (size, mtime, ctime, inode). The
 * bundled and optional files are part of the installed package: they are read again only with the project's files.
 */
export async function loadPolicySet(table: StageTable, opts: LoadOptions = {}): Promise<PolicySet> {
  const { key, namespaces, signature, newest, hit } = lookup(table, opts);
  if (hit) return hit;
  const contents = newest > 0 && isRacy(newest) ? projectContents(opts.projectPolicyDir) : undefined;
  const set = await loadUncached(packageRoot(), table, opts);
  cache.delete(key);
  if (cache.size >= 64) cache.delete(cache.keys().next().value as string);
  cache.set(key, { namespaces, signature, contents, set });
  return set;
}

async function loadUncached(root: string, table: StageTable, opts: LoadOptions): Promise<PolicySet> {
  const show = (p: string, base: string) => relative(base, p) || p;
  const stageNames = table.stages.map((s) => s.name);
  const namespaces = new Set([...stageNames, ...(opts.namespaces ?? [])]);
  const bundled = await Promise.all(yamlFiles(join(root, 'policies', table.kind)).map((p) => parsePolicyFile(p, show(p, root), 'bundled', root)));
  const project = opts.projectPolicyDir
    ? await Promise.all(yamlFiles(opts.projectPolicyDir).map((p) => parsePolicyFile(p, show(p, opts.projectRoot ?? opts.projectPolicyDir!), 'project')))
    : [];
  const optionalDir = join(root, 'policies', 'optional');
  const optional: ParsedFile[] = [];
  const enables = new Map<ParsedFile, string[]>();
  for (const f of project) {
    for (const [i, name] of (f.body.enable ?? []).entries()) {
      const avail = yamlFiles(optionalDir).map((p) => p.slice(optionalDir.length + 1).replace(/\.ya?ml$/, ''));
      if (!avail.includes(name))
        throw new PolicyError('unknown-optional', `no optional policy \`${name}\` (available: ${avail.join(', ')})${didYouMean(name, avail)}`, {
          file: f.info.file,
          line: f.lineOf(['enable', i]),
          key: 'enable',
        });
      const path = join(optionalDir, `${name}.yaml`);
      enables.set(f, [...(enables.get(f) ?? []), show(path, root)]);
      if (!optional.some((o) => o.info.file === show(path, root))) optional.push(await parsePolicyFile(path, show(path, root), 'optional', root));
    }
  }
  const fileKey = table.fileKey as keyof PolicyFile;
  const stageOf = (f: ParsedFile) => f.body[fileKey] as string | undefined;
  const named = (f: ParsedFile) => f.body.field !== undefined || f.body.gate !== undefined;
  const sources = new Map<string, Located>();
  const indexOf = new Map<LoadedRule, number>();
  const rules = new Map<string, LoadedRule>();
  const origins = new Map<string, PolicyFileInfo['origin']>();
  const replaced: PolicySet['replaced'] = [];
  const prechecked = new Set<LoadedRule>();
  let order = 0;
  const all = [...bundled, ...optional, ...project];
  for (const f of all) {
    if (f.src) sources.set(f.info.file, f.src);
    origins.set(f.info.file, f.info.origin);
    if (f.body.rules?.length && !named(f))
      throw new PolicyError('policy-schema', 'a policy file with rules must say which stage it decides (`field` or `gate`)', { file: f.info.file, line: 1 });
    const stage = stageOf(f);
    if (stage === undefined) continue;
    if (!stageNames.includes(stage))
      throw new PolicyError('unknown-stage', `unknown ${table.fileKey} \`${stage}\` (known: ${stageNames.join(', ')})${didYouMean(stage, stageNames)}`, {
        file: f.info.file,
        line: f.lineOf([table.fileKey]),
        key: table.fileKey,
      });
    for (const [i, spec] of (f.body.rules ?? []).entries()) {
      const line = f.lineOf(['rules', i]);
      const at = { file: f.info.file, line, rule: spec.id };
      if (!spec.id.startsWith(`${stage}.`))
        throw new PolicyError(
          'rule-id-namespace',
          `rule id \`${spec.id}\` must start with \`${stage}.\` (ids are namespaced by the stage their file names in \`${table.fileKey}:\`)`,
          at,
        );
      const rule: LoadedRule = { ...spec, stage, file: f.info.file, line, order: order++ };
      indexOf.set(rule, i);
      if (f.precompiled) prechecked.add(rule);
      const prev = rules.get(spec.id);
      if (prev) {
        if (prev.locked) throw lockedRule(prev, 'replace', at);
        if (f.info.origin !== 'project' || origins.get(prev.file) === 'project')
          throw new PolicyError('duplicate-rule-id', `duplicate rule id \`${spec.id}\` (first defined at ${prev.file}:${prev.line})`, at);
        if (prev.stage !== stage)
          throw new PolicyError('rule-replaces-other-stage', `rule \`${spec.id}\` replaces a \`${prev.stage}\` rule but this file decides \`${stage}\``, at);
        replaced.push({ id: spec.id, was: `${prev.file}:${prev.line}`, by: `${f.info.file}:${line}` });
      }
      rules.set(spec.id, rule);
    }
  }
  const disabled: PolicySet['disabled'] = [];
  const disabling = new Set<ParsedFile>();
  for (const f of all) {
    for (const [i, id] of (f.body.disable ?? []).entries()) {
      const line = f.lineOf(['disable', i]);
      const by = `${f.info.file}:${line}`;
      // Rule ids are namespaced by stage: ids of another set's stages are that set's business.
      const prefix = id.split('.')[0];
      if (!stageNames.includes(prefix) && namespaces.has(prefix)) continue;
      disabling.add(f);
      if (disabled.some((d) => d.id === id)) continue; // already off (e.g. by an enabled optional file)
      if (!rules.has(id)) {
        const known = stageNames.includes(prefix) ? [...rules.keys()] : [...rules.keys(), ...[...namespaces].map((x) => `${x}.`)];
        throw new PolicyError('unknown-disable', `cannot disable unknown rule \`${id}\`${didYouMean(id, known)}`, { file: f.info.file, line, rule: id });
      }
      const rule = rules.get(id)!;
      if (rule.locked) throw lockedRule(rule, 'disable', { file: f.info.file, line, rule: id });
      rules.delete(id);
      disabled.push({ id, by });
    }
  }
  const active = [...rules.values()];
  if (active.some((r) => patternsOf(r.when).some(needsLinearEngine))) await loadLinearEngine();
  const problems = checkRules(active, table, sources, indexOf, prechecked);
  if (problems.length > 0) throw new PolicyProblems(problems);
  const byStage = new Map<string, LoadedRule[]>(stageNames.map((s) => [s, []]));
  for (const r of active.sort((a, b) => b.priority - a.priority || a.order - b.order)) byStage.get(r.stage)!.push(r);
  // A file belongs to this set when it decides one of its stages, disables one of its rules, or enables a file that does.
  const belongs = (f: ParsedFile) => stageOf(f) !== undefined || disabling.has(f);
  const mine = new Set(all.filter(belongs).map((f) => f.info.file));
  const files = all.filter((f) => mine.has(f.info.file) || (enables.get(f) ?? []).some((o) => mine.has(o))).map((f) => f.info);
  const revision = createHash('sha256')
    .update(files.map((f) => `${f.file}\0${f.sha256}\n`).join(''))
    .digest('hex')
    .slice(0, 16);
  return { kind: table.kind, byStage, revision: `sha256:${revision}`, files, disabled, replaced };
}
