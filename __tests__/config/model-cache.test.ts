// wg's model cache: only models[].id is read; short names resolve exactly, by unique suffix, by unique substring.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { loadModelCache, openRouterListed, resolveShortName } from '../../src/config/model-cache.js';

const dir = mkdtempSync(join(tmpdir(), 'wgp-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadModelCache', () => {
  test.each<{ note: string; text?: string; ids: string[] | null; problem?: RegExp }>([
    { note: 'no file is no cache', ids: null },
    { note: 'ids in order, other keys ignored', text: '{"fetched_at":"x","models":[{"id":"a/b","name":"B"},{"id":"c"}]}', ids: ['a/b', 'c'] },
    { note: 'invalid JSON is no cache, with the reason', text: '{', ids: null, problem: /^invalid JSON/ },
    { note: 'no models list is no cache', text: '{"data":[]}', ids: null, problem: /no `models` list/ },
    { note: 'an entry without an id is no cache', text: '{"models":[{"name":"x"}]}', ids: null, problem: /without a string `id`/ },
  ])('$note', ({ text, ids, problem }) => {
    const d = mkdtempSync(join(dir, 'c'));
    if (text !== undefined) writeFileSync(join(d, 'model_cache.json'), text);
    const cache = loadModelCache(d, '.wg/model_cache.json');
    expect(cache.ids).toEqual(ids);
    if (problem) expect(cache.problem).toMatch(problem);
    else expect(cache.problem).toBeUndefined();
  });
});

describe('resolveShortName (wg: resolve_short_model_name)', () => {
  const ids = ['openai/gpt-5.5', 'minimax/minimax-m2.7', 'qwen/qwen3-coder', 'qwen/qwen3-coder-plus', 'deepseek/deepseek-chat', 'm2'];
  test.each<[string, string | null, string[]]>([
    ['openai/gpt-5.5', 'openai/gpt-5.5', []],
    ['m2', 'm2', []],
    ['GPT-5.5', 'openai/gpt-5.5', []],
    ['m2.7', 'minimax/minimax-m2.7', []],
    ['qwen3-coder', 'qwen/qwen3-coder', []],
    ['qwen3', null, ['qwen/qwen3-coder', 'qwen/qwen3-coder-plus']],
    ['openrouter:gpt-5.5', 'openai/gpt-5.5', []],
    ['deepseek-chta', null, ['deepseek/deepseek-chat']],
    ['zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz', null, []],
  ])('%j → %j, suggestions %j', (model, resolved, suggestions) => {
    const r = resolveShortName(model, ids);
    expect(r.resolved).toBe(resolved);
    if (resolved === null && suggestions.length) expect(r.suggestions.slice(0, suggestions.length)).toEqual(suggestions);
    if (resolved !== null) expect(r.suggestions).toEqual([]);
  });

  test('no cache resolves nothing and suggests nothing', () => {
    expect(resolveShortName('gpt-5.5', null)).toEqual({ resolved: null, suggestions: [] });
  });

  test('suggestions are the 3 nearest within the length of the name', () => {
    expect(resolveShortName('abcd', ['abce', 'abcf', 'abcg', 'abch', 'zzzzzzzzzz']).suggestions).toEqual(['abce', 'abcf', 'abcg']);
  });
});

test("openRouterListed: wg's pre-flight (openrouter/auto always listed; no cache: unchecked)", () => {
  expect(openRouterListed('openrouter:qwen/qwen3-coder', ['qwen/qwen3-coder'])).toBe(true);
  expect(openRouterListed('openrouter:qwen/qwen3-codr', ['qwen/qwen3-coder'])).toBe(false);
  expect(openRouterListed('openrouter:openrouter/auto', [])).toBe(true);
  expect(openRouterListed('nex:org/m', null)).toBeNull();
});
