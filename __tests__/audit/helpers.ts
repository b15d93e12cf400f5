// Shared fixtures for the audit tests: temp dirs, sample decisions, synthetic logs, the child-process bundle.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sealRecord, writeHead } from '../../src/audit/chain.js';
import type { AuditRecord, ChainHead, Decision } from '../../src/audit/event.js';
import { bundledChild } from '../support/bundle.js';

/** A fresh temp dir, removed by the returned cleanup. */
export function tempDir(prefix = 'wg-audit-'): { dir: string; cleanup(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** A plausible spawn decision for `taskId`. */
export function spawnDecision(taskId: string, overrides: Partial<Decision> = {}): Decision {
  return {
    kind: 'spawn',
    taskId,
    policyRevision: 'rev-abc123',
    inputs: [
      { layer: 'local', file: '.wg/config.toml', key: 'dispatcher.executor', value: 'claude' },
      { layer: 'default', file: null, key: 'model', value: 'claude:opus' },
    ],
    result: { executor: 'claude', model: 'claude:opus', argv: ['claude', '--print'], env: { WG_TASK_ID: taskId } },
    rules: [
      { field: 'executor', rule: 'executor.local-dispatcher', policy: 'policies/spawn/executor.yaml:14' },
      { field: 'model', rule: 'model.default', policy: 'policies/spawn/model.yaml:3' },
    ],
    ...overrides,
  };
}

/** Writes `count` chained records straight to `file` (no lock, no winston) and its head sidecar; returns the head. */
export function writeSyntheticLog(
  file: string,
  count: number,
  make: (seq: number) => Omit<AuditRecord, 'seq' | 'prev' | 'hash'>,
  start?: ChainHead,
): ChainHead | undefined {
  let head = start;
  const fd = fs.openSync(file, 'a');
  try {
    let batch: string[] = [];
    for (let seq = 0; seq < count; seq++) {
      const record = sealRecord(make(seq), head);
      head = { seq: record.seq, hash: record.hash };
      batch.push(JSON.stringify(record));
      if (batch.length === 1000 || seq === count - 1) {
        fs.writeSync(fd, `${batch.join('\n')}\n`);
        batch = [];
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  if (head) writeHead(file, head);
  return head;
}

/** A minimal unsealed record for synthetic logs. */
export function syntheticBody(seq: number, extra: Partial<AuditRecord> = {}): Omit<AuditRecord, 'seq' | 'prev' | 'hash'> {
  return {
    id: `id-${String(seq).padStart(8, '0')}`,
    ts: new Date(Date.UTC(2025, 0, 1) + seq * 1000).toISOString(),
    kind: seq % 2 ? 'gate' : 'spawn',
    task: `task-${seq % 10}`,
    actor: 'tester',
    policyRevision: 'rev-1',
    inputs: [],
    result: { n: seq },
    rules: [{ field: 'executor', rule: `rule-${seq % 3}`, policy: 'p.yaml:1' }],
    masked: [],
    ...extra,
  };
}

let child: Promise<string> | undefined;

/** The child script (src/audit and its dependencies, bundled; rebuilt only when one of them changes): its path. */
export function buildChild(): Promise<string> {
  child ??= bundledChild('__tests__/audit/fixtures/child.ts', 'audit-child');
  return child;
}

/** Lines of a file (without the trailing empty one). */
export function lines(file: string): string[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '');
}
