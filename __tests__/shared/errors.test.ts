// Errors as data: codes map to exit classes; location is composed only when printed; messages stay one line.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import {
  ERROR_CODES,
  type ErrorCode,
  exitCodeFor,
  formatError,
  inputError,
  jsonSyntaxReason,
  joinLineBreaks,
  PolicyError,
  PolicyProblems,
  where,
} from '../../src/shared/errors.js';
import * as fc from 'fast-check';
import { errnoReason } from '../../src/shared/read-file.js';
import { sized } from '../support/stress.js';
import { ROOT } from '../support/project.js';

describe('exit classes', () => {
  test.each([
    ['rule-rejected', 1],
    ['no-rule-matched', 1],
    ['task-status', 1],
    ['usage', 2],
    ['toml-syntax', 2],
    ['rule-value', 2],
    ['unreachable-rule', 2],
    ['lock-failed', 3],
    ['internal', 3],
  ] as Array<[ErrorCode, number]>)('%s exits %i', (code, exit) => {
    expect(exitCodeFor(code)).toBe(exit);
    expect(new PolicyError(code, 'x').exit).toBe(exit);
  });

  test('an unknown code is internal (3)', () => {
    expect(exitCodeFor('no-such-code')).toBe(3);
    // Inherited properties are not codes.
    expect(exitCodeFor('toString')).toBe(3);
    expect(exitCodeFor('__proto__')).toBe(3);
  });

  test('every code maps to 1, 2 or 3', () => {
    for (const exit of Object.values(ERROR_CODES)) expect([1, 2, 3]).toContain(exit);
  });
});

describe('where', () => {
  test.each([
    [undefined, 3, 4, ''],
    ['a.toml', undefined, undefined, 'a.toml'],
    ['a.toml', 3, undefined, 'a.toml:3'],
    ['a.toml', 3, 4, 'a.toml:3:4'],
    ['a.toml', undefined, 4, 'a.toml'],
  ])('where(%s, %s, %s) is %j', (file, line, column, want) => {
    expect(where(file, line, column)).toBe(want);
  });
});

describe('format', () => {
  const cases: Array<{ note: string; error: PolicyError; want: string }> = [
    {
      note: 'file, line and column before the sentence',
      error: new PolicyError('toml-syntax', 'invalid TOML: bad', { file: 'c.toml', line: 2, column: 5 }),
      want: 'c.toml:2:5: invalid TOML: bad',
    },
    {
      note: 'file and line',
      error: new PolicyError('config-type', '`x` must be a string', { file: 'c.toml', line: 2 }),
      want: 'c.toml:2: `x` must be a string',
    },
    { note: 'no location: the sentence alone', error: new PolicyError('usage', 'missing task id'), want: 'missing task id' },
    {
      note: 'a refusal names rule and location after the sentence',
      error: new PolicyError('rule-rejected', 'codex cannot run claude', { rule: 'compat.x', file: 'p.yaml', line: 7 }),
      want: 'codex cannot run claude (rule compat.x, p.yaml:7)',
    },
    { note: 'a refusal without a file names the rule alone', error: new PolicyError('rule-rejected', 'no', { rule: 'r.a' }), want: 'no (rule r.a)' },
    {
      note: 'bad input naming a rule appends it',
      error: new PolicyError('rule-value', 'bad value', { rule: 'm.a', file: 'p.yaml', line: 3 }),
      want: 'p.yaml:3: bad value (rule m.a)',
    },
    {
      note: 'a rule already named in backticks is not repeated',
      error: new PolicyError('rule-value', 'rule `m.a` gave a bad value', { rule: 'm.a', file: 'p.yaml', line: 3 }),
      want: 'p.yaml:3: rule `m.a` gave a bad value',
    },
  ];
  test.each(cases)('$note', ({ error, want }) => {
    expect(error.format()).toBe(want);
    expect(formatError(error)).toBe(want);
  });
});

describe('PolicyError', () => {
  test('a multi-line message becomes one line', () => {
    const e = new PolicyError('usage', 'first line\n   second line\r\nthird');
    expect(e.message).toBe('first line second line third');
    expect(e.message).not.toMatch(/\n/);
  });

  test('keeps code and info as data; undefined info stays undefined', () => {
    const e = inputError('config-type', 'bad', { file: 'c.toml', line: 1, key: 'a.b', help: 'fix it', column: undefined });
    expect(e).toBeInstanceOf(PolicyError);
    expect(e).toBeInstanceOf(Error);
    expect(e).toMatchObject({ name: 'PolicyError', code: 'config-type', file: 'c.toml', line: 1, key: 'a.b', help: 'fix it' });
    expect(e.column).toBeUndefined();
    expect(e.rule).toBeUndefined();
  });

  test('toJSON has code, message, exit and only the info that is set', () => {
    const e = new PolicyError('rule-rejected', 'no', { rule: 'r.a', file: 'p.yaml', line: 2 });
    expect(e.toJSON()).toEqual({ code: 'rule-rejected', message: 'no', exit: 1, file: 'p.yaml', line: 2, rule: 'r.a' });
    expect(JSON.parse(JSON.stringify(e))).toEqual(e.toJSON());
    expect(new PolicyError('internal', 'x').toJSON()).toEqual({ code: 'internal', message: 'x', exit: 3 });
  });
});

describe('PolicyProblems', () => {
  const p = (n: number) => new PolicyError('unknown-fact', `problem ${n}`, { file: 'p.yaml', line: n, rule: `r.${n}` });

  test.each([
    [1, 'problem 1'],
    [2, 'problem 1 (and 1 more problem; run `wg-policy check`)'],
    [3, 'problem 1 (and 2 more problems; run `wg-policy check`)'],
  ])('%i problem(s) read %j', (n, message) => {
    const problems = Array.from({ length: n }, (_, i) => p(i + 1));
    const e = new PolicyProblems(problems);
    expect(e.message).toBe(message);
    expect(e.problems).toEqual(problems);
    expect(e).toMatchObject({ code: 'unknown-fact', file: 'p.yaml', line: 1, rule: 'r.1' });
    expect(e).toBeInstanceOf(PolicyError);
  });
});

test('jsonSyntaxReason keeps why JSON.parse failed, never the piece of input it quotes', () => {
  const reason = (text: string) => {
    try {
      JSON.parse(text);
    } catch (e) {
      return jsonSyntaxReason(e);
    }
    throw new Error('parsed');
  };
  expect(reason('{"OPENAI_API_KEY":sk-proj-SECRET123456}')).toBe("Unexpected token 's'");
  expect(reason('sk-proj-S')).toBe("Unexpected token 's'");
  expect(reason('{"a":1')).toBe("Expected ',' or '}' after property value in JSON at position 6");
  for (const text of ['undefined', 'NaN']) expect(reason(text)).toBe('not a JSON value');
});

test('the bundles keep the class names, and an error from either build is instanceof the other build’s PolicyError', () => {
  const script = `
    import { createRequire } from 'node:module';
    import { inspect } from 'node:util';
    const esm = await import(${JSON.stringify(join(ROOT, 'dist', 'index.mjs'))});
    const cjs = createRequire(import.meta.url)(${JSON.stringify(join(ROOT, 'dist', 'index.cjs'))});
    const fromCjs = new cjs.PolicyError('usage', 'x');
    const fromEsm = new esm.PolicyError('usage', 'y');
    console.log(JSON.stringify({
      names: [esm.PolicyError.name, cjs.PolicyError.name, fromCjs.constructor.name],
      shown: inspect(fromEsm).split(':')[0],
      across: [fromCjs instanceof esm.PolicyError, fromEsm instanceof cjs.PolicyError],
      others: [new Error('z') instanceof esm.PolicyError, { code: 'usage' } instanceof cjs.PolicyError, null instanceof esm.PolicyError],
    }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(JSON.parse(r.stdout)).toEqual({
    names: ['PolicyError', 'PolicyError', 'PolicyError'],
    shown: '[PolicyError', // as Node shows an error without stack frames (see the WG_POLICY_DEBUG test)
    across: [true, true],
    others: [false, false, false],
  });
});

test('a policy error carries no stack frames unless WG_POLICY_DEBUG=1, which prints them; other errors keep theirs', () => {
  const run = (env: NodeJS.ProcessEnv) =>
    spawnSync(process.execPath, [join(ROOT, 'bin', 'wg-policy.cjs'), 'plan', 'no-such-task', '--dir', join(ROOT, 'no-such-dir', '.wg')], {
      env: { PATH: process.env.PATH, HOME: ROOT, NO_COLOR: '1', ...env },
      encoding: 'utf8',
    });
  const plain = run({});
  expect(plain.status).toBe(2);
  expect(plain.stderr).not.toMatch(/\n\s+at /);
  const debug = run({ WG_POLICY_DEBUG: '1' });
  expect(debug.status).toBe(2);
  expect(debug.stderr).toMatch(/\nPolicyError: .*\n\s+at /);
  expect(new PolicyError('usage', 'x').stack).toBe('PolicyError: x');
  expect(new Error('y').stack).toMatch(/\n\s+at /);
});

describe('linear-time text handling in errors (a run of spaces in a hostile field made each error take seconds)', () => {
  test('joinLineBreaks gives what replacing \\s*\\n\\s* with one space gives, on random text', () => {
    const unit = fc.constantFrom(' ', '\n', '\t', '\r', '\u2028', '\u00a0', 'a', 'b');
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 30 }), (text) => {
        expect(joinLineBreaks(text)).toBe(text.replace(/\s*\n\s*/g, ' '));
      }),
      { numRuns: sized(5_000, 50_000) },
    );
  });
  test('errnoReason gives what the pattern it stands for gives, on random messages', () => {
    const unit = fc.constantFrom(', ', 'open', 'x', "'", ' ', '\n', '\r', '/', 'é', '_', '1');
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 24 }), (tail) => {
        const message = `ENOENT: no such file${tail}`;
        expect(errnoReason(new Error(message))).toBe(message.replace(/^[A-Z]+: /, '').replace(/, \w+( '.*')?$/, ''));
      }),
      { numRuns: sized(5_000, 50_000) },
    );
    expect(errnoReason(new Error("ENAMETOOLONG: name too long, open '/x/y'"))).toBe('name too long');
    expect(errnoReason(new Error('EACCES: permission denied, mkdir'))).toBe('permission denied');
  });
});
