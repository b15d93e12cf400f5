import { createRequire as __c } from 'node:module'; const require = __c(import.meta.url);
var __defProp = Object.defineProperty;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __esm = (fn, res, err) => function __init() {
  if (err) throw err[0];
  try {
    return fn && (res = (0, fn[__getOwnPropNames(fn)[0]])(fn = 0)), res;
  } catch (e) {
    throw err = [e], e;
  }
};
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};

// src/shared/errors.ts
function where(file, line, column) {
  if (!file) return "";
  return line ? column ? `${file}:${line}:${column}` : `${file}:${line}` : file;
}
function formatError(e) {
  const at = where(e.file, e.line, e.column);
  if (exitCodeFor(e.code) === 1 && e.rule) return `${e.message} (rule ${e.rule}${at ? `, ${at}` : ""})`;
  const rule = e.rule && !e.message.includes(`\`${e.rule}\``) ? ` (rule ${e.rule})` : "";
  return `${at ? `${at}: ` : ""}${e.message}${rule}`;
}
function exitCodeFor(code) {
  return Object.hasOwn(ERROR_CODES, code) ? ERROR_CODES[code] : 3;
}
var ERROR_CODES, PolicyError, PolicyProblems;
var init_errors = __esm({
  "src/shared/errors.ts"() {
    "use strict";
    ERROR_CODES = {
      // 1: a policy refused or denied
      "rule-rejected": 1,
      // a spawn rule refused the task
      "no-rule-matched": 1,
      // a stage of the policy set has no rule for this input
      "task-status": 1,
      // the task's status does not allow the transition
      // 2: bad input or usage
      usage: 2,
      "file-unreadable": 2,
      "not-a-regular-file": 2,
      "wgdir-not-found": 2,
      "toml-syntax": 2,
      "toml-too-deep": 2,
      "yaml-syntax": 2,
      "yaml-aliases": 2,
      "config-type": 2,
      "config-credential-url": 2,
      "graph-line": 2,
      "task-not-found": 2,
      "task-field": 2,
      "task-json": 2,
      "policy-schema": 2,
      "unknown-stage": 2,
      "rule-id-namespace": 2,
      "duplicate-rule-id": 2,
      "rule-replaces-other-stage": 2,
      "unknown-disable": 2,
      "unknown-optional": 2,
      "condition-shape": 2,
      "then-shape": 2,
      "unknown-fact": 2,
      "unknown-path": 2,
      "unknown-operator": 2,
      "missing-value": 2,
      "bad-regex": 2,
      "unreachable-rule": 2,
      "rule-value": 2,
      // a winning rule produced a value its stage does not accept
      "plan-invalid": 2,
      "manifest-not-found": 2,
      "manifest-invalid": 2,
      "duplicate-scenario": 2,
      "git-base": 2,
      "junit-write": 2,
      "lock-path": 2,
      "audit-config": 2,
      "audit-unrecordable": 2,
      "audit-log-missing": 2,
      "audit-filter": 2,
      "decision-not-found": 2,
      // 3: a bug or an environment wg-policy cannot work in
      "lock-failed": 3,
      internal: 3
    };
    PolicyError = class extends Error {
      code;
      file;
      line;
      column;
      key;
      rule;
      help;
      constructor(code, message, info = {}) {
        super(message.replace(/\s*\n\s*/g, " "));
        this.name = "PolicyError";
        this.code = code;
        for (const [k, v] of Object.entries(info)) if (v !== void 0) Object.defineProperty(this, k, { value: v, enumerable: true });
      }
      /** The exit class of this error: 1 refused or denied, 2 bad input, 3 internal. */
      get exit() {
        return exitCodeFor(this.code);
      }
      /** The sentence with its location: `file:line:col: message`, or `message (rule r, file:line)` for a refusal. */
      format() {
        return formatError(this);
      }
      /** A plain-data view for `--json` output and audit records. */
      toJSON() {
        const { code, message, file, line, column, key, rule, help } = this;
        return Object.fromEntries(Object.entries({ code, message, exit: this.exit, file, line, column, key, rule, help }).filter(([, v]) => v !== void 0));
      }
    };
    PolicyProblems = class extends PolicyError {
      problems;
      constructor(problems) {
        const first = problems[0];
        const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? "s" : ""}; run \`wg-policy check\`)` : "";
        super(first.code, first.message + more, { file: first.file, line: first.line, column: first.column, key: first.key, rule: first.rule, help: first.help });
        this.problems = problems;
      }
    };
  }
});

// src/shared/time.ts
async function within(promise, ms) {
  let timer;
  const timeout = new Promise((resolve4) => timer = setTimeout(() => resolve4(false), ms));
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => true
      ),
      timeout
    ]);
  } finally {
    clearTimeout(timer);
  }
}
var init_time = __esm({
  "src/shared/time.ts"() {
    "use strict";
  }
});

// src/shared/yaml.ts
var yaml_exports = {};
__export(yaml_exports, {
  MAX_ALIASES: () => MAX_ALIASES,
  parseYaml: () => parseYaml
});
import { isMap, isSeq, LineCounter, parseDocument } from "yaml";
function parseYaml(text, file) {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const err = doc.errors[0];
    const pos = err.linePos?.[0] ?? lineCounter.linePos(err.pos[0]);
    const reason2 = err.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "").replace(/\.$/, "");
    throw new PolicyError("yaml-syntax", `invalid YAML: ${reason2}`, { file, line: pos.line, column: pos.col });
  }
  let data;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (e) {
    throw new PolicyError("yaml-aliases", `YAML aliases expand too far (more than ${MAX_ALIASES}): ${e.message}`, { file });
  }
  const at = (n) => {
    const r = n?.range;
    if (!r) return void 0;
    const p = lineCounter.linePos(r[0]);
    return { line: p.line, column: p.col };
  };
  return {
    file,
    data,
    positionOf(path9) {
      let node = doc.contents;
      let best = at(node) ?? { line: 1, column: 1 };
      for (const key of path9) {
        if (isMap(node)) {
          const pair = node.items.find((p) => p.key?.value === key);
          if (!pair) break;
          best = at(pair.key) ?? best;
          node = pair.value;
          if (node) best = at(node) ?? best;
        } else if (isSeq(node) && typeof key === "number") {
          node = node.items[key];
          if (!node) break;
          best = at(node) ?? best;
        } else break;
      }
      return best;
    }
  };
}
var MAX_ALIASES;
var init_yaml = __esm({
  "src/shared/yaml.ts"() {
    "use strict";
    init_errors();
    MAX_ALIASES = 100;
  }
});

// src/stages/gate.ts
import * as z9 from "zod/mini";
var OutcomeSchema, ScenarioResultSchema, GateRequestFactSchema, SummaryFactSchema, ManifestFactSchema, GateTaskFactSchema, GATE_FACTS, GATE_TABLE;
var init_gate = __esm({
  "src/stages/gate.ts"() {
    "use strict";
    OutcomeSchema = z9.enum(["pass", "fail", "skip", "timeout", "error"]);
    ScenarioResultSchema = z9.object({
      name: z9.string(),
      outcome: OutcomeSchema,
      exitCode: z9.nullable(z9.number()),
      signal: z9.nullable(z9.string()),
      timedOut: z9.boolean(),
      durationMs: z9.number(),
      stderrTail: z9.string(),
      reason: z9.optional(z9.string()),
      logFile: z9.string(),
      owners: z9.array(z9.string())
    });
    GateRequestFactSchema = z9.object({
      agent: z9.boolean(),
      agentId: z9.nullable(z9.string()),
      human: z9.boolean(),
      skipSmoke: z9.boolean(),
      /** `WG_SMOKE_AGENT_OVERRIDE=1`. */
      override: z9.boolean(),
      fullSmoke: z9.boolean()
    });
    SummaryFactSchema = z9.object({
      /** Scenarios chosen for this gate: the task's own, or all of them with --full-smoke. */
      selected: z9.number(),
      owned: z9.number(),
      /** False when --skip-smoke bypassed running anything. */
      ran: z9.boolean(),
      passed: z9.number(),
      skipped: z9.array(z9.string()),
      skippedCount: z9.number(),
      skippedDetail: z9.string(),
      failed: z9.array(z9.string()),
      timedOut: z9.array(z9.string()),
      errored: z9.array(z9.string()),
      /** failed + timed out + errored, in manifest order. */
      broken: z9.array(z9.string()),
      brokenCount: z9.number(),
      /** wg's wording: `a (exit 1), b (script not found: …)`. */
      brokenDetail: z9.string(),
      allSkipped: z9.boolean()
    });
    ManifestFactSchema = z9.object({
      path: z9.nullable(z9.string()),
      /** The path for messages, or `the working tree (no smoke manifest found)` when none was found. */
      label: z9.string(),
      how: z9.string(),
      found: z9.boolean(),
      scenarios: z9.number(),
      base: z9.string(),
      compared: z9.boolean(),
      lost: z9.array(z9.string()),
      lostCount: z9.number(),
      /** The lost names; when the base manifest was another file, followed by where it was: `a, b (listed in tests/smoke/manifest.toml at HEAD)`. */
      lostDetail: z9.string()
    });
    GateTaskFactSchema = z9.object({
      id: z9.string(),
      title: z9.nullable(z9.string()),
      status: z9.string(),
      priority: z9.number(),
      tags: z9.array(z9.string()),
      assigned: z9.nullable(z9.string())
    });
    GATE_FACTS = {
      task: GateTaskFactSchema,
      request: GateRequestFactSchema,
      summary: SummaryFactSchema,
      manifest: ManifestFactSchema,
      results: z9.array(ScenarioResultSchema)
    };
    GATE_TABLE = {
      kind: "gate",
      fileKey: "gate",
      stages: [{ name: "done", field: "done", does: "decides whether a task may go to done", combine: "deny-overrides", facts: GATE_FACTS }]
    };
  }
});

// src/gate/processes.ts
import { randomBytes as randomBytes2 } from "node:crypto";
import { readdirSync as readdirSync2, readFileSync as readFileSync3 } from "node:fs";
function newRunId() {
  return `${process.pid}.${randomBytes2(8).toString("hex")}`;
}
async function terminateRun(pgid, runId, graceMs) {
  const alive = () => groupAlive(pgid) || straysOf(runId).length > 0;
  const signal = (sig) => signalRun(pgid, runId, sig);
  if (!alive()) return;
  signal("SIGTERM");
  const deadline = performance.now() + graceMs;
  while (performance.now() < deadline) {
    await delay(POLL_MS);
    if (!alive()) return;
  }
  signal("SIGKILL");
  for (let i = 0; i < 40 && alive(); i++) await delay(POLL_MS);
}
function signalRun(pgid, runId, signal) {
  signalGroup(pgid, signal);
  for (const pid of straysOf(runId)) signalPid(pid, signal);
}
function signalGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
  } catch {
  }
}
function signalPid(pid, signal) {
  try {
    process.kill(pid, signal);
  } catch {
  }
}
function straysOf(runId) {
  if (process.platform !== "linux") return [];
  const needle = Buffer.from(runId);
  const out = [];
  let pids;
  try {
    pids = readdirSync2("/proc").filter((d) => /^\d+$/.test(d));
  } catch {
    return out;
  }
  for (const pid of pids) {
    if (Number(pid) === process.pid) continue;
    let environ;
    try {
      environ = readFileSync3(`/proc/${pid}/environ`);
    } catch {
      continue;
    }
    if (environ.indexOf(needle) < 0) continue;
    const entry = environ.toString("utf8").split("\0").find((e) => e.startsWith(`${RUN_ID_VAR}=`));
    if (entry?.slice(RUN_ID_VAR.length + 1).split(" ").includes(runId))
      out.push(Number(pid));
  }
  return out;
}
function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
  } catch (e) {
    return e.code === "EPERM";
  }
  if (process.platform !== "linux") return true;
  let pids;
  try {
    pids = readdirSync2("/proc").filter((d) => /^\d+$/.test(d));
  } catch {
    return true;
  }
  for (const pid of pids) {
    let stat;
    try {
      stat = readFileSync3(`/proc/${pid}/stat`, "utf8");
    } catch {
      continue;
    }
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(pgrp) === pgid && state !== "Z" && state !== "X") return true;
  }
  return false;
}
function trackRun(pgid, runId) {
  activeRuns.set(pgid, runId);
  return () => activeRuns.delete(pgid);
}
function onInterrupt(signal) {
  for (const [pgid, runId] of activeRuns) signalRun(pgid, runId, "SIGTERM");
  if (process.listenerCount(signal) === 1) {
    for (const sig of INTERRUPTS) process.removeListener(sig, onInterrupt);
    process.kill(process.pid, signal);
  }
}
function onProcessExit() {
  for (const [pgid, runId] of activeRuns) signalRun(pgid, runId, "SIGKILL");
}
function guardInterrupts() {
  if (guards++ === 0) {
    for (const sig of INTERRUPTS) process.on(sig, onInterrupt);
    process.on("exit", onProcessExit);
  }
  return () => {
    if (--guards === 0) {
      for (const sig of INTERRUPTS) process.removeListener(sig, onInterrupt);
      process.removeListener("exit", onProcessExit);
    }
  };
}
function delay(ms) {
  return new Promise((res) => setTimeout(res, ms));
}
var RUN_ID_VAR, POLL_MS, activeRuns, guards, INTERRUPTS;
var init_processes = __esm({
  "src/gate/processes.ts"() {
    "use strict";
    RUN_ID_VAR = "WG_SMOKE_RUN_ID";
    POLL_MS = 25;
    activeRuns = /* @__PURE__ */ new Map();
    guards = 0;
    INTERRUPTS = ["SIGINT", "SIGTERM", "SIGHUP"];
  }
});

// src/gate/result.ts
import * as z15 from "zod/mini";
function renderResultLine(r) {
  const tail = r.stderrTail ? r.stderrTail.split("\n").map((l) => `        ${l}`) : [];
  switch (r.outcome) {
    case "pass":
      return `  PASS  ${r.name}`;
    case "skip":
      return `  SKIP  ${r.name} \u2014 ${r.reason ?? "scenario emitted SKIP (exit 77)"}`;
    case "error":
      return `  ERROR ${r.name} \u2014 ${r.reason ?? "could not run the scenario"}`;
    case "timeout":
      return [`  FAIL  ${r.name} (${r.reason ?? "timed out"})`, ...tail].join("\n");
    case "fail":
      return [`  FAIL  ${r.name} (exit ${r.exitCode ?? -1})`, ...tail].join("\n");
  }
}
var ScenarioEventSchema;
var init_result = __esm({
  "src/gate/result.ts"() {
    "use strict";
    init_gate();
    init_gate();
    ScenarioEventSchema = z15.discriminatedUnion("type", [
      z15.object({ type: z15.literal("start"), index: z15.number(), name: z15.string() }),
      z15.object({ type: z15.literal("finish"), index: z15.number(), name: z15.string(), result: ScenarioResultSchema })
    ]);
  }
});

// src/gate/run-scenarios.ts
var run_scenarios_exports = {};
__export(run_scenarios_exports, {
  OutcomeSchema: () => OutcomeSchema,
  ScenarioEventSchema: () => ScenarioEventSchema,
  ScenarioResultSchema: () => ScenarioResultSchema,
  renderResultLine: () => renderResultLine,
  runScenarios: () => runScenarios
});
import { execa } from "execa";
import { accessSync, constants, createWriteStream, mkdirSync, statSync as statSync3, writeFileSync } from "node:fs";
import { createHash as createHash3 } from "node:crypto";
import http2 from "node:http";
import https2 from "node:https";
import os2 from "node:os";
import path6 from "node:path";
async function runScenarios(scenarios, options) {
  const jobs = Math.max(1, Math.floor(options.jobs ?? os2.availableParallelism()));
  mkdirSync(options.logDir, { recursive: true });
  const logNames = logFileNames(scenarios.map((s) => s.name));
  const results = new Array(scenarios.length);
  let next = 0;
  const worker = async () => {
    while (next < scenarios.length) {
      const index = next++;
      const s = scenarios[index];
      options.onEvent?.({ type: "start", index, name: s.name });
      results[index] = await runOne(s, path6.join(options.logDir, logNames[index]), options);
      options.onEvent?.({ type: "finish", index, name: s.name, result: results[index] });
    }
  };
  const release = guardInterrupts();
  try {
    await Promise.all(Array.from({ length: Math.min(jobs, scenarios.length) }, worker));
  } finally {
    release();
  }
  return results;
}
async function runOne(s, logFile, options) {
  const started = performance.now();
  const done = (r) => ({
    name: s.name,
    outcome: r.outcome,
    exitCode: r.exitCode ?? null,
    signal: r.signal ?? null,
    timedOut: r.timedOut ?? false,
    durationMs: Math.round(performance.now() - started),
    stderrTail: r.stderrTail ?? "",
    ...r.reason === void 0 ? {} : { reason: r.reason },
    logFile,
    owners: [...s.owners]
  });
  try {
    const unmet = await unmetRequirement(s, options.env, options.urlTimeoutMs ?? 3e3);
    if (unmet) {
      writeFileSync(logFile, `SKIP (not run): ${unmet}
`);
      return done({ outcome: "skip", reason: unmet });
    }
    if (!isFile2(s.script)) {
      writeFileSync(logFile, `ERROR: script not found: ${s.script}
`);
      return done({ outcome: "error", reason: `script not found: ${s.script}` });
    }
    const run = await spawnAndSupervise(s, logFile, options);
    if ("error" in run) return done({ outcome: "error", reason: `cannot run \`bash ${s.script}\`: ${run.error}` });
    const r = { exitCode: run.code, signal: run.signal, timedOut: run.timedOut, stderrTail: run.stderrTail };
    if (run.timedOut) return done({ ...r, outcome: "timeout", reason: `timed out after ${s.timeoutSeconds}s` });
    if (run.code === 0) return done({ ...r, outcome: "pass" });
    if (run.code === 77) return done({ ...r, outcome: "skip", reason: skipReason(run.stderrTail) });
    return done({ ...r, outcome: "fail", reason: run.signal ? `killed by ${run.signal}` : `exit ${run.code}` });
  } catch (e) {
    return done({ outcome: "error", reason: `cannot run \`bash ${s.script}\`: ${e.message}` });
  }
}
async function spawnAndSupervise(s, logFile, options) {
  const graceMs = options.graceMs ?? 2e3;
  const log = createWriteStream(logFile);
  let logOk = true;
  const runId = newRunId();
  const runIds = [options.env[RUN_ID_VAR], runId].filter(Boolean).join(" ");
  const child = execa("bash", [s.script], {
    cwd: s.dir,
    env: { ...options.env, WG_SMOKE_SCENARIO: s.name, WG_SMOKE_TIMEOUT_SECS: String(s.timeoutSeconds), [RUN_ID_VAR]: runIds },
    extendEnv: false,
    detached: true,
    // own process group: the whole tree can be signalled as one
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    buffer: false,
    // we stream to the log ourselves and keep only a tail
    reject: false,
    cleanup: false,
    forceKillAfterDelay: false
  });
  const settled = child.then(
    () => void 0,
    () => void 0
  );
  const exit = new Promise((resolve4) => {
    child.once("exit", (code, signal) => resolve4({ code, signal }));
    child.once("error", (e) => {
      if (child.pid === void 0) resolve4({ error: e.code ?? e.message });
    });
  });
  const tail = new Tail(TAIL_BYTES);
  const streams = [child.stdout, child.stderr].filter((x) => x !== null);
  const ended = Promise.all(streams.map((st) => new Promise((res) => st.once("close", () => res()))));
  let paused = false;
  const write = (chunk) => {
    if (!logOk || log.write(chunk) || paused) return;
    paused = true;
    for (const st of streams) st.pause();
    log.once("drain", () => {
      paused = false;
      for (const st of streams) st.resume();
    });
  };
  log.on("error", () => {
    logOk = false;
    for (const st of streams) st.resume();
  });
  child.stdout?.on("data", write);
  child.stderr?.on("data", (chunk) => {
    tail.push(chunk);
    write(chunk);
  });
  const pgid = child.pid;
  let timedOut = false;
  let stopping;
  const stop = () => stopping ??= pgid === void 0 ? Promise.resolve() : terminateRun(pgid, runId, graceMs);
  const untrack = pgid === void 0 ? () => {
  } : trackRun(pgid, runId);
  const timer = setTimeout(
    () => {
      timedOut = true;
      void stop();
    },
    Math.min(s.timeoutSeconds * (options.timeoutScaleMs ?? 1e3), MAX_TIMER_MS)
  );
  try {
    const ex = await exit;
    clearTimeout(timer);
    await stop();
    await within(ended, STREAM_LINGER_MS);
    for (const st of streams) st.destroy();
    await within(settled, STREAM_LINGER_MS);
    if ("error" in ex) return ex;
    return { code: ex.code, signal: ex.signal, timedOut, stderrTail: tail.lines(TAIL_LINES, TAIL_CHARS) };
  } finally {
    clearTimeout(timer);
    untrack();
    await within(new Promise((res) => log.end(() => res())), 5e3);
  }
}
async function unmetRequirement(s, env, urlTimeoutMs) {
  for (const cmd of s.requires.commands) if (!onPath(cmd, env.PATH ?? "", s.dir)) return `requires command \`${cmd}\` on PATH`;
  for (const name of s.requires.env) if (!env[name]) return `requires env ${name}`;
  for (const url of s.requires.urls) {
    const problem = await unreachable(url, urlTimeoutMs);
    if (problem) return `requires ${url} reachable (${problem})`;
  }
  return null;
}
function onPath(cmd, pathVar, cwd) {
  const candidates = cmd.includes("/") ? [path6.resolve(cwd, cmd)] : pathVar.split(path6.delimiter).filter(Boolean).map((d) => path6.join(d, cmd));
  return candidates.some((p) => {
    try {
      accessSync(p, constants.X_OK);
      return statSync3(p).isFile();
    } catch {
      return false;
    }
  });
}
function unreachable(url, timeoutMs) {
  return new Promise((resolve4) => {
    const get = url.toLowerCase().startsWith("https:") ? https2.request : http2.request;
    let req;
    try {
      req = get(url, { method: "HEAD", agent: false, signal: AbortSignal.timeout(timeoutMs) });
    } catch (e) {
      resolve4(e.message);
      return;
    }
    req.on("response", (res) => {
      res.resume();
      req.destroy();
      resolve4(null);
    });
    req.on("error", (e) => {
      const timedOut = e.name === "AbortError" || e.name === "TimeoutError" || e.code === "ABORT_ERR";
      resolve4(timedOut ? `timed out after ${Math.round(timeoutMs / 100) / 10}s` : e.code ?? e.message);
    });
    req.end();
  });
}
function skipReason(stderrTail) {
  const rule = /^[=\-_*#~]{3,}$/;
  const lines = stderrTail.split("\n").map((l) => l.trim()).filter((l) => l !== "" && !rule.test(l));
  return lines.length ? lines.slice(-SKIP_LINES).join(" | ") : "scenario emitted SKIP (exit 77)";
}
function logFileNames(names) {
  return names.map((name) => {
    const safe = name.replace(/[^A-Za-z0-9._-]/g, "_").replace(/^\./, "_");
    const suffix = safe === name ? "" : `-${createHash3("sha1").update(name).digest("hex").slice(0, 8)}`;
    return `${safe.slice(0, 120)}${suffix}.log`;
  });
}
function isFile2(p) {
  try {
    return statSync3(p).isFile();
  } catch {
    return false;
  }
}
var TAIL_BYTES, TAIL_LINES, TAIL_CHARS, SKIP_LINES, STREAM_LINGER_MS, MAX_TIMER_MS, Tail;
var init_run_scenarios = __esm({
  "src/gate/run-scenarios.ts"() {
    "use strict";
    init_time();
    init_processes();
    init_result();
    TAIL_BYTES = 64 * 1024;
    TAIL_LINES = 12;
    TAIL_CHARS = 4096;
    SKIP_LINES = 4;
    STREAM_LINGER_MS = 500;
    MAX_TIMER_MS = 2 ** 31 - 1;
    Tail = class {
      constructor(cap) {
        this.cap = cap;
      }
      cap;
      buf = Buffer.alloc(0);
      push(chunk) {
        const joined = chunk.length >= this.cap ? chunk : Buffer.concat([this.buf, chunk]);
        this.buf = joined.length > this.cap ? Buffer.from(joined.subarray(joined.length - this.cap)) : joined;
      }
      /** The last `n` non-empty-trailing lines, at most `chars` characters. */
      lines(n, chars) {
        const text = this.buf.toString("utf8").replace(/\s+$/, "");
        const out = text.split("\n").slice(-n).join("\n");
        return out.length > chars ? `\u2026${out.slice(out.length - chars)}` : out;
      }
    };
  }
});

// src/spawn/plan.ts
import { join as join7, relative as relative4 } from "node:path";

// src/audit/destination.ts
init_errors();
import { join, resolve } from "node:path";

// src/audit/config.ts
init_errors();
import * as z from "zod/mini";

// src/shared/did-you-mean.ts
function distance(a, b) {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}
function closest(input, candidates) {
  const reach = Math.max(2, Math.floor(input.length / 3));
  let best;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = distance(input.toLowerCase(), c.toLowerCase());
    if (d < bestD) [best, bestD] = [c, d];
  }
  return bestD <= reach ? best : void 0;
}
function didYouMean(input, candidates) {
  const best = closest(input, candidates);
  return best === void 0 ? "" : `; did you mean \`${best}\`?`;
}

// src/shared/zod-issues.ts
function issuePath(path9) {
  return path9.reduce((acc, p) => typeof p === "number" ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p), "");
}
function issueKey(issue, prefix = []) {
  const extra = issue.code === "unrecognized_keys" && issue.keys.length === 1 ? [issue.keys[0]] : [];
  return issuePath([...prefix, ...issue.path, ...extra]);
}
function describe(value) {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a table";
  if (typeof value === "string") return `the string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)}`;
  return `${typeof value} ${String(value)}`;
}
function valueAt(root, path9) {
  let cur = root;
  for (const p of path9) {
    if (cur === null || typeof cur !== "object" || !Object.prototype.hasOwnProperty.call(cur, p)) return void 0;
    cur = cur[p];
  }
  return cur;
}
function article(t) {
  if (t === "object" || t === "record") return "a table";
  if (t === "array") return "a list";
  if (t === "int") return "a whole number";
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}
function issueProblem(issue, value, hideValue = false, known = []) {
  switch (issue.code) {
    case "invalid_type":
      if (value === void 0) return "is required";
      return hideValue ? `must be ${article(issue.expected)}` : `must be ${article(issue.expected)}, not ${describe(value)}`;
    case "invalid_value":
      return `must be one of ${issue.values.map((v) => `\`${String(v)}\``).join(", ")}${hideValue || typeof value !== "string" ? "" : `, not \`${value}\`${didYouMean(value, issue.values.map(String))}`}`;
    case "invalid_union": {
      const options = issue.options;
      if (options?.length)
        return `must be one of ${options.map((o) => `\`${String(o)}\``).join(", ")}${hideValue || value === void 0 ? "" : `, not ${typeof value === "string" ? `\`${value}\`${didYouMean(value, options.map(String))}` : describe(value)}`}`;
      return hideValue ? "is invalid" : `is invalid (${describe(value)})`;
    }
    case "too_small":
      if (issue.origin === "string") return "must not be empty";
      if (issue.origin === "array") return `must have at least ${String(issue.minimum)} item(s)`;
      return issue.inclusive === false ? `must be greater than ${String(issue.minimum)}` : `must be at least ${String(issue.minimum)}`;
    case "too_big":
      return issue.inclusive === false ? `must be less than ${String(issue.maximum)}` : `must be at most ${String(issue.maximum)}`;
    case "unrecognized_keys": {
      const [first] = issue.keys;
      const list = issue.keys.map((k) => `\`${k}\``).join(", ");
      return `has unknown key${issue.keys.length > 1 ? "s" : ""} ${list}${issue.keys.length === 1 ? didYouMean(first, known) : ""}`;
    }
    default:
      return issue.message && issue.message !== "Invalid input" ? issue.message.charAt(0).toLowerCase() + issue.message.slice(1) : "is invalid";
  }
}
function issueSentence(issue, root, options = {}) {
  const path9 = [...options.prefix ?? [], ...issue.path];
  const key = issuePath(path9);
  const hide = options.secret?.(issue.path) ?? false;
  const problem = issueProblem(issue, valueAt(root, issue.path), hide, options.known?.(issue.path) ?? []);
  return `${key ? `\`${key}\`` : options.whole ?? "the file"} ${problem}`;
}

// src/audit/config.ts
var NonEmpty = z.string().check(z.minLength(1));
var PositiveInt = z.int().check(z.positive());
var FileTransportSpecSchema = z.strictObject({
  type: z.literal("file"),
  filename: z.optional(NonEmpty),
  maxsize: z.optional(PositiveInt),
  maxFiles: z.optional(PositiveInt),
  tailable: z.optional(z.boolean())
});
var HttpTransportSpecSchema = z.strictObject({
  type: z.literal("http"),
  host: NonEmpty,
  port: z.optional(z.int().check(z.minimum(1), z.maximum(65535))),
  path: z.optional(z.string()),
  ssl: z.optional(z.boolean())
});
var StreamTransportSpecSchema = z.strictObject({ type: z.literal("stream"), stream: NonEmpty });
var ConsoleTransportSpecSchema = z.strictObject({ type: z.literal("console") });
var AuditTransportSpecSchema = z.discriminatedUnion("type", [
  FileTransportSpecSchema,
  HttpTransportSpecSchema,
  StreamTransportSpecSchema,
  ConsoleTransportSpecSchema
]);
var PolicyAuditTomlSchema = z.object({
  audit_log: z.optional(NonEmpty),
  audit_replace_default: z.optional(z.boolean()),
  audit_transports: z.optional(z.array(AuditTransportSpecSchema))
});
var AuditConfigSchema = z.object({
  path: z.optional(z.string()),
  replaceDefault: z.boolean(),
  transports: z.array(AuditTransportSpecSchema)
});
var KEYS = {
  file: Object.keys(FileTransportSpecSchema.shape),
  http: Object.keys(HttpTransportSpecSchema.shape),
  stream: Object.keys(StreamTransportSpecSchema.shape),
  console: Object.keys(ConsoleTransportSpecSchema.shape)
};
function auditConfigFrom(tomlTable, file) {
  const root = isTable(tomlTable) ? tomlTable : {};
  const policy = root.policy;
  if (policy === void 0) return { replaceDefault: false, transports: [] };
  if (!isTable(policy)) throw new PolicyError("audit-config", "`policy` must be a table", { file, key: "policy" });
  const parsed = PolicyAuditTomlSchema.safeParse(policy);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const known = (path9) => KEYS[String(valueAt(policy, path9)?.type)] ?? Object.keys(PolicyAuditTomlSchema.shape);
    throw new PolicyError("audit-config", issueSentence(issue, policy, { prefix: ["policy"], known }), { file, key: issueKey(issue, ["policy"]) });
  }
  const { audit_log, audit_replace_default = false, audit_transports = [] } = parsed.data;
  audit_transports.forEach((spec, i) => {
    const key = `policy.audit_transports[${i}]`;
    if (spec.type === "file" && spec.tailable && !spec.maxFiles) {
      throw new PolicyError("audit-config", `\`${key}.tailable\` needs \`maxFiles\`: winston cannot rotate a tailable file without it`, {
        file,
        key: `${key}.tailable`
      });
    }
    if (spec.type === "stream" && spec.stream === "stdout") {
      throw new PolicyError("audit-config", `\`${key}.stream\` cannot be \`stdout\`: stdout carries the plan; use \`stderr\` or a path`, {
        file,
        key: `${key}.stream`
      });
    }
  });
  const chained = audit_transports.filter((s) => s.type === "file" && (s.filename === void 0 || s.filename === audit_log));
  if (chained.length > 1) {
    const i = audit_transports.lastIndexOf(chained[1]);
    throw new PolicyError("audit-config", `\`policy.audit_transports[${i}]\` is a second file transport for the audit log itself; keep one`, {
      file,
      key: `policy.audit_transports[${i}]`
    });
  }
  if (audit_replace_default && audit_transports.length === 0) {
    throw new PolicyError("audit-config", "`policy.audit_replace_default` drops the audit log but no `audit_transports` replace it", {
      file,
      key: "policy.audit_replace_default"
    });
  }
  return { ...audit_log === void 0 ? {} : { path: audit_log }, replaceDefault: audit_replace_default, transports: audit_transports };
}
function isTable(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// src/audit/log.ts
init_errors();
import fs4 from "node:fs";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import path3 from "node:path";
import winston from "winston";

// src/shared/lock.ts
init_errors();
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
var UNOPENABLE = /* @__PURE__ */ new Set(["EACCES", "EPERM", "EROFS", "ENOENT", "ENOTDIR", "ELOOP", "ENAMETOOLONG", "EISDIR"]);
var queues = /* @__PURE__ */ new Map();
function withFileLock(lockPath, fn, options = {}) {
  const key = path.resolve(lockPath);
  const before = queues.get(key) ?? Promise.resolve();
  const run = before.then(() => holding(key, fn, options));
  const settled = run.then(
    () => void 0,
    () => void 0
  );
  queues.set(key, settled);
  void settled.then(() => {
    if (queues.get(key) === settled) queues.delete(key);
  });
  return run;
}
async function holding(lockPath, fn, options) {
  let fd;
  try {
    fd = fs.openSync(lockPath, fs.constants.O_RDONLY | fs.constants.O_CREAT, 438);
  } catch (e) {
    const err = e;
    if (UNOPENABLE.has(err.code ?? ""))
      throw new PolicyError("lock-path", `cannot create the lock file \`${lockPath}\`: ${reason(err)}`, {
        file: lockPath,
        help: `the folder of ${options.what ?? "the locked file"} must be writable`
      });
    throw err;
  }
  try {
    await acquire(fd, lockPath, options);
    return await fn();
  } finally {
    fs.closeSync(fd);
  }
}
function reason(e) {
  return e.message.replace(/^[A-Z]+: /, "").replace(/, \w+ '.*'$/, "");
}
function acquire(fd, lockPath, options) {
  const seconds = String(Math.max(1, Math.ceil((options.timeoutMs ?? 3e4) / 1e3)));
  return new Promise((resolve4, reject) => {
    const child = spawn("flock", ["-x", "-w", seconds, "3"], { stdio: ["ignore", "ignore", "pipe", fd] });
    let stderr = "";
    const waiting = setTimeout(() => options.onWait?.(), 200);
    child.stderr?.setEncoding("utf8").on("data", (c) => stderr += c);
    child.once("error", (e) => {
      clearTimeout(waiting);
      const why = e.code === "ENOENT" ? "flock(1) is not installed (not found on PATH)" : `flock(1) did not start (${e.message})`;
      reject(new PolicyError("lock-failed", `cannot lock \`${lockPath}\`: ${why}`, { file: lockPath, help: "wg-policy needs flock(1) from util-linux" }));
    });
    child.once("close", (code, signal) => {
      clearTimeout(waiting);
      const said = stderr.trim().replace(/^flock: /, "");
      if (code === 0) resolve4();
      else if (code === 1 && said === "")
        reject(
          new PolicyError("lock-failed", `cannot lock \`${lockPath}\`: still locked by another process after ${seconds} s`, {
            file: lockPath,
            help: `another wg-policy or wg (or a stuck process) holds ${options.what ?? "the lock"}`
          })
        );
      else reject(new PolicyError("lock-failed", `cannot lock \`${lockPath}\`: ${said || `flock exited with ${code ?? signal}`}`, { file: lockPath }));
    });
  });
}

// src/audit/log.ts
init_time();

// src/audit/chain.ts
import { createHash } from "node:crypto";
import fs3 from "node:fs";
import * as z4 from "zod/mini";

// src/audit/event.ts
init_errors();
import { randomBytes } from "node:crypto";
import os from "node:os";
import * as z3 from "zod/mini";

// src/shared/source.ts
import * as z2 from "zod/mini";
var LayerSchema = z2.enum(["task", "cli", "local", "global", "default", "manifest", "run"]);
var SourceSchema = z2.object({
  layer: LayerSchema,
  file: z2.nullable(z2.string()),
  key: z2.string(),
  value: z2.unknown(),
  via: z2.optional(z2.string())
});
var identity = (s) => `${s.layer}|${s.file}|${s.key}|${s.via ?? ""}`;
var plain = (s) => !s.layer.includes("|") && !s.key.includes("|") && (s.file === null || s.file !== "null" && !s.file.includes("|")) && !(s.via ?? "").includes("|");
function dedupeSources(sources) {
  const out = [];
  next: for (const s of sources) {
    const fast = plain(s);
    for (const o of out) {
      const same = fast && plain(o) ? o.layer === s.layer && o.file === s.file && o.key === s.key && (o.via ?? "") === (s.via ?? "") : identity(o) === identity(s);
      if (same) continue next;
    }
    out.push(s);
  }
  return out;
}

// src/audit/event.ts
var DecisionInputSchema = z3.extend(z3.omit(SourceSchema, { via: true }), { layer: z3.string() });
var RuleRefSchema = z3.object({ field: z3.string(), rule: z3.string(), policy: z3.string() });
var DecisionErrorSchema = z3.object({ code: z3.string(), message: z3.string(), rule: z3.optional(z3.string()) });
var DecisionKindSchema = z3.enum(["spawn", "gate"]);
var decided = {
  policyRevision: z3.string(),
  inputs: z3.array(DecisionInputSchema),
  result: z3.unknown(),
  rules: z3.array(RuleRefSchema),
  error: z3.optional(DecisionErrorSchema),
  /** Per-field explanation (winner, values read, rules that lost, why the others failed), for `audit show`. */
  explanation: z3.optional(z3.unknown())
};
var DecisionSchema = z3.object({ kind: DecisionKindSchema, taskId: z3.string(), ...decided });
var Sha256Hex = z3.string().check(z3.regex(/^[0-9a-f]{64}$/));
var AuditRecordSchema = z3.object({
  id: z3.string(),
  ts: z3.string(),
  kind: DecisionKindSchema,
  task: z3.string(),
  actor: z3.string(),
  ...decided,
  masked: z3.array(z3.string()),
  seq: z3.int().check(z3.nonnegative()),
  prev: Sha256Hex,
  hash: Sha256Hex
});
var ChainHeadSchema = z3.object({ seq: z3.int().check(z3.nonnegative()), hash: Sha256Hex });
var CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
var lastTime = -1;
var lastRandom = Buffer.alloc(10);
function newDecisionId(time = Date.now()) {
  if (time <= lastTime) {
    time = lastTime;
    for (let i = lastRandom.length - 1; i >= 0; i--) {
      lastRandom[i] = lastRandom[i] + 1 & 255;
      if (lastRandom[i] !== 0) break;
    }
  } else {
    lastTime = time;
    lastRandom = randomBytes(10);
  }
  let head = "";
  for (let t = Math.max(0, Math.floor(time)), i = 0; i < 10; i++, t = Math.floor(t / 32)) head = CROCKFORD[t % 32] + head;
  let tail = "";
  for (let n = BigInt(`0x${lastRandom.toString("hex")}`), i = 0; i < 16; i++, n >>= 5n) tail = CROCKFORD[Number(n & 31n)] + tail;
  return head + tail;
}
function defaultActor() {
  const agent = process.env.WG_AGENT_ID;
  if (agent) return agent;
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? process.env.LOGNAME ?? "unknown";
  }
}
function recordBody(decision, meta) {
  const parsed = DecisionSchema.safeParse(decision);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PolicyError("internal", `audit decision is invalid at \`${issue.path.join(".") || "(root)"}\`: ${issue.message.toLowerCase()}`);
  }
  const d = parsed.data;
  const body = {
    id: meta.id,
    ts: meta.now.toISOString(),
    kind: d.kind,
    task: d.taskId,
    actor: meta.actor,
    policyRevision: d.policyRevision,
    // A missing value is written as null so the record still has every field after a JSON round trip.
    inputs: d.inputs.map((i) => ({ ...i, value: i.value === void 0 ? null : i.value })),
    result: d.result === void 0 ? null : d.result,
    rules: d.rules
  };
  if (d.error) body.error = d.error;
  if (d.explanation !== void 0) body.explanation = d.explanation;
  try {
    return JSON.parse(JSON.stringify(body));
  } catch (e) {
    throw new PolicyError("internal", `audit decision for \`${d.taskId}\` is not JSON-serialisable: ${e.message}`);
  }
}

// src/audit/files.ts
import fs2 from "node:fs";
import path2 from "node:path";
init_errors();
var CHUNK = 64 * 1024;
var MAX_LINE = 16 * 1024 * 1024;
var lockPathFor = (logPath) => `${logPath}.lock`;
var headPathFor = (logPath) => `${logPath}.head`;
function siblings(logPath) {
  const dir = path2.dirname(logPath);
  const ext = path2.extname(logPath);
  const stem = path2.basename(logPath, ext);
  const pattern = new RegExp(`^${escapeRegExp(stem)}(\\d*)${escapeRegExp(ext)}$`);
  let names;
  try {
    names = fs2.readdirSync(dir);
  } catch (e) {
    if (e.code === "ENOENT") return [];
    throw e;
  }
  const found = [];
  for (const name of names) {
    const m = pattern.exec(name);
    if (m) found.push({ index: m[1] === "" ? 0 : Number(m[1]), file: path2.join(dir, name) });
  }
  return found;
}
function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
function readLastLine(file) {
  let fd;
  try {
    fd = fs2.openSync(file, "r");
  } catch (e) {
    if (e.code === "ENOENT") return void 0;
    throw e;
  }
  try {
    let end = fs2.fstatSync(fd).size;
    const last = Buffer.alloc(1);
    while (end > 0 && fs2.readSync(fd, last, 0, 1, end - 1) === 1 && (last[0] === 10 || last[0] === 13)) end--;
    if (end === 0) return void 0;
    const complete = end < fs2.fstatSync(fd).size;
    const parts = [];
    for (let pos = end; pos > 0; ) {
      const start = Math.max(0, pos - CHUNK);
      const buf = Buffer.alloc(pos - start);
      fs2.readSync(fd, buf, 0, buf.length, start);
      const nl = buf.lastIndexOf(10);
      if (nl >= 0) {
        parts.unshift(buf.subarray(nl + 1));
        break;
      }
      parts.unshift(buf);
      pos = start;
      if (end - pos > MAX_LINE) return void 0;
    }
    return { text: Buffer.concat(parts).toString("utf8"), complete };
  } finally {
    fs2.closeSync(fd);
  }
}
var ChainFile = class {
  constructor(logPath, rotation = {}) {
    this.logPath = logPath;
    this.rotation = rotation;
  }
  logPath;
  rotation;
  /** Files oldest → newest by name. */
  byName() {
    const list = siblings(this.logPath);
    return list.sort((a, b) => this.rotation.tailable ? b.index - a.index : a.index - b.index);
  }
  /** The file the next record goes to, before any rotation. */
  current() {
    if (this.rotation.tailable || !this.rotation.maxsize) return { index: 0, file: this.logPath };
    return this.byName().at(-1) ?? { index: 0, file: this.logPath };
  }
  /** The newest non-empty line of the log, across rotated files. */
  lastLine() {
    for (const s of this.byName().reverse()) {
      const last = readLastLine(s.file);
      if (last) return last;
    }
    return void 0;
  }
  /** Appends one line (rotating first if the current file is full) and flushes it to disk; returns the file. */
  append(line) {
    const current = this.current();
    let file = current.file;
    let size = fileSize(file);
    const { maxsize } = this.rotation;
    if (maxsize && size >= maxsize) {
      file = this.rotation.tailable ? this.shiftTailable() : this.nextIncrementing(current.index);
      size = 0;
    }
    fs2.mkdirSync(path2.dirname(file), { recursive: true });
    const fd = fs2.openSync(file, "a+");
    try {
      const prefix = size > 0 && readByte(fd, size - 1) !== 10 ? "\n" : "";
      const data = Buffer.from(`${prefix}${line.replace(/\n$/, "")}
`, "utf8");
      for (let off = 0; off < data.length; ) off += fs2.writeSync(fd, data, off, data.length - off);
      fs2.fdatasyncSync(fd);
    } finally {
      fs2.closeSync(fd);
    }
    return file;
  }
  /** Non-tailable: the next numbered file; drops the oldest beyond maxFiles, as winston does. */
  nextIncrementing(index) {
    const next = this.nameFor(index + 1);
    const { maxFiles } = this.rotation;
    if (maxFiles) {
      for (const s of siblings(this.logPath)) if (s.index <= index + 1 - maxFiles) fs2.rmSync(s.file, { force: true });
    }
    return next;
  }
  /** Tailable: n-1 → n down to 1, the bare file → 1; the bare file starts empty, as winston does. */
  shiftTailable() {
    const top = this.rotation.maxFiles ?? Math.max(0, ...siblings(this.logPath).map((s) => s.index)) + 2;
    for (let i = top - 1; i > 1; i--) {
      const from = this.nameFor(i - 1);
      if (fs2.existsSync(from)) fs2.renameSync(from, this.nameFor(i));
    }
    fs2.renameSync(this.logPath, this.nameFor(1));
    return this.logPath;
  }
  nameFor(index) {
    if (index === 0) return this.logPath;
    const ext = path2.extname(this.logPath);
    return path2.join(path2.dirname(this.logPath), `${path2.basename(this.logPath, ext)}${index}${ext}`);
  }
};
function fileSize(file) {
  try {
    return fs2.statSync(file).size;
  } catch {
    return 0;
  }
}
function readByte(fd, position) {
  const b = Buffer.alloc(1);
  fs2.readSync(fd, b, 0, 1, position);
  return b[0];
}

// src/audit/chain.ts
var GENESIS = "0".repeat(64);
var VerifyProblemSchema = z4.object({
  file: z4.string(),
  line: z4.int(),
  seq: z4.optional(z4.int()),
  // head-missing: the log has records but no head sidecar, so records removed from its end cannot be seen.
  kind: z4.enum(["edited", "removed", "reordered", "truncated", "corrupt", "head-missing"]),
  message: z4.string()
});
var VerifyResultSchema = z4.object({
  ok: z4.boolean(),
  records: z4.int(),
  /** Set when `allowPrunedStart` accepted a chain that starts after seq 0: the first seq verified. */
  prunedBefore: z4.optional(z4.int()),
  problem: z4.optional(VerifyProblemSchema)
});
function canonicalJson(value) {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map((v) => v === void 0 ? "null" : canonicalJson(v)).join(",")}]`;
  const obj = value;
  const members2 = [];
  for (const key of Object.keys(obj).sort()) {
    const v = obj[key];
    if (v === void 0 || typeof v === "function" || typeof v === "symbol") continue;
    members2.push(`${JSON.stringify(key)}:${canonicalJson(v)}`);
  }
  return `{${members2.join(",")}}`;
}
function hashRecord(record4) {
  const { hash: _ignored, ...rest } = record4;
  return createHash("sha256").update(canonicalJson(rest)).digest("hex");
}
function sealRecord(body, head) {
  const unhashed = { ...body, seq: head ? head.seq + 1 : 0, prev: head ? head.hash : GENESIS };
  return { ...unhashed, hash: hashRecord(unhashed) };
}
function readHead(logPath) {
  const read = readHeadFile(headPathFor(logPath));
  return read.head;
}
function readHeadFile(file) {
  let text;
  try {
    text = fs3.readFileSync(file, "utf8");
  } catch (e) {
    return e.code === "ENOENT" ? {} : { error: e.message };
  }
  try {
    const parsed = ChainHeadSchema.safeParse(JSON.parse(text));
    return parsed.success ? { head: parsed.data } : { error: "it is not {seq, hash}" };
  } catch {
    return { error: "it is not JSON" };
  }
}
function writeHead(logPath, head) {
  const file = headPathFor(logPath);
  fs3.writeFileSync(`${file}.tmp`, `${JSON.stringify({ seq: head.seq, hash: head.hash })}
`);
  fs3.renameSync(`${file}.tmp`, file);
}
function chainPosition(text) {
  try {
    const r = JSON.parse(text);
    if (typeof r.seq === "number" && typeof r.hash === "string" && typeof r.prev === "string") return { seq: r.seq, hash: r.hash, prev: r.prev };
  } catch {
  }
  return void 0;
}

// src/shared/secrets.ts
var MASK = "***";
var SECRET_NAME = /key|token|secret|passw(or)?d|credential|authorization/i;
var USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@]+)@/gi;
var PARAM = /([?&;])([^=&;#\s?/]+)=([^&;#\s]*)/g;
function namesSecret(name) {
  return SECRET_NAME.test(name);
}
function keyPathNamesSecret(keyPath) {
  return keyPath.split(/[.[\]]+/).some((segment2) => segment2 !== "" && namesSecret(segment2));
}
function hasCredentials(text) {
  if (new RegExp(USERINFO.source, "i").test(text)) return true;
  for (const m of text.matchAll(PARAM)) if (m[3] !== "" && namesSecret(m[2])) return true;
  return false;
}
function maskUrlCredentials(text) {
  if (!text.includes("://") && !/[?&;][^=\s]*=/.test(text)) return text;
  return text.replace(USERINFO, (all, scheme, info) => info === MASK || info === "" ? all : `${scheme}${maskUserinfo(info)}@`).replace(PARAM, (all, sep, name, value) => value !== "" && value !== MASK && namesSecret(name) ? `${sep}${name}=${MASK}` : all);
}
function maskUserinfo(info) {
  const colon = info.indexOf(":");
  return colon >= 0 ? `${info.slice(0, colon + 1)}${MASK}` : MASK;
}

// src/audit/mask.ts
var MIN_SEARCHED_SECRET = 8;
var PLAIN_SEGMENT = /^[A-Za-z_$][\w$-]*$/;
var RULE_ID_PROPERTY = "rule";
function maskSecrets(value, secrets = []) {
  const known = [...new Set(secrets.filter((s) => typeof s === "string" && s.length >= MIN_SEARCHED_SECRET))].sort((a, b) => b.length - a.length);
  const masked = /* @__PURE__ */ new Set();
  const scrub = (text) => {
    if (known.includes(text)) return MASK;
    let out = text;
    for (const secret of known) if (out.includes(secret)) out = out.split(secret).join(MASK);
    return maskUrlCredentials(out);
  };
  const walk = (node, at) => {
    if (typeof node === "string") {
      const out2 = scrub(node);
      if (out2 !== node) masked.add(at);
      return out2;
    }
    if (Array.isArray(node)) return node.map((item, i) => walk(item, `${at}[${i}]`));
    if (node === null || typeof node !== "object") return node;
    const source = node;
    const isKeyValue = typeof source.key === "string" && "value" in source;
    const out = {};
    for (const [rawName, child] of Object.entries(source)) {
      const name = scrub(rawName);
      const childAt = at === "" ? segment(name).replace(/^\./, "") : at + segment(name);
      if (name !== rawName) masked.add(childAt);
      let secret;
      if (isKeyValue && rawName === "key") secret = false;
      else if (isKeyValue && rawName === "value") secret = keyPathNamesSecret(source.key);
      else secret = namesSecret(rawName);
      let next;
      if (secret && child !== null && child !== void 0) {
        masked.add(childAt);
        next = MASK;
      } else if (rawName === RULE_ID_PROPERTY && typeof child === "string") {
        next = child;
      } else {
        next = walk(child, childAt);
      }
      Object.defineProperty(out, name, { value: next, enumerable: true, writable: true, configurable: true });
    }
    return out;
  };
  return { value: walk(value, ""), masked: [...masked] };
}
function segment(name) {
  return PLAIN_SEGMENT.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`;
}

// src/audit/log.ts
var MESSAGE = /* @__PURE__ */ Symbol.for("message");
var LINE = /* @__PURE__ */ Symbol("wg-policy.audit-line");
var TICKET = /* @__PURE__ */ Symbol("wg-policy.audit-ticket");
var WRITE_TIMEOUT_MS = 1e4;
var TransportBase = winston.Transport;
var ChainFileTransport = class extends TransportBase {
  constructor(chain) {
    super({ level: "info" });
    this.chain = chain;
  }
  chain;
  waiting = /* @__PURE__ */ new Map();
  /** Resolves once the record with this ticket is on disk. */
  written(ticket) {
    return new Promise((resolve4, reject) => {
      const done = (e) => {
        clearTimeout(timer);
        this.waiting.delete(ticket);
        if (e) reject(e);
        else resolve4();
      };
      const timer = setTimeout(
        () => done(new PolicyError("internal", `the decision log \`${this.chain.logPath}\` did not receive a record within ${WRITE_TIMEOUT_MS} ms`)),
        WRITE_TIMEOUT_MS
      );
      timer.unref();
      this.waiting.set(ticket, { resolve: () => done(), reject: done });
    });
  }
  log(info, next) {
    const waiter = this.waiting.get(info[TICKET]);
    try {
      this.chain.append(String(info[MESSAGE]));
      waiter?.resolve();
    } catch (e) {
      const error = new PolicyError("internal", `cannot append to the decision log \`${this.chain.logPath}\`: ${e.message}`);
      if (waiter) waiter.reject(error);
      else transportErrors.push(error.message);
    }
    next();
  }
};
var sinks = /* @__PURE__ */ new Map();
var inFlight = /* @__PURE__ */ new Set();
var transportErrors = [];
var tickets = 0;
function appendDecision(decision, options) {
  const pending = append(decision, options);
  inFlight.add(pending);
  void pending.then(
    () => inFlight.delete(pending),
    () => inFlight.delete(pending)
  );
  return pending;
}
async function append(decision, options) {
  const logPath = path3.resolve(options.path);
  const now = (options.clock ?? (() => /* @__PURE__ */ new Date()))();
  const id = options.newId ? options.newId() : newDecisionId(now.getTime());
  const { id: _id, ts, ...rest } = recordBody(decision, { id, now, actor: options.actor ?? defaultActor() });
  const { value, masked } = maskSecrets(rest, options.secrets);
  const sink = sinkFor(logPath, options);
  fs4.mkdirSync(path3.dirname(logPath), { recursive: true });
  return withFileLock(
    lockPathFor(logPath),
    async () => {
      const record4 = sealRecord({ id, ts, ...value, masked }, chainHead(logPath, sink.chain));
      const ticket = ++tickets;
      const written = sink.file?.written(ticket);
      sink.http.pending += sink.logger.transports.filter((t) => t instanceof winston.transports.Http).length;
      sink.logger.log({ level: "info", message: `${record4.kind} decision ${record4.id}`, ...record4, [LINE]: JSON.stringify(record4), [TICKET]: ticket });
      await written;
      writeHead(logPath, { seq: record4.seq, hash: record4.hash });
      return record4;
    },
    { timeoutMs: options.lockTimeoutMs, what: "the decision log" }
  );
}
function chainHead(logPath, chain) {
  const head = readHead(logPath);
  const lastLine = chain?.lastLine();
  const last = lastLine ? chainPosition(lastLine.text) : void 0;
  if (!last) return head;
  if (!head || last.seq === head.seq + 1 && last.prev === head.hash) return { seq: last.seq, hash: last.hash };
  return head;
}
function sinkFor(logPath, options) {
  const specs = options.transports ?? [];
  const key = JSON.stringify([logPath, options.replaceDefault === true, specs]);
  const cached2 = sinks.get(key);
  if (cached2) return cached2;
  const isChained = (s) => s.type === "file" && (s.filename === void 0 || path3.resolve(s.filename) === logPath);
  const chainSpecs = specs.filter(isChained);
  if (chainSpecs.length > 1) throw new PolicyError("audit-config", `two file transports write the decision log \`${logPath}\` itself; keep one`);
  const chain = chainSpecs.length || !options.replaceDefault ? new ChainFile(logPath, chainSpecs[0] ?? {}) : void 0;
  const file = chain ? new ChainFileTransport(chain) : void 0;
  const owned = { streams: [], agents: [] };
  const skipped = [];
  const extra = specs.filter((s) => !isChained(s)).map((s) => winstonTransport(s, owned, skipped));
  const transports = [...file ? [file] : [], ...extra.filter((t) => t !== void 0)];
  if (transports.length === 0) {
    const why = skipped.length ? `its only destination was skipped: ${skipped.join("; ")}` : "`replaceDefault` is set but no transport replaces it";
    throw new PolicyError("audit-config", `the decision log has no destination: ${why}`);
  }
  transportErrors.push(...skipped);
  const lineFormat = winston.format((info) => {
    info[MESSAGE] = info[LINE];
    return info;
  });
  const logger = winston.createLogger({ level: "info", format: lineFormat(), transports, exitOnError: false });
  const http3 = { pending: 0, idle: /* @__PURE__ */ new Set() };
  const settleHttp = () => {
    http3.pending = Math.max(0, http3.pending - 1);
    if (http3.pending === 0) for (const wake of http3.idle) wake();
  };
  for (const t of transports) if (t instanceof winston.transports.Http) t.on("logged", settleHttp).on("warn", settleHttp);
  const report = (e, t) => transportErrors.push(`audit transport \`${t?.name ?? "?"}\` failed: ${e?.message ?? String(e)}`);
  logger.on("error", report).on("warn", report);
  const sink = { logger, file, chain, http: http3, owned };
  sinks.set(key, sink);
  return sink;
}
function winstonTransport(spec, owned, skipped) {
  switch (spec.type) {
    case "file":
      return new winston.transports.File(defined({ filename: spec.filename, maxsize: spec.maxsize, maxFiles: spec.maxFiles, tailable: spec.tailable }));
    case "http": {
      const agent = spec.ssl ? new https.Agent() : new http.Agent();
      owned.agents.push(agent);
      return new winston.transports.Http(defined({ host: spec.host, port: spec.port, path: spec.path, ssl: spec.ssl, agent }));
    }
    case "stream": {
      if (spec.stream === "stderr") return new winston.transports.Stream({ stream: process.stderr });
      const stream = openStreamTarget(spec.stream, skipped);
      if (!stream) return void 0;
      stream.on("error", (e) => transportErrors.push(`audit transport \`stream\` to \`${spec.stream}\` failed: ${e.message}`));
      owned.streams.push({ target: spec.stream, stream });
      return new winston.transports.Stream({ stream });
    }
    case "console":
      return new winston.transports.Console({ stderrLevels: Object.keys(winston.config.npm.levels) });
  }
}
function openStreamTarget(target, skipped) {
  let isFifo = false;
  try {
    isFifo = fs4.statSync(target).isFIFO();
  } catch {
  }
  if (!isFifo) return fs4.createWriteStream(target, { flags: "a" });
  let fd;
  try {
    fd = fs4.openSync(target, fs4.constants.O_WRONLY | fs4.constants.O_NONBLOCK);
  } catch (e) {
    const code = e.code;
    skipped.push(
      `audit transport \`stream\` skipped: ${code === "ENXIO" ? `nobody reads the FIFO \`${target}\`` : `cannot open the FIFO \`${target}\`: ${e.message}`}`
    );
    return void 0;
  }
  return new net.Socket({ fd, readable: false, writable: true });
}
function defined(options) {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== void 0));
}

// src/audit/destination.ts
function logDestination(o) {
  const config = o.config ? auditConfigFrom(o.config.data, o.config.file) : { replaceDefault: false, transports: [] };
  const explicit = o.explicit ?? (o.env.WG_POLICY_AUDIT_LOG || void 0);
  const path9 = explicit ? resolve(explicit) : config.path && o.wgDir ? resolve(o.wgDir, config.path) : o.wgDir ? join(o.wgDir, "policy-audit.jsonl") : null;
  return { path: path9, config };
}
var WAY_OUT = "pass --audit-log PATH, or --no-audit to skip the decision log";
async function recordDecision(decision, dest, o) {
  if (!dest.path) {
    o.warn("no wg directory and no --audit-log: this decision is not recorded");
    return false;
  }
  try {
    await appendDecision(decision, { path: dest.path, secrets: o.secrets, transports: dest.config.transports, replaceDefault: dest.config.replaceDefault });
    return true;
  } catch (e) {
    if (e instanceof PolicyError && e.exit === 2 && (e.key !== void 0 || e.line !== void 0)) throw e;
    const help = e instanceof PolicyError && e.help ? `${e.help}; or ${WAY_OUT}` : WAY_OUT;
    throw new PolicyError("audit-unrecordable", `cannot record the decision: ${e.message}`, { file: dest.path, help });
  }
}

// src/config/layers.ts
import { homedir } from "node:os";
import { dirname as dirname2, join as join3, relative } from "node:path";

// src/config/locate.ts
init_errors();
import { existsSync, statSync } from "node:fs";
import { basename, dirname, join as join2, resolve as resolve2 } from "node:path";
var DIR_NAMES = [".wg", ".workgraph"];
function isDir(p) {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
function notFound(value, how) {
  return new PolicyError("wgdir-not-found", `the wg directory \`${value}\` given by ${how} does not exist`, { key: how });
}
function assertWgDir(loc2) {
  if (loc2.unchecked && !isDir(loc2.wgDir)) throw notFound(loc2.unchecked.value, loc2.how);
}
var resolved = /* @__PURE__ */ new Map();
function resolveOnce(cwd, value) {
  const key = `${cwd}\0${value}`;
  let r = resolved.get(key);
  if (!r) {
    const path9 = resolve2(cwd, value);
    r = { path: path9, named: DIR_NAMES.includes(basename(path9)) };
    if (resolved.size >= 256) resolved.delete(resolved.keys().next().value);
    resolved.set(key, r);
  }
  return r;
}
function descend({ path: p, named }) {
  if (named || existsSync(join2(p, "graph.jsonl"))) return p;
  for (const name of DIR_NAMES) if (isDir(join2(p, name))) return join2(p, name);
  return p;
}
function locateWgDir(opts) {
  const given = opts.dir ? { value: opts.dir, how: "--dir" } : opts.env.WG_DIR ? { value: opts.env.WG_DIR, how: "WG_DIR" } : null;
  if (given) {
    const at = resolveOnce(opts.cwd, given.value);
    if (opts.defer && at.named) return { wgDir: at.path, how: given.how, unchecked: { value: given.value } };
    const p = descend(at);
    if (!isDir(p)) throw notFound(given.value, given.how);
    return { wgDir: p, how: given.how };
  }
  let cur = resolve2(opts.cwd);
  for (; ; ) {
    for (const name of DIR_NAMES) if (isDir(join2(cur, name))) return { wgDir: join2(cur, name), how: "walk-up" };
    const up = dirname(cur);
    if (up === cur) break;
    cur = up;
  }
  throw new PolicyError("wgdir-not-found", `no wg directory found: looked for .wg and .workgraph from \`${opts.cwd}\` up to /`, {
    help: "pass --dir, set WG_DIR, or run inside a wg project"
  });
}
function globalConfigPath(home) {
  const wg = join2(home, ".wg");
  if (!isDir(wg) && isDir(join2(home, ".workgraph"))) return join2(home, ".workgraph", "config.toml");
  return join2(wg, "config.toml");
}

// src/config/load-toml.ts
init_errors();
import * as z6 from "zod/mini";

// src/shared/file-cache.ts
import fs5 from "node:fs";
var RACY_MS = 50;
var isRacy = (mtimeMs) => Date.now() - mtimeMs < RACY_MS;
var OFF = process.env.WG_POLICY_NO_CACHE === "1";
var cachesOff = () => OFF;
var MISSING = { kind: "missing" };
var ERROR = { kind: "error" };
function stateOf(path9) {
  let st;
  try {
    st = fs5.statSync(path9, { throwIfNoEntry: false });
  } catch {
    return ERROR;
  }
  if (!st) return MISSING;
  return { kind: "file", dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, mode: st.mode };
}
function sameState(a, b) {
  if (a.kind === "file" && b.kind === "file")
    return a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.dev === b.dev && a.mode === b.mode;
  return a.kind === "missing" && b.kind === "missing";
}
function signatureOf(path9) {
  const s = stateOf(path9);
  if (s.kind !== "file") return { signature: s.kind, mtimeMs: 0 };
  return { signature: `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}:${s.mode}`, mtimeMs: s.mtimeMs };
}
var FileCache = class {
  constructor(max = 256) {
    this.max = max;
  }
  max;
  entries = /* @__PURE__ */ new Map();
  /**
   * The value parsed from the content `read()` returns for `path` (for `variant`: e.g. how the file is shown in
   * messages), kept while the file is unchanged.
   */
  get(path9, read, parse2, variant = "") {
    return this.lookup(path9, read, parse2, variant, stateOf(path9));
  }
  /** As `get`, but undefined (nothing read) when the file does not exist: one stat answers both questions. */
  getIfPresent(path9, read, parse2, variant = "") {
    const state = stateOf(path9);
    return state.kind === "missing" ? void 0 : this.lookup(path9, read, parse2, variant, state);
  }
  lookup(path9, read, parse2, variant, state) {
    if (OFF) return parse2(read());
    const hit = this.entries.get(path9);
    if (hit && hit.variant === variant && sameState(hit.state, state)) {
      if (hit.content === void 0) return hit.value;
      const content2 = read();
      if (content2 === hit.content) {
        if (state.kind !== "file" || !isRacy(state.mtimeMs)) hit.content = void 0;
        return hit.value;
      }
      return this.store(path9, variant, state, content2, parse2(content2));
    }
    const content = read();
    return this.store(path9, variant, state, content, parse2(content));
  }
  store(path9, variant, state, content, value) {
    if (state.kind === "error") return value;
    this.entries.delete(path9);
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value);
    const racy = state.kind === "file" && isRacy(state.mtimeMs);
    this.entries.set(path9, { variant, state, value, content: racy ? content ?? "" : void 0 });
    return value;
  }
  /** Forgets every entry. */
  clear() {
    this.entries.clear();
  }
};

// src/shared/read-file.ts
init_errors();
import fs6 from "node:fs";
function readTextFile(path9, options = {}) {
  const bytes = readFileBytes(path9, options);
  return bytes === void 0 ? void 0 : bytes.toString("utf8");
}
function readFileBytes(path9, options = {}) {
  const shown2 = options.shownAs ?? path9;
  const what = options.what ?? "file";
  let st;
  try {
    st = fs6.statSync(path9);
  } catch (e) {
    const code = e.code;
    if ((code === "ENOENT" || code === "ENOTDIR") && options.missing === "absent") return void 0;
    const why = code === "ENOENT" ? "does not exist" : e.message.replace(/^[A-Z]+: /, "").replace(/, \w+ '.*'$/, "");
    throw new PolicyError("file-unreadable", `cannot read ${what} \`${shown2}\`: ${why}`, { file: shown2, help: options.help });
  }
  if (!st.isFile()) {
    const kind = st.isDirectory() ? "a directory" : st.isFIFO() ? "a FIFO" : st.isSocket() ? "a socket" : "a device or special file";
    throw new PolicyError("not-a-regular-file", `${what} \`${shown2}\` is ${kind}, not a regular file`, { file: shown2 });
  }
  try {
    return fs6.readFileSync(path9);
  } catch (e) {
    throw new PolicyError("file-unreadable", `cannot read ${what} \`${shown2}\`: ${e.message.replace(/^[A-Z]+: /, "").replace(/, \w+ '.*'$/, "")}`, {
      file: shown2
    });
  }
}

// src/shared/toml.ts
init_errors();
import { parse, TomlError } from "smol-toml";
var MAX_DEPTH = 64;
function splitKey(key) {
  const out = [];
  let cur = "";
  let quote = null;
  for (let i = 0; i < key.length; i++) {
    const ch = key[i];
    if (quote) {
      if (ch === "\\" && quote === '"') cur += key[++i] ?? "";
      else if (ch === quote) quote = null;
      else cur += ch;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === ".") {
      out.push(cur.trim());
      cur = "";
    } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}
var HEADER = /^\s*(\[\[?)\s*((?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*'))*)\s*\]\]?/;
var KEY = /^(\s*)((?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*'))*)\s*=/;
function indexPositions(text) {
  const index = /* @__PURE__ */ new Map();
  const counts = /* @__PURE__ */ new Map();
  const arrays = /* @__PURE__ */ new Set();
  let context = [];
  let inString = null;
  const lines = text.split(/\r?\n/);
  const resolve4 = (segs) => {
    const out = [];
    for (const s of segs) {
      out.push(s);
      const key = out.join("\0");
      if (arrays.has(key)) out.push(counts.get(key));
    }
    return out;
  };
  lines.forEach((raw, i) => {
    if (inString) {
      if (raw.includes(inString)) inString = null;
      return;
    }
    const h = HEADER.exec(raw);
    if (h) {
      const segs = splitKey(h[2]);
      if (h[1] === "[[") {
        const parent = resolve4(segs.slice(0, -1));
        const base = [...parent, segs[segs.length - 1]];
        const key = base.join("\0");
        const n = (counts.get(key) ?? -1) + 1;
        counts.set(key, n);
        arrays.add(key);
        context = [...base, n];
        if (!index.has(key)) index.set(key, { line: i + 1, column: raw.indexOf("[") + 1 });
      } else context = resolve4(segs);
      index.set(context.join("\0"), { line: i + 1, column: raw.indexOf("[") + 1 });
      return;
    }
    const k = KEY.exec(raw);
    if (!k) return;
    const path9 = [...context, ...splitKey(k[2])];
    index.set(path9.join("\0"), { line: i + 1, column: k[1].length + 1 });
    const rest = raw.slice(k[0].length);
    for (const q of ['"""', "'''"]) {
      const at = rest.indexOf(q);
      if (at >= 0 && rest.indexOf(q, at + 3) < 0) inString = q;
    }
  });
  return index;
}
function checkDepth(text, file) {
  let depth = 0;
  let quote = null;
  const lines = text.split("\n");
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n];
    let i = 0;
    if (!quote && depth === 0) {
      const h = HEADER.exec(raw) ?? KEY.exec(raw);
      const key = h ? h[2] : void 0;
      if (key && splitKey(key).length > MAX_DEPTH)
        throw new PolicyError("toml-too-deep", `TOML keys nest deeper than ${MAX_DEPTH} levels`, { file, line: n + 1 });
      if (h && HEADER.test(raw)) continue;
      if (h) i = h[0].length;
    }
    for (; i < raw.length; i++) {
      const ch = raw[i];
      if (quote) {
        if (ch === "\\" && quote[0] === '"') i++;
        else if (raw.startsWith(quote, i)) {
          i += quote.length - 1;
          quote = null;
        }
        continue;
      }
      if (ch === "#") break;
      if (ch === '"' || ch === "'") {
        quote = raw.startsWith(ch.repeat(3), i) ? ch.repeat(3) : ch;
        i += quote.length - 1;
      } else if (ch === "[" || ch === "{") {
        if (++depth > MAX_DEPTH) throw new PolicyError("toml-too-deep", `TOML values nest deeper than ${MAX_DEPTH} levels`, { file, line: n + 1 });
      } else if (ch === "]" || ch === "}") depth = Math.max(0, depth - 1);
    }
    if (quote && quote.length === 1) quote = null;
  }
}
function depthOf(root) {
  let max = 0;
  const stack = [[root, 0]];
  while (stack.length) {
    const [v, d] = stack.pop();
    if (!v || typeof v !== "object" || v instanceof Date) continue;
    max = Math.max(max, d);
    if (max > MAX_DEPTH) return max;
    for (const child of Object.values(v)) stack.push([child, d + 1]);
  }
  return max;
}
function parseToml(text, file) {
  checkDepth(text, file);
  let data;
  try {
    data = parse(text);
  } catch (e) {
    if (!(e instanceof TomlError)) throw new PolicyError("toml-syntax", `invalid TOML: ${e.message}`, { file });
    const reason2 = e.message.split("\n")[0].replace(/^Invalid TOML document: /, "").replace(/\.$/, "");
    throw new PolicyError("toml-syntax", `invalid TOML: ${reason2}`, { file, line: e.line, column: e.column });
  }
  if (depthOf(data) > MAX_DEPTH) throw new PolicyError("toml-too-deep", `TOML tables nest deeper than ${MAX_DEPTH} levels`, { file });
  let index;
  return {
    file,
    data,
    positionOf(path9) {
      index ??= indexPositions(text);
      for (let n = path9.length; n > 0; n--) {
        const hit = index.get(path9.slice(0, n).map(String).join("\0"));
        if (hit) return hit;
      }
      return void 0;
    }
  };
}

// src/config/endpoint.ts
import * as z5 from "zod/mini";
var Text = z5.string().check(z5.minLength(1));
var EndpointSchema = z5.object({ name: Text, provider: Text, url: z5.string() });
var PublicEndpointSchema = z5.extend(EndpointSchema, { is_default: z5.boolean() });
var DEFAULT_URLS = {
  anthropic: "https://api.anthropic.com",
  openai: "https://api.openai.com/v1",
  openrouter: "https://openrouter.ai/api/v1",
  gemini: "https://generativelanguage.googleapis.com/v1beta/openai",
  ollama: "http://localhost:11434/v1",
  llamacpp: "http://localhost:8080/v1",
  vllm: "http://localhost:8000/v1",
  local: "http://localhost:11434/v1"
};
function defaultUrlFor(provider) {
  return Object.prototype.hasOwnProperty.call(DEFAULT_URLS, provider) ? DEFAULT_URLS[provider] : "";
}

// src/config/model-spec.ts
var KNOWN_PROVIDERS = [
  "claude",
  "openrouter",
  "nex",
  "oai-compat",
  "openai",
  "codex",
  "gemini",
  "ollama",
  "llamacpp",
  "vllm",
  "local",
  "native"
];
var DEPRECATED_PREFIXES = { local: "nex", "oai-compat": "nex" };
function parseModelSpec(spec) {
  const colon = spec.indexOf(":");
  if (colon > 0) {
    const prefix = spec.slice(0, colon);
    if (KNOWN_PROVIDERS.includes(prefix)) {
      return { spec, provider: prefix, name: spec.slice(colon + 1) };
    }
  }
  return { spec, provider: null, name: spec };
}
function deprecationWarning(where2, spec) {
  const { provider, name } = parseModelSpec(spec);
  if (provider && DEPRECATED_PREFIXES[provider]) {
    const repl = DEPRECATED_PREFIXES[provider];
    return `model spec \`${where2} = "${spec}"\` uses deprecated \`${provider}:\` prefix \u2014 use \`${repl}:${name}\``;
  }
  return null;
}

// src/config/load-toml.ts
var RawEndpointSchema = z6.looseObject({
  name: z6.string().check(z6.minLength(1)),
  provider: z6.optional(z6.string()),
  url: z6.optional(z6.string()),
  model: z6.optional(z6.string()),
  is_default: z6.optional(z6.boolean()),
  api_key: z6.optional(z6.string()),
  api_key_file: z6.optional(z6.string()),
  api_key_env: z6.optional(z6.string()),
  api_key_ref: z6.optional(z6.string())
});
var RoleSchema = z6.looseObject({ model: z6.optional(z6.string()), executor: z6.optional(z6.string()) });
var ConfigSchema = z6.looseObject({
  agent: z6.optional(RoleSchema),
  dispatcher: z6.optional(RoleSchema),
  llm_endpoints: z6.optional(z6.looseObject({ inherit_global: z6.optional(z6.boolean()), endpoints: z6.optional(z6.array(RawEndpointSchema)) })),
  policy: z6.optional(z6.looseObject({}))
});
function emptyConfig(file) {
  return { file, exists: false, data: {}, aliases: /* @__PURE__ */ new Map(), endpoints: void 0, secrets: [], warnings: [], positionOf: () => void 0 };
}
function walkStrings(value, path9, out) {
  if (typeof value === "string") out.push([path9, value]);
  else if (Array.isArray(value)) value.forEach((v, i) => walkStrings(v, `${path9}[${i}]`, out));
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) walkStrings(v, path9 ? `${path9}.${k}` : k, out);
}
var isTable2 = (v) => !!v && typeof v === "object" && !Array.isArray(v);
function normalizeLegacy(raw) {
  const aliases = /* @__PURE__ */ new Map();
  const legacy = raw.coordinator;
  if (isTable2(legacy) && (raw.dispatcher === void 0 || isTable2(raw.dispatcher))) {
    const canonical = raw.dispatcher ?? {};
    for (const [k, v] of Object.entries(legacy)) {
      if (!Object.prototype.hasOwnProperty.call(canonical, k)) {
        canonical[k] = v;
        aliases.set(`dispatcher.${k}`, `coordinator.${k}`);
      }
    }
    raw.dispatcher = canonical;
    delete raw.coordinator;
  }
  return aliases;
}
function writtenPath(path9, aliases) {
  if (path9[0] !== "dispatcher" || path9.length < 2) return [...path9];
  const alias = aliases.get(`dispatcher.${String(path9[1])}`);
  return alias ? ["coordinator", ...path9.slice(1)] : [...path9];
}
var configs = new FileCache();
var readConfig = (path9, shownAs) => () => readTextFile(path9, { shownAs, what: "config file", missing: "absent" });
function loadConfigFile(path9, shownAs) {
  return configs.get(path9, readConfig(path9, shownAs), (text) => parseConfigFile(text, shownAs), shownAs);
}
function loadConfigFileIfPresent(path9, shownAs) {
  return configs.getIfPresent(path9, readConfig(path9, shownAs), (text) => parseConfigFile(text, shownAs), shownAs);
}
function parseConfigFile(text, shownAs) {
  if (text === void 0) return emptyConfig(shownAs);
  const src = parseToml(text, shownAs);
  const raw = src.data ?? {};
  const warnings = [];
  if (raw.coordinator !== void 0) warnings.push(`Deprecated: [coordinator] table is now [dispatcher]; please rename in ${shownAs}`);
  const aliases = normalizeLegacy(raw);
  const at = (path9) => src.positionOf(writtenPath(path9, aliases));
  const result = ConfigSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const written = writtenPath(issue.path, aliases);
    const pos = at(issue.path);
    const message = issueSentence(
      { ...issue, path: written },
      { ...raw, ...written[0] === "coordinator" ? { coordinator: raw.dispatcher } : {} },
      { secret: (p) => namesSecret(String(p[p.length - 1] ?? "")), whole: "the config file" }
    );
    throw new PolicyError("config-type", message, { file: shownAs, line: pos?.line, column: pos?.column, key: issueKey({ ...issue, path: written }) });
  }
  const data = result.data;
  const strings = [];
  walkStrings(raw, "", strings);
  for (const [where2, value] of strings) {
    if (!/(^|\.)model$/.test(where2) && !where2.startsWith("tiers.")) continue;
    const w = deprecationWarning(aliases.get(where2) ?? where2, value);
    if (w) warnings.push(`(${shownAs}) ${w}`);
  }
  const secrets = strings.filter(([where2, v]) => v && keyPathNamesSecret(where2.split(".").pop() ?? "")).map(([, v]) => v);
  const endpoints = data.llm_endpoints?.endpoints?.map((ep, i) => {
    if (ep.url && hasCredentials(ep.url)) {
      const pos = at(["llm_endpoints", "endpoints", i, "url"]);
      const key = `llm_endpoints.endpoints[${i}].url`;
      throw new PolicyError("config-credential-url", `\`${key}\` carries credentials; put the key in api_key_env, api_key_file or api_key_ref`, {
        file: shownAs,
        line: pos?.line,
        column: pos?.column,
        key
      });
    }
    const provider = ep.provider ?? "anthropic";
    return { name: ep.name, provider, url: ep.url ?? defaultUrlFor(provider), is_default: ep.is_default ?? false };
  });
  return { file: shownAs, exists: true, data, aliases, endpoints, secrets, warnings, positionOf: at };
}

// src/config/layers.ts
function display(path9, projectRoot, home) {
  const rel = relative(projectRoot, path9);
  if (!rel.startsWith("..")) return rel;
  const h = relative(home, path9);
  return h.startsWith("..") ? path9 : `~/${h}`;
}
function effectiveEndpoints(local, global) {
  const make = (list, origin, looked) => ({
    list,
    names: list.map((e) => e.name),
    count: list.length,
    origin,
    looked
  });
  if (local.endpoints !== void 0) return make(local.endpoints, { layer: "local", file: local.file }, `${local.file} [[llm_endpoints.endpoints]]`);
  const inherit = local.data.llm_endpoints?.inherit_global === true;
  if (inherit && global.endpoints !== void 0)
    return make(global.endpoints, { layer: "global", file: global.file }, `${global.file} [[llm_endpoints.endpoints]] (inherited: inherit_global = true)`);
  const why = inherit ? `${local.file} (no [[llm_endpoints.endpoints]]) and ${global.file} (none either)` : `${local.file} (no [[llm_endpoints.endpoints]]); ${global.file} was not consulted because ${local.file} does not set [llm_endpoints] inherit_global = true`;
  return make([], null, why);
}
var places = /* @__PURE__ */ new Map();
function placeOf(wgDir, home) {
  const key = `${wgDir}\0${home}`;
  let place = places.get(key);
  if (!place) {
    const projectRoot = dirname2(wgDir);
    place = { localPath: join3(wgDir, "config.toml"), usual: join3(home, ".wg", "config.toml"), projectRoot, shown: /* @__PURE__ */ new Map() };
    if (places.size >= 64) places.delete(places.keys().next().value);
    places.set(key, place);
  }
  return place;
}
function loadLayers(opts) {
  const home = opts.home ?? homedir();
  const place = placeOf(opts.wgDir, home);
  const { localPath, projectRoot } = place;
  const shown2 = (p) => {
    let s = place.shown.get(p);
    if (s === void 0) place.shown.set(p, s = display(p, projectRoot, home));
    return s;
  };
  const local = loadConfigFile(localPath, shown2(localPath));
  const { usual } = place;
  let file = usual === localPath ? void 0 : loadConfigFileIfPresent(usual, shown2(usual));
  if (!file) {
    const globalPath = globalConfigPath(home);
    if (globalPath === localPath) file = { ...local };
    else if (globalPath === usual) file = place.absent ??= emptyConfig(shown2(usual));
    else file = loadConfigFile(globalPath, shown2(globalPath));
  }
  const global = file;
  if (place.last && place.last.local === local && place.last.global === global) return place.last;
  return place.last = { wgDir: opts.wgDir, projectRoot, local, global, endpoints: effectiveEndpoints(local, global) };
}

// src/engine/decide.ts
init_errors();

// src/policy/schema.ts
import * as z7 from "zod/mini";
var OPERATORS = [
  "equal",
  "notEqual",
  "in",
  "notIn",
  "contains",
  "doesNotContain",
  "lessThan",
  "lessThanInclusive",
  "greaterThan",
  "greaterThanInclusive",
  "isSet",
  "matches",
  "hasCredentials"
];
var FLAG_OPERATORS = /* @__PURE__ */ new Set(["isSet", "hasCredentials"]);
var LeafSchema = z7.strictObject({
  fact: z7.string().check(z7.minLength(1)),
  path: z7.optional(z7.string()),
  operator: z7.enum(OPERATORS),
  value: z7.optional(z7.unknown())
});
var ThenSchema = z7.strictObject({
  value: z7.optional(z7.unknown()),
  reject: z7.optional(z7.string()),
  effect: z7.optional(z7.enum(["allow", "warn", "deny"])),
  message: z7.optional(z7.string()),
  /** A second line for people: what to do about it (printed under the message, kept apart in records). */
  help: z7.optional(z7.string())
});
var RuleSchema = z7.strictObject({
  id: z7.string().check(z7.regex(/^[a-z0-9][a-z0-9._-]*$/, "must be lowercase letters, digits, `.`, `_` or `-`")),
  description: z7.string().check(z7.minLength(1)),
  priority: z7.int().check(z7.positive()),
  when: z7.record(z7.string(), z7.unknown()),
  then: ThenSchema
});
var PolicyFileSchema = z7.strictObject({
  field: z7.optional(z7.string()),
  gate: z7.optional(z7.string()),
  description: z7.optional(z7.string()),
  disable: z7.optional(z7.array(z7.string())),
  enable: z7.optional(z7.array(z7.string())),
  rules: z7.optional(z7.array(RuleSchema))
});
var POLICY_FILE_KEYS = Object.keys(PolicyFileSchema.shape);

// src/policy/value-expr.ts
var REF_KEYS = /* @__PURE__ */ new Set(["fact", "path", "where", "alias"]);
function isFactRef(x) {
  return !!x && typeof x === "object" && !Array.isArray(x) && typeof x.fact === "string" && Object.keys(x).every((k) => REF_KEYS.has(k));
}
var TEMPLATE = /\{\{\s*([A-Za-z_][\w-]*)(?:\.([^}\s]+))?\s*\}\}/g;
function collectRefs(expr, out = []) {
  if (typeof expr === "string") {
    for (const m of expr.matchAll(TEMPLATE)) out.push({ fact: m[1], path: m[2] });
  } else if (isFactRef(expr)) {
    out.push({ fact: expr.fact, path: expr.path });
    if (expr.where) collectRefs(Object.values(expr.where), out);
  } else if (Array.isArray(expr)) {
    for (const e of expr) collectRefs(e, out);
  } else if (expr && typeof expr === "object") {
    for (const v of Object.values(expr)) collectRefs(v, out);
  }
  return out;
}
function getPath(root, path9) {
  if (!path9) return root;
  let cur = root;
  for (const seg of path9.split(".")) {
    if (cur === null || cur === void 0 || typeof cur !== "object") return void 0;
    if (!Object.prototype.hasOwnProperty.call(cur, seg)) return void 0;
    cur = cur[seg];
  }
  return cur;
}
function readFact(facts, fact, path9) {
  return Object.prototype.hasOwnProperty.call(facts, fact) ? getPath(facts[fact], path9) : void 0;
}

// src/shared/is-set.ts
function isSet(value) {
  return value !== void 0 && value !== null && value !== "" && !(Array.isArray(value) && value.length === 0);
}

// src/engine/operators.ts
var asList = (v) => Array.isArray(v) ? v : typeof v === "string" ? { indexOf: (x) => typeof x === "string" ? v.indexOf(x) : -1 } : v === void 0 || v === null ? [] : null;
var ADDED_OPERATORS = [
  ["isSet", (a, e) => isSet(a) === (e !== false)],
  ["hasCredentials", (a, e) => (typeof a === "string" && hasCredentials(a)) === (e !== false)],
  ["matches", (a, pattern) => typeof a === "string" && new RegExp(String(pattern)).test(a)],
  ["in", (a, b) => (asList(b)?.indexOf(a) ?? -1) > -1],
  [
    "notIn",
    (a, b) => {
      const list = asList(b);
      return list !== null && list.indexOf(a) === -1;
    }
  ]
];
var numeric = (a) => Number.parseFloat(a).toString() !== "NaN";
var lists = (a) => Array.isArray(a);
var ENGINE_DEFAULTS = [
  ["equal", (a, b) => a === b],
  ["notEqual", (a, b) => a !== b],
  ["in", (a, b) => b.indexOf(a) > -1],
  ["notIn", (a, b) => b.indexOf(a) === -1],
  ["contains", (a, b) => a.indexOf(b) > -1, lists],
  ["doesNotContain", (a, b) => a.indexOf(b) === -1, lists],
  ["lessThan", (a, b) => a < b, numeric],
  ["lessThanInclusive", (a, b) => a <= b, numeric],
  ["greaterThan", (a, b) => a > b, numeric],
  ["greaterThanInclusive", (a, b) => a >= b, numeric]
];
var OPERATOR_TABLE = new Map([
  ...ENGINE_DEFAULTS.map(([name, compare, validate2]) => [name, validate2 ? (a, b) => validate2(a) && compare(a, b) : compare]),
  ...ADDED_OPERATORS
]);

// src/engine/compile.ts
var has = (o, k) => Object.prototype.hasOwnProperty.call(o, k);
function reader(fact, path9) {
  if (typeof fact !== "string") return () => void 0;
  if (!path9) return (facts) => has(facts, fact) ? facts[fact] : void 0;
  const segments = typeof path9 === "string" ? path9.split(".") : null;
  return (facts, over) => {
    const from = over !== null && has(over, fact) ? over : facts;
    const root = has(from, fact) ? from[fact] : void 0;
    if (root === null || typeof root !== "object") return root;
    if (!segments) return getPath(root, path9);
    let cur = root;
    for (const seg of segments) {
      if (cur === null || cur === void 0 || typeof cur !== "object" || !has(cur, seg)) return void 0;
      cur = cur[seg];
    }
    return cur;
  };
}
function valueReader(value) {
  if (value !== null && typeof value === "object" && has(value, "fact")) {
    const ref = value;
    return reader(ref.fact, ref.path);
  }
  return () => value;
}
var skipsKey = (proto, key) => {
  const d = Object.getOwnPropertyDescriptor(proto, key);
  return d !== void 0 && d.set == null;
};
function engineClone(v) {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) {
    const child2 = [];
    for (const i in v) child2[i] = engineClone(v[i]);
    return child2;
  }
  const proto = Object.getPrototypeOf(v);
  const child = Object.create(proto);
  for (const k in v) {
    if (proto && skipsKey(proto, k)) continue;
    child[k] = engineClone(v[k]);
  }
  return child;
}
function compileLeaf(n, leaves2) {
  const operator = n.operator;
  const value = engineClone(n.value === void 0 && FLAG_OPERATORS.has(String(operator)) ? true : n.value);
  const slot = 3 * leaves2.length;
  leaves2.push({ fact: n.fact, path: n.path, operator, value, slot });
  const op = OPERATOR_TABLE.get(operator);
  if (!op)
    return () => {
      throw new Error(`Unknown operator: ${operator}`);
    };
  const lhs = reader(n.fact, n.path);
  const rhs = valueReader(value);
  return (facts, slots, over) => {
    const expected = rhs(facts, over);
    const actual = lhs(facts, over);
    const result = op(actual, expected);
    if (slots !== null) {
      slots[slot] = actual;
      slots[slot + 1] = expected;
      slots[slot + 2] = result;
    }
    return result;
  };
}
function priorityOf(n) {
  return n.priority ? n.priority : 1;
}
function group(children, op) {
  if (children.length === 0) return () => true;
  if (children.length === 1) return children[0].node;
  const sets = {};
  for (const c of children) (sets[c.priority] ??= []).push(c.node);
  const ordered = Object.keys(sets).sort((a, b) => Number(a) > Number(b) ? -1 : 1).map((k) => sets[k]);
  const any = op === "any";
  const runSet = (set, facts, slots, over) => {
    let all = true;
    let some = false;
    for (const node of set) {
      if (node(facts, slots, over) === true) some = true;
      else all = false;
    }
    return any ? some : all;
  };
  if (ordered.length === 1) {
    const only = ordered[0];
    return (facts, slots, over) => runSet(only, facts, slots, over);
  }
  return (facts, slots, over) => {
    let cursor = !any;
    for (const set of ordered) {
      if (any ? cursor : !cursor) break;
      cursor = runSet(set, facts, slots, over);
    }
    return cursor;
  };
}
function compileNode(c, leaves2) {
  const n = c;
  if (Array.isArray(n.all)) return { node: compileGroup(n.all, "all", leaves2), priority: 1 };
  if (Array.isArray(n.any)) return { node: compileGroup(n.any, "any", leaves2), priority: 1 };
  if (n.not) {
    const inner = compileNode(n.not, leaves2).node;
    return { node: (facts, slots, over) => !inner(facts, slots, over), priority: 1 };
  }
  return { node: compileLeaf(n, leaves2), priority: priorityOf(n) };
}
function compileGroup(list, op, leaves2) {
  const children = list.map((c) => compileNode(c, leaves2));
  const node = group(children, op);
  return children.length === 1 ? (facts, slots, over) => node(facts, slots, over) === true : node;
}
function compileRule(rule) {
  const leaves2 = [];
  const w = rule.when;
  const test = Array.isArray(w.all) || Array.isArray(w.any) || w.not ? compileNode(w, leaves2).node : () => {
    throw new Error('"conditions" root must contain a single instance of "all", "any", "not", or "condition"');
  };
  return { rule, test, leaves: leaves2 };
}
var compiled = /* @__PURE__ */ new WeakMap();
function compileStage(rules) {
  let c = compiled.get(rules);
  if (!c) compiled.set(rules, c = { rules: rules.map(compileRule) });
  return c;
}
function conditionTrace(l, slots) {
  const result = slots[l.slot + 2];
  const evaluated = result !== void 0;
  const seen = slots[l.slot + 1];
  return {
    fact: l.fact,
    path: l.path,
    operator: l.operator,
    expected: evaluated && seen !== void 0 ? seen : l.value,
    actual: slots[l.slot],
    evaluated,
    result: evaluated ? result : null
  };
}
var CompiledRun = class {
  constructor(stage2, facts, matched, replay) {
    this.stage = stage2;
    this.facts = facts;
    this.matched = matched;
    this.replay = replay;
  }
  stage;
  facts;
  matched;
  replay;
  traces;
  over;
  record(i, over) {
    const r = this.stage.rules[i];
    const slots = new Array(3 * r.leaves.length);
    r.test(this.facts, slots, over);
    return slots;
  }
  trace(i) {
    const r = this.stage.rules[i];
    const traces = this.traces ??= [];
    if (!traces[i]) {
      if (this.over === void 0) this.over = this.replay();
      const slots = this.record(i, this.over);
      traces[i] = { rule: r.rule, matched: this.matched[i], conditions: r.leaves.map((l) => conditionTrace(l, slots)) };
    }
    return traces[i];
  }
  eachTrue(i, fn) {
    const slots = this.record(i, null);
    for (const l of this.stage.rules[i].leaves) if (slots[l.slot + 2] === true) fn(l.fact, l.path, slots[l.slot]);
  }
};
function runStage(stage2, facts, replay = () => null) {
  const matched = new Array(stage2.rules.length);
  for (let i = 0; i < stage2.rules.length; i++) matched[i] = !!stage2.rules[i].test(facts, null, null);
  return new CompiledRun(stage2, facts, matched, replay);
}

// src/engine/run-rules.ts
import { Engine } from "json-rules-engine";
function toEngineCondition(c) {
  const n = c;
  if (Array.isArray(n.all)) return { all: n.all.map(toEngineCondition) };
  if (Array.isArray(n.any)) return { any: n.any.map(toEngineCondition) };
  if (n.not) return { not: toEngineCondition(n.not) };
  const value = n.value === void 0 && FLAG_OPERATORS.has(String(n.operator)) ? true : n.value;
  return { ...n, value };
}
function leaves(node, out) {
  for (const key of ["all", "any"]) {
    if (Array.isArray(node[key])) {
      for (const c of node[key]) leaves(c, out);
      return out;
    }
  }
  if (node.not) return leaves(node.not, out);
  const evaluated = node.result !== void 0;
  out.push({
    fact: node.fact,
    path: node.path,
    operator: node.operator,
    expected: evaluated && node.valueResult !== void 0 ? node.valueResult : node.value,
    actual: node.factResult,
    evaluated,
    result: evaluated ? node.result : null
  });
  return out;
}
async function evaluateRules(rules, facts) {
  if (rules.length === 0) return [];
  const engine = new Engine([], { allowUndefinedFacts: true, pathResolver: (obj, path9) => getPath(obj, path9) });
  for (const [name, op] of ADDED_OPERATORS) engine.addOperator(name, op);
  for (const name of Object.keys(facts)) engine.addFact(name, facts[name]);
  for (const rule of rules) {
    const props = { name: rule.id, priority: rule.priority, conditions: toEngineCondition(rule.when), event: { type: rule.id } };
    engine.addRule(props);
  }
  const { results, failureResults } = await engine.run();
  const byId = /* @__PURE__ */ new Map();
  const ruleById = new Map(rules.map((r) => [r.id, r]));
  for (const [list, matched] of [
    [results, true],
    [failureResults, false]
  ]) {
    for (const r of list) {
      const rule = ruleById.get(r.name);
      byId.set(rule.id, { rule, matched, conditions: leaves(r.conditions, []) });
    }
  }
  return rules.map((r) => byId.get(r.id));
}

// src/engine/values.ts
var WHOLE = /^\{\{\s*([A-Za-z_][\w-]*)(?:\.([^}\s]+))?\s*\}\}$/;
function render(template, facts, reads) {
  return template.replace(TEMPLATE, (_m, fact, path9) => {
    const v = readFact(facts, fact, path9);
    reads.push({ fact, path: path9, value: v });
    if (v === void 0 || v === null) return "";
    return typeof v === "object" ? JSON.stringify(v) : String(v);
  });
}
function resolve3(expr, facts, reads) {
  if (typeof expr === "string") {
    const whole = WHOLE.exec(expr);
    if (whole) {
      const v = readFact(facts, whole[1], whole[2]);
      reads.push({ fact: whole[1], path: whole[2], value: v });
      return v ?? null;
    }
    return render(expr, facts, reads);
  }
  if (isFactRef(expr)) {
    let v = readFact(facts, expr.fact, expr.path);
    let path9 = expr.path;
    if (expr.where) {
      const want = Object.entries(expr.where).map(([k, e]) => [k, resolve3(e, facts, reads)]);
      const list = Array.isArray(v) ? v : [];
      const i = list.findIndex((item) => want.every(([k, w]) => getPath(item, k) === w));
      v = i >= 0 ? list[i] : void 0;
      path9 = i >= 0 ? `${expr.path ? `${expr.path}.` : ""}${i}` : expr.path;
    }
    reads.push({ fact: expr.fact, path: path9, value: v });
    if (expr.alias && typeof v === "string" && Object.prototype.hasOwnProperty.call(expr.alias, v)) v = expr.alias[v];
    return v ?? null;
  }
  if (Array.isArray(expr)) return expr.map((e) => resolve3(e, facts, reads));
  if (expr && typeof expr === "object") return Object.fromEntries(Object.entries(expr).map(([k, e]) => [k, resolve3(e, facts, reads)]));
  return expr;
}
function resolveValue(expr, facts) {
  const reads = [];
  return { value: resolve3(expr, facts, reads), reads };
}
function renderMessage(template, facts) {
  return render(template, facts, []);
}
var own = (o, k) => Object.prototype.hasOwnProperty.call(o, k);
function factReader(fact, path9) {
  const segments = path9 ? path9.split(".") : [];
  return (facts) => {
    if (!own(facts, fact)) return void 0;
    let cur = facts[fact];
    for (const seg of segments) {
      if (cur === null || cur === void 0 || typeof cur !== "object" || !own(cur, seg)) return void 0;
      cur = cur[seg];
    }
    return cur;
  };
}
function compileTemplate(template) {
  const parts = [];
  let at = 0;
  for (const m of template.matchAll(TEMPLATE)) {
    parts.push(template.slice(at, m.index), { fact: m[1], path: m[2], read: factReader(m[1], m[2]) });
    at = m.index + m[0].length;
  }
  if (parts.length === 0) return () => template;
  parts.push(template.slice(at));
  return (facts, reads) => {
    let out = "";
    for (const p of parts) {
      if (typeof p === "string") {
        out += p;
        continue;
      }
      const v = p.read(facts);
      reads.push({ fact: p.fact, path: p.path, value: v });
      out += v === void 0 || v === null ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);
    }
    return out;
  };
}
function compileExpr(expr) {
  if (typeof expr === "string") {
    const whole = WHOLE.exec(expr);
    if (whole) {
      const [, fact, path9] = whole;
      const read = factReader(fact, path9);
      return (facts, reads) => {
        const v = read(facts);
        reads.push({ fact, path: path9, value: v });
        return v ?? null;
      };
    }
    return compileTemplate(expr);
  }
  if (isFactRef(expr)) {
    const { fact, path: path9, alias } = expr;
    const read = factReader(fact, path9);
    const where2 = expr.where ? Object.entries(expr.where).map(([k, e]) => [k, compileExpr(e)]) : void 0;
    return (facts, reads) => {
      let v = read(facts);
      let at = path9;
      if (where2) {
        const want = where2.map(([k, e]) => [k, e(facts, reads)]);
        const list = Array.isArray(v) ? v : [];
        const i = list.findIndex((item) => want.every(([k, w]) => getPath(item, k) === w));
        v = i >= 0 ? list[i] : void 0;
        at = i >= 0 ? `${path9 ? `${path9}.` : ""}${i}` : path9;
      }
      reads.push({ fact, path: at, value: v });
      if (alias && typeof v === "string" && own(alias, v)) v = alias[v];
      return v ?? null;
    };
  }
  if (Array.isArray(expr)) {
    const items = expr.map(compileExpr);
    return (facts, reads) => items.map((e) => e(facts, reads));
  }
  if (expr && typeof expr === "object") {
    const entries = Object.entries(expr).map(([k, e]) => [k, compileExpr(e)]);
    if (entries.some(([k]) => k === "__proto__")) return (facts, reads) => Object.fromEntries(entries.map(([k, e]) => [k, e(facts, reads)]));
    return (facts, reads) => {
      const out = {};
      for (const [k, e] of entries) out[k] = e(facts, reads);
      return out;
    };
  }
  return () => expr;
}
function compileMessage(template) {
  const t = compileTemplate(template);
  return (facts) => t(facts, []);
}

// src/engine/evaluator.ts
var REFERENCE = {
  async run(rules, facts) {
    const traces = await evaluateRules(rules, facts);
    return {
      matched: traces.map((t) => t.matched),
      trace: (i) => traces[i],
      eachTrue: (i, fn) => {
        for (const c of traces[i].conditions) if (c.result === true) fn(c.fact, c.path, c.actual);
      }
    };
  },
  value: (rule, facts) => resolveValue(rule.then.value, facts),
  message: (rule, key, facts) => renderMessage(rule.then[key] ?? "", facts)
};
var thens = /* @__PURE__ */ new WeakMap();
function thenOf(rule) {
  let t = thens.get(rule);
  if (!t) thens.set(rule, t = { value: compileExpr(rule.then.value), messages: {} });
  return t;
}
var COMPILED = {
  run: (rules, facts, replay) => runStage(compileStage(rules), facts, replay),
  value(rule, facts) {
    const reads = [];
    return { value: thenOf(rule).value(facts, reads), reads };
  },
  message(rule, key, facts) {
    const m = thenOf(rule).messages;
    return (m[key] ??= compileMessage(rule.then[key] ?? ""))(facts);
  }
};

// src/engine/decide.ts
var DEFAULT_EVALUATOR = process.env.WG_POLICY_NO_CACHE === "1" ? "reference" : "compiled";
var LazyStageTrace = class {
  constructor(stage2, field, combine, run, count) {
    this.stage = stage2;
    this.field = field;
    this.combine = combine;
    this.run = run;
    this.count = count;
  }
  stage;
  field;
  combine;
  run;
  count;
  winner = null;
  value;
  rejected;
  outcome;
  traces;
  get rules() {
    return this.traces ??= Array.from({ length: this.count }, (_, i) => this.run.trace(i));
  }
  toJSON() {
    const { stage: stage2, field, combine, rules, winner, value, rejected, outcome } = this;
    return { stage: stage2, field, combine, rules, winner, value, rejected, outcome };
  }
};
var policies = /* @__PURE__ */ new WeakMap();
function policyOf(r) {
  let p = policies.get(r);
  if (p === void 0) policies.set(r, p = `${r.file}:${r.line}`);
  return p;
}
var Decision = class {
  constructor(table, set, facts, options, ev) {
    this.table = table;
    this.set = set;
    this.ev = ev;
    this.live = Object.assign({}, facts);
    if (table.resultsFact) this.live[table.resultsFact] = this.results;
    if (table.provenanceFact) this.live[table.provenanceFact] = this.shown;
    this.sourcesOf = options.sourcesOf ?? (() => []);
    this.describe = options.describe ?? ((s) => `${s.layer} ${s.file ?? ""} ${s.key}`.replace(/\s+/g, " "));
    this.subject = options.subject ?? "the request";
  }
  table;
  set;
  ev;
  out = { values: {}, provenance: {}, outcomes: {}, allowed: true, determining: [], trace: [], warnings: [] };
  live;
  results = {};
  shown = {};
  viaCopies = /* @__PURE__ */ new Map();
  /** Per stage run: what it put into the results and provenance facts (to replay a stage's facts for a late trace). */
  assigned = [];
  sourcesOf;
  describe;
  subject;
  index = 0;
  stopped = false;
  /** The rules of the next stage to run (sorted by priority, then file order), or null when the decision is complete. */
  next() {
    if (this.stopped || this.index >= this.table.stages.length) return null;
    return this.set.byStage.get(this.table.stages[this.index].name) ?? [];
  }
  /** For the stage about to run: a thunk giving the earlier results as they are now, built only if a trace of it is read. */
  replayer() {
    const k = this.index;
    return () => this.factsBefore(k);
  }
  /** The results and provenance facts as stage `k` saw them: rebuilt from what each earlier stage assigned. */
  factsBefore(k) {
    const { resultsFact, provenanceFact } = this.table;
    if (!resultsFact && !provenanceFact) return null;
    const results = {};
    const shown2 = {};
    for (const a of this.assigned.slice(0, k)) {
      if (!a) continue;
      results[a.field] = a.fact;
      shown2[a.field] = a.shown;
    }
    const over = {};
    if (resultsFact) over[resultsFact] = results;
    if (provenanceFact) over[provenanceFact] = shown2;
    return over;
  }
  /** Takes the current stage's evaluation: combines its matching rules and moves to the next stage. */
  apply(run) {
    const stage2 = this.table.stages[this.index++];
    const { out, live, ev } = this;
    const rules = this.set.byStage.get(stage2.name) ?? [];
    const st = new LazyStageTrace(stage2.name, stage2.field, stage2.combine, run, rules.length);
    out.trace.push(st);
    const matched = [];
    for (let i = 0; i < run.matched.length; i++) if (run.matched[i]) matched.push(i);
    if (stage2.combine === "deny-overrides") {
      const outcome = combineEffects(
        stage2,
        this.table,
        matched.map((i) => rules[i]),
        (rule, key) => ev.message(rule, key, live),
        this.subject
      );
      st.outcome = outcome;
      out.outcomes[stage2.name] = outcome;
      if (!outcome.allowed) out.allowed = false;
      for (const d of outcome.determining) out.determining.push({ stage: stage2.name, field: d.effect, rule: d.rule, policy: d.policy });
      return;
    }
    if (matched.length === 0) {
      const message = `no \`${stage2.name}\` rule matched ${this.subject}; the policy set needs a default rule for \`${stage2.name}\``;
      return this.stop(new PolicyError("no-rule-matched", message, { help: "run `wg-policy explain` to see every rule" }));
    }
    const winner = rules[matched[0]];
    st.winner = winner.id;
    out.determining.push({ stage: stage2.name, field: stage2.field, rule: winner.id, policy: policyOf(winner) });
    if (winner.then.reject !== void 0) {
      st.rejected = ev.message(winner, "reject", live);
      return this.stop(new PolicyError("rule-rejected", st.rejected, { rule: winner.id, file: winner.file, line: winner.line }));
    }
    const { value, reads } = ev.value(winner, live);
    st.value = value;
    if (stage2.value && !stage2.value.safeParse(value).success) {
      const at = { rule: winner.id, file: winner.file, line: winner.line };
      return this.stop(new PolicyError("rule-value", `rule \`${winner.id}\` gave \`${stage2.name}\` the invalid value ${JSON.stringify(value)}`, at));
    }
    const found = [];
    const add = (fact2, path9, v) => {
      const via = fact2 === this.table.resultsFact && path9 ? viaEarlier(out.provenance, path9, this.viaCopies) : null;
      for (const s of via ?? this.sourcesOf(fact2, path9, v)) found.push(s);
    };
    for (const r of reads) add(r.fact, r.path, r.value);
    run.eachTrue(matched[0], add);
    let sources = dedupeSources(found);
    if (sources.length === 0) sources = [{ layer: "default", file: winner.file, key: `${winner.id}.then.value`, value }];
    const shadowed = [];
    for (let k = 1; k < matched.length; k++) {
      const t = rules[matched[k]];
      shadowed.push({
        rule: t.id,
        value: t.then.reject !== void 0 ? { reject: ev.message(t, "reject", live) } : ev.value(t, live).value,
        policy: policyOf(t)
      });
    }
    const earlier = out.provenance[stage2.field];
    if (!earlier || JSON.stringify(earlier.value) !== JSON.stringify(value)) {
      if (earlier) shadowed.push({ rule: earlier.rule, value: earlier.value, policy: earlier.policy });
      out.provenance[stage2.field] = { value, rule: winner.id, policy: policyOf(winner), sources, shadowed };
    }
    out.values[stage2.field] = value;
    const fact = stage2.toFact ? stage2.toFact(value) : value;
    const entry = out.provenance[stage2.field];
    const shown2 = { rule: entry.rule, from: describeAll(entry.sources, this.describe) };
    this.results[stage2.field] = fact;
    this.shown[stage2.field] = shown2;
    this.assigned[this.index - 1] = { field: stage2.field, fact, shown: shown2 };
    const warnings = stage2.warnings?.(value, sources, live);
    if (warnings) for (const w of warnings) out.warnings.push(w);
  }
  /** A decision that stopped: nothing is allowed; the determining rules are the winners so far. */
  stop(error) {
    this.out.error = error;
    this.out.allowed = false;
    this.stopped = true;
  }
};
async function decide(table, set, facts, options = {}) {
  const d = new Decision(table, set, facts, options, (options.evaluator ?? DEFAULT_EVALUATOR) === "compiled" ? COMPILED : REFERENCE);
  for (let rules = d.next(); rules; rules = d.next()) {
    const pending = d.ev.run(rules, d.live, d.replayer());
    d.apply(pending instanceof Promise ? await pending : pending);
  }
  return d.out;
}
function decideSync(table, set, facts, options = {}) {
  const d = new Decision(table, set, facts, options, COMPILED);
  for (let rules = d.next(); rules; rules = d.next()) d.apply(COMPILED.run(rules, d.live, d.replayer()));
  return d.out;
}
var defaultEvaluator = () => DEFAULT_EVALUATOR;
function viaEarlier(provenance, path9, copies) {
  const dot = path9.indexOf(".");
  const field = dot < 0 ? path9 : path9.slice(0, dot);
  const entry = Object.prototype.hasOwnProperty.call(provenance, field) ? provenance[field] : void 0;
  if (!entry) return [];
  let c = copies.get(field);
  if (!c || c.entry !== entry) copies.set(field, c = { entry, via: entry.sources.map((s) => Object.assign({}, s, { via: s.via ?? field })) });
  return c.via;
}
function describeAll(sources, describe2) {
  const direct = sources.filter((s) => !s.via);
  return (direct.length ? direct : sources).map(describe2).join(", ");
}
function combineEffects(stage2, table, matched, message, subject) {
  const of = (effect) => matched.filter((r) => r.then.effect === effect).map((r) => ({
    rule: r.id,
    policy: policyOf(r),
    effect: r.then.effect,
    message: message(r, "message"),
    ...r.then.help === void 0 ? {} : { help: message(r, "help") }
  }));
  const [denies, allows, warnings] = [of("deny"), of("allow"), of("warn")];
  if (denies.length > 0) return { allowed: false, effect: "deny", determining: denies, warnings, notices: [] };
  if (allows.length > 0) return { allowed: true, effect: "allow", determining: allows, warnings, notices: [] };
  const files = `\`${table.fileKey}: ${stage2.name}\` policy files`;
  return {
    allowed: false,
    effect: "deny",
    determining: [],
    warnings,
    notices: [`no \`${stage2.name}\` rule allowed ${subject} (no allow means deny); run \`wg-policy check\` and see the ${files}`]
  };
}

// src/graph/read-tasks.ts
init_errors();
import * as z8 from "zod/mini";

// src/graph/task-index.ts
init_errors();

// src/graph/scan.ts
init_errors();
function* scanGraph(text, shownAs) {
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (!raw || raw.startsWith("#")) continue;
    let record4;
    try {
      record4 = JSON.parse(raw);
    } catch (e) {
      throw new PolicyError("graph-line", `invalid JSON: ${e.message}`, { file: shownAs, line: i + 1 });
    }
    if (!record4 || typeof record4 !== "object" || Array.isArray(record4))
      throw new PolicyError("graph-line", "each line must be a JSON object", { file: shownAs, line: i + 1 });
    yield { index: i, record: record4 };
  }
}
function findTaskLine(text, shownAs, id) {
  let found;
  for (const l of scanGraph(text, shownAs)) if (l.record.kind === "task" && l.record.id === id) found = l;
  return found;
}

// src/graph/task-index.ts
var indexes = new FileCache(32);
function build(text, shownAs) {
  const index = { shownAs, lines: text.split("\n"), ids: /* @__PURE__ */ new Map() };
  try {
    for (const l of scanGraph(text, shownAs)) if (l.record.kind === "task" && typeof l.record.id === "string") index.ids.set(l.record.id, l.index);
  } catch (e) {
    if (!(e instanceof PolicyError)) throw e;
    index.error = e;
  }
  return index;
}
function graphIndex(path9, shownAs) {
  const read = () => readTextFile(path9, { shownAs, what: "graph", help: "pass --task-json FILE to give the task directly" });
  return indexes.get(path9, read, (text) => build(text, shownAs), shownAs);
}
function findIndexedTask(index, id) {
  if (index.error) throw index.error;
  const i = index.ids.get(id);
  if (i === void 0) return void 0;
  return { record: JSON.parse(index.lines[i].trim()), line: i + 1 };
}
function indexedTasks(index) {
  if (index.error) throw index.error;
  return [...index.ids].map(([id, i]) => ({ id, line: i + 1 })).sort((a, b) => a.line - b.line);
}

// src/graph/read-tasks.ts
var PRIORITY_NAMES = { critical: 100, high: 50, normal: 10, low: 5, idle: 0 };
function normalizePriority(value) {
  if (typeof value === "number") return Number.isInteger(value) && value >= 0 && value <= 4294967295 ? value : 10;
  if (typeof value === "string") {
    const name = value.toLowerCase();
    return Object.prototype.hasOwnProperty.call(PRIORITY_NAMES, name) ? PRIORITY_NAMES[name] : 10;
  }
  return 10;
}
var optStr = z8.optional(z8.nullable(z8.string()));
var TaskSchema = z8.looseObject({
  id: z8.string().check(z8.minLength(1)),
  title: optStr,
  status: optStr,
  model: optStr,
  endpoint: optStr,
  exec: optStr,
  exec_mode: optStr,
  executor: optStr,
  provider: optStr,
  tier: optStr,
  agent: optStr,
  assigned: optStr,
  session_id: optStr,
  tags: z8.optional(z8.nullable(z8.array(z8.string()))),
  priority: z8.optional(z8.unknown())
});
function validate(obj, file, line) {
  const r = TaskSchema.safeParse(obj);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new PolicyError("task-field", `task field ${issueSentence(issue, obj, { whole: "the task" })}`, { file, line, key: issueKey(issue) });
  }
  const out = {};
  let priority = false;
  const data = r.data;
  for (const k in data) {
    const v = data[k];
    if (v === null || !Object.prototype.hasOwnProperty.call(data, k)) continue;
    const value = k === "priority" ? normalizePriority(v) : v;
    if (k === "priority") priority = true;
    if (k === "__proto__") Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
    else out[k] = value;
  }
  if (!priority) out.priority = normalizePriority(void 0);
  return out;
}
var validated = /* @__PURE__ */ new WeakMap();
function taskFromIndex(index, id) {
  let tasks = validated.get(index);
  if (!tasks) validated.set(index, tasks = /* @__PURE__ */ new Map());
  const hit = tasks.get(id);
  if (hit) return hit;
  const found = findIndexedTask(index, id);
  if (!found) throw new PolicyError("task-not-found", `task \`${id}\` is not in ${index.shownAs}`, { file: index.shownAs, key: id });
  const loaded = { task: validate(found.record, index.shownAs, found.line), file: index.shownAs, line: found.line };
  tasks.set(id, loaded);
  return loaded;
}
function readTaskFromGraph(path9, shownAs, id) {
  return taskFromIndex(graphIndex(path9, shownAs), id);
}
function readTaskFromJson(text, shownAs, id) {
  let obj;
  try {
    obj = JSON.parse(text);
  } catch (e) {
    throw new PolicyError("task-json", `invalid JSON: ${e.message}`, { file: shownAs });
  }
  if (!obj || typeof obj !== "object" || Array.isArray(obj)) throw new PolicyError("task-json", "the task must be a JSON object", { file: shownAs });
  const task = validate(obj, shownAs);
  if (id && task.id !== id) throw new PolicyError("task-json", `task id \`${task.id}\` does not match the requested \`${id}\``, { file: shownAs, key: "id" });
  return { task, file: shownAs };
}

// src/policy/load.ts
import { createHash as createHash2 } from "node:crypto";
import { existsSync as existsSync3, readdirSync, readFileSync as readFileSync2 } from "node:fs";
import { join as join5, relative as relative2 } from "node:path";
init_errors();

// src/shared/package-root.ts
import { existsSync as existsSync2, readFileSync } from "node:fs";
import { dirname as dirname3, join as join4 } from "node:path";
import { fileURLToPath } from "node:url";
var cached;
function packageRoot() {
  if (cached) return cached;
  let dir = dirname3(typeof __filename === "string" ? __filename : fileURLToPath(import.meta.url));
  for (; ; ) {
    const pj = join4(dir, "package.json");
    if (existsSync2(pj) && /"name":\s*"wg-policy"/.test(readFileSync(pj, "utf8"))) return cached = dir;
    const up = dirname3(dir);
    if (up === dir) throw new Error("wg-policy package root not found");
    dir = up;
  }
}

// src/policy/check.ts
init_errors();

// src/policy/stage.ts
var defOf = (s) => s._zod.def;
function pathsOf(schema, prefix = "") {
  const def = defOf(schema);
  switch (def.type) {
    case "optional":
    case "nullable":
    case "default":
    case "readonly":
    case "nonoptional":
      return pathsOf(def.innerType, prefix);
    case "pipe":
      return pathsOf(def.in, prefix);
    case "object": {
      const out = [];
      for (const [k, v] of Object.entries(def.shape ?? {})) {
        const p = prefix ? `${prefix}.${k}` : k;
        out.push(p, ...pathsOf(v, p));
      }
      return out;
    }
    case "string":
    case "number":
    case "int":
    case "boolean":
    case "enum":
    case "literal":
    case "null":
      return [];
    default:
      return [prefix ? `${prefix}.*` : "*"];
  }
}
var vocabularies = /* @__PURE__ */ new WeakMap();
function factVocabulary(stage2) {
  let v = vocabularies.get(stage2);
  if (!v) {
    v = new Map(Object.entries(stage2.facts).map(([name, schema]) => [name, pathsOf(schema)]));
    vocabularies.set(stage2, v);
  }
  return v;
}
function knownPath(paths, path9) {
  return paths.some((k) => k === path9 || k === "*" || k.endsWith(".*") && path9.startsWith(k.slice(0, -1)));
}

// src/policy/check.ts
function checkRef(stage2, fact, path9, what, sub, report) {
  const vocabulary = factVocabulary(stage2);
  const known = vocabulary.get(fact);
  if (!known) {
    report("unknown-fact", sub, `unknown fact \`${fact}\` in ${what}${didYouMean(fact, vocabulary.keys())}`, fact);
    return;
  }
  if (!path9 || knownPath(known, path9)) return;
  const listed = known.filter((k) => !k.endsWith("*"));
  report("unknown-path", sub, `fact \`${fact}\` has no path \`${path9}\` (known: ${listed.join(", ")})${didYouMean(path9, listed)}`, `${fact}.${path9}`);
}
function checkCondition(node, stage2, path9, report) {
  if (!node || typeof node !== "object" || Array.isArray(node)) {
    report("condition-shape", path9, "a condition must be a mapping with `all`, `any`, `not` or `fact`");
    return;
  }
  const n = node;
  for (const op of ["all", "any"]) {
    if (Object.prototype.hasOwnProperty.call(n, op)) {
      if (Object.keys(n).length !== 1 || !Array.isArray(n[op])) {
        report("condition-shape", path9, `\`${op}\` must be the only key and hold a list of conditions`);
        return;
      }
      n[op].forEach((c, i) => checkCondition(c, stage2, [...path9, op, i], report));
      return;
    }
  }
  if (Object.prototype.hasOwnProperty.call(n, "not")) {
    if (Object.keys(n).length !== 1) report("condition-shape", path9, "`not` must be the only key");
    else checkCondition(n.not, stage2, [...path9, "not"], report);
    return;
  }
  const r = LeafSchema.safeParse(n);
  if (!r.success) {
    const issue = r.error.issues[0];
    const isOperator = issue.path[0] === "operator" && typeof n.operator === "string";
    const message = isOperator ? `unknown operator \`${String(n.operator)}\` (known: ${OPERATORS.join(", ")})${didYouMean(String(n.operator), OPERATORS)}` : `condition ${issueSentence(issue, n, { whole: "condition", known: () => Object.keys(LeafSchema.shape) })}`;
    report(isOperator ? "unknown-operator" : "condition-shape", [...path9, ...issue.path], message, issuePath(issue.path));
    return;
  }
  const leaf = r.data;
  checkRef(stage2, leaf.fact, leaf.path, "a condition", [...path9, "fact"], report);
  if (leaf.operator === "matches" && typeof leaf.value === "string") {
    try {
      new RegExp(leaf.value);
    } catch (e) {
      report("bad-regex", [...path9, "value"], `\`matches\` needs a valid regular expression: ${e.message}`);
    }
  }
  if (!FLAG_OPERATORS.has(leaf.operator) && leaf.value === void 0)
    report("missing-value", path9, `condition on \`${leaf.fact}\` with operator \`${leaf.operator}\` needs a \`value\``);
  if (isFactRef(leaf.value)) checkRef(stage2, leaf.value.fact, leaf.value.path, "a condition value", [...path9, "value"], report);
}
function isUnconditional(rule) {
  const w = rule.when;
  return Array.isArray(w.all) && w.all.length === 0 && Object.keys(w).length === 1;
}
function thenProblem(rule, stage2) {
  const t = rule.then;
  if (stage2.combine === "first-match") {
    const decides = [t.value !== void 0, t.reject !== void 0].filter(Boolean).length;
    if (decides !== 1 || t.effect !== void 0) return `rule \`${rule.id}\`: \`then\` must have exactly one of \`value\` or \`reject\``;
    return null;
  }
  if (t.effect === void 0 || t.message === void 0 || t.value !== void 0 || t.reject !== void 0)
    return `rule \`${rule.id}\`: \`then\` needs an \`effect\` (allow, warn or deny) and a \`message\`, and nothing else but \`help\``;
  return null;
}
function checkRules(rules, table, sources, indexOf, prechecked = /* @__PURE__ */ new Set()) {
  const out = [];
  const stages = new Map(table.stages.map((s) => [s.name, s]));
  for (const rule of rules) {
    if (prechecked.has(rule)) continue;
    const stage2 = stages.get(rule.stage);
    const src = sources.get(rule.file);
    const base = ["rules", indexOf.get(rule) ?? 0];
    const report = (code, sub, message, key) => {
      const pos = src?.positionOf([...base, ...sub]);
      out.push(new PolicyError(code, message, { file: rule.file, line: pos?.line ?? rule.line, column: pos?.column, key, rule: rule.id }));
    };
    const w = rule.when;
    if (!["all", "any", "not"].some((k) => Object.prototype.hasOwnProperty.call(w, k)))
      report("condition-shape", ["when"], `rule \`${rule.id}\`: \`when\` must start with \`all\`, \`any\` or \`not\``);
    else checkCondition(w, stage2, ["when"], report);
    const then = thenProblem(rule, stage2);
    if (then) report("then-shape", ["then"], then);
    for (const ref of collectRefs([rule.then.value, rule.then.reject, rule.then.message, rule.then.help]))
      checkRef(stage2, ref.fact, ref.path, `rule \`${rule.id}\``, ["then"], report);
  }
  const byStage = /* @__PURE__ */ new Map();
  for (const r of rules) if (stages.get(r.stage)?.combine === "first-match") byStage.set(r.stage, [...byStage.get(r.stage) ?? [], r]);
  for (const list of byStage.values()) {
    const sorted = [...list].sort((a, b) => b.priority - a.priority || a.order - b.order);
    const stop = sorted.find(isUnconditional);
    if (!stop) continue;
    for (const r of sorted.slice(sorted.indexOf(stop) + 1))
      out.push(
        new PolicyError(
          "unreachable-rule",
          `rule \`${r.id}\` can never win: \`${stop.id}\` (${stop.file}:${stop.line}) always matches at priority ${stop.priority}`,
          { file: r.file, line: r.line, rule: r.id }
        )
      );
  }
  return out;
}

// src/policy/load.ts
function yamlFiles(dir) {
  if (!existsSync3(dir)) return [];
  return readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => join5(dir, f));
}
var compiled2;
function compiledPolicies(root) {
  if (compiled2 === void 0) {
    try {
      compiled2 = JSON.parse(readFileSync2(join5(root, "dist", "policies.json"), "utf8"));
    } catch {
      compiled2 = null;
    }
  }
  return compiled2;
}
function knownKeys(path9) {
  if (path9.length === 0) return POLICY_FILE_KEYS;
  if (path9[0] === "rules" && path9.length === 2) return Object.keys(RuleSchema.shape);
  if (path9[0] === "rules" && path9[2] === "then") return Object.keys(ThenSchema.shape);
  return [];
}
async function parsePolicyFile(path9, shownAs, origin, root) {
  const text = readTextFile(path9, { shownAs, what: "policy file" });
  const sha256 = createHash2("sha256").update(text).digest("hex");
  const info = { file: shownAs, origin, sha256 };
  const hit = root && !cachesOff() ? compiledPolicies(root)?.[shownAs] : void 0;
  if (hit && hit.sha256 === sha256) {
    return { info, body: hit.body, lineOf: (p) => hit.lines[p.slice(0, 2).join(".")] ?? 1, precompiled: true };
  }
  const { parseYaml: parseYaml2 } = await Promise.resolve().then(() => (init_yaml(), yaml_exports));
  const src = parseYaml2(text, shownAs);
  const data = src.data ?? {};
  const r = PolicyFileSchema.safeParse(data);
  if (!r.success) {
    const problems = r.error.issues.map((issue) => {
      const pos = src.positionOf(issue.path);
      return new PolicyError("policy-schema", issueSentence(issue, data, { whole: "the policy file", known: knownKeys }), {
        file: shownAs,
        line: pos?.line,
        column: pos?.column,
        key: issueKey(issue)
      });
    });
    throw new PolicyProblems(problems);
  }
  return { info, body: r.data, lineOf: (p) => src.positionOf(p)?.line ?? 1, src };
}
var cache = /* @__PURE__ */ new Map();
var listings = new FileCache(64);
function projectFiles(dir) {
  return listings.get(
    dir,
    () => yamlFiles(dir).join("\n"),
    (text) => text ? text.split("\n") : []
  );
}
function projectSignature(dir) {
  if (!dir) return { signature: "", newest: 0 };
  let signature = "";
  let newest = 0;
  for (const f of projectFiles(dir)) {
    const s = signatureOf(f);
    newest = Math.max(newest, s.mtimeMs);
    signature += `${f}\0${s.signature}
`;
  }
  return { signature, newest };
}
function projectContents(dir) {
  if (!dir) return "";
  return projectFiles(dir).map((f) => {
    try {
      return `${f}\0${createHash2("sha256").update(readFileSync2(f)).digest("hex")}
`;
    } catch {
      return `${f}\0unreadable
`;
    }
  }).join("");
}
var sameList = (a, b) => a === b || a.length === b.length && a.every((x, i) => x === b[i]);
function lookup(table, opts) {
  const key = `${table.kind}\0${opts.projectPolicyDir ?? ""}\0${opts.projectRoot ?? ""}`;
  const namespaces = opts.namespaces ?? [];
  const { signature, newest } = projectSignature(opts.projectPolicyDir);
  const entry = cache.get(key);
  let hit = entry && entry.signature === signature && !cachesOff() && sameList(entry.namespaces, namespaces) ? entry.set : void 0;
  if (hit && entry?.contents !== void 0) {
    if (projectContents(opts.projectPolicyDir) !== entry.contents) hit = void 0;
    else if (!isRacy(newest)) entry.contents = void 0;
  }
  return { key, namespaces, signature, newest, hit };
}
function cachedPolicySet(table, opts = {}) {
  return lookup(table, opts).hit;
}
async function loadPolicySet(table, opts = {}) {
  const { key, namespaces, signature, newest, hit } = lookup(table, opts);
  if (hit) return hit;
  const contents = newest > 0 && isRacy(newest) ? projectContents(opts.projectPolicyDir) : void 0;
  const set = await loadUncached(packageRoot(), table, opts);
  cache.delete(key);
  if (cache.size >= 64) cache.delete(cache.keys().next().value);
  cache.set(key, { namespaces, signature, contents, set });
  return set;
}
async function loadUncached(root, table, opts) {
  const show2 = (p, base) => relative2(base, p) || p;
  const stageNames = table.stages.map((s) => s.name);
  const namespaces = /* @__PURE__ */ new Set([...stageNames, ...opts.namespaces ?? []]);
  const bundled = await Promise.all(yamlFiles(join5(root, "policies", table.kind)).map((p) => parsePolicyFile(p, show2(p, root), "bundled", root)));
  const project = opts.projectPolicyDir ? await Promise.all(yamlFiles(opts.projectPolicyDir).map((p) => parsePolicyFile(p, show2(p, opts.projectRoot ?? opts.projectPolicyDir), "project"))) : [];
  const optionalDir = join5(root, "policies", "optional");
  const optional13 = [];
  const enables = /* @__PURE__ */ new Map();
  for (const f of project) {
    for (const [i, name] of (f.body.enable ?? []).entries()) {
      const avail = yamlFiles(optionalDir).map((p) => p.slice(optionalDir.length + 1).replace(/\.ya?ml$/, ""));
      if (!avail.includes(name))
        throw new PolicyError("unknown-optional", `no optional policy \`${name}\` (available: ${avail.join(", ")})${didYouMean(name, avail)}`, {
          file: f.info.file,
          line: f.lineOf(["enable", i]),
          key: "enable"
        });
      const path9 = join5(optionalDir, `${name}.yaml`);
      enables.set(f, [...enables.get(f) ?? [], show2(path9, root)]);
      if (!optional13.some((o) => o.info.file === show2(path9, root))) optional13.push(await parsePolicyFile(path9, show2(path9, root), "optional", root));
    }
  }
  const fileKey = table.fileKey;
  const stageOf = (f) => f.body[fileKey];
  const named = (f) => f.body.field !== void 0 || f.body.gate !== void 0;
  const sources = /* @__PURE__ */ new Map();
  const indexOf = /* @__PURE__ */ new Map();
  const rules = /* @__PURE__ */ new Map();
  const origins = /* @__PURE__ */ new Map();
  const replaced = [];
  const prechecked = /* @__PURE__ */ new Set();
  let order = 0;
  const all = [...bundled, ...optional13, ...project];
  for (const f of all) {
    if (f.src) sources.set(f.info.file, f.src);
    origins.set(f.info.file, f.info.origin);
    if (f.body.rules?.length && !named(f))
      throw new PolicyError("policy-schema", "a policy file with rules must say which stage it decides (`field` or `gate`)", { file: f.info.file, line: 1 });
    const stage2 = stageOf(f);
    if (stage2 === void 0) continue;
    if (!stageNames.includes(stage2))
      throw new PolicyError("unknown-stage", `unknown ${table.fileKey} \`${stage2}\` (known: ${stageNames.join(", ")})${didYouMean(stage2, stageNames)}`, {
        file: f.info.file,
        line: f.lineOf([table.fileKey]),
        key: table.fileKey
      });
    for (const [i, spec] of (f.body.rules ?? []).entries()) {
      const line = f.lineOf(["rules", i]);
      const at = { file: f.info.file, line, rule: spec.id };
      if (!spec.id.startsWith(`${stage2}.`))
        throw new PolicyError(
          "rule-id-namespace",
          `rule id \`${spec.id}\` must start with \`${stage2}.\` (ids are namespaced by the ${table.fileKey} they decide)`,
          at
        );
      const rule = { ...spec, stage: stage2, file: f.info.file, line, order: order++ };
      indexOf.set(rule, i);
      if (f.precompiled) prechecked.add(rule);
      const prev = rules.get(spec.id);
      if (prev) {
        if (f.info.origin !== "project" || origins.get(prev.file) === "project")
          throw new PolicyError("duplicate-rule-id", `duplicate rule id \`${spec.id}\` (first defined at ${prev.file}:${prev.line})`, at);
        if (prev.stage !== stage2)
          throw new PolicyError("rule-replaces-other-stage", `rule \`${spec.id}\` replaces a \`${prev.stage}\` rule but this file decides \`${stage2}\``, at);
        replaced.push({ id: spec.id, was: `${prev.file}:${prev.line}`, by: `${f.info.file}:${line}` });
      }
      rules.set(spec.id, rule);
    }
  }
  const disabled = [];
  const disabling = /* @__PURE__ */ new Set();
  for (const f of all) {
    for (const [i, id] of (f.body.disable ?? []).entries()) {
      const line = f.lineOf(["disable", i]);
      const by = `${f.info.file}:${line}`;
      const prefix = id.split(".")[0];
      if (!stageNames.includes(prefix) && namespaces.has(prefix)) continue;
      disabling.add(f);
      if (disabled.some((d) => d.id === id)) continue;
      if (!rules.has(id)) {
        const known = stageNames.includes(prefix) ? [...rules.keys()] : [...rules.keys(), ...[...namespaces].map((x) => `${x}.`)];
        throw new PolicyError("unknown-disable", `cannot disable unknown rule \`${id}\`${didYouMean(id, known)}`, { file: f.info.file, line, rule: id });
      }
      rules.delete(id);
      disabled.push({ id, by });
    }
  }
  const active = [...rules.values()];
  const problems = checkRules(active, table, sources, indexOf, prechecked);
  if (problems.length > 0) throw new PolicyProblems(problems);
  const byStage = new Map(stageNames.map((s) => [s, []]));
  for (const r of active.sort((a, b) => b.priority - a.priority || a.order - b.order)) byStage.get(r.stage).push(r);
  const belongs = (f) => stageOf(f) !== void 0 || disabling.has(f);
  const mine = new Set(all.filter(belongs).map((f) => f.info.file));
  const files = all.filter((f) => mine.has(f.info.file) || (enables.get(f) ?? []).some((o) => mine.has(o))).map((f) => f.info);
  const revision = createHash2("sha256").update(files.map((f) => `${f.file}\0${f.sha256}
`).join("")).digest("hex").slice(0, 16);
  return { kind: table.kind, byStage, revision: `sha256:${revision}`, files, disabled, replaced };
}

// src/spawn/plan.ts
init_errors();

// src/stages/index.ts
init_gate();

// src/stages/spawn.ts
import * as z10 from "zod/mini";
var Text2 = z10.string().check(z10.minLength(1));
var ExecutorSchema = z10.enum(["claude", "native", "codex", "shell"]);
var ModelSpecSchema = z10.object({ spec: z10.string(), provider: z10.nullable(z10.string()), name: z10.string() });
var CliFactSchema = z10.object({ agentExecutor: z10.optional(z10.string()), defaultModel: z10.optional(z10.string()) });
var ConfigFactSchema = z10.object({
  file: z10.string(),
  agent: z10.object({ model: z10.optional(z10.string()), executor: z10.optional(z10.string()) }),
  dispatcher: z10.object({ model: z10.optional(z10.string()), executor: z10.optional(z10.string()) }),
  llm_endpoints: z10.object({ inherit_global: z10.optional(z10.boolean()), endpoints: z10.optional(z10.array(PublicEndpointSchema)) })
});
var EndpointsFactSchema = z10.object({
  list: z10.array(PublicEndpointSchema),
  names: z10.array(z10.string()),
  defaults: z10.array(z10.string()),
  count: z10.number(),
  origin: z10.nullable(z10.string()),
  looked: z10.string()
});
var SpawnFactSchema = z10.object({ promptFile: z10.string(), execMode: z10.string() });
var PlanFactSchema = z10.object({
  executor: ExecutorSchema,
  model: ModelSpecSchema,
  modelId: z10.string(),
  endpoint: z10.nullable(EndpointSchema),
  env: z10.record(z10.string(), z10.string()),
  argv: z10.array(z10.string())
});
var ProvenanceFactSchema = z10.record(z10.string(), z10.object({ rule: z10.string(), from: z10.string() }));
var SPAWN_FACTS = {
  task: TaskSchema,
  cli: CliFactSchema,
  local: ConfigFactSchema,
  global: ConfigFactSchema,
  endpoints: EndpointsFactSchema,
  spawn: SpawnFactSchema,
  plan: PlanFactSchema,
  provenance: ProvenanceFactSchema
};
function modelWarnings(value, sources, facts) {
  const src = sources.find((s) => s.layer === "task" || s.layer === "cli");
  const taskId = facts.task?.id;
  const w = src && deprecationWarning(src.layer === "task" ? `task ${taskId} model` : src.key, String(value));
  return w ? [w] : [];
}
var stage = (s) => ({ ...s, combine: "first-match", facts: SPAWN_FACTS });
var SPAWN_TABLE = {
  kind: "spawn",
  fileKey: "field",
  resultsFact: "plan",
  provenanceFact: "provenance",
  stages: [
    // The model spec comes first: the executor's last-resort rules read its provider prefix.
    stage({
      name: "model",
      field: "model",
      does: "picks the model spec, verbatim",
      value: Text2,
      toFact: (v) => parseModelSpec(String(v)),
      warnings: modelWarnings
    }),
    stage({ name: "executor", field: "executor", does: "picks the executor; explicit settings outrank the model prefix", value: ExecutorSchema }),
    stage({ name: "compat", field: "executor", does: "checks (or, opted in, reroutes) an executor that cannot run the model", value: ExecutorSchema }),
    stage({ name: "model-id", field: "modelId", does: "derives the model id the executor receives", value: Text2 }),
    stage({ name: "endpoint", field: "endpoint", does: "picks the endpoint; only native gets one", value: z10.nullable(EndpointSchema) }),
    stage({ name: "env", field: "env", does: "builds the environment", value: z10.record(z10.string().check(z10.regex(/^[A-Z_][A-Z0-9_]*$/)), z10.string()) }),
    stage({ name: "argv", field: "argv", does: "builds the command line", value: z10.array(z10.string()).check(z10.minLength(1)) })
  ]
};

// src/stages/index.ts
init_gate();
var TABLES = [SPAWN_TABLE, GATE_TABLE];
var NAMESPACES = TABLES.flatMap((t) => t.stages.map((s) => s.name));

// src/spawn/facts.ts
import { join as join6, relative as relative3 } from "node:path";
var CLI_FLAGS = { agentExecutor: "--agent-executor", defaultModel: "--default-model", promptFile: "--prompt-file" };
function configFact(file) {
  const d = file.data;
  return {
    file: file.file,
    agent: d.agent ? { model: d.agent.model, executor: d.agent.executor } : {},
    dispatcher: d.dispatcher ? { model: d.dispatcher.model, executor: d.dispatcher.executor } : {},
    llm_endpoints: { inherit_global: d.llm_endpoints?.inherit_global, endpoints: file.endpoints }
  };
}
var layerFacts = /* @__PURE__ */ new WeakMap();
function factsOfLayers(layers) {
  let f = layerFacts.get(layers);
  if (!f) {
    const { list, names, count, origin, looked } = layers.endpoints;
    f = {
      local: configFact(layers.local),
      global: configFact(layers.global),
      endpoints: { list, names, defaults: list.filter((e) => e.is_default).map((e) => e.name), count, origin: origin?.file ?? null, looked },
      agents: relative3(layers.projectRoot, join6(layers.wgDir, "agents"))
    };
    layerFacts.set(layers, f);
  }
  return f;
}
function promptFileOf(layers, agents, id) {
  if (/^[\w-][\w.-]*$/.test(id) && id !== ".." && agents !== "" && !agents.startsWith("..")) return `${agents}/${id}/prompt.txt`;
  return relative3(layers.projectRoot, join6(layers.wgDir, "agents", id, "prompt.txt"));
}
function buildFacts(layers, loaded, caller) {
  const { task } = loaded;
  const mode = typeof task.exec_mode === "string" && ["full", "light", "bare"].includes(task.exec_mode) ? task.exec_mode : "full";
  const shared = factsOfLayers(layers);
  const promptFile = caller.promptFile ?? promptFileOf(layers, shared.agents, task.id);
  return {
    task,
    cli: { agentExecutor: caller.agentExecutor, defaultModel: caller.defaultModel },
    local: shared.local,
    global: shared.global,
    endpoints: shared.endpoints,
    spawn: { promptFile, execMode: mode }
  };
}
function sourceMapper(layers, loaded, caller) {
  const taskFile = loaded.line ? `${loaded.file}:${loaded.line}` : loaded.file;
  return (fact, path9, value) => {
    switch (fact) {
      case "task":
        return isSet(value) ? [{ layer: "task", file: taskFile, key: path9 ?? "id", value }] : [];
      case "cli":
        return isSet(value) && path9 ? [{ layer: "cli", file: null, key: CLI_FLAGS[path9] ?? path9, value }] : [];
      case "local":
      case "global": {
        if (!isSet(value) || !path9) return [];
        const file = layers[fact];
        return [{ layer: fact, file: file.file, key: file.aliases.get(path9) ?? path9, value }];
      }
      case "endpoints": {
        const origin = layers.endpoints.origin;
        if (!origin || !path9) return [];
        const m = /^list\.(\d+)/.exec(path9);
        const key = m ? `llm_endpoints.endpoints[${m[1]}]` : "llm_endpoints.endpoints";
        const shown2 = m ? getPath(layers.endpoints.list, m[1]) : value;
        return [{ layer: origin.layer, file: origin.file, key, value: shown2 }];
      }
      case "spawn":
        if (path9 === "execMode" && isSet(loaded.task.exec_mode)) return [{ layer: "task", file: taskFile, key: "exec_mode", value: loaded.task.exec_mode }];
        if (path9 === "promptFile" && caller.promptFile) return [{ layer: "cli", file: null, key: "--prompt-file", value }];
        return [];
      default:
        return [];
    }
  };
}
function describeSource(taskId) {
  return (s) => s.layer === "task" ? `task ${taskId} ${s.key}` : s.layer === "cli" ? s.key : s.layer === "default" ? `default in ${s.file}` : `${s.layer} ${s.file} ${s.key}`;
}

// src/spawn/plan-schema.ts
import * as z12 from "zod/mini";

// src/engine/decision.ts
import * as z11 from "zod/mini";
var ProvenanceEntrySchema = z11.object({
  value: z11.unknown(),
  rule: z11.string(),
  policy: z11.string(),
  sources: z11.array(SourceSchema),
  shadowed: z11.array(z11.object({ rule: z11.string(), value: z11.unknown(), policy: z11.string() }))
});
var RuleDecisionSchema = z11.object({
  rule: z11.string(),
  policy: z11.string(),
  effect: z11.enum(["allow", "warn", "deny"]),
  message: z11.string(),
  help: z11.optional(z11.string())
});
var EffectOutcomeSchema = z11.object({
  allowed: z11.boolean(),
  effect: z11.enum(["allow", "deny"]),
  /** Every matching deny rule when denied; every matching allow rule when allowed; empty when nothing allowed. */
  determining: z11.array(RuleDecisionSchema),
  /** Matching warn rules: never decide, always reported. */
  warnings: z11.array(RuleDecisionSchema),
  notices: z11.array(z11.string())
});
var DeterminingSchema = z11.object({ stage: z11.string(), field: z11.string(), rule: z11.string(), policy: z11.string() });

// src/spawn/plan-schema.ts
var SpawnPlanSchema = z12.object({
  task: z12.string(),
  executor: ExecutorSchema,
  model: z12.object({ spec: z12.string(), provider: z12.nullable(z12.string()), id: z12.string() }),
  endpoint: z12.nullable(EndpointSchema),
  env: z12.record(z12.string(), z12.string()),
  argv: z12.array(z12.string()),
  provenance: z12.object({
    executor: ProvenanceEntrySchema,
    model: ProvenanceEntrySchema,
    modelId: ProvenanceEntrySchema,
    endpoint: ProvenanceEntrySchema,
    env: ProvenanceEntrySchema,
    argv: ProvenanceEntrySchema
  }),
  policyRevision: z12.string()
});
var PlanFieldsSchema = z12.omit(SpawnPlanSchema, { provenance: true });
var PLAN_KEYS = Object.keys(SpawnPlanSchema.shape);
var PROVENANCE_KEYS = Object.keys(SpawnPlanSchema.shape.provenance.shape);

// src/engine/explain.ts
var show = (v) => v === void 0 || v === null ? "unset" : JSON.stringify(v);
var condition = (c) => `${c.fact}${c.path ? `.${c.path}` : ""} ${c.operator}${(c.operator === "isSet" || c.operator === "hasCredentials") && c.expected === true ? "" : ` ${show(c.expected)}`}`;
var loc = (r) => `${r.rule.file}:${r.rule.line}`;
function outcomeOf(t, s) {
  if (s.combine === "deny-overrides") return t.matched ? `matched: ${t.rule.then.effect}` : "did not match";
  return t.rule.id === s.winner ? "won" : t.matched ? "matched, lost" : "did not match";
}
function explainStages(trace, provenance = {}) {
  return trace.map((s) => ({
    stage: s.stage,
    field: s.field,
    combine: s.combine,
    winner: s.winner,
    value: s.rejected !== void 0 ? { reject: s.rejected } : s.outcome ? { effect: s.outcome.effect } : s.value,
    read: s.winner ? provenance[s.field]?.sources : void 0,
    rules: s.rules.map((t) => ({
      rule: t.rule.id,
      policy: loc(t),
      priority: t.rule.priority,
      outcome: outcomeOf(t, s),
      conditions: t.conditions.map((c) => ({ condition: condition(c), actual: c.evaluated ? c.actual ?? null : "not evaluated", result: c.result }))
    }))
  }));
}
function compactStages(stages) {
  return stages.map((s) => {
    const pick = ({ rule, policy, priority }) => ({ rule, policy, priority });
    const decided2 = s.combine === "deny-overrides" ? s.rules.filter((r) => r.outcome.startsWith("matched")) : s.rules.filter((r) => r.outcome === "won");
    return {
      stage: s.stage,
      field: s.field,
      value: s.value,
      won: decided2.map(pick)[0] ?? null,
      ...s.combine === "deny-overrides" ? { matched: decided2.map((r) => ({ ...pick(r), outcome: r.outcome })) } : {},
      read: s.read,
      lost: s.rules.filter((r) => r.outcome === "matched, lost").map(pick),
      failed: s.rules.filter((r) => r.outcome === "did not match").map((r) => {
        const why = r.conditions.find((c) => c.result === false) ?? r.conditions.find((c) => c.actual === "not evaluated");
        const detail = !why ? "no condition matched" : why.actual === "not evaluated" ? `${why.condition}: not evaluated` : `${why.condition} failed: actual ${show(why.actual)}`;
        return { rule: r.rule, policy: r.policy, why: detail };
      })
    };
  });
}

// src/spawn/record.ts
function spawnExplanation(taskId, policyRevision, result, plan, error) {
  return { task: taskId, policyRevision, plan, error: error?.toJSON() ?? null, stages: explainStages(result.trace, result.provenance) };
}
function compactExplanation(x) {
  return { task: x.task, policyRevision: x.policyRevision, error: x.error, stages: compactStages(x.stages) };
}
function spawnDecision(x, result, error) {
  return {
    kind: "spawn",
    taskId: x.task,
    policyRevision: x.policyRevision,
    inputs: dedupeSources(Object.values(result.provenance).flatMap((p) => p.sources.filter((s) => !s.via))).map(({ layer, file, key, value }) => ({
      layer,
      file,
      key,
      value
    })),
    result: x.plan,
    rules: result.determining.map((d) => ({ field: d.stage, rule: d.rule, policy: d.policy })),
    error: error ? { code: error.code, message: error.message, ...error.rule ? { rule: error.rule } : {} } : void 0,
    explanation: compactExplanation(x)
  };
}

// src/spawn/plan.ts
var places2 = /* @__PURE__ */ new Map();
function placeOf2(wgDir, projectRoot) {
  const key = `${wgDir}\0${projectRoot}`;
  let p = places2.get(key);
  if (!p) {
    const path9 = join7(wgDir, "graph.jsonl");
    p = { policyDir: join7(wgDir, "policies"), graph: { path: path9, shownAs: relative4(projectRoot, path9) } };
    if (places2.size >= 64) places2.delete(places2.keys().next().value);
    places2.set(key, p);
  }
  return p;
}
function prepare(req) {
  const env = req.env ?? process.env;
  const where2 = locateWgDir({ dir: req.dir, env, cwd: req.cwd ?? process.cwd(), defer: true });
  const { wgDir } = where2;
  let layers;
  try {
    layers = loadLayers({ wgDir, home: req.home || env.HOME || void 0 });
  } catch (e) {
    assertWgDir(where2);
    throw e;
  }
  if (!layers.local.exists) assertWgDir(where2);
  const { policyDir, graph } = placeOf2(wgDir, layers.projectRoot);
  const opts = { projectPolicyDir: policyDir, projectRoot: layers.projectRoot, namespaces: NAMESPACES };
  const cached2 = cachedPolicySet(SPAWN_TABLE, opts);
  if (cached2) return { env, wgDir, layers, policies: cached2, graph };
  return loadPolicySet(SPAWN_TABLE, opts).then((policies2) => ({ env, wgDir, layers, policies: policies2, graph }));
}
function loadTask(req, ctx) {
  if (req.task) return readTaskFromJson(JSON.stringify(req.task), "(task object)", req.taskId);
  if (req.taskJson) return readTaskFromJson(req.taskJson.text, req.taskJson.file, req.taskId);
  if (!req.taskId) throw new PolicyError("usage", "a task id or a task JSON is required");
  return readTaskFromGraph(ctx.graph.path, ctx.graph.shownAs, req.taskId);
}
function decideTask(ctx, loaded, caller, options, warn) {
  const { layers, policies: policies2 } = ctx;
  const taskId = loaded.task.id;
  const facts = buildFacts(layers, loaded, caller);
  const how = { sourcesOf: sourceMapper(layers, loaded, caller), describe: describeSource(taskId), subject: `task \`${taskId}\`` };
  const finish = (result) => {
    for (const w of result.warnings) warn(w);
    if (result.error && result.error.exit !== 1) throw result.error;
    const error = result.error ?? null;
    const plan = error ? null : assemble(taskId, result.values, result.provenance, policies2.revision);
    let explanation;
    let decision;
    const outcome = {
      plan,
      error,
      get explanation() {
        return explanation ??= spawnExplanation(taskId, policies2.revision, result, plan, error);
      },
      get decision() {
        return decision ??= spawnDecision(outcome.explanation, result, error);
      }
    };
    if (!options.decisionLog) return outcome;
    const dest = logDestination({
      explicit: options.decisionLog.path,
      env: ctx.env,
      wgDir: ctx.wgDir,
      config: layers.local.exists ? { data: layers.local.data, file: layers.local.file } : void 0
    });
    return recordDecision(outcome.decision, dest, { secrets: [...layers.local.secrets, ...layers.global.secrets], warn }).then(() => outcome);
  };
  if ((options.evaluator ?? defaultEvaluator()) === "reference") return decide(SPAWN_TABLE, policies2, facts, { ...how, evaluator: "reference" }).then(finish);
  return finish(decideSync(SPAWN_TABLE, policies2, facts, how));
}
var stderrWarn = (m) => process.stderr.write(`warning: ${m}
`);
function warnLayers(ctx, warn) {
  for (const w of ctx.layers.global.warnings) warn(w);
  for (const w of ctx.layers.local.warnings) warn(w);
}
async function decideSpawn(req, options = {}) {
  const warn = options.warn ?? stderrWarn;
  const pending = prepare(req);
  const ctx = pending instanceof Promise ? await pending : pending;
  warnLayers(ctx, warn);
  return decideTask(ctx, loadTask(req, ctx), req, options, warn);
}
async function* planMany(req, options = {}) {
  const warn = options.warn ?? stderrWarn;
  const ctx = await prepare(req);
  warnLayers(ctx, warn);
  const index = req.tasks ? void 0 : graphIndex(ctx.graph.path, ctx.graph.shownAs);
  const wanted = req.status && new Set(req.status);
  const items = req.tasks ?? indexedTasks(index).map((t) => t.id);
  for (const item of items) {
    const id = typeof item === "string" ? item : String(item.id ?? "");
    let loaded;
    try {
      loaded = typeof item === "string" ? index ? taskFromIndex(index, item) : loadTask({ taskId: item }, ctx) : loadTask({ task: item }, ctx);
    } catch (e) {
      if (!(e instanceof PolicyError)) throw e;
      const raw = wanted && index && typeof item === "string" ? findIndexedTask(index, item)?.record.status : void 0;
      if (!(typeof raw === "string" && !wanted.has(raw))) yield { task: id, plan: null, error: e };
      continue;
    }
    if (wanted && !wanted.has(loaded.task.status ?? "open")) continue;
    try {
      const pending = decideTask(ctx, loaded, req, options, warn);
      const outcome = pending instanceof Promise ? await pending : pending;
      yield { task: id, plan: outcome.plan, error: outcome.error };
    } catch (e) {
      if (!(e instanceof PolicyError) || e.code === "audit-unrecordable") throw e;
      yield { task: id, plan: null, error: e };
    }
  }
}
function assemble(taskId, values, provenance, policyRevision) {
  const model = parseModelSpec(String(values.model));
  const r = PlanFieldsSchema.safeParse({
    task: taskId,
    executor: values.executor,
    model: { spec: model.spec, provider: model.provider, id: values.modelId },
    endpoint: values.endpoint ?? null,
    env: values.env,
    argv: values.argv,
    policyRevision
  });
  const missing = PROVENANCE_KEYS.find((k) => provenance[k] === void 0);
  if (r.success && missing === void 0) {
    const entries = {};
    for (const k of PROVENANCE_KEYS) entries[k] = provenance[k];
    const plan = {};
    for (const k of PLAN_KEYS) plan[k] = k === "provenance" ? entries : r.data[k];
    return plan;
  }
  const path9 = r.success ? ["provenance", missing] : r.error.issues[0].path;
  const field = String(path9[0]);
  const p = provenance[field === "model" ? "modelId" : field];
  throw new PolicyError("plan-invalid", `the policy set produced an invalid \`${path9.join(".")}\` for task \`${taskId}\`: ${JSON.stringify(p?.value)}`, {
    rule: p?.rule,
    file: p?.policy.replace(/:\d+$/, ""),
    line: p ? Number(p.policy.split(":").pop()) : void 0
  });
}
async function planSpawn(req, options = {}) {
  const outcome = await decideSpawn(req, options);
  if (outcome.error) throw outcome.error;
  return outcome.plan;
}

// src/gate/decide.ts
import { mkdirSync as mkdirSync2, mkdtempSync, readdirSync as readdirSync3, rmSync, statSync as statSync4 } from "node:fs";
import os3 from "node:os";
import path7 from "node:path";
init_errors();

// src/gate/facts.ts
function requestFact(flags, env) {
  const agent = env.WG_AGENT_ID !== void 0;
  return {
    agent,
    agentId: agent ? env.WG_AGENT_ID : null,
    human: !agent,
    skipSmoke: !!flags.skipSmoke,
    override: env.WG_SMOKE_AGENT_OVERRIDE === "1",
    fullSmoke: !!flags.fullSmoke
  };
}
function brokenReason(r) {
  if (r.outcome === "fail") return `exit ${r.exitCode ?? -1}`;
  return r.reason ?? r.outcome;
}
var isBroken = (r) => r.outcome === "fail" || r.outcome === "timeout" || r.outcome === "error";
function summaryFact(results, selected, owned, ran) {
  const names = (o) => results.filter((r) => r.outcome === o).map((r) => r.name);
  const broken = results.filter(isBroken);
  const skipped = names("skip");
  return {
    selected,
    owned,
    ran,
    passed: names("pass").length,
    skipped,
    skippedCount: skipped.length,
    skippedDetail: skipped.join(", "),
    failed: names("fail"),
    timedOut: names("timeout"),
    errored: names("error"),
    broken: broken.map((r) => r.name),
    brokenCount: broken.length,
    brokenDetail: broken.map((r) => `${r.name} (${brokenReason(r)})`).join(", "),
    allSkipped: ran && selected > 0 && skipped.length === selected
  };
}
function manifestFact(m, cmp) {
  const from = cmp.baseLabel && cmp.lost.length ? ` (listed in ${cmp.baseLabel} at ${cmp.base})` : "";
  return {
    path: m.path,
    label: m.label,
    how: m.how,
    found: m.path !== null,
    scenarios: m.scenarios,
    base: cmp.base,
    compared: cmp.compared,
    lost: cmp.lost,
    lostCount: cmp.lost.length,
    lostDetail: `${cmp.lost.join(", ")}${from}`
  };
}
var REQUEST_KEYS = {
  agent: "$WG_AGENT_ID",
  agentId: "$WG_AGENT_ID",
  human: "$WG_AGENT_ID",
  override: "$WG_SMOKE_AGENT_OVERRIDE",
  skipSmoke: "--skip-smoke",
  fullSmoke: "--full-smoke"
};
function gateSourceMapper(taskFile, manifestFile) {
  return (fact, path9, value) => {
    const key = path9 ? `${fact}.${path9}` : fact;
    switch (fact) {
      case "task":
        return [{ layer: "task", file: taskFile, key: path9 ?? "id", value }];
      case "request":
        return [{ layer: "cli", file: null, key: path9 && Object.hasOwn(REQUEST_KEYS, path9) ? REQUEST_KEYS[path9] : key, value }];
      case "manifest":
        return [{ layer: "manifest", file: manifestFile, key, value }];
      case "summary":
      case "results":
        return [{ layer: "run", file: manifestFile, key, value }];
      default:
        return [];
    }
  };
}

// src/gate/grow-only.ts
init_errors();
import { existsSync as existsSync4, realpathSync } from "node:fs";
import path5 from "node:path";

// src/shared/git.ts
import { spawnSync } from "node:child_process";
var runGit = (args, cwd) => {
  const r = spawnSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 15e3, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.error ? null : r.status, stdout: r.stdout ?? "" };
};
function gitToplevel(dir, git = runGit) {
  try {
    const r = git(["rev-parse", "--show-toplevel"], dir);
    const top = r.status === 0 ? r.stdout.trim() : "";
    return top || null;
  } catch {
    return null;
  }
}

// src/gate/manifest.ts
init_errors();
import { statSync as statSync2 } from "node:fs";
import path4 from "node:path";
import * as z13 from "zod/mini";
init_yaml();
var DEFAULT_TIMEOUT_SECONDS = 180;
var nonEmpty = z13.string().check(z13.minLength(1));
var RequiresSchema = z13.strictObject({
  commands: z13.optional(z13.array(nonEmpty)),
  env: z13.optional(z13.array(z13.string().check(z13.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name")))),
  urls: z13.optional(z13.array(z13.string().check(z13.regex(/^https?:\/\/\S+$/i, "must be an http(s) URL"))))
});
var RawScenarioSchema = z13.looseObject({
  name: nonEmpty,
  script: nonEmpty,
  owners: z13.optional(z13.array(z13.string())),
  description: z13.optional(z13.string()),
  timeout_seconds: z13.optional(z13.int().check(z13.positive())),
  requires: z13.optional(RequiresSchema)
});
var RawManifestSchema = z13.looseObject({ scenario: z13.optional(z13.array(RawScenarioSchema)) });
var ScenarioSchema = z13.object({
  name: z13.string(),
  script: z13.string(),
  dir: z13.string(),
  owners: z13.array(z13.string()),
  description: z13.optional(z13.string()),
  timeoutSeconds: z13.number(),
  requires: z13.object({ commands: z13.array(z13.string()), env: z13.array(z13.string()), urls: z13.array(z13.string()) }),
  line: z13.optional(z13.number())
});
var ManifestSchema = z13.object({ file: z13.string(), dir: z13.string(), scenarios: z13.array(ScenarioSchema) });
function formatOf(file) {
  return /\.ya?ml$/i.test(file) ? "yaml" : "toml";
}
function loadManifest(file) {
  const text = readTextFile(file, { what: "smoke manifest" });
  return loadManifestFromText(text, file, formatOf(file), path4.dirname(path4.resolve(file)));
}
function loadManifestFromText(text, file, format, dir = path4.dirname(path4.resolve(file))) {
  const src = format === "yaml" ? parseYaml(text, file) : parseToml(text, file);
  const lineOf = (p) => src.positionOf(["scenario", ...p])?.line;
  const parsed = RawManifestSchema.safeParse(src.data ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const [top, index, ...rest] = issue.path;
    if (top !== "scenario") throw new PolicyError("manifest-invalid", "the manifest must be a table with a `scenario` list", { file });
    if (typeof index !== "number")
      throw new PolicyError("manifest-invalid", `\`scenario\` ${issueProblem(issue, valueAt(src.data, issue.path))}`, {
        file,
        line: lineOf([]),
        key: "scenario"
      });
    const raw = valueAt(src.data, ["scenario", index]);
    const label = typeof raw?.name === "string" && raw.name ? `scenario \`${raw.name}\`` : `scenario #${index + 1}`;
    const key = issuePath(rest);
    const line = lineOf([index, ...rest]);
    const value = valueAt(src.data, issue.path);
    if (!key) throw new PolicyError("manifest-invalid", `${label} must be a table, not ${describe(value)}`, { file, line });
    const problem = key === "timeout_seconds" && value !== void 0 ? `must be a positive whole number of seconds, not ${describe(value)}` : issueProblem(issue, value);
    throw new PolicyError("manifest-invalid", `${label}: \`${key}\` ${problem}`, { file, line, key });
  }
  const seen = /* @__PURE__ */ new Map();
  const scenarios = (parsed.data.scenario ?? []).map((raw, i) => {
    const line = lineOf([i]);
    if (seen.has(raw.name)) {
      const first = seen.get(raw.name);
      throw new PolicyError("duplicate-scenario", `duplicate scenario name \`${raw.name}\`${first ? ` (first defined at line ${first})` : ""}`, {
        file,
        line,
        key: raw.name
      });
    }
    seen.set(raw.name, line);
    return {
      name: raw.name,
      script: path4.resolve(dir, raw.script),
      dir,
      owners: (raw.owners ?? []).map((o) => o.trim()).filter((o) => o !== ""),
      description: raw.description,
      timeoutSeconds: raw.timeout_seconds ?? DEFAULT_TIMEOUT_SECONDS,
      requires: { commands: raw.requires?.commands ?? [], env: raw.requires?.env ?? [], urls: raw.requires?.urls ?? [] },
      line
    };
  });
  return { file, dir, scenarios };
}
function scenariosOwnedBy(manifest, taskId) {
  return manifest.scenarios.filter((s) => s.owners.includes(taskId));
}
function resolveManifestPath(opts) {
  const explicit = [
    [opts.flag, opts.cwd ?? process.cwd(), "--manifest"],
    [opts.env.WG_SMOKE_MANIFEST, opts.wgDir, "$WG_SMOKE_MANIFEST"]
  ];
  for (const [given, base, how] of explicit) {
    if (!given) continue;
    const p = path4.resolve(base, given);
    if (!isFile(p))
      throw new PolicyError("manifest-not-found", `the smoke manifest \`${given}\` given by ${how} does not exist (looked at \`${p}\`)`, { file: p, key: how });
    return { path: p, how };
  }
  for (const [p, how] of searchOrder(opts)) {
    if (p && isFile(p)) return { path: path4.resolve(p), how };
  }
  return { path: null, how: "no smoke manifest found (empty gate)" };
}
function manifestCandidates(opts) {
  const out = [];
  if (opts.flag) out.push(path4.resolve(opts.cwd ?? process.cwd(), opts.flag));
  if (opts.env.WG_SMOKE_MANIFEST) out.push(path4.resolve(opts.wgDir, opts.env.WG_SMOKE_MANIFEST));
  for (const [p] of searchOrder(opts)) if (p) out.push(path4.resolve(p));
  return [...new Set(out)];
}
function* searchOrder(opts) {
  const rel = path4.join("tests", "smoke", "manifest.toml");
  yield [path4.join(opts.wgDir, rel), "<wgdir>/tests/smoke/manifest.toml"];
  yield [path4.join(opts.wgDir, "..", rel), "<wgdir>/../tests/smoke/manifest.toml"];
  const top = gitToplevel(opts.wgDir, opts.git);
  yield [top ? path4.join(top, rel) : null, "<git toplevel>/tests/smoke/manifest.toml"];
  yield [path4.join(opts.projectRoot, "smoke", "manifest.toml"), "<project>/smoke/manifest.toml"];
  yield [path4.join(opts.projectRoot, "smoke", "manifest.yaml"), "<project>/smoke/manifest.yaml"];
}
function isFile(p) {
  try {
    return statSync2(p).isFile();
  } catch {
    return false;
  }
}

// src/gate/grow-only.ts
function compareWithBase(o) {
  const { base, explicit } = o;
  const git = o.git ?? runGit;
  const shown2 = o.shown ?? ((p) => p);
  const skip = (note) => ({ base, compared: false, lost: [], ...note ? { note } : {} });
  if (base.startsWith("-") || base.trim() === "" || /[\s\0]/.test(base))
    throw new PolicyError("git-base", `\`--base ${base}\` is not a git revision`, { key: "--base" });
  const repos = /* @__PURE__ */ new Map();
  const repoOf = (dir) => {
    if (repos.has(dir)) return repos.get(dir);
    const known = [...repos.values()].find((r) => r && within2(r.top, real(dir)));
    if (known) {
      repos.set(dir, known);
      return known;
    }
    const top = git(["rev-parse", "--show-toplevel"], dir);
    let repo = null;
    if (top.status === 0 && top.stdout.trim()) {
      const root = real(top.stdout.trim());
      repo = [...repos.values()].find((r) => r?.top === root) ?? null;
      if (!repo) {
        const commit = git(["rev-parse", "--verify", "--quiet", `${base}^{commit}`], root);
        repo = { top: root, sha: commit.status === 0 ? commit.stdout.trim() : null };
      }
    }
    repos.set(dir, repo);
    return repo;
  };
  const where2 = o.manifest ? o.label : shown2(o.repoDir);
  const home = repoOf(existingDir(o.manifest ? o.manifest.dir : o.repoDir));
  if (home && !home.sha) {
    if (explicit)
      throw new PolicyError("git-base", `\`--base ${base}\` is not a commit in the git repository of \`${where2}\``, {
        key: "--base",
        help: "pass a commit, branch or tag, e.g. --base origin/main"
      });
    return skip(`grow-only check skipped: \`${base}\` does not name a commit yet in the git repository of \`${where2}\``);
  }
  const inRepo = [];
  for (const file of new Set(o.candidates.map((c) => path5.resolve(c)))) {
    const repo = repoOf(existingDir(path5.dirname(file)));
    if (!repo?.sha) continue;
    const rel = path5.relative(repo.top, realish(file));
    if (rel === "" || rel.startsWith("..") || path5.isAbsolute(rel)) continue;
    inRepo.push({ file, repo, rel: rel.split(path5.sep).join("/") });
  }
  if (!home && inRepo.length === 0) {
    if (explicit) throw new PolicyError("git-base", `\`--base ${base}\` was given, but \`${where2}\` is not in a git repository`, { key: "--base" });
    return skip(o.manifest ? `grow-only check skipped: \`${o.label}\` is not in a git repository` : void 0);
  }
  const present = /* @__PURE__ */ new Set();
  for (const repo of new Set(inRepo.map((c) => c.repo))) {
    const rels = inRepo.filter((c) => c.repo === repo).map((c) => c.rel);
    const listed = git(["--literal-pathspecs", "ls-tree", "-r", "-z", "--name-only", repo.sha, "--", ...rels], repo.top);
    if (listed.status !== 0)
      throw new PolicyError("git-base", `cannot list \`${base}\` in the git repository \`${repo.top}\` with git ls-tree`, { key: "--base" });
    for (const rel of listed.stdout.split("\0")) if (rel) present.add(`${repo.top}\0${rel}`);
  }
  const found = inRepo.find((c) => present.has(`${c.repo.top}\0${c.rel}`));
  if (!found) {
    return skip(
      o.manifest ? `grow-only check skipped: \`${o.label}\` did not exist at \`${base}\`, nor did any other smoke manifest of the search order` : `grow-only check skipped: no smoke manifest existed at \`${base}\``
    );
  }
  const at = `${base}:${found.rel}`;
  const blob = git(["show", `${found.repo.sha}:${found.rel}`], found.repo.top);
  if (blob.status !== 0) throw new PolicyError("git-base", `cannot read \`${at}\` with git show`, { key: "--base" });
  const before = loadManifestFromText(blob.stdout, at, formatOf(found.rel), path5.dirname(found.file));
  const now = new Set((o.manifest?.scenarios ?? []).map((s) => s.name));
  const lost = before.scenarios.map((s) => s.name).filter((n) => !now.has(n));
  const result = { base, compared: true, lost, at, file: found.file };
  if (o.manifest && path5.resolve(o.manifest.file) === found.file) return result;
  const current = o.manifest ? `the current manifest is \`${o.label}\`` : "no smoke manifest is found now";
  return {
    ...result,
    note: `grow-only: compared with \`${shown2(found.file)}\` as it was at \`${base}\` (the manifest the search order found there); ${current}`
  };
}
function within2(top, dir) {
  const rel = path5.relative(top, dir);
  if (rel.startsWith("..") || path5.isAbsolute(rel)) return false;
  for (let d = dir; d !== top; d = path5.dirname(d)) if (existsSync4(path5.join(d, ".git"))) return false;
  return true;
}
function existingDir(dir) {
  let d = path5.resolve(dir);
  while (!existsSync4(d) && path5.dirname(d) !== d) d = path5.dirname(d);
  return d;
}
function real(p) {
  try {
    return realpathSync(p);
  } catch {
    return path5.resolve(p);
  }
}
function realish(p) {
  const dir = existingDir(path5.dirname(p));
  return path5.join(real(dir), path5.relative(dir, path5.resolve(p)));
}

// src/gate/record.ts
function gateExplanation(verdict, result) {
  return { task: verdict.task, policyRevision: verdict.policyRevision, error: null, stages: explainStages(result.trace) };
}
function gateDecision(verdict, result, sourcesOf) {
  const read = result.trace.flatMap((s) => s.rules.filter((r) => r.matched).flatMap((r) => r.conditions.filter((c) => c.result === true)));
  const x = gateExplanation(verdict, result);
  return {
    kind: "gate",
    taskId: verdict.task,
    policyRevision: verdict.policyRevision,
    inputs: dedupeSources(read.flatMap((c) => sourcesOf(c.fact, c.path, c.actual))).map(({ layer, file, key, value }) => ({ layer, file, key, value })),
    result: verdict,
    // The rules that decided, then the warnings (field: their effect), as the log has always listed them.
    rules: [...verdict.determining, ...verdict.warnings].map((d) => ({ field: d.effect, rule: d.rule, policy: d.policy })),
    explanation: { task: x.task, policyRevision: x.policyRevision, error: null, stages: compactStages(x.stages) }
  };
}

// src/gate/verdict.ts
import * as z14 from "zod/mini";
init_gate();
var VerdictSchema = z14.object({
  task: z14.string(),
  /** The gate's stage (`done`). */
  gate: z14.string(),
  allowed: z14.boolean(),
  effect: z14.enum(["allow", "deny"]),
  /** Every matching deny rule when denied; every matching allow rule when allowed; empty when nothing allowed. */
  determining: z14.array(RuleDecisionSchema),
  /** Matching warn rules: never decide, always reported. */
  warnings: z14.array(RuleDecisionSchema),
  /** Facts worth knowing that no rule decided (grow-only not compared, no manifest, no allow rule matched). */
  notices: z14.array(z14.string()),
  results: z14.array(ScenarioResultSchema),
  summary: SummaryFactSchema,
  request: GateRequestFactSchema,
  manifest: z14.object({
    path: z14.nullable(z14.string()),
    how: z14.string(),
    base: z14.string(),
    compared: z14.boolean(),
    lost: z14.array(z14.string()),
    /** Where the base manifest was read (`HEAD:tests/smoke/manifest.toml`), when it was. */
    at: z14.optional(z14.string())
  }),
  policyRevision: z14.string()
});

// src/gate/decide.ts
function locate(req, env, cwd) {
  let wgDir;
  try {
    wgDir = locateWgDir({ dir: req.dir, env, cwd }).wgDir;
  } catch (e) {
    const standalone = e instanceof PolicyError && !req.dir && !env.WG_DIR && !!req.manifest && !!req.fullSmoke;
    if (!standalone) throw e;
    return { wgDir: null, projectRoot: cwd, task: { id: req.taskId, priority: 10 }, taskFile: null };
  }
  const projectRoot = path7.dirname(wgDir);
  const graph = path7.join(wgDir, "graph.jsonl");
  const loaded = readTaskFromGraph(graph, path7.relative(projectRoot, graph), req.taskId);
  return { wgDir, projectRoot, task: loaded.task, taskFile: `${loaded.file}:${loaded.line}` };
}
var NO_MANIFEST_LABEL = "the working tree (no smoke manifest found)";
var LOG_RETENTION_MS = 24 * 3600 * 1e3;
function freshLogDir(taskId) {
  const root = path7.join(os3.tmpdir(), "wg-policy-smoke");
  mkdirSync2(root, { recursive: true });
  for (const name of readdirSync3(root)) {
    const p = path7.join(root, name);
    try {
      if (Date.now() - statSync4(p).mtimeMs > LOG_RETENTION_MS) rmSync(p, { recursive: true, force: true });
    } catch {
    }
  }
  return mkdtempSync(path7.join(root, `${taskId.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 60)}-`));
}
function shown(p, cwd) {
  const rel = path7.relative(cwd, p);
  return rel && !rel.startsWith("..") && !path7.isAbsolute(rel) ? rel : p;
}
async function decideGate(req, hooks = {}) {
  const env = req.env ?? process.env;
  const cwd = req.cwd ?? process.cwd();
  const place = locate(req, env, cwd);
  hooks.beforeRun?.(place.task);
  const policies2 = await loadPolicySet(GATE_TABLE, {
    projectPolicyDir: place.wgDir ? path7.join(place.wgDir, "policies") : void 0,
    projectRoot: place.projectRoot,
    namespaces: NAMESPACES
  });
  const where2 = { flag: req.manifest, env, wgDir: place.wgDir ?? cwd, projectRoot: place.projectRoot, cwd, git: req.git };
  const resolved2 = resolveManifestPath(where2);
  const manifest = resolved2.path ? loadManifest(resolved2.path) : null;
  const base = req.base ?? "HEAD";
  const label = resolved2.path ? shown(resolved2.path, cwd) : NO_MANIFEST_LABEL;
  const cmp = compareWithBase({
    manifest,
    label,
    candidates: manifestCandidates(where2),
    repoDir: place.wgDir ?? cwd,
    base,
    explicit: req.base !== void 0,
    git: req.git,
    shown: (p) => shown(p, cwd)
  });
  const owned = manifest ? scenariosOwnedBy(manifest, place.task.id) : [];
  const selected = req.fullSmoke ? manifest?.scenarios ?? [] : owned;
  const ran = !req.skipSmoke;
  let results = [];
  if (ran && selected.length > 0) {
    hooks.onStart?.({ taskId: place.task.id, count: selected.length, manifest: label });
    const logDir = req.logDir ?? freshLogDir(place.task.id);
    const { runScenarios: runScenarios2 } = await Promise.resolve().then(() => (init_run_scenarios(), run_scenarios_exports));
    results = await runScenarios2(selected, { jobs: req.jobs, logDir, env, onEvent: hooks.onEvent, ...req.run });
  }
  const t = place.task;
  const facts = {
    task: { id: t.id, title: t.title ?? null, status: t.status ?? "open", priority: t.priority, tags: t.tags ?? [], assigned: t.assigned ?? null },
    request: requestFact(req, env),
    summary: summaryFact(results, selected.length, owned.length, ran),
    manifest: manifestFact(
      { path: resolved2.path, label, how: resolved2.how, scenarios: manifest?.scenarios.length ?? 0 },
      { ...cmp, baseLabel: cmp.file && cmp.file !== resolved2.path ? shown(cmp.file, cwd) : void 0 }
    ),
    results
  };
  const sourcesOf = gateSourceMapper(place.taskFile, resolved2.path ? label : null);
  const result = await decide(GATE_TABLE, policies2, facts, { sourcesOf, subject: `'wg done ${t.id}'` });
  const stage2 = GATE_TABLE.stages[0].name;
  const outcome = result.outcomes[stage2];
  const notices = [
    ...place.wgDir ? [] : [`no wg directory: gating \`${t.id}\` standalone (the whole manifest, bundled policies only)`],
    ...resolved2.path || cmp.compared ? [] : [`${resolved2.how}: nothing to run`],
    ...cmp.note ? [cmp.note] : [],
    ...outcome.notices
  ];
  const verdict = {
    task: t.id,
    gate: stage2,
    allowed: result.allowed,
    effect: outcome.effect,
    determining: outcome.determining,
    warnings: outcome.warnings,
    notices,
    results,
    summary: facts.summary,
    request: facts.request,
    manifest: { path: resolved2.path, how: resolved2.how, base: cmp.base, compared: cmp.compared, lost: cmp.lost, ...cmp.at ? { at: cmp.at } : {} },
    policyRevision: policies2.revision
  };
  const decision = gateDecision(verdict, result, sourcesOf);
  await hooks.beforeRecord?.(verdict);
  if (req.decisionLog) {
    const local = place.wgDir ? loadConfigFile(path7.join(place.wgDir, "config.toml"), path7.relative(place.projectRoot, path7.join(place.wgDir, "config.toml"))) : void 0;
    const dest = logDestination({
      explicit: req.decisionLog.path,
      env,
      wgDir: place.wgDir,
      config: local?.exists ? { data: local.data, file: local.file } : void 0
    });
    await recordDecision(decision, dest, { secrets: local?.secrets, warn: hooks.warn ?? ((m) => process.stderr.write(`warning: ${m}
`)) });
  }
  return { verdict, decision };
}
async function decideDone(req, hooks = {}) {
  return (await decideGate(req, hooks)).verdict;
}

// src/graph/transition.ts
init_errors();
import { closeSync, constants as constants2, fchmodSync, fsyncSync, openSync, renameSync, statSync as statSync5, unlinkSync, writeSync } from "node:fs";
import path8 from "node:path";
import * as z16 from "zod/mini";
var TransitionSchema = z16.object({
  task: z16.string(),
  from: z16.string(),
  to: z16.literal("done"),
  completedAt: z16.string(),
  /** graph.jsonl line (1-based) of the task. */
  line: z16.number(),
  /** How long the write waited for another holder of graph.lock. */
  waitedMs: z16.number()
});
function doneRefusal(id, status) {
  switch (status ?? "open") {
    case "done":
    case "pending-review":
      return `task \`${id}\` is already done`;
    case "abandoned":
      return `task \`${id}\` is abandoned; reopen it before marking it done`;
    case "failed":
      return `task \`${id}\` has failed; run \`wg retry ${id}\` before marking it done`;
    default:
      return null;
  }
}
function wgTimestamp(d) {
  return d.toISOString().replace(/\.(\d{3})Z$/, ".$1000000+00:00");
}
function members(text) {
  let i = text.indexOf("{") + 1;
  const list = [];
  const ws = () => {
    while (/\s/.test(text[i] ?? "")) i++;
  };
  const skipString = () => {
    for (i++; text[i] !== '"'; i++) if (text[i] === "\\") i++;
    i++;
  };
  const skipValue = () => {
    if (text[i] === '"') return skipString();
    if (text[i] === "{" || text[i] === "[") {
      let depth = 0;
      do {
        if (text[i] === '"') {
          skipString();
          continue;
        }
        if (text[i] === "{" || text[i] === "[") depth++;
        else if (text[i] === "}" || text[i] === "]") depth--;
        i++;
      } while (depth > 0);
      return;
    }
    while (i < text.length && !/[\s,}\]]/.test(text[i])) i++;
  };
  for (; ; ) {
    ws();
    if (text[i] === "}") return { list, close: i };
    const keyStart = i;
    skipString();
    const key = JSON.parse(text.slice(keyStart, i));
    ws();
    i++;
    ws();
    const start = i;
    skipValue();
    list.push({ key, start, end: i });
    ws();
    if (text[i] === ",") i++;
  }
}
function editTaskLineDone(line, completedAt, entry) {
  const { list, close } = members(line);
  const last = (k) => [...list].reverse().find((m) => m.key === k);
  const edits = [];
  const appended = [];
  const set = (k, json) => {
    const m = last(k);
    if (m) edits.push({ at: m.start, end: m.end, text: json });
    else appended.push(`${JSON.stringify(k)}:${json}`);
  };
  set("status", '"done"');
  set("completed_at", JSON.stringify(completedAt));
  const item = JSON.stringify(entry);
  const log = last("log");
  if (log && line[log.start] === "[") {
    const inner = line.slice(log.start + 1, log.end - 1);
    edits.push({ at: log.end - 1, end: log.end - 1, text: inner.trim() === "" ? item : `,${item}` });
  } else set("log", `[${item}]`);
  if (appended.length) edits.push({ at: close, end: close, text: `${list.length ? "," : ""}${appended.join(",")}` });
  let out = line;
  for (const e of edits.sort((a, b) => b.at - a.at)) out = out.slice(0, e.at) + e.text + out.slice(e.end);
  return out;
}
async function markDone(opts) {
  const graph = path8.join(opts.wgDir, "graph.jsonl");
  const shownAs = path8.join(path8.basename(opts.wgDir), "graph.jsonl");
  const started = performance.now();
  return withFileLock(
    path8.join(opts.wgDir, "graph.lock"),
    () => {
      const waitedMs = Math.round(performance.now() - started);
      const text = readTextFile(graph, { shownAs, what: "graph" });
      const found = findTaskLine(text, shownAs, opts.taskId);
      if (!found) throw new PolicyError("task-not-found", `task \`${opts.taskId}\` is not in ${shownAs}`, { file: shownAs, key: opts.taskId });
      const status = typeof found.record.status === "string" ? found.record.status : void 0;
      const refusal = doneRefusal(opts.taskId, status);
      if (refusal) throw new PolicyError("task-status", refusal, { file: shownAs, line: found.index + 1 });
      const completedAt = wgTimestamp((opts.now ?? (() => /* @__PURE__ */ new Date()))());
      const entry = { timestamp: completedAt, ...opts.actor ? { actor: opts.actor } : {}, message: opts.message };
      const lines = text.split("\n");
      const raw = lines[found.index];
      const cr = raw.endsWith("\r") ? "\r" : "";
      const edited = editTaskLineDone(cr ? raw.slice(0, -1) : raw, completedAt, entry) + cr;
      JSON.parse(edited);
      lines[found.index] = edited;
      writeAtomically(graph, path8.join(opts.wgDir, `.graph.tmp.${process.pid}`), lines.join("\n"));
      return { task: opts.taskId, from: status ?? "open", to: "done", completedAt, line: found.index + 1, waitedMs };
    },
    { onWait: opts.onWait, what: shownAs }
  );
}
function writeAtomically(target, tmp, text) {
  let mode = 420;
  try {
    mode = statSync5(target).mode & 4095;
  } catch {
  }
  const fd = openSync(tmp, constants2.O_WRONLY | constants2.O_CREAT | constants2.O_TRUNC, mode);
  try {
    const buf = Buffer.from(text, "utf8");
    for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off, buf.length - off);
    fchmodSync(fd, mode);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    unlinkSync(tmp);
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, target);
  try {
    const dir = openSync(path8.dirname(target), constants2.O_RDONLY);
    fsyncSync(dir);
    closeSync(dir);
  } catch {
  }
}

// src/gate/done.ts
init_errors();
function doneLogMessage(v) {
  const s = v.summary;
  const how = !s.ran ? "bypassed with --skip-smoke" : s.selected === 0 ? "no owned scenarios" : `${s.passed} passed, ${s.skippedCount} skipped of ${s.selected} scenario(s)`;
  return `Task marked done via wg-policy (smoke gate: ${how}; policy ${v.policyRevision})`;
}
async function completeTask(req, hooks = {}) {
  const env = req.env ?? process.env;
  const { wgDir } = locateWgDir({ dir: req.dir, env, cwd: req.cwd ?? process.cwd() });
  const { verdict } = await decideGate(
    { ...req, dir: wgDir },
    {
      ...hooks,
      beforeRun: (task) => {
        const refusal = doneRefusal(task.id, task.status ?? void 0);
        if (refusal) throw new PolicyError("task-status", refusal);
        hooks.beforeRun?.(task);
      }
    }
  );
  await hooks.afterVerdict?.(verdict);
  if (!verdict.allowed) return { verdict, transition: null };
  const transition = await markDone({
    wgDir,
    taskId: verdict.task,
    message: doneLogMessage(verdict),
    actor: env.WG_AGENT_ID || void 0,
    now: hooks.now,
    onWait: hooks.onWait
  });
  return { verdict, transition };
}

// src/check/policies.ts
import { join as join8 } from "node:path";
init_errors();
async function checkPolicies(opts) {
  const env = opts.env ?? process.env;
  const wgDir = opts.bundledOnly ? void 0 : locateWgDir({ dir: opts.dir, env, cwd: opts.cwd ?? process.cwd() }).wgDir;
  const report = { ok: true, sets: [], problems: [] };
  const seen = /* @__PURE__ */ new Set();
  for (const table of TABLES) {
    try {
      const set = await loadPolicySet(table, {
        projectPolicyDir: wgDir && join8(wgDir, "policies"),
        projectRoot: wgDir && join8(wgDir, ".."),
        namespaces: NAMESPACES
      });
      const rules = [...set.byStage.values()].reduce((n, l) => n + l.length, 0);
      report.sets.push({ kind: table.kind, revision: set.revision, files: set.files, rules, disabled: set.disabled, replaced: set.replaced });
    } catch (e) {
      if (!(e instanceof PolicyError)) throw e;
      report.ok = false;
      for (const p of e instanceof PolicyProblems ? e.problems : [e]) {
        const key = `${p.code}\0${p.file}\0${p.line}\0${p.message}`;
        if (seen.has(key)) continue;
        seen.add(key);
        report.problems.push({ kind: table.kind, ...p.toJSON(), formatted: p.format() });
      }
      report.sets.push({ kind: table.kind, files: [], rules: 0, disabled: [], replaced: [] });
    }
  }
  return report;
}

// src/index.ts
init_errors();
export {
  ERROR_CODES,
  GATE_TABLE,
  PolicyError,
  SPAWN_TABLE,
  SpawnPlanSchema,
  TABLES,
  VerdictSchema,
  checkPolicies,
  completeTask,
  decide,
  decideDone,
  decideGate,
  decideSpawn,
  exitCodeFor,
  formatError,
  loadPolicySet,
  planMany,
  planSpawn
};
