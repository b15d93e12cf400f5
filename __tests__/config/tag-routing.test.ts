// wg's [[tag_routing]]: the first rule in file order whose tag the task carries (tests tag_routing_* in wg's config.rs).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from '@jest/globals';
import { emptyConfig, loadConfigFile } from '../../src/config/load-toml.js';
import { matchTagRouting } from '../../src/config/tag-routing.js';

const dir = mkdtempSync(join(tmpdir(), 'wgp-tags-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (text: string, shown: string) => {
  const p = join(dir, `c${n++}.toml`);
  writeFileSync(p, text);
  return loadConfigFile(p, shown);
};
const rules = file(
  '[[tag_routing]]\ntag = "frontend"\nmodel = "codex:gpt-5-codex"\nexecutor = "codex"\n\n[[tag_routing]]\ntag = "infra"\nmodel = "claude:opus"\n',
  '.wg/config.toml',
);

test('tag_routing_matches_first_rule_by_order', () => {
  expect(matchTagRouting(rules, emptyConfig('g'), ['frontend', 'urgent'])).toEqual({
    tag: 'frontend',
    model: 'codex:gpt-5-codex',
    source: { layer: 'local', file: '.wg/config.toml', key: 'tag_routing[0].model', value: 'codex:gpt-5-codex' },
  });
});

test('tag_routing_returns_none_with_no_match', () => {
  expect(matchTagRouting(rules, emptyConfig('g'), ['backend'])).toBeNull();
  expect(matchTagRouting(rules, emptyConfig('g'), [])).toBeNull();
});

test('tag_routing_first_rule_wins_when_task_has_multiple_tags: file order, not tag order', () => {
  const r = file('[[tag_routing]]\ntag = "urgent"\nmodel = "claude:opus"\n[[tag_routing]]\ntag = "frontend"\nmodel = "codex:gpt-5-codex"\n', 'l');
  expect(matchTagRouting(r, emptyConfig('g'), ['frontend', 'urgent'])?.model).toBe('claude:opus');
});

test('a global list counts only when the project has none (arrays replace), and tags match case-sensitively', () => {
  const global = file('[[tag_routing]]\ntag = "ui"\nmodel = "claude:haiku"\n', '~/.wg/config.toml');
  expect(matchTagRouting(emptyConfig('l'), global, ['ui'])?.source).toMatchObject({ layer: 'global', file: '~/.wg/config.toml' });
  expect(matchTagRouting(rules, global, ['ui'])).toBeNull();
  expect(matchTagRouting(emptyConfig('l'), global, ['UI'])).toBeNull();
});
