// The child-process bundle cache: built once, reused while its inputs are unchanged, rebuilt when one of them changes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from '@jest/globals';
import { bundledChild } from './bundle.js';

const dir = mkdtempSync(join(tmpdir(), 'bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const runs = (file: string) => spawnSync(process.execPath, [file], { encoding: 'utf8' }).stdout;

test('a bundle is reused while its inputs are unchanged and rebuilt when one changes', async () => {
  const cache = join(dir, 'cache');
  writeFileSync(join(dir, 'entry.ts'), "import { word } from './word.js';\nconsole.log(word satisfies string);\n");
  writeFileSync(join(dir, 'word.ts'), "export const word = 'first';\n");
  const file = await bundledChild(join(dir, 'entry.ts'), 'child', cache);
  expect(runs(file)).toBe('first\n');
  const built = statSync(file).mtimeMs;

  expect(await bundledChild(join(dir, 'entry.ts'), 'child', cache)).toBe(file);
  expect(statSync(file).mtimeMs).toBe(built); // not rebuilt

  writeFileSync(join(dir, 'word.ts'), "export const word = 'second';\n"); // an input other than the entry
  expect(await bundledChild(join(dir, 'entry.ts'), 'child', cache)).toBe(file);
  expect(runs(file)).toBe('second\n');
});
