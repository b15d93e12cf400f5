// bin/wg-policy.cjs's code cache: one file per command and bundle, and a new build's cache removes the older builds'
// caches of the same command (they used to pile up with every rebuild and upgrade), never another install's.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { BIN } from '../support/project.js';

const V8 = process.versions.v8;
let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'wgp-code-cache-'));
  mkdirSync(join(root, 'bin'));
  mkdirSync(join(root, 'dist'));
  copyFileSync(BIN, join(root, 'bin', 'wg-policy.cjs'));
  // A stand-in bundle: the bin only needs `start`.
  writeFileSync(join(root, 'dist', 'cli.cjs'), "exports.start = () => process.stdout.write('started\\n');\n");
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const dist = () => join(root, 'dist');
const userCache = () => join(root, 'xdg', 'wg-policy');
const identity = () => {
  const st = statSync(join(dist(), 'cli.cjs'));
  return `${st.ino}-${st.size}-${Math.round(st.mtimeMs)}`;
};
const caches = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.v8cache'))
    .sort();

function run(command: string): void {
  const env = { PATH: process.env.PATH, HOME: root, XDG_CACHE_HOME: join(root, 'xdg') };
  const r = spawnSync(process.execPath, [join(root, 'bin', 'wg-policy.cjs'), command], { env, encoding: 'utf8' });
  expect([r.status, r.stdout, r.stderr]).toEqual([0, 'started\n', '']);
}

/** Gives the bundle a new identity, as a rebuild does. */
function rebuild(): void {
  const later = new Date(statSync(join(dist(), 'cli.cjs')).mtimeMs + 5000);
  utimesSync(join(dist(), 'cli.cjs'), later, later);
}

test("a rebuilt bundle's cache replaces its older build's, beside the bundle; other commands and V8 versions stay", () => {
  const keep = [`cli.cjs.serve.${V8}.1-2-3.v8cache`, `cli.cjs.plan.0.0.0.0.1-2-3.v8cache`];
  for (const f of [...keep, `cli.cjs.plan.${V8}.1-2-3.v8cache`]) writeFileSync(join(dist(), f), 'old');
  run('plan');
  expect(caches(dist())).toEqual([`cli.cjs.plan.${V8}.${identity()}.v8cache`, ...keep].sort());
  const first = identity();
  rebuild();
  run('plan');
  expect(identity()).not.toBe(first);
  expect(caches(dist())).toEqual([`cli.cjs.plan.${V8}.${identity()}.v8cache`, ...keep].sort());
});

test("where the bundle's folder cannot take it, the cache goes to the user's folder, which keeps other installs' caches", () => {
  // A folder where the cache file would go: the write beside the bundle fails, as in a read-only install.
  const blocked = () => {
    mkdirSync(join(dist(), `cli.cjs.plan.${V8}.${identity()}.v8cache`, 'x'), { recursive: true });
  };
  blocked();
  run('plan');
  const [mine] = caches(userCache());
  const tag = mine.slice(`cli.plan.${V8}.`.length).split('.')[0];
  expect([mine, tag]).toEqual([`cli.plan.${V8}.${tag}.${identity()}.v8cache`, expect.stringMatching(/^[0-9a-f]{8}$/)]);
  const another = `cli.plan.${V8}.00000000.1-2-3.v8cache`;
  writeFileSync(join(userCache(), another), 'another install');
  rebuild();
  blocked();
  run('plan');
  expect(caches(userCache())).toEqual([another, `cli.plan.${V8}.${tag}.${identity()}.v8cache`].sort());
});
