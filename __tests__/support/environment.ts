// jest test environment: each test file runs with its own TMPDIR inside the run's (see global-setup.ts). Whatever the
// file's tests and the processes they start leave there (a gate keeps its scenario logs under $TMPDIR, for one) is
// removed when the file ends; every file also gets the worker's one registry of CLI hosts. Self-contained: jest loads it
// outside its module mapper.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestEnvironment } from 'jest-environment-node';

/** Makes a folder for one test file under the run's folder and points TMPDIR in `envs` at it. */
export function enterFileTmp(envs: NodeJS.ProcessEnv[], parent: string = process.env.WG_POLICY_TEST_TMP ?? tmpdir()): string {
  const dir = mkdtempSync(join(parent, 'file-'));
  for (const env of envs) env.TMPDIR = dir;
  return dir;
}

/** Removes a test file's folder with everything in it. */
export function leaveFileTmp(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** The CLI hosts of a jest worker and the last call id (see cli-host.ts), with what is kept for the worker's life. */
export interface CliHostRegistry<H> {
  hosts: Map<string, H>;
  lastId: number;
  /** A host's shared wake-up flag and its record, made outside any test file's context so none is kept alive. */
  flag: () => Int32Array;
  record: (fields: H) => H;
}

/** Loaded once per worker process, while each test file gets a fresh context: every file gets this same registry. */
const cliHosts: CliHostRegistry<unknown> = {
  hosts: new Map(),
  lastId: 0,
  flag: () => new Int32Array(new SharedArrayBuffer(8)),
  record: (fields) => ({ ...(fields as object) }),
};

export default class PrivateTmpEnvironment extends TestEnvironment {
  private dir = '';
  private saved: string | undefined;

  async setup(): Promise<void> {
    await super.setup();
    this.saved = process.env.TMPDIR;
    // The worker's own environment (os.tmpdir(), child processes) and the test context's copy of it.
    this.dir = enterFileTmp([process.env, this.global.process.env]);
    this.global.wgCliHosts = cliHosts;
  }

  async teardown(): Promise<void> {
    if (this.saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = this.saved;
    leaveFileTmp(this.dir);
    await super.teardown();
  }
}
