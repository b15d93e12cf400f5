// jest globalSetup: a private TMPDIR per run, inherited by the workers and by every process a test starts.
// (Self-contained: jest loads this file outside its module mapper, so it imports nothing relative.)
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Creates the run's folder under the current temp folder; points TMPDIR (so `os.tmpdir()`) and WG_POLICY_TEST_TMP at it. */
export function enterRunTmp(env: NodeJS.ProcessEnv = process.env): string {
  const dir = mkdtempSync(join(tmpdir(), 'wg-policy-test-'));
  env.WG_POLICY_TEST_TMP = dir;
  env.TMPDIR = dir;
  return dir;
}

export default function globalSetup(): void {
  enterRunTmp();
}
