// Pictures of a policy set's precedence: per stage the rules in priority order and the facts they read (Mermaid, DOT, Markdown).
import type { PolicySet } from '../policy/load.js';
import type { LoadedRule } from '../policy/schema.js';
import type { StageTable } from '../policy/stage.js';
import { collectRefs } from '../policy/value-expr.js';

/** The fact paths a rule reads, in its conditions and its value or message, without repeats. */
export function factsRead(rule: LoadedRule): string[] {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    for (const k of ['all', 'any']) if (Array.isArray(n[k])) for (const c of n[k] as unknown[]) walk(c);
    if (n.not) walk(n.not);
    if (typeof n.fact === 'string') out.push(n.path ? `${n.fact}.${String(n.path)}` : n.fact);
    if (n.value !== undefined && typeof n.fact === 'string') for (const r of collectRefs(n.value)) out.push(r.path ? `${r.fact}.${r.path}` : r.fact);
  };
  walk(rule.when);
  for (const r of collectRefs([rule.then.value, rule.then.reject, rule.then.message])) out.push(r.path ? `${r.fact}.${r.path}` : r.fact);
  return [...new Set(out)];
}

/** What a rule does, in a few words: its value, a refusal, or its effect. */
function outcome(rule: LoadedRule): string {
  if (rule.then.reject !== undefined) return 'refuse';
  if (rule.then.effect !== undefined) return rule.then.effect;
  const v = rule.then.value;
  if (typeof v === 'string' || typeof v === 'number' || v === null) return JSON.stringify(v);
  return 'value';
}

const stagesOf = (table: StageTable, set: PolicySet) => table.stages.map((s) => ({ stage: s, rules: set.byStage.get(s.name) ?? [] }));

/** A Mermaid flowchart: one subgraph per stage, its rules chained in priority order, stages chained in table order. */
export function mermaid(table: StageTable, set: PolicySet): string {
  const id = (s: string) => s.replace(/[^A-Za-z0-9_]/g, '_');
  const esc = (s: string) => s.replace(/"/g, '#quot;');
  const out = ['flowchart TB'];
  const stages = stagesOf(table, set);
  for (const { stage, rules } of stages) {
    out.push(`  subgraph ${id(`s_${stage.name}`)}["${esc(`${stage.name} → ${stage.field} (${stage.combine})`)}"]`, '    direction TB');
    for (const r of rules) out.push(`    ${id(r.id)}["${esc(`${r.id} · ${r.priority} · ${outcome(r)}`)}<br/>${esc(factsRead(r).join(', ') || 'always')}"]`);
    rules.slice(1).forEach((r, i) => out.push(`    ${id(rules[i].id)} --> ${id(r.id)}`));
    out.push('  end');
  }
  stages.slice(1).forEach(({ stage }, i) => out.push(`  ${id(`s_${stages[i].stage.name}`)} --> ${id(`s_${stage.name}`)}`));
  return `${out.join('\n')}\n`;
}

/** The same picture as Graphviz DOT. */
export function dot(table: StageTable, set: PolicySet): string {
  const q = (s: string) => JSON.stringify(s);
  const out = [`digraph ${q(`wg-policy ${table.kind}`)} {`, '  rankdir=TB;', '  node [shape=box, fontsize=10];'];
  const stages = stagesOf(table, set);
  for (const { stage, rules } of stages) {
    out.push(`  subgraph ${q(`cluster_${stage.name}`)} {`, `    label=${q(`${stage.name} → ${stage.field} (${stage.combine})`)};`);
    out.push(`    ${q(`stage:${stage.name}`)} [shape=plaintext, label=${q(stage.name)}];`);
    for (const r of rules) out.push(`    ${q(r.id)} [label=${q(`${r.id} · ${r.priority} · ${outcome(r)}\n${factsRead(r).join(', ') || 'always'}`)}];`);
    const chain = [`stage:${stage.name}`, ...rules.map((r) => r.id)];
    chain.slice(1).forEach((r, i) => out.push(`    ${q(chain[i])} -> ${q(r)};`));
    out.push('  }');
  }
  stages.slice(1).forEach(({ stage }, i) => out.push(`  ${q(`stage:${stages[i].stage.name}`)} -> ${q(`stage:${stage.name}`)} [style=dashed];`));
  out.push('}');
  return `${out.join('\n')}\n`;
}

/** The README's precedence section: per stage a table of its rules, highest priority first, with what each reads and does. */
export function markdownPrecedence(table: StageTable, set: PolicySet): string {
  const how = (c: string) => (c === 'first-match' ? 'the highest-priority matching rule decides' : 'every matching rule counts; any deny wins');
  const cell = (t: string) => t.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();
  return stagesOf(table, set)
    .map(({ stage, rules }) => {
      const rows = rules.map(
        (r) =>
          `| ${r.priority} | \`${r.id}\` | ${
            factsRead(r)
              .map((f) => `\`${f}\``)
              .join(', ') || '—'
          } | ${cell(r.description)}${outcome(r) === 'value' ? '' : ` → ${outcome(r)}`} |`,
      );
      return [
        `**\`${stage.name}\`** → \`${stage.field}\` (${how(stage.combine)}): ${stage.does}`,
        '',
        '| priority | rule | reads | does |',
        '|---|---|---|---|',
        ...rows,
      ].join('\n');
    })
    .join('\n\n');
}
