// Test support: a test file's own temporary folder of numbered files, made before its tests and removed after them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from '@jest/globals';

/** `write(lines)`: a new file `<name><n><ext>` in the folder holding `lines` (joined by newlines), its path; `at(file)`: a path in the folder. */
export function tempFiles(name: string, ext: string): { write: (lines: readonly string[]) => string; at: (file: string) => string } {
  let dir = '';
  let n = 0;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), `wgp-${name}-`));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return {
    write: (lines) => {
      const path = join(dir, `${name}${n++}${ext}`);
      writeFileSync(path, lines.join('\n'));
      return path;
    },
    at: (file) => join(dir, file),
  };
}
