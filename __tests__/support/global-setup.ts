// jest globalSetup: a private TMPDIR per run, inherited by the workers and by every process a test starts, and an
// environment without what would only slow each of those processes down.
// (Self-contained: jest loads this file outside its module mapper, so it imports nothing relative.)
import { accessSync, constants, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A writable memory-backed folder (Linux's `/dev/shm`), or undefined. */
export function memoryTmp(candidate = '/dev/shm'): string | undefined {
  try {
    accessSync(candidate, constants.W_OK | constants.X_OK);
    return statSync(candidate).isDirectory() ? candidate : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Where the run's folder goes: under `TMPDIR` when it is set; otherwise in memory when the machine has a writable
 * `/dev/shm` (the tests write and remove thousands of small scratch projects, which a disk-backed /tmp makes slow);
 * otherwise the system temp folder.
 */
export function runTmpParent(env: NodeJS.ProcessEnv = process.env): string {
  return env.TMPDIR ? env.TMPDIR : (memoryTmp() ?? tmpdir());
}

/** Creates the run's folder (see runTmpParent); points TMPDIR (so `os.tmpdir()`) and WG_POLICY_TEST_TMP at it. */
export function enterRunTmp(env: NodeJS.ProcessEnv = process.env): string {
  const dir = mkdtempSync(join(runTmpParent(env), 'wg-policy-test-'));
  env.WG_POLICY_TEST_TMP = dir;
  env.TMPDIR = dir;
  return dir;
}

/**
 * What the workers and every process they start should not inherit: `NODE_EXTRA_CA_CERTS` makes each Node process
 * parse that bundle at start (~60 ms of CPU for a distribution's bundle), and no test makes a TLS connection.
 */
export function leaveOutOfRun(env: NodeJS.ProcessEnv = process.env): void {
  delete env.NODE_EXTRA_CA_CERTS;
}

export default function globalSetup(): void {
  leaveOutOfRun();
  enterRunTmp();
}
