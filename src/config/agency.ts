// The agency data wg reads for a task's agent: `<wgdir>/agency/cache/agents/*.yaml` (id prefix) and its role's exec mode.
// Folder listings and files are kept per process while unchanged.
import { join } from 'node:path';
import * as z from 'zod/mini';
import { PolicyError } from '../shared/errors.js';
import { FileCache } from '../shared/file-cache.js';
import { listDir, readTextFile } from '../shared/read-file.js';
import type { Source } from '../shared/source.js';
import { parseYaml } from '../shared/yaml.js';
import { issueSentence } from '../shared/zod-issues.js';

const Performance = z.looseObject({ task_count: z.int().check(z.nonnegative(), z.maximum(4294967295)) });

/** The fields wg requires of an agent file (serde), plus those spawn reads; anything else is kept as written. */
const AgentFields = z.looseObject({
  id: z.string(),
  role_id: z.string(),
  tradeoff_id: z.optional(z.string()),
  motivation_id: z.optional(z.string()),
  name: z.string(),
  performance: Performance,
  executor: z.optional(z.string()),
  preferred_model: z.optional(z.nullable(z.string())),
  preferred_provider: z.optional(z.nullable(z.string())),
});
const AgentSchema = AgentFields.check(
  z.refine((a) => a.tradeoff_id !== undefined || a.motivation_id !== undefined, { message: '`tradeoff_id` is required', path: ['tradeoff_id'] }),
);

const RoleSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  performance: Performance,
  default_exec_mode: z.optional(z.nullable(z.string())),
});

/** The agent spawn uses, as policies read it. */
export interface AgencyAgent {
  id: string;
  file: string;
  /** wg's default is `claude`. */
  executor: string;
  preferred_model: string | null;
  preferred_provider: string | null;
  role_id: string;
}

/** The agency fact: the agent (or null and why), its role's default exec mode. */
export interface Agency {
  /** The id prefix that named the agent, and where it was given. */
  asked: string | null;
  agent: AgencyAgent | null;
  /** `none` (no agent asked for), `found`, `no-match`, `ambiguous` (wg treats the last two as no agent). */
  match: 'none' | 'found' | 'no-match' | 'ambiguous';
  role: { id: string; file: string; default_exec_mode: string | null } | null;
}

type Parsed<T> = { data: T; file: string };
/** One agency file: parsed, or the warning wg gives when it skips it. */
type Entry = { parsed: Parsed<unknown> } | { skipped: string };

const listings = new FileCache<string[]>(64);
const files = new FileCache<Entry>(1024);

/** The `*.yaml` (not `.yml`) names of a folder, sorted; [] when it does not exist. */
function yamlNames(dir: string, shownDir: string): string[] {
  const read = () => listDir(dir, { shownAs: shownDir, what: 'agency folder' }).join('\0');
  return (
    listings.getIfPresent(dir, read, (text) =>
      text
        ? text
            .split('\0')
            .filter((n) => n.endsWith('.yaml'))
            .sort()
        : [],
    ) ?? []
  );
}

/** One agency file against its schema; a file wg cannot read as the schema is skipped with wg's warning. */
function readEntry(path: string, file: string, schema: z.ZodMiniType): Entry {
  const read = () => readTextFile(path, { shownAs: file, what: 'agency file' });
  const parse = (text: string | undefined): Entry => {
    try {
      const src = parseYaml(text ?? '', file);
      const r = schema.safeParse(src.data);
      if (!r.success) throw new PolicyError('yaml-syntax', issueSentence(r.error.issues[0], src.data, { whole: 'the file' }), { file });
      return { parsed: { data: r.data, file } };
    } catch (e) {
      if (!(e instanceof PolicyError)) throw e;
      return { skipped: `skipping corrupt YAML file ${file}: ${e.message} (wg skips it too)` };
    }
  };
  try {
    return files.get(path, read, parse, `${file}\0${schema === AgentSchema ? 'agent' : 'role'}`);
  } catch (e) {
    if (!(e instanceof PolicyError)) throw e;
    return { skipped: `skipping corrupt YAML file ${file}: ${e.message} (wg skips it too)` };
  }
}

/** Parses every `*.yaml` (not `.yml`) of a folder; a file wg cannot read as the schema is skipped with wg's warning. */
function readAll<T>(dir: string, shownDir: string, schema: z.ZodMiniType<T>, warn: (m: string) => void): Parsed<T>[] {
  const out: Parsed<T>[] = [];
  for (const f of yamlNames(dir, shownDir)) {
    const entry = readEntry(join(dir, f), `${shownDir}/${f}`, schema);
    if ('skipped' in entry) warn(entry.skipped);
    else out.push(entry.parsed as Parsed<T>);
  }
  return out;
}

/**
 * The agent wg's spawn path uses for an id prefix: exactly one agent file whose `id` starts with it (zero or several:
 * no agent, as in wg, with a warning), and the role whose id starts with the agent's `role_id`.
 */
export function loadAgency(wgDir: string, shownDir: string, prefix: string | undefined, warn: (m: string) => void): Agency {
  if (!prefix) return { asked: null, agent: null, match: 'none', role: null };
  const base = join(wgDir, 'agency', 'cache');
  const agents = readAll(join(base, 'agents'), `${shownDir}/agency/cache/agents`, AgentSchema, warn).filter((a) => a.data.id.startsWith(prefix));
  if (agents.length !== 1) {
    const match = agents.length === 0 ? 'no-match' : 'ambiguous';
    warn(
      agents.length === 0
        ? `no agent in ${shownDir}/agency/cache/agents matches \`${prefix}\`; the spawn uses no agent preferences (as wg does)`
        : `agent prefix \`${prefix}\` matches ${agents.length} agents (${agents.map((a) => a.data.id).join(', ')}); the spawn uses no agent preferences (as wg does)`,
    );
    return { asked: prefix, agent: null, match, role: null };
  }
  const a = agents[0];
  const agent: AgencyAgent = {
    id: a.data.id,
    file: a.file,
    executor: a.data.executor ?? 'claude',
    preferred_model: a.data.preferred_model ?? null,
    preferred_provider: a.data.preferred_provider ?? null,
    role_id: a.data.role_id,
  };
  const roles = readAll(join(base, 'roles'), `${shownDir}/agency/cache/roles`, RoleSchema, warn).filter((r) => r.data.id.startsWith(agent.role_id));
  const role = roles.length === 1 ? { id: roles[0].data.id, file: roles[0].file, default_exec_mode: roles[0].data.default_exec_mode ?? null } : null;
  return { asked: prefix, agent, match: 'found', role };
}

/** The file and key behind an agency fact path (`agent.preferred_model`, `role.default_exec_mode`). */
export function agencySource(agency: Agency, path: string, value: unknown): Source[] {
  const [part, key] = path.split('.');
  if (part === 'agent' && agency.agent && key) return [{ layer: 'local', file: agency.agent.file, key, value }];
  if (part === 'role' && agency.role && key) return [{ layer: 'local', file: agency.role.file, key, value }];
  return [];
}
