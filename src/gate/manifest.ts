// Smoke manifest: wg's `[[scenario]]` TOML (or the same shape in YAML) → validated scenarios, and where the manifest lives.
import { statSync } from 'node:fs';
import path from 'node:path';
import * as z from 'zod/mini';
import { PolicyError } from '../shared/errors.js';
import { hasCredentials } from '../shared/secrets.js';
import { gitToplevel, type GitRunner } from '../shared/git.js';
import { readTextFile, refuseNonRegular } from '../shared/read-file.js';
import { parseToml, type Located } from '../shared/toml.js';
import { parseYaml } from '../shared/yaml.js';
import { describe, issuePath, issueProblem, valueAt } from '../shared/zod-issues.js';
import { closest } from '../shared/did-you-mean.js';

/** wg's default per-scenario timeout (`src/smoke.rs`). */
export const DEFAULT_TIMEOUT_SECONDS = 180;

const nonEmpty = z.string().check(z.minLength(1));

/** Our extension: what a scenario needs before it can run; an unmet need is a loud skip. */
export const RequiresSchema = z.strictObject({
  commands: z.optional(z.array(nonEmpty)),
  env: z.optional(z.array(z.string().check(z.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name')))),
  urls: z.optional(z.array(z.string().check(z.regex(/^https?:\/\/\S+$/i, 'must be an http(s) URL')))),
});

/** One `[[scenario]]` table as written; unknown keys are accepted, as wg ignores them. */
export const RawScenarioSchema = z.looseObject({
  name: nonEmpty,
  script: nonEmpty,
  owners: z.optional(z.array(z.string())),
  description: z.optional(z.string()),
  /** 0 means no limit, as in wg (GNU `timeout 0` never fires). */
  timeout_seconds: z.optional(z.int().check(z.nonnegative())),
  requires: z.optional(RequiresSchema),
});

const RawManifestSchema = z.looseObject({ scenario: z.optional(z.array(RawScenarioSchema)) });

/** A scenario ready to run: absolute script, its folder, normalized owners and requirements. */
export const ScenarioSchema = z.object({
  name: z.string(),
  script: z.string(),
  dir: z.string(),
  owners: z.array(z.string()),
  description: z.optional(z.string()),
  timeoutSeconds: z.number(),
  requires: z.object({ commands: z.array(z.string()), env: z.array(z.string()), urls: z.array(z.string()) }),
  line: z.optional(z.number()),
});
export type Scenario = z.infer<typeof ScenarioSchema>;

/** A key wg ignores (so a typo silently changes the gate): where it is and the key it was probably meant to be. */
export const IgnoredKeySchema = z.object({
  key: z.string(),
  /** The scenario it is in, or null at the top of the file. */
  scenario: z.nullable(z.string()),
  line: z.optional(z.number()),
  suggestion: z.optional(z.string()),
});
export type IgnoredKey = z.infer<typeof IgnoredKeySchema>;

/** A loaded manifest: the file it came from, the folder scripts are relative to, scenarios in file order, keys ignored. */
export const ManifestSchema = z.object({ file: z.string(), dir: z.string(), scenarios: z.array(ScenarioSchema), ignored: z.array(IgnoredKeySchema) });
export type Manifest = z.infer<typeof ManifestSchema>;

export type ManifestFormat = 'toml' | 'yaml';

/** Format from the file extension: `.yaml` / `.yml` are YAML, anything else wg's TOML. */
export function formatOf(file: string): ManifestFormat {
  return /\.ya?ml$/i.test(file) ? 'yaml' : 'toml';
}

/** Reads and validates a manifest file; any problem is an error naming file and line. */
export function loadManifest(file: string): Manifest {
  const text = readTextFile(file, { what: 'smoke manifest' });
  return loadManifestFromText(text, file, formatOf(file), path.dirname(path.resolve(file)));
}

/** Validates manifest text (e.g. `git show REV:path`); `file` is only used in messages, `dir` anchors scripts. */
export function loadManifestFromText(text: string, file: string, format: ManifestFormat, dir = path.dirname(path.resolve(file))): Manifest {
  const src: Located = format === 'yaml' ? parseYaml(text, file) : parseToml(text, file);
  const lineOf = (p: readonly PropertyKey[]) => src.positionOf(['scenario', ...p])?.line;
  const parsed = RawManifestSchema.safeParse(src.data ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const [top, index, ...rest] = issue.path;
    if (top !== 'scenario') throw new PolicyError('manifest-invalid', 'the manifest must be a table with a `scenario` list', { file });
    if (typeof index !== 'number')
      throw new PolicyError('manifest-invalid', `\`scenario\` ${issueProblem(issue, valueAt(src.data, issue.path))}`, {
        file,
        line: lineOf([]),
        key: 'scenario',
      });
    const raw = valueAt(src.data, ['scenario', index]) as Record<string, unknown> | undefined;
    const label = typeof raw?.name === 'string' && raw.name ? `scenario \`${raw.name}\`` : `scenario #${index + 1}`;
    const key = issuePath(rest);
    const line = lineOf([index, ...rest]);
    const value = valueAt(src.data, issue.path);
    if (!key) throw new PolicyError('manifest-invalid', `${label} must be a table, not ${describe(value)}`, { file, line });
    const problem =
      key === 'timeout_seconds' && value !== undefined
        ? `must be a whole number of seconds (0 for no limit), not ${describe(value)}`
        : issueProblem(issue, value);
    throw new PolicyError('manifest-invalid', `${label}: \`${key}\` ${problem}`, { file, line, key });
  }
  const seen = new Map<string, number | undefined>();
  const scenarios = (parsed.data.scenario ?? []).map((raw, i): Scenario => {
    const line = lineOf([i]);
    // INVARIANT: names, owners and URLs end up in verdicts, logs and records: none may carry a credential.
    for (const [key, v] of Object.entries({
      name: raw.name,
      script: raw.script,
      description: raw.description,
      owners: raw.owners,
      'requires.urls': raw.requires?.urls,
    }))
      for (const text of [v].flat())
        if (typeof text === 'string' && hasCredentials(text))
          throw new PolicyError(
            'manifest-invalid',
            `scenario #${i + 1}: \`${key}\` carries credentials (a URL with a user, key or token, or an authorization header)`,
            {
              file,
              line,
              key,
            },
          );
    if (seen.has(raw.name)) {
      const first = seen.get(raw.name);
      throw new PolicyError('duplicate-scenario', `duplicate scenario name \`${raw.name}\`${first ? ` (first defined at line ${first})` : ''}`, {
        file,
        line,
        key: raw.name,
      });
    }
    seen.set(raw.name, line);
    return {
      name: raw.name,
      script: path.resolve(dir, raw.script),
      dir,
      owners: (raw.owners ?? []).map((o) => o.trim()).filter((o) => o !== ''),
      description: raw.description,
      timeoutSeconds: raw.timeout_seconds ?? DEFAULT_TIMEOUT_SECONDS,
      requires: { commands: raw.requires?.commands ?? [], env: raw.requires?.env ?? [], urls: raw.requires?.urls ?? [] },
      line,
    };
  });
  return { file, dir, scenarios, ignored: ignoredKeys(src, lineOf) };
}

const TOP_KEYS = Object.keys(RawManifestSchema.shape);
const SCENARIO_KEYS = Object.keys(RawScenarioSchema.shape);

/** Keys wg ignores, at the top and in each scenario, with the nearest known key. */
function ignoredKeys(src: Located, lineOf: (p: readonly PropertyKey[]) => number | undefined): IgnoredKey[] {
  const data = (src.data ?? {}) as Record<string, unknown>;
  const out: IgnoredKey[] = [];
  const note = (key: string, scenario: string | null, line: number | undefined, known: readonly string[]) => {
    const suggestion = closest(key, known);
    out.push({ key, scenario, ...(line ? { line } : {}), ...(suggestion ? { suggestion } : {}) });
  };
  for (const key of Object.keys(data)) if (!TOP_KEYS.includes(key)) note(key, null, src.positionOf([key])?.line, TOP_KEYS);
  const list = Array.isArray(data.scenario) ? (data.scenario as Array<Record<string, unknown>>) : [];
  list.forEach((raw, i) => {
    for (const key of Object.keys(raw)) if (!SCENARIO_KEYS.includes(key)) note(key, String(raw.name), lineOf([i, key]), SCENARIO_KEYS);
  });
  return out;
}

/**
 * One sentence per ignored key: `` `owner` in scenario `a` (m.toml:5) is ignored; did you mean `owners`? `` (without
 * the file and line when `file` is null: an error carries its location apart).
 */
export function ignoredKeyMessage(k: IgnoredKey, file: string | null): string {
  const at = file === null ? '' : ` (${k.line ? `${file}:${k.line}` : file})`;
  const where = `${k.scenario === null ? 'at the top of the manifest' : `in scenario \`${k.scenario}\``}${at}`;
  return `\`${k.key}\` ${where} is ignored${k.suggestion ? `; did you mean \`${k.suggestion}\`?` : ' (wg ignores unknown keys)'}`;
}

/** The scenarios a task owns, in manifest order. */
export function scenariosOwnedBy(manifest: Manifest, taskId: string): Scenario[] {
  return manifest.scenarios.filter((s) => s.owners.includes(taskId));
}

/** Where the manifest path came from, or `path: null` when there is none (an empty gate). */
export interface ResolvedManifest {
  path: string | null;
  how: string;
}

/** Inputs to {@link resolveManifestPath}; `cwd` and `gitToplevel` are injectable for tests. */
export interface ResolveManifestOptions {
  flag?: string;
  env: NodeJS.ProcessEnv;
  wgDir: string;
  projectRoot: string;
  cwd?: string;
  git?: GitRunner;
  /** The git toplevel of `wgDir` when the caller already knows it (null: outside git); else git is asked. */
  toplevel?: string | null;
}

/**
 * Finds the manifest: `--manifest` (cwd-relative) → `$WG_SMOKE_MANIFEST` (wg-dir-relative) → wg's own search
 * (`<wgdir>/tests/smoke`, `<wgdir>/../tests/smoke`, the git toplevel's `tests/smoke`) → `<project>/smoke/manifest.{toml,yaml}`.
 * An explicit path that does not exist is bad input; nothing found is `{ path: null }`.
 */
export function resolveManifestPath(opts: ResolveManifestOptions): ResolvedManifest {
  const explicit: Array<[string | undefined, string, string]> = [
    [opts.flag, opts.cwd ?? process.cwd(), '--manifest'],
    [opts.env.WG_SMOKE_MANIFEST, opts.wgDir, '$WG_SMOKE_MANIFEST'],
  ];
  for (const [given, base, how] of explicit) {
    if (!given) continue;
    const p = path.resolve(base, given);
    refuseNonRegular(p, { shownAs: given, what: `the smoke manifest given by ${how}` });
    if (!isFile(p))
      throw new PolicyError('manifest-not-found', `the smoke manifest \`${given}\` given by ${how} does not exist (looked at \`${p}\`)`, { file: p, key: how });
    return { path: p, how };
  }
  for (const [p, how] of searchOrder(opts)) {
    if (p && isFile(p)) return { path: path.resolve(p), how };
  }
  return { path: null, how: 'no smoke manifest found (empty gate)' };
}

/**
 * Every path {@link resolveManifestPath} may look at, absolute, in its order (`--manifest` and `$WG_SMOKE_MANIFEST`
 * when given): where the grow-only check looks for the manifest at the base revision.
 */
export function manifestCandidates(opts: ResolveManifestOptions): string[] {
  const out: string[] = [];
  if (opts.flag) out.push(path.resolve(opts.cwd ?? process.cwd(), opts.flag));
  if (opts.env.WG_SMOKE_MANIFEST) out.push(path.resolve(opts.wgDir, opts.env.WG_SMOKE_MANIFEST));
  for (const [p] of searchOrder(opts)) if (p) out.push(path.resolve(p));
  return [...new Set(out)];
}

// wg's own search, then ours; lazy, so the git toplevel is only asked for when the earlier paths are missing.
function* searchOrder(opts: ResolveManifestOptions): Generator<[string | null, string]> {
  const rel = path.join('tests', 'smoke', 'manifest.toml');
  yield [path.join(opts.wgDir, rel), '<wgdir>/tests/smoke/manifest.toml'];
  yield [path.join(opts.wgDir, '..', rel), '<wgdir>/../tests/smoke/manifest.toml'];
  const top = opts.toplevel !== undefined ? opts.toplevel : gitToplevel(opts.wgDir, opts.git);
  yield [top ? path.join(top, rel) : null, '<git toplevel>/tests/smoke/manifest.toml'];
  yield [path.join(opts.projectRoot, 'smoke', 'manifest.toml'), '<project>/smoke/manifest.toml'];
  yield [path.join(opts.projectRoot, 'smoke', 'manifest.yaml'), '<project>/smoke/manifest.yaml'];
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
