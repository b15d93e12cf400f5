// Scenario process cleanup: the process group and the strays that left it (found by run id), killed at the end or on exit.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';

/** Marks every process of a scenario run (ids of the enclosing runs, space-separated), so one that left the group is found. */
export const RUN_ID_VAR = 'WG_SMOKE_RUN_ID';

const POLL_MS = 25;

/** A fresh id for one scenario run, unique across processes. */
export function newRunId(): string {
  return `${process.pid}.${randomBytes(8).toString('hex')}`;
}

/** TERM to the whole group and to the run's strays, wait up to `graceMs` for all of them to go, then KILL. */
export async function terminateRun(pgid: number, runId: string, graceMs: number): Promise<void> {
  const alive = () => groupAlive(pgid) || straysOf(runId).length > 0;
  const signal = (sig: NodeJS.Signals) => signalRun(pgid, runId, sig);
  if (!alive()) return;
  signal('SIGTERM');
  const deadline = performance.now() + graceMs;
  while (performance.now() < deadline) {
    await delay(POLL_MS);
    if (!alive()) return;
  }
  signal('SIGKILL');
  for (let i = 0; i < 40 && alive(); i++) await delay(POLL_MS);
}

function signalRun(pgid: number, runId: string, signal: NodeJS.Signals): void {
  signalGroup(pgid, signal);
  for (const pid of straysOf(runId)) signalPid(pid, signal);
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: already gone.
  }
}

function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // ESRCH: already gone.
  }
}

/**
 * Live processes (Linux: from /proc) whose environment carries `runId` in {@link RUN_ID_VAR}: the ones that left
 * the scenario's group (`setsid`, daemonized) and that a walk of parent pids misses once they are re-parented.
 * A process that clears its environment (`env -i`) is not found.
 */
function straysOf(runId: string): number[] {
  if (process.platform !== 'linux') return [];
  const needle = Buffer.from(runId);
  const out: number[] = [];
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return out;
  }
  for (const pid of pids) {
    if (Number(pid) === process.pid) continue;
    let environ: Buffer;
    try {
      environ = readFileSync(`/proc/${pid}/environ`); // empty for a zombie
    } catch {
      continue; // gone, or not ours
    }
    if (environ.indexOf(needle) < 0) continue;
    const entry = environ
      .toString('utf8')
      .split('\0')
      .find((e) => e.startsWith(`${RUN_ID_VAR}=`));
    if (
      entry
        ?.slice(RUN_ID_VAR.length + 1)
        .split(' ')
        .includes(runId)
    )
      out.push(Number(pid));
  }
  return out;
}

// Zombies answer kill(0) until their new parent reaps them, so on Linux read /proc to see who is really running.
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (process.platform !== 'linux') return true;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return true;
  }
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue;
    }
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') return true;
  }
  return false;
}

// Runs still going (group → run id); if the gate itself is interrupted, they must not outlive it (detached groups miss ^C).
const activeRuns = new Map<number, string>();

/** Registers a running scenario (its group and run id) for the interrupt and exit handlers; returns the unregister. */
export function trackRun(pgid: number, runId: string): () => void {
  activeRuns.set(pgid, runId);
  return () => activeRuns.delete(pgid);
}

let guards = 0;
const INTERRUPTS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function onInterrupt(signal: NodeJS.Signals): void {
  for (const [pgid, runId] of activeRuns) signalRun(pgid, runId, 'SIGTERM');
  if (process.listenerCount(signal) === 1) {
    for (const sig of INTERRUPTS) process.removeListener(sig, onInterrupt);
    process.kill(process.pid, signal);
  }
}

function onProcessExit(): void {
  for (const [pgid, runId] of activeRuns) signalRun(pgid, runId, 'SIGKILL');
}

/** Kills the running scenarios if the gate is interrupted or exits; call the returned function when the runs are over. */
export function guardInterrupts(): () => void {
  if (guards++ === 0) {
    for (const sig of INTERRUPTS) process.on(sig, onInterrupt);
    process.on('exit', onProcessExit);
  }
  return () => {
    if (--guards === 0) {
      for (const sig of INTERRUPTS) process.removeListener(sig, onInterrupt);
      process.removeListener('exit', onProcessExit);
    }
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((res) => setTimeout(res, ms));
}
