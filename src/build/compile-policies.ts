// Build step: validates every shipped policy file and writes dist/policies.json, so a cold `plan` skips YAML parsing.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { compileLines, loadPolicySet, type CompiledFile } from '../policy/load.js';
import { PolicyFileSchema } from '../policy/schema.js';
import { packageRoot } from '../shared/package-root.js';
import { parseYaml } from '../shared/yaml.js';
import { NAMESPACES, TABLES } from '../stages/index.js';
import { policyJsonSchema } from '../check/json-schema.js';

/** Compiles policies/**.yaml into dist/policies.json; throws (fails the build) on any invalid file. */
export async function compileBundledPolicies(): Promise<number> {
  const root = packageRoot();
  const out: Record<string, CompiledFile> = {};
  for (const dir of [...TABLES.map((t) => t.kind), 'optional']) {
    let names: string[] = [];
    try {
      names = readdirSync(join(root, 'policies', dir)).filter((f) => /\.ya?ml$/.test(f));
    } catch {
      continue;
    }
    for (const name of names) {
      const path = join(root, 'policies', dir, name);
      const shown = relative(root, path);
      const text = readFileSync(path, 'utf8');
      const { ino, size, mtimeMs } = statSync(path);
      const src = parseYaml(text, shown);
      const body = PolicyFileSchema.parse(src.data);
      out[shown] = { sha256: createHash('sha256').update(text).digest('hex'), body, lines: compileLines(src, body), stat: { ino, size, mtimeMs } };
    }
  }
  // The shipped sets must load and pass every check on their own.
  for (const table of TABLES) await loadPolicySet(table, { namespaces: NAMESPACES });
  // Pure ASCII (non-ASCII as \u escapes): the cold start reads and parses it as a one-byte string, faster than UTF-16.
  const ascii = JSON.stringify(out).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  writeFileSync(join(root, 'dist', 'policies.json'), ascii);
  // What editors validate policy files against (`# yaml-language-server: $schema=…`).
  writeFileSync(join(root, 'dist', 'policy.schema.json'), `${JSON.stringify(policyJsonSchema(TABLES), null, 2)}\n`);
  return Object.keys(out).length;
}
