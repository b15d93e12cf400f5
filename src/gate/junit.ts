// JUnit XML for CI systems: one testsuite for the gate, one testcase per scenario; written atomically.
import { renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PolicyError } from '../shared/errors.js';
import type { ScenarioResult } from './result.js';
import type { Verdict } from './verdict.js';

/** XML-escapes text for content and attributes, dropping characters XML 1.0 cannot hold. */
export function xmlEscape(s: string): string {
  return s
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const secs = (ms: number) => (ms / 1000).toFixed(3);

function testcase(r: ScenarioResult, classname: string): string {
  const head = `    <testcase name="${xmlEscape(r.name)}" classname="${xmlEscape(classname)}" time="${secs(r.durationMs)}"`;
  const err = r.stderrTail ? `\n      <system-err>${xmlEscape(r.stderrTail)}</system-err>` : '';
  switch (r.outcome) {
    case 'pass':
      return `${head}/>`;
    case 'skip':
      return `${head}>\n      <skipped message="${xmlEscape(r.reason ?? 'scenario emitted SKIP (exit 77)')}"/>${err}\n    </testcase>`;
    case 'fail':
    case 'timeout': {
      const msg = r.outcome === 'fail' ? `exit ${r.exitCode ?? -1}` : (r.reason ?? 'timed out');
      return `${head}>\n      <failure message="${xmlEscape(msg)}" type="${r.outcome}">${xmlEscape(r.stderrTail)}</failure>${err}\n    </testcase>`;
    }
    case 'error':
      return `${head}>\n      <error message="${xmlEscape(r.reason ?? 'could not run the scenario')}" type="error"/>\n    </testcase>`;
  }
}

/** The JUnit document for a verdict. */
export function junitXml(v: Verdict, timestamp: Date = new Date()): string {
  const count = (o: ScenarioResult['outcome'][]) => v.results.filter((r) => o.includes(r.outcome)).length;
  const total = v.results.reduce((n, r) => n + r.durationMs, 0);
  const name = `wg-policy gate done: ${v.task}`;
  const attrs = `tests="${v.results.length}" failures="${count(['fail', 'timeout'])}" errors="${count(['error'])}" skipped="${count(['skip'])}" time="${secs(total)}"`;
  const props = [
    ['task', v.task],
    ['verdict', v.effect],
    ['determining', v.determining.map((d) => d.rule).join(',')],
    ['manifest', v.manifest.path ?? ''],
    ['policyRevision', v.policyRevision],
  ]
    .map(([k, val]) => `      <property name="${k}" value="${xmlEscape(val)}"/>`)
    .join('\n');
  const cases = v.results.map((r) => testcase(r, `smoke.${v.task}`));
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xmlEscape(name)}" ${attrs}>`,
    `  <testsuite name="${xmlEscape(name)}" ${attrs} timestamp="${timestamp.toISOString().slice(0, 19)}">`,
    `    <properties>\n${props}\n    </properties>`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/** Writes the JUnit file atomically (temp file in the same folder, then rename). */
export function writeJunit(file: string, v: Verdict): void {
  const tmp = path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.tmp.${process.pid}`);
  try {
    writeFileSync(tmp, junitXml(v));
    renameSync(tmp, file);
  } catch (e) {
    throw new PolicyError('junit-write', `cannot write the JUnit report \`${file}\`: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
      file,
      key: '--junit',
    });
  }
}
