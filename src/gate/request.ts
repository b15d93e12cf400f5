// What a caller asks the gate for (task, flags, where to look) and the hooks it may pass; types only.
import type { DecisionLogOption } from '../audit/destination.js';
import type { EvaluatorName } from '../engine/decide.js';
import type { Task } from '../graph/read-tasks.js';
import type { GitRunner } from '../shared/git.js';
import type { ScenarioEvent } from './result.js';
import type { RunOptions } from './run-scenarios.js';
import type { Verdict } from './verdict.js';

/** What to gate: a task by id, the caller's flags, and where to look. */
export interface DoneRequest {
  taskId: string;
  dir?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** `--manifest` (cwd-relative); else `$WG_SMOKE_MANIFEST` and wg's search. */
  manifest?: string;
  fullSmoke?: boolean;
  skipSmoke?: boolean;
  /** `--skip-verify`: a human who ran the task's verify command; refused for agents. */
  skipVerify?: boolean;
  jobs?: number;
  /** Git revision to compare the manifest and gate policies with (default: the merge-base with the integration branch). */
  base?: string;
  /** Where scenario logs go (default: a new 0700 folder under `$XDG_STATE_HOME/wg-policy/runs` or `~/.local/state/wg-policy/runs`). */
  logDir?: string;
  /** Runner knobs for tests. */
  run?: Pick<RunOptions, 'graceMs' | 'timeoutScaleMs' | 'urlTimeoutMs'>;
  git?: GitRunner;
  /** Record the verdict in the decision log before returning (default: not recorded). The CLI's `gate` and `done` record. */
  decisionLog?: DecisionLogOption;
  /** Which evaluator runs the rules (default: compiled; `reference` is json-rules-engine itself). Both decide identically. */
  evaluator?: EvaluatorName;
}

/** What is about to run, for a header line. */
export interface GatePlan {
  taskId: string;
  count: number;
  manifest: string;
  /** The names, in manifest order (for a live view). */
  names: string[];
}

export interface DoneHooks {
  /** The task as read, before anything runs; a throw stops the gate. */
  beforeRun?: (task: Task) => void;
  /** Called once before scenarios run (not when nothing runs). */
  onStart?: (plan: GatePlan) => void;
  onEvent?: (e: ScenarioEvent) => void;
  /** Sees the verdict before it is recorded (e.g. to write a report it promises); a throw stops before the record. */
  beforeRecord?: (verdict: Verdict) => void | Promise<void>;
  warn?: (message: string) => void;
}
