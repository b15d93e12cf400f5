// Changes since the base revision that can weaken the gate: gate rules disabled, replaced, removed or loosened in project
// policy files; owners removed, requirements widened, timeouts raised or scripts changed in the manifest.
import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import path from 'node:path';
import type { PolicySet } from '../policy/load.js';
import { PolicyFileSchema, type LoadedRule } from '../policy/schema.js';
import type { StageTable } from '../policy/stage.js';
import type { GitRunner } from '../shared/git.js';
import { readFileBytes, readTextFile } from '../shared/read-file.js';
import { parseYaml } from '../shared/yaml.js';
import type { Finding } from '../stages/gate.js';
import type { Manifest, Scenario } from './manifest.js';

/** A rule's meaning, for comparing two versions of it (its id, description and place do not count). */
function canonical(rule: { priority: number; when: unknown; then: unknown }): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sort)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
          )
        : v;
  return JSON.stringify(sort({ priority: rule.priority, when: rule.when, then: rule.then }));
}

/** What the project's gate-policy files said at the base: disabled ids, rules by id (with their file), enabled optional files. */
export interface PolicyState {
  disabled: Set<string>;
  rules: Map<string, { canonical: string; file: string }>;
  enabled: Set<string>;
}

export const emptyPolicyState = (): PolicyState => ({ disabled: new Set(), rules: new Map(), enabled: new Set() });

/**
 * The project policy files of `policyDir` as committed at `sha` (files that do not parse did not load then either, and
 * count as absent). Only what belongs to `table` counts: its stages' rules and disables of its rule ids.
 */
export function policyStateAt(o: { policyDir: string; top: string; sha: string; git: GitRunner; table: StageTable }): PolicyState {
  const state = emptyPolicyState();
  let rel: string;
  try {
    rel = path.relative(o.top, realpathSync(o.policyDir));
  } catch {
    rel = path.relative(o.top, o.policyDir);
  }
  if (rel.startsWith('..') || path.isAbsolute(rel)) return state;
  const prefix = rel ? `${rel.split(path.sep).join('/')}/` : '';
  const listed = o.git(['--literal-pathspecs', 'ls-tree', '-z', '--name-only', o.sha, '--', prefix || '.'], o.top);
  if (listed.status !== 0) return state;
  const stages = new Set(o.table.stages.map((s) => s.name));
  const files = listed.stdout
    .split('\0')
    .filter((f) => f.startsWith(prefix) && /\.ya?ml$/.test(f) && !f.slice(prefix.length).includes('/'))
    .sort();
  for (const file of files) {
    const shown = o.git(['show', `${o.sha}:${file}`], o.top);
    if (shown.status !== 0) continue;
    let body;
    try {
      const parsed = PolicyFileSchema.safeParse(parseYaml(shown.stdout, file).data ?? {});
      if (!parsed.success) continue;
      body = parsed.data;
    } catch {
      continue;
    }
    for (const id of body.disable ?? []) if (stages.has(id.split('.')[0])) state.disabled.add(id);
    for (const name of body.enable ?? []) state.enabled.add(name);
    const stage = body[o.table.fileKey as 'gate' | 'field'];
    if (stage && stages.has(stage)) for (const r of body.rules ?? []) state.rules.set(r.id, { canonical: canonical(r), file });
  }
  return state;
}

/**
 * Findings from the loaded policy set against the base state. Counted: a rule disabled since the base (except an allow
 * rule of a stage where any deny wins: without it the gate only denies more); a bundled rule replaced, or its
 * replacement changed or removed; a project rule removed or changed; a rule added to a first-match stage, or an allow
 * rule added; an enabled optional policy dropped.
 */
export function policyFindings(set: PolicySet, bundled: PolicySet, base: PolicyState, table: StageTable): Finding[] {
  const out: Finding[] = [];
  const origin = new Map(set.files.map((f) => [f.file, f.origin]));
  const combine = new Map(table.stages.map((s) => [s.name, s.combine]));
  const active = new Map<string, LoadedRule>([...set.byStage.values()].flat().map((r) => [r.id, r]));
  const shipped = new Map<string, LoadedRule>([...bundled.byStage.values()].flat().map((r) => [r.id, r]));
  const loosens = (r: LoadedRule | undefined) => !r || combine.get(r.stage) === 'first-match' || r.then.effect !== 'allow';
  for (const d of set.disabled) {
    if (base.disabled.has(d.id)) continue;
    // A disabled project rule's effect is unknown here: it counts.
    if (!loosens(shipped.get(d.id))) continue;
    out.push({ kind: 'rule-disabled', what: `${shipped.has(d.id) ? 'bundled' : 'gate'} rule \`${d.id}\` disabled`, by: d.by });
  }
  const replaced = new Set(set.replaced.map((r) => r.id));
  for (const r of set.replaced) {
    const now = active.get(r.id);
    if (now && base.rules.get(r.id)?.canonical === canonical(now)) continue;
    out.push({ kind: 'rule-replaced', what: `bundled rule \`${r.id}\` replaced`, by: r.by });
  }
  for (const [id, was] of base.rules) {
    const now = active.get(id);
    if (!now) {
      if (!set.disabled.some((d) => d.id === id)) out.push({ kind: 'rule-removed', what: `project rule \`${id}\` removed`, by: was.file });
    } else if (origin.get(now.file) !== 'project')
      // The project's replacement is gone and the shipped rule is back: stricter or looser, it is a change.
      out.push({ kind: 'rule-removed', what: `project replacement of rule \`${id}\` removed`, by: was.file });
    else if (!replaced.has(id) && canonical(now) !== was.canonical)
      out.push({ kind: 'rule-changed', what: `project rule \`${id}\` changed`, by: `${now.file}:${now.line}` });
  }
  for (const r of active.values()) {
    if (origin.get(r.file) !== 'project' || base.rules.has(r.id) || replaced.has(r.id)) continue;
    if (combine.get(r.stage) === 'first-match' || r.then.effect === 'allow')
      out.push({ kind: 'rule-added', what: `${r.then.effect === 'allow' ? 'allow' : r.stage} rule \`${r.id}\` added`, by: `${r.file}:${r.line}` });
  }
  const enabledNow = new Set(set.files.filter((f) => f.origin === 'optional').map((f) => path.basename(f.file).replace(/\.ya?ml$/, '')));
  for (const name of base.enabled)
    if (!enabledNow.has(name)) out.push({ kind: 'optional-dropped', what: `optional policy \`${name}\` no longer enabled`, by: 'the project policy files' });
  return out;
}

const SKIP_EXIT = /\bexit\s+77\b/g;
const skips = (text: string) => (text.match(SKIP_EXIT) ?? []).length;
const limit = (s: number) => (s === 0 ? Infinity : s);
const shownTimeout = (s: number) => (s === 0 ? 'no limit' : `${s}s`);

/** A scenario's script as a path relative to the repository top, or null when it is outside it. */
function repoPath(script: string, top: string): string | null {
  let p = script;
  try {
    p = path.join(realpathSync(path.dirname(script)), path.basename(script));
  } catch {
    // a script that no longer exists keeps its name
  }
  const rel = path.relative(top, p);
  return rel.startsWith('..') || path.isAbsolute(rel) ? null : rel.split(path.sep).join('/');
}

/** Git's blob id of a file's bytes (`git hash-object`), or null when it cannot be read. */
export function blobOf(file: string): string | null {
  try {
    const bytes = readFileBytes(file)!; // regular files only: a scenario script that is a FIFO cannot stall the gate
    return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
  } catch {
    return null;
  }
}

/**
 * Findings from the current manifest against the base manifest, per scenario present in both (removed scenarios are
 * the grow-only rule's): owners removed, `requires` added or widened, timeout raised (0 is no limit), script path or
 * text changed (a text that now exits 77 more often is called out as a skip). Script texts are compared by blob id:
 * one `git ls-tree` for all of them, a `git show` only for a script that changed.
 */
export function manifestFindings(o: {
  now: Manifest | null;
  before: Manifest;
  repo: { top: string; sha: string };
  git: GitRunner;
  /** The current manifest for messages. */
  label: string;
}): Finding[] {
  const out: Finding[] = [];
  const nowByName = new Map((o.now?.scenarios ?? []).map((s) => [s.name, s]));
  const pairs = o.before.scenarios.flatMap((b) => (nowByName.has(b.name) ? [{ b, n: nowByName.get(b.name)! }] : []));
  const baseBlobs = blobsAt(
    o,
    pairs.map(({ b }) => repoPath(b.script, o.repo.top)).filter((p): p is string => p !== null),
  );
  for (const { b, n } of pairs) {
    const by = n.line ? `${o.label}:${n.line}` : o.label;
    const add = (kind: Finding['kind'], what: string) => out.push({ kind, what, by });
    // Sets: an edited manifest may list many owners or requirements, and each is looked up in the other list.
    const ownersNow = new Set(n.owners);
    for (const owner of b.owners) if (!ownersNow.has(owner)) add('owner-removed', `owner \`${owner}\` removed from scenario \`${b.name}\``);
    for (const k of ['commands', 'env', 'urls'] as const) {
      const before = new Set(b.requires[k]);
      const added = n.requires[k].filter((x) => !before.has(x));
      if (added.length) add('requires-widened', `scenario \`${b.name}\` now requires ${k} ${added.map((x) => `\`${x}\``).join(', ')}`);
    }
    if (limit(n.timeoutSeconds) > limit(b.timeoutSeconds))
      add('timeout-raised', `timeout of scenario \`${b.name}\` raised from ${shownTimeout(b.timeoutSeconds)} to ${shownTimeout(n.timeoutSeconds)}`);
    scriptFinding(b, n, baseBlobs, o, add);
  }
  if (o.now) for (const what of besideFindings(pairs, o.now.dir, o)) out.push({ kind: 'script-changed', what, by: o.label });
  return out;
}

/**
 * Shell files committed at the base beside a scenario script (in its folder, not below it: what a script sources, such
 * as `_helpers.sh`), each read now through the path as written: changed or gone, each is a finding. A folder replaced
 * by a symlink is read where the link points, so the replacement shows as changes. Only `.sh` / `.bash` files, and
 * never at the repository's top: other work beside the scripts (a project's own tests) is the agent's to change.
 * Scripts themselves are scriptFinding's.
 */
function besideFindings(
  pairs: ReadonlyArray<{ b: Scenario; n: Scenario }>,
  manifestDir: string,
  o: { repo: { top: string; sha: string }; git: GitRunner },
): string[] {
  let realManifestDir: string;
  try {
    realManifestDir = realpathSync(manifestDir);
  } catch {
    return []; // no manifest folder now: the manifest's own checks say so
  }
  // A script's folder as written, relative to the repository (its manifest's folder resolved, the rest as given).
  const writtenRel = (file: string) => {
    const rel = path.relative(o.repo.top, path.join(realManifestDir, path.relative(manifestDir, file)));
    return rel.startsWith('..') || path.isAbsolute(rel) ? null : rel.split(path.sep).join('/');
  };
  // A script scriptFinding compared (its path as written is its real path) is not compared again; one a symlink now
  // sends elsewhere is, whatever its name: scriptFinding sees only where it leads.
  const compared = new Set<string>();
  const redirected = new Set<string>();
  for (const { b } of pairs) {
    const written = writtenRel(b.script);
    if (written !== null) (written === repoPath(b.script, o.repo.top) ? compared : redirected).add(written);
  }
  const dirs = [...new Set(pairs.map(({ b }) => writtenRel(path.dirname(b.script))))].filter((d): d is string => d !== null && d !== '');
  const out: string[] = [];
  for (const [rel, { mode, blob }] of lsTree(
    o,
    dirs.map((d) => `${d}/`),
    false,
  )) {
    // Regular files only (not links, not submodules), shell files or a redirected script.
    if (!mode.startsWith('100') || compared.has(rel) || !(redirected.has(rel) || /\.(?:sh|bash)$/.test(rel))) continue;
    const now = blobOf(path.join(o.repo.top, rel));
    if (now === blob) continue;
    const what = redirected.has(rel) ? 'a scenario script, now reached through a symlink,' : 'beside the scenario scripts,';
    out.push(`\`${rel}\`, ${what} ${now === null ? 'is gone' : 'changed'} since the base`);
  }
  return out;
}

/** Blob ids of repository paths at the base commit, in one `git ls-tree`. */
function blobsAt(o: { repo: { top: string; sha: string }; git: GitRunner }, rels: string[]): Map<string, string> {
  return new Map([...lsTree(o, rels, true)].map(([rel, e]) => [rel, e.blob]));
}

/** The blobs `git ls-tree` lists at the base for `paths` (recursively, or a folder's own entries), by path, with their mode. */
function lsTree(
  o: { repo: { top: string; sha: string }; git: GitRunner },
  paths: readonly string[],
  recursive: boolean,
): Map<string, { mode: string; blob: string }> {
  const out = new Map<string, { mode: string; blob: string }>();
  if (paths.length === 0) return out;
  const listed = o.git(['--literal-pathspecs', 'ls-tree', ...(recursive ? ['-r'] : []), '-z', o.repo.sha, '--', ...new Set(paths)], o.repo.top);
  if (listed.status !== 0) return out;
  for (const entry of listed.stdout.split('\0')) {
    const m = /^(\d+) blob ([0-9a-f]+)\t(.*)$/s.exec(entry);
    if (m) out.set(m[3], { mode: m[1], blob: m[2] });
  }
  return out;
}

function scriptFinding(
  b: Scenario,
  n: Scenario,
  baseBlobs: ReadonlyMap<string, string>,
  o: { repo: { top: string; sha: string }; git: GitRunner },
  add: (kind: Finding['kind'], what: string) => void,
): void {
  const [bRel, nRel] = [repoPath(b.script, o.repo.top), repoPath(n.script, o.repo.top)];
  if (bRel !== nRel) {
    add('script-changed', `scenario \`${b.name}\` now runs \`${nRel ?? n.script}\` instead of \`${bRel ?? b.script}\``);
    return;
  }
  const was = bRel ? baseBlobs.get(bRel) : undefined;
  if (!bRel || !was) return; // not committed at the base: nothing accepted to compare with
  const now = blobOf(n.script);
  if (now === null || now === was) return; // a missing script is an error outcome, which denies on its own
  const before = o.git(['show', `${o.repo.sha}:${bRel}`], o.repo.top);
  let skipNote = '';
  try {
    skipNote = before.status === 0 && skips(readTextFile(n.script)) > skips(before.stdout) ? ' (it now exits 77, a skip)' : '';
  } catch {
    // read above; gone since
  }
  add('script-changed', `script of scenario \`${b.name}\` changed${skipNote}`);
}

/** `what (by); what (by)` for messages. */
export function findingsDetail(findings: readonly Finding[]): string {
  return findings.map((f) => `${f.what} (${f.by})`).join('; ');
}
