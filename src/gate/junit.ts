// JUnit XML for CI systems: one testsuite for the gate, one testcase per scenario; written atomically.
import { PolicyError } from '../shared/errors.js';
import { writeReport } from '../shared/write-file.js';
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

/** `<system-out>` / `<system-err>` with the tails of the scenario's output, when there is any. */
function outputs(r: ScenarioResult): string[] {
  return [
    ...(r.stdoutTail ? [`      <system-out>${xmlEscape(r.stdoutTail)}</system-out>`] : []),
    ...(r.stderrTail ? [`      <system-err>${xmlEscape(r.stderrTail)}</system-err>`] : []),
  ];
}

/**
 * One `<testcase>`: a failure (or error) says what happened in its message and where the full log is in its text;
 * the output tails go to `<system-out>` / `<system-err>` only, so nothing is said twice.
 */
function testcase(r: ScenarioResult, classname: string): string {
  const head = `    <testcase name="${xmlEscape(r.name)}" classname="${xmlEscape(classname)}" time="${secs(r.durationMs)}"`;
  const log = xmlEscape(`full output: ${r.logFile}`);
  let verdict: string[] = [];
  switch (r.outcome) {
    case 'pass':
      break;
    case 'skip':
      verdict = [`      <skipped message="${xmlEscape(r.reason ?? 'scenario emitted SKIP (exit 77)')}"/>`];
      break;
    case 'fail':
      verdict = [
        `      <failure message="${xmlEscape(r.signal ? `exit -1 (killed by ${r.signal})` : `exit ${r.exitCode ?? -1}`)}" type="fail">${log}</failure>`,
      ];
      break;
    case 'timeout':
      verdict = [`      <failure message="${xmlEscape(r.reason ?? 'timed out')}" type="timeout">${log}</failure>`];
      break;
    case 'error':
      verdict = [`      <error message="${xmlEscape(r.reason ?? 'could not run the scenario')}" type="error">${log}</error>`];
      break;
  }
  const body = [...verdict, ...outputs(r)];
  return body.length ? [`${head}>`, ...body, '    </testcase>'].join('\n') : `${head}/>`;
}

/**
 * The JUnit document for a verdict, in the subset of the JUnit schema Jenkins (xunit's junit-10.xsd) and GitLab read:
 * `<testsuites name tests failures errors time>` (no `skipped` there: the Jenkins schema rejects it), one
 * `<testsuite>` with `skipped`, `timestamp`, `<properties>` and one `<testcase>` per scenario. Times are wall time.
 */
export function junitXml(v: Verdict, timestamp: Date = new Date()): string {
  const count = (o: ScenarioResult['outcome'][]) => v.results.filter((r) => o.includes(r.outcome)).length;
  const name = `wg-policy gate done: ${v.task}`;
  const totals = `tests="${v.results.length}" failures="${count(['fail', 'timeout'])}" errors="${count(['error'])}"`;
  const props = [
    ['task', v.task],
    ['verdict', v.effect],
    ['determining', v.determining.map((d) => d.rule).join(',')],
    ['transition', v.transition.status],
    ['manifest', v.manifest.path ?? ''],
    ['manifestBlob', v.manifest.blob ?? ''],
    ['policyRevision', v.policyRevision],
  ]
    .map(([k, val]) => `      <property name="${k}" value="${xmlEscape(val)}"/>`)
    .join('\n');
  const cases = v.results.map((r) => testcase(r, `smoke.${v.task}`));
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xmlEscape(name)}" ${totals} time="${secs(v.runMs)}">`,
    `  <testsuite name="${xmlEscape(name)}" ${totals} skipped="${count(['skip'])}" time="${secs(v.runMs)}" timestamp="${timestamp.toISOString().slice(0, 19)}">`,
    `    <properties>\n${props}\n    </properties>`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/** Writes the JUnit file (see writeReport: atomically, or into the FIFO or device it names). */
export function writeJunit(file: string, v: Verdict): void {
  writeReport(file, junitXml(v), (reason) => junitWriteError(file, reason));
}

/** `junit-write`: the report `file` cannot be written, and why. */
export const junitWriteError = (file: string, reason: string) =>
  new PolicyError('junit-write', `cannot write the JUnit report \`${file}\`: ${reason}`, { file, key: '--junit' });
