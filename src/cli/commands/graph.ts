// `wg-policy graph`: the precedence of a policy set as a picture (Mermaid or Graphviz DOT) on stdout.
import { join } from 'node:path';
import { dot, mermaid } from '../../check/precedence.js';
import { locateWgDir } from '../../config/locate.js';
import { loadPolicySet } from '../../policy/load.js';
import { PolicyError } from '../../shared/errors.js';
import { NAMESPACES, TABLES } from '../../stages/index.js';

export async function runGraph(opts: { dir?: string; format?: string; kind?: string; bundled?: boolean }): Promise<void> {
  const table = TABLES.find((t) => t.kind === (opts.kind ?? 'spawn'));
  if (!table) throw new PolicyError('usage', `\`--kind ${opts.kind}\` is not a policy set (known: ${TABLES.map((t) => t.kind).join(', ')})`, { key: '--kind' });
  const wgDir = opts.bundled ? undefined : locateWgDir({ dir: opts.dir, env: process.env, cwd: process.cwd() }).wgDir;
  const set = await loadPolicySet(table, {
    projectPolicyDir: wgDir && join(wgDir, 'policies'),
    projectRoot: wgDir && join(wgDir, '..'),
    namespaces: NAMESPACES,
  });
  process.stdout.write(opts.format === 'dot' ? dot(table, set) : mermaid(table, set));
}
