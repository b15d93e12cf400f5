// The CLI host (cli-host.ts) answers as bin/wg-policy.cjs does, no call's environment or working directory reaches the
// next, and a call past its deadline is killed, reported, and followed by a fresh host.
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostCli } from './cli-host.js';
import { cli, scratch } from './project.js';

const s = scratch({ 'project/.wg/config.toml': '[dispatcher]\nexecutor = "claude"\n' });
writeFileSync(
  join(s.wgDir, 'graph.jsonl'),
  `${JSON.stringify({ kind: 'task', id: 't1', title: 'ok', status: 'open' })}\n${JSON.stringify({ kind: 'task', id: 't2', title: 'refused', model: 'nex:qwen3' })}\n`,
);
afterAll(() => s.cleanup());
const opts = { home: s.home, cwd: s.project };

async function waitUntil(ok: () => boolean): Promise<void> {
  for (const until = Date.now() + 10_000; !ok();) {
    if (Date.now() > until) throw new Error('gave up waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test.each(
  [
    ['--version'],
    ['plan', 't1', '--no-audit'],
    ['plan', 't2', '--no-audit'],
    ['plan', 'no-such-task'],
    ['plan', 't1', '--bogus'],
    ['explain', 't1', '--field', 'executor'],
  ].map((args) => [args.join(' '), args] as const),
)('%s: the same stdout, stderr and exit code as a process', (_name, args) => {
  expect(hostCli(args, opts)).toEqual({ ...cli(args, opts), timedOut: false });
});

test("one call's environment and working directory do not reach the next", () => {
  const plan = (o: Parameters<typeof hostCli>[1]) => hostCli(['plan', 't1', '--no-audit', '-q'], { home: s.home, ...o }).code;
  expect(plan({ cwd: s.home, env: { WG_DIR: s.project } })).toBe(0);
  expect(plan({ cwd: s.project })).toBe(0);
  const after = hostCli(['plan', 't1', '--no-audit'], { home: s.home, cwd: s.home });
  expect([after.code, after.stderr]).toEqual([2, expect.stringContaining('no wg directory found')]);
});

test('a call that waits past its deadline (on graph.lock, held by another process) is killed and reported; the next call works', async () => {
  writeFileSync(join(s.wgDir, 'graph.jsonl'), `${JSON.stringify({ kind: 'task', id: 't3', title: 'busy', status: 'in-progress' })}\n`, { flag: 'a' });
  const holder = spawn('flock', [join(s.wgDir, 'graph.lock'), 'sleep', '30'], { stdio: 'ignore' });
  try {
    await waitUntil(() => spawnSync('flock', ['-n', join(s.wgDir, 'graph.lock'), 'true']).status === 1); // held
    const started = Date.now();
    const r = hostCli(['done', 't3', '--skip-smoke', '--no-audit'], { ...opts, timeoutMs: 1000 });
    expect(r).toEqual({ code: -1, stdout: '', stderr: '', timedOut: true });
    expect(Date.now() - started).toBeLessThan(15_000); // killed at its deadline, not after done's own 30 s wait
  } finally {
    holder.kill();
  }
  expect(hostCli(['--version'], opts)).toEqual({ code: 0, stdout: '0.1.0\n', stderr: '', timedOut: false });
});

test('a call past its deadline is reported as timed out; the next call gets a fresh host', () => {
  // A deadline of 0 passes before any answer can come (a warm plan in the host may take less than a millisecond).
  expect(hostCli(['plan', 't1', '--no-audit'], { ...opts, timeoutMs: 0 })).toEqual({ code: -1, stdout: '', stderr: '', timedOut: true });
  expect(hostCli(['--version'], opts)).toEqual({ code: 0, stdout: '0.1.0\n', stderr: '', timedOut: false });
});

test('the hosts live in the registry the test environment hands every file (which is how the next file reuses them)', () => {
  const registry = (globalThis as { wgCliHosts?: { hosts: Map<string, unknown> } }).wgCliHosts;
  expect(registry).toBeDefined();
  expect(hostCli(['--version'], opts).code).toBe(0);
  expect(registry!.hosts.has('cached')).toBe(true);
});
