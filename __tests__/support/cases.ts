// The one YAML case runner (OPA's cases + ESLint's RuleTester): typed cases, unknown keys rejected, each case run
// through the library and the CLI, errors asserted by code and location.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import * as z from 'zod/mini';
import { PolicyError, exitCodeFor } from '../../src/shared/errors.js';
import type { WantError } from '../../src/tools/want-error.js';

export { WantErrorSchema, type WantError } from '../../src/tools/want-error.js';

/** A case file: `cases:` and nothing else. */
const FileSchema = z.strictObject({ cases: z.array(z.unknown()) });

/** Parses and validates every case file in `dir` against `schema`; a bad case is reported as a failing entry. */
export function loadCases<T extends { note: string; want?: object; want_error?: WantError }>(
  dir: string,
  schema: z.ZodMiniType<T>,
): Array<[string, T | Error]> {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((f) => {
      const file = FileSchema.safeParse(parse(readFileSync(join(dir, f), 'utf8')));
      if (!file.success) return [[`${f}: (file)`, new Error(`${f}: ${file.error.issues[0].message}`)] as [string, Error]];
      return file.data.cases.map((raw, i): [string, T | Error] => {
        const note = (raw as { note?: unknown })?.note;
        const name = `${f}: ${typeof note === 'string' ? note : `case #${i + 1}`}`;
        const c = validateCase(raw, schema);
        return [name, c];
      });
    });
}

/** A case that parses, has exactly one of `want` / `want_error`, and asserts something; else an Error saying why. */
export function validateCase<T extends { note: string; want?: object; want_error?: WantError }>(raw: unknown, schema: z.ZodMiniType<T>): T | Error {
  const r = schema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    const keys = (issue as { keys?: string[] }).keys;
    return new Error(`invalid case at \`${issue.path.join('.') || '(case)'}\`: ${keys ? `unknown key(s) ${keys.join(', ')}` : issue.message}`);
  }
  const c = r.data;
  if ((c.want === undefined) === (c.want_error === undefined)) return new Error('a case needs exactly one of `want` and `want_error`');
  if (c.want !== undefined && Object.keys(c.want).length === 0) return new Error('a case with an empty `want` asserts nothing');
  return c;
}

/** Asserts a library error against the expectation: the project's error type, its code and location. */
export function expectLibraryError(err: unknown, want: WantError): void {
  expect(err).toBeInstanceOf(PolicyError);
  const e = err as PolicyError;
  expect({ code: e.code, message: e.message }).toEqual({ code: want.code, message: expect.any(String) });
  // A file is matched as a path suffix (temp folders are absolute); everything else exactly.
  if (want.file !== undefined) expect(['file', e.file === want.file || !!e.file?.endsWith(`/${want.file}`) ? want.file : e.file]).toEqual(['file', want.file]);
  for (const k of ['line', 'column', 'key', 'rule'] as const) if (want[k] !== undefined) expect([k, e[k]]).toEqual([k, want[k]]);
  for (const m of want.message ?? []) expect(e.message).toContain(m);
  for (const h of want.help ?? []) expect(e.help ?? '').toContain(h);
  expect(e.message).not.toContain('\n');
}

/** Asserts a CLI run against the expectation: exit class, `[code]`, the location on stderr, no stack trace. */
export function expectCliError(r: { code: number; stdout: string; stderr: string }, want: WantError, stdoutEmpty = true): void {
  expect(r.code).toBe(exitCodeFor(want.code));
  if (stdoutEmpty) expect(r.stdout).toBe('');
  expect(r.stderr).toContain(`[${want.code}]`);
  if (want.file !== undefined) expect(r.stderr).toContain(want.line === undefined ? want.file : `${want.file}:${want.line}`);
  if (want.rule !== undefined) expect(r.stderr).toContain(want.rule);
  for (const m of [...(want.message ?? []), ...(want.help ?? [])]) expect(r.stderr).toContain(m);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
}

/** Fails a test for an invalid case, so a broken case can never pass by asserting nothing. */
export function usable<T>(c: T | Error): T {
  if (c instanceof Error) throw c;
  return c;
}
