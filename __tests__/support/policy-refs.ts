// Test helper: every fact reference the bundled policy files of one stage table make, with where it is.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectRefs } from '../../src/policy/value-expr.js';
import { parseYaml } from '../../src/shared/yaml.js';
import { ROOT } from '../support/project.js';

export interface PolicyRef {
  file: string;
  rule: string;
  stage: string;
  fact: string;
  path?: string;
}

function leafRefs(node: unknown, out: Array<{ fact: string; path?: string }>): void {
  if (!node || typeof node !== 'object') return;
  const n = node as Record<string, unknown>;
  const children = Array.isArray(n.all) ? n.all : Array.isArray(n.any) ? n.any : n.not ? [n.not] : null;
  if (children) {
    for (const c of children) leafRefs(c, out);
  } else if (typeof n.fact === 'string') {
    out.push({ fact: n.fact, path: n.path as string | undefined });
    collectRefs(n.value, out);
  }
}

/** Fact references of every rule in `policies/<kind>/` and the optional files naming a stage by `fileKey`. */
export function bundledRefs(kind: string, fileKey: string): PolicyRef[] {
  const files = [`policies/${kind}`, 'policies/optional'].flatMap((d) =>
    readdirSync(join(ROOT, d))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => `${d}/${f}`),
  );
  return files.flatMap((file) => {
    const body = parseYaml(readFileSync(join(ROOT, file), 'utf8'), file).data as Record<string, unknown>;
    const stage = body[fileKey];
    if (typeof stage !== 'string') return [];
    return ((body.rules ?? []) as Array<Record<string, unknown>>).flatMap((rule) => {
      const refs: Array<{ fact: string; path?: string }> = [];
      leafRefs(rule.when, refs);
      const then = rule.then as Record<string, unknown>;
      collectRefs([then.value, then.reject, then.message, then.help], refs);
      return refs.map((r) => ({ file, rule: String(rule.id), stage, ...r }));
    });
  });
}
