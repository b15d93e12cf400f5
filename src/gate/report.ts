// Human output of the gate (stderr): wg's header and result lines in manifest order with durations and log paths, a live
// view in a terminal, the verdict's messages, and the closing `N passed, N failed, N skipped in T s` line.
import { renderResultLine, seconds, type ScenarioEvent, type ScenarioResult } from './result.js';
import type { GatePlan } from './request.js';
import type { Verdict } from './verdict.js';

/** How to print: `color` only for a terminal without NO_COLOR; `live` only in a terminal outside CI. */
export interface ReportStyle {
  color: boolean;
  live: boolean;
}

/** The style for a stream and env: colour as given (by default: a terminal without NO_COLOR); plain lines in CI or with --json. */
export function styleFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv, json: boolean, color = !!stream.isTTY && !env.NO_COLOR): ReportStyle {
  const ci = !!env.CI && env.CI !== 'false' && env.CI !== '0';
  // The live line is drawn with `\r` and an erase sequence, which the output guard lets through only with colour on
  // (it shows them escaped otherwise): no colour, no live line, and none for a dumb terminal, in CI or with --json.
  return { color, live: !!stream.isTTY && !ci && !json && color && env.TERM !== 'dumb' };
}

const paint = (on: boolean, code: string, s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);

const LABEL = { pass: 'PASS', skip: 'SKIP', fail: 'FAIL', timeout: 'FAIL', error: 'ERROR' } as const;

/** wg's header line. */
export function headerLine(p: GatePlan): string {
  return `Smoke gate: running ${p.count} scenario(s) for '${p.taskId}' (manifest: ${p.manifest})`;
}

/** One result in wg's render format with its duration (and, for a failure, its log file), coloured by outcome when asked. */
export function resultLine(r: ScenarioResult, color: boolean): string {
  const line = renderResultLine(r, true);
  const code = { pass: '32', skip: '33', fail: '31', timeout: '31', error: '31' }[r.outcome];
  const [first, ...rest] = line.split('\n');
  return [paint(color, code, first), ...rest].join('\n');
}

/** The closing line of every verdict: `2 passed, 1 failed, 0 skipped in 1.3 s` (failed counts timeouts and errors too). */
export function summaryLine(v: Verdict): string {
  return `${v.summary.passed} passed, ${v.summary.brokenCount} failed, ${v.summary.skippedCount} skipped in ${seconds(v.elapsedMs)}`;
}

/**
 * The verdict's messages: warnings, notices, the bundled rules a project disabled or replaced, then the determining
 * rules (each with where it is defined), then the summary line. `quiet`: only the warnings and, when denied, the
 * rules that denied. A determining message equal to `said` (the line `done` prints on stdout) is left out.
 */
export function verdictLines(v: Verdict, color: boolean, quiet = false, said?: string | null): string[] {
  const out: string[] = [];
  for (const w of v.warnings) out.push(paint(color, '33;1', w.message), ...(w.help ? [w.help] : []));
  if (quiet) {
    for (const d of v.allowed ? [] : v.determining)
      out.push(paint(color, '31;1', d.message), ...(d.help ? [d.help] : []), `  (${d.effect} by ${d.rule}, ${d.policy})`);
    return out;
  }
  for (const n of v.notices) out.push(`note: ${n}`);
  for (const d of v.overrides.disabled) out.push(`note: gate rule \`${d.id}\` is disabled by ${d.by}`);
  for (const r of v.overrides.replaced) out.push(`note: bundled gate rule \`${r.id}\` (${r.was}) is replaced by ${r.by}`);
  const t = v.transition;
  if (t.gate !== false && t.status !== 'done') out.push(`note: done writes \`${t.status}\` (${t.rule}, ${t.policy})`);
  for (const d of v.determining) {
    if (d.message !== said) out.push(d.effect === 'deny' ? paint(color, '31;1', d.message) : d.message);
    if (d.help) out.push(d.help);
    out.push(paint(color, '2', `  (${d.effect} by ${d.rule}, ${d.policy})`));
  }
  out.push(summaryLine(v));
  return out;
}

/**
 * Progress for scenario events: result lines in manifest order, each printed once every earlier scenario has
 * finished (later finishers wait in a buffer); in live mode also a status line naming what is running and what
 * finished but waits for an earlier scenario.
 */
export function createProgress(out: NodeJS.WritableStream & { columns?: number }, style: ReportStyle) {
  const running = new Map<number, { name: string; started: number }>();
  const waiting = new Map<number, ScenarioResult>();
  let total = 0;
  let finished = 0;
  let printed = 0;
  let timer: NodeJS.Timeout | undefined;
  const status = () => {
    const now = performance.now();
    const names = [...running.values()].map((r) => `${r.name} ${Math.floor((now - r.started) / 1000)}s`).join(', ');
    const held = [...waiting.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, r]) => `${r.name} ${LABEL[r.outcome]}`)
      .join(', ');
    const line = `  ... ${finished}/${total} finished${held ? ` (${held})` : ''}; running: ${names}`;
    const width = Math.max(20, (out.columns || 100) - 1);
    return line.length > width ? `${line.slice(0, width - 1)}…` : line;
  };
  const clear = () => style.live && out.write('\r\x1b[2K');
  const draw = () => {
    if (!style.live || running.size === 0) return;
    clear();
    out.write(paint(style.color, '2', status()));
  };
  const print = (r: ScenarioResult) => out.write(`${resultLine(r, style.color)}\n`);
  // INVARIANT: results 0 … printed-1 are on screen, and no later one is.
  const flush = () => {
    for (let r = waiting.get(printed); r; r = waiting.get(printed)) {
      print(r);
      waiting.delete(printed++);
    }
  };
  return {
    start(plan: GatePlan) {
      total = plan.count;
      out.write(`${headerLine(plan)}\n`);
      if (style.live) timer = setInterval(draw, 250).unref();
    },
    event(e: ScenarioEvent) {
      if (e.type === 'start') running.set(e.index, { name: e.name, started: performance.now() });
      else {
        running.delete(e.index);
        finished++;
        waiting.set(e.index, e.result);
        if (waiting.has(printed)) {
          clear();
          flush();
        }
      }
      draw();
    },
    /** Clears the live line; results still waiting (a run cut short) are printed in manifest order. */
    stop() {
      if (timer) clearInterval(timer);
      if (running.size || waiting.size) clear();
      flush();
      for (const i of [...waiting.keys()].sort((a, b) => a - b)) print(waiting.get(i)!);
      waiting.clear();
      running.clear();
    },
  };
}
