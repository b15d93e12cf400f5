// decideGate: the only function that decides whether a task may go to done, and what done writes. A thin shell: read
// the inputs, decide the transition, deny early what no scenario can change, run the task's scenarios, decide, record.
import { logDestination, recordDecision } from '../audit/destination.js';
import type { Decision } from '../audit/event.js';
import { decide, type DecideResult } from '../engine/decide.js';
import type { EffectOutcome } from '../engine/decision.js';
import { withOwnKeys } from '../shared/errors.js';
import { useKeys } from '../shared/secrets.js';
import { DONE_TABLE, RUN_FACTS, TRANSITION_TABLE, type TransitionValue } from '../stages/gate.js';
import { earlyDenial } from './early.js';
import { gateSourceMapper, summaryFact } from './facts.js';
import { gatherInputs, manifestOfVerdict, type GateInputs } from './inputs.js';
import { gateDecision } from './record.js';
import type { DoneHooks, DoneRequest } from './request.js';
import { freshRunFolder } from './run-folder.js';
import type { ScenarioEvent, ScenarioResult } from './result.js';
import { scrubResult } from './scrub.js';
import type { Verdict } from './verdict.js';

export { VerdictSchema, type Verdict, type RuleDecision } from './verdict.js';
export type { DoneHooks, DoneRequest, GatePlan } from './request.js';

/** A verdict with everything around it: the decision record that was (or would be) written. */
export interface GateOutcome {
  verdict: Verdict;
  decision: Decision;
}

const TRANSITION = TRANSITION_TABLE.stages[0];
const DONE = DONE_TABLE.stages[0];

/** Runs the selected scenarios into a fresh per-user log folder (the runner, and execa, load only when something runs). */
async function runSelected(req: DoneRequest, i: GateInputs, env: NodeJS.ProcessEnv, hooks: DoneHooks) {
  const id = i.place.task.id;
  hooks.onStart?.({ taskId: id, count: i.selected.length, manifest: i.label, names: i.selected.map((s) => s.name) });
  const logDir = req.logDir ?? freshRunFolder(id, env);
  const { runScenarios } = await import('./run-scenarios.js');
  const started = performance.now();
  // INVARIANT: what a scenario printed is masked before any hook, report or record sees it (a scenario may print the config).
  const scrub = (r: ScenarioResult) => scrubResult(r, i.secrets);
  const onEvent = hooks.onEvent && ((e: ScenarioEvent) => hooks.onEvent!(e.type === 'finish' ? { ...e, result: scrub(e.result) } : e));
  const results = (await runScenarios(i.selected, { jobs: req.jobs, logDir, env, onEvent, secrets: i.secrets, ...req.run })).map(scrub);
  return { results, runMs: Math.round(performance.now() - started) };
}

/**
 * Decides a done request. First the `transition` stage (what done would write) from the facts known before anything
 * runs; a transition with `gate: false` (already done) ends there, allowed, with nothing run. Then the `done` stage:
 * deny rules that read no scenario result are decided before the scenarios run (a blocked task runs nothing); else
 * the task's scenarios run (all with `fullSmoke`, none with `skipSmoke`) and the rules decide on their results.
 * Records the verdict when asked. Throws PolicyError on bad input; never allows on it.
 */
export async function decideGate(req: DoneRequest, hooks: DoneHooks = {}): Promise<GateOutcome> {
  const started = performance.now();
  const env = req.env ?? process.env;
  const cwd = req.cwd ?? process.cwd();
  const inputs = await gatherInputs(req, env, cwd, hooks.beforeRun);
  const { place, policies } = inputs;
  // Messages mask this config's keys: set again after each wait (a library call for another project may run meanwhile).
  const ownKeys = () => useKeys(inputs.keys);
  const afterWait = <T>(pending: Promise<T>): Promise<T> => withOwnKeys(pending, inputs.keys);
  ownKeys();
  const sourcesOf = gateSourceMapper(inputs.sources);
  const opts = { sourcesOf, subject: `'wg done ${place.task.id}'`, evaluator: req.evaluator, resumed: ownKeys };

  const t = await afterWait(decide(TRANSITION_TABLE, policies, inputs.facts, opts));
  if (t.error) throw t.error;
  const transition = t.values[TRANSITION.field] as TransitionValue;
  const decidedBy = t.provenance[TRANSITION.field];
  const facts: Record<string, unknown> = { ...inputs.facts, transition };
  const notices = [...inputs.notices];
  // `ran`: scenarios were (or, with none selected, would have been) run; false when bypassed, denied early or not gated.
  let ran = !req.skipSmoke && transition.gate !== false;
  const count = [inputs.selected.length, inputs.owned.length] as const;
  let results: Verdict['results'] = [];
  let runMs = 0;
  let done: DecideResult | null = null;
  if (transition.gate !== false) {
    if (ran && inputs.selected.length > 0) {
      const pre = await afterWait(decide(DONE_TABLE, policies, { ...facts, summary: summaryFact([], ...count, false), results: [] }, opts));
      done = earlyDenial(pre, DONE.name, RUN_FACTS);
      if (done) {
        ran = false;
        notices.push(`scenarios not run: ${done.outcomes[DONE.name].determining.map((d) => d.rule).join(', ')} denies whatever they give`);
      } else ({ results, runMs } = await afterWait(runSelected(req, inputs, env, hooks)));
    }
    done ??= await afterWait(decide(DONE_TABLE, policies, { ...facts, summary: summaryFact(results, ...count, ran), results }, opts));
  }
  const summary = summaryFact(results, ...count, ran);
  const outcome: EffectOutcome = done
    ? done.outcomes[DONE.name]
    : {
        allowed: true,
        effect: 'allow',
        determining: [{ rule: decidedBy.rule, policy: decidedBy.policy, effect: 'allow', message: transition.say }],
        warnings: [],
        notices: [],
      };
  const verdict: Verdict = {
    task: place.task.id,
    gate: DONE.name,
    allowed: outcome.allowed,
    effect: outcome.effect,
    determining: outcome.determining,
    warnings: outcome.warnings,
    notices: [...notices, ...outcome.notices],
    transition: { ...transition, rule: decidedBy.rule, policy: decidedBy.policy },
    taskStatus: (facts.task as { status: string }).status,
    evaluation: facts.evaluation as Verdict['evaluation'],
    blockers: facts.blockers as Verdict['blockers'],
    results,
    summary,
    request: facts.request as Verdict['request'],
    manifest: manifestOfVerdict(inputs),
    overrides: { disabled: policies.disabled, replaced: policies.replaced },
    weakening: facts.weakening as Verdict['weakening'],
    policyFiles: policies.files.map(({ file, origin, sha256 }) => ({ file, origin, sha256 })),
    policyRevision: policies.revision,
    elapsedMs: Math.round(performance.now() - started),
    runMs,
  };
  const result: DecideResult = done
    ? { ...done, values: t.values, provenance: t.provenance, trace: [...t.trace, ...done.trace], determining: [...t.determining, ...done.determining] }
    : { ...t, allowed: true };
  const decision = gateDecision(verdict, result, sourcesOf);
  await hooks.beforeRecord?.(verdict);
  ownKeys();
  if (req.decisionLog) {
    const local = inputs.local;
    const dest = logDestination({
      explicit: req.decisionLog.path,
      env,
      wgDir: place.wgDir,
      config: local?.exists ? { data: local.data, file: local.file } : undefined,
    });
    await afterWait(recordDecision(decision, dest, { secrets: inputs.secrets, warn: hooks.warn ?? ((m) => process.stderr.write(`warning: ${m}\n`)), env }));
  }
  return { verdict, decision };
}

/** The verdict alone (see {@link decideGate}). */
export async function decideDone(req: DoneRequest, hooks: DoneHooks = {}): Promise<Verdict> {
  return (await decideGate(req, hooks)).verdict;
}
