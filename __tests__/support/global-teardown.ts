// jest globalTeardown: the run's private TMPDIR (see global-setup.ts) must be empty; it is removed either way.
import { readdirSync, rmSync } from 'node:fs';

/** What a run left behind in `dir` (names, sorted; folders end in `/`). */
export function leftovers(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .map((e) => (e.isDirectory() ? `${e.name}/` : e.name))
    .sort();
}

/** Removes the run's folder; throws naming what the tests left in it, so a test that leaks fails the run. */
export function leaveRunTmp(dir: string): void {
  const left = leftovers(dir);
  rmSync(dir, { recursive: true, force: true });
  if (left.length > 0) throw new Error(`the tests left ${left.length} item(s) in $TMPDIR: ${left.slice(0, 20).join(', ')}`);
}

export default function globalTeardown(): void {
  const dir = process.env.WG_POLICY_TEST_TMP;
  if (dir) leaveRunTmp(dir);
}
