// A throwaway wg project on disk for policy tests and test cases: `<root>/project/.wg/` and a fake `<root>/home`.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A scratch project; `cleanup()` removes all of it. */
export interface ScratchProject {
  root: string;
  project: string;
  wgDir: string;
  home: string;
  cleanup(): void;
}

/** Creates a scratch project under the temp folder; `files` (paths relative to the root) are written into it. */
export function scratchProject(prefix: string, files: Record<string, string> = {}): ScratchProject {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const project = join(root, 'project');
  const wgDir = join(project, '.wg');
  const home = join(root, 'home');
  mkdirSync(wgDir, { recursive: true });
  mkdirSync(home, { recursive: true });
  for (const [rel, text] of Object.entries(files)) {
    const path = join(root, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  return { root, project, wgDir, home, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
