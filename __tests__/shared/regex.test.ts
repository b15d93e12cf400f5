// The `matches` adapter: patterns refused when they cannot run in linear time; the rest run in linear time.
import { compilePattern, loadLinearEngine, needsLinearEngine, patternProblem, testPattern } from '../../src/shared/regex.js';

beforeAll(() => loadLinearEngine());

test.each(['(a)\\1', '(?=a)', '(?!a)', '(?<=a)b', '(?<!a)b', '(?<n>a)\\k<n>', '(', '[', 'a{2,1}', 'a'.repeat(1001)])('%s is refused', (p) => {
  expect(patternProblem(p)).toEqual(expect.any(String));
  expect(testPattern(p, 'aaa')).toBe(false);
});

test.each([
  ['^\\.assign-', '.assign-x', true],
  ['^https?://', 'http://h', true],
  ['/', 'a/b', true],
  ['^claude$', 'claude', true],
  ['^claude$', 'xclaude', false],
])('the simple pattern %s runs natively', (p, text, want) => {
  expect(needsLinearEngine(p)).toBe(false);
  expect(compilePattern(p)).toBeInstanceOf(RegExp);
  expect(testPattern(p, text)).toBe(want);
});

test.each(['^(a+)+$', '(a|a)*b', '(.*a){12}', '^(\\w+\\s?)*$', '.*.*.*.*=.*'])('%s runs in linear time on hostile text', (p) => {
  expect(needsLinearEngine(p)).toBe(true);
  expect(patternProblem(p)).toBeNull();
  const text = `${'a'.repeat(50_000)}!`;
  const t = process.hrtime.bigint();
  testPattern(p, text);
  // A backtracking engine takes longer than the age of the universe here; RE2 takes milliseconds per 50k characters.
  expect(Number(process.hrtime.bigint() - t) / 1e9).toBeLessThan(20);
});

test('non-strings never match', () => {
  expect(testPattern(5, 'a')).toBe(false);
  expect(testPattern('a', 5)).toBe(false);
  expect(testPattern({ fact: 'task' }, 'a')).toBe(false);
});
