// Bin entry: parses arguments with commander, runs one command (loaded on demand), maps the outcome to an exit code.
import { Command, CommanderError, Option } from 'commander';
import { exitCodeFor, PolicyError } from '../shared/errors.js';
import { guardOutput } from './guard-output.js';
import { reportError } from './output.js';

guardOutput();

const program = new Command('wg-policy')
  .description('One policy-driven decision per spawn, a hard done gate, and an audit trail, for workgraph (wg).')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)')
  .addHelpText('after', '\nExit codes: 0 ok, 1 rejected or denied by policy, 2 bad input or usage, 3 internal error.')
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) });

const spawnOptions = (cmd: Command) =>
  cmd
    .option('--dir <dir>', 'wg directory (default: $WG_DIR, else .wg or .workgraph found walking up from cwd)')
    .option('--task-json <file>', 'read the task from a JSON file instead of graph.jsonl (- for stdin)')
    .option('--agent-executor <name>', "the caller's executor (wg's agency executor): claude, native, codex or shell")
    .option('--default-model <spec>', "the caller's default model (the dispatcher's model), e.g. claude:opus")
    .option('--prompt-file <path>', 'prompt file (default: <wgdir>/agents/<agent-id>/prompt.txt)')
    .option('--site <site>', "which of wg's spawn sites asks: dispatcher (default), ipc, spawn, spawn-task or chat")
    .option('--agent <id>', "the agency agent (an id prefix, as task.agent; default: the task's agent)")
    .option('--agent-id <id>', "the agent id wg gives this spawn (default: the next id in wg's agent registry)")
    .option('--timeout <duration>', "the spawn's own timeout, as wg writes it (30m, 90s, 120; '' for none)")
    .option('--role <role>', 'the chat handler role (wg spawn-task --role)');

const auditOptions = (cmd: Command) =>
  cmd
    .option('--audit-log <path>', 'decision log (default: $WG_POLICY_AUDIT_LOG, [policy] audit_log, <wgdir>/policy-audit.jsonl)')
    .option('--no-audit', 'do not record this decision in the decision log');

auditOptions(spawnOptions(program.command('plan <task-id>')))
  .description('print the spawn plan for a task as JSON on stdout; one provenance line on stderr; record it in the decision log')
  .option('-q, --quiet', 'no provenance line on stderr')
  .action(async (taskId: string, opts) => (await import('./commands/plan.js')).runPlan(taskId, opts));

spawnOptions(program.command('explain <task-id>'))
  .description('show, per field, the winning rule, the config values it read, the rules that lost and why the rest did not match')
  .option('--json', 'print the explanation as JSON')
  .option('--all', 'every rule of every stage, with why each did not match')
  .option('--field <field>', 'only the stages deciding this field (e.g. executor, endpoint)')
  .option('--why-not <rule-id>', 'why this rule did not decide: its first failing condition, or the rule that beat it')
  .addHelpText(
    'after',
    '\nExamples:\n  wg-policy explain t1                           # per field: value, rule, what it read, the runner-up\n  wg-policy explain t1 --field endpoint --all\n  wg-policy explain t1 --why-not executor.global-dispatcher',
  )
  .action(async (taskId: string, opts) => (await import('./commands/explain.js')).runExplain(taskId, opts));

const gateOptions = (cmd: Command) =>
  cmd
    .option('--dir <dir>', 'wg directory (default: $WG_DIR, else .wg or .workgraph found walking up from cwd)')
    .option('--manifest <path>', "smoke manifest (default: $WG_SMOKE_MANIFEST, then wg's search: tests/smoke/manifest.toml)")
    .option('--full-smoke', 'run every scenario of the manifest, not only the ones the task owns')
    .option('--skip-smoke', 'bypass the scenarios (humans only; agents need WG_SMOKE_AGENT_OVERRIDE=1)')
    .option('--skip-verify', "skip the task's verify command, as wg's flag does (humans only; wg-policy never runs it)")
    .option('--jobs <n>', 'scenarios run at once (default: the number of CPUs)')
    .option('--junit <file>', 'also write the results as JUnit XML')
    .option('--json', 'print the verdict as JSON on stdout')
    .option(
      '--base <rev>',
      'git revision the manifest and gate policies are compared with (default: the merge-base of HEAD and origin/HEAD, origin/main, origin/master, main or master; else HEAD)',
    );

auditOptions(gateOptions(program.command('gate <task-id>')))
  .description("run the task's smoke scenarios and decide whether it may go to done (exit 0 allowed, 1 denied)")
  .action(async (taskId: string, opts) => (await import('./commands/gate.js')).runGate(taskId, opts));

auditOptions(gateOptions(program.command('done <task-id>')))
  .description("run the done gate and, when it allows, write what wg's done writes (done, pending-eval or pending-validation) under wg's lock")
  .action(async (taskId: string, opts) => (await import('./commands/done.js')).runDone(taskId, opts));

program
  .command('check')
  .description("validate the bundled and the project's policy files (facts, paths, operators, ids, unreachable rules)")
  .option('--dir <dir>', 'wg directory (default: $WG_DIR, else found walking up from cwd)')
  .option('--bundled', 'check only the bundled policies')
  .option('--json', 'print the report as JSON')
  .action(async (opts) => (await import('./commands/check.js')).runCheck(opts));

program
  .command('test [paths...]')
  .description('run policy test cases (YAML) against the policy set in effect: pass/fail with diffs, and rule coverage')
  .option('--dir <dir>', 'wg directory whose policies are in effect (default: $WG_DIR, else found from cwd)')
  .option('--bundled', 'test the bundled policies only (default paths: the bundled policies/tests)')
  .option('--coverage', 'report the rules no case fired, per file, and the percentage')
  .option('--coverage-threshold <percent>', 'fail (exit 1) when coverage is below this percentage')
  .option('--fail-on-empty', 'fail (exit 1) when no test case is found')
  .option('--json', 'print the report as JSON')
  .addHelpText(
    'after',
    '\nPaths are files or folders of YAML test files (default: <wgdir>/policies/tests, else the bundled suite).\n\nExamples:\n  wg-policy test --coverage\n  wg-policy test .wg/policies/tests/gpu.yaml\n  wg-policy test --bundled --coverage-threshold 100',
  )
  .action(async (paths: string[], opts) => (await import('./commands/test.js')).runTest(paths, opts));

program
  .command('diff')
  .description("plan every task under the project's config and policies at a git revision and as they are now; report what changes")
  .option('--dir <dir>', 'wg directory (default: $WG_DIR, else found walking up from cwd)')
  .option('--base <rev>', 'git revision of the project config.toml, policies/ and executors/ to compare with', 'HEAD')
  .option('--base-global <file>', 'global config.toml to plan the base with (default: the current one)')
  .option('--status <status>', 'only tasks with this status (e.g. open)')
  .option('--json', 'one JSON line per changed task, with both plans')
  .addHelpText(
    'after',
    '\nExit: 0 nothing changes, 1 something changes, 2 bad input.\n\nExamples:\n  wg-policy diff                        # uncommitted config/policy edits vs HEAD\n  wg-policy diff --base origin/main     # a pull request against its target\n  wg-policy diff --base-global ~/old-global.toml --status open',
  )
  .action(async (opts) => (await import('./commands/diff.js')).runDiff(opts));

program
  .command('graph')
  .description('draw the precedence of a policy set: per stage, the rules in priority order and the facts they read')
  .option('--dir <dir>', 'wg directory whose project policies to include (default: $WG_DIR, else found from cwd)')
  .option('--bundled', 'draw the bundled policies only')
  .addOption(new Option('--format <format>', 'output format').choices(['mermaid', 'dot']).default('mermaid'))
  .addOption(new Option('--kind <set>', 'which policy set').choices(['spawn', 'gate']).default('spawn'))
  .addHelpText('after', '\nExamples:\n  wg-policy graph --bundled > precedence.mmd\n  wg-policy graph --kind gate --format dot | dot -Tsvg > gate.svg')
  .action(async (opts) => (await import('./commands/graph.js')).runGraph(opts));

program
  .command('schema')
  .description('print the JSON Schema of the policy file format (for editors: yaml-language-server, VS Code, IntelliJ)')
  .action(async () => (await import('./commands/schema.js')).runSchema());

const audit = program.command('audit').description('read and verify the decision log');
const logOptions = (cmd: Command) =>
  cmd
    .option('--dir <dir>', 'wg directory whose decision log to read (default: found from cwd)')
    .option('--audit-log <path>', 'the decision log (default: $WG_POLICY_AUDIT_LOG, [policy] audit_log, <wgdir>/policy-audit.jsonl)')
    .option('--json', 'machine-readable output');
logOptions(audit.command('verify'))
  .description('check the hash chain: exit 0 when intact, 1 naming the first record edited, removed, reordered or truncated')
  .option('--allow-pruned', 'accept a chain whose oldest records were pruned by rotation (a rotated log moved elsewhere)')
  .action(async (opts) => (await import('./commands/audit.js')).runVerify(opts));
logOptions(audit.command('list'))
  .description('list decisions, oldest first (streams the log; --json prints JSON Lines)')
  .option('--task <id>', 'only this task')
  .option('--kind <kind>', 'spawn or gate')
  .option('--rule <id>', 'only decisions in which this rule fired')
  .option('--field <name>', 'only decisions that decided this field or effect')
  .option('--since <time>', 'ISO time or anything Date.parse reads')
  .option('--until <time>', 'ISO time or anything Date.parse reads')
  .action(async (opts) => (await import('./commands/audit.js')).runList(opts));
logOptions(audit.command('replay'))
  .description('decide the logged spawn decisions again under the policies in effect now; list those that would differ')
  .option('--task <id>', 'only this task')
  .option('--rule <id>', 'only decisions in which this rule fired')
  .option('--field <name>', 'only decisions that decided this field')
  .option('--since <time>', 'ISO time or anything Date.parse reads')
  .option('--until <time>', 'ISO time or anything Date.parse reads')
  .addHelpText(
    'after',
    '\nExit: 0 nothing would differ, 1 something would, 2 bad input. Records nothing.\n\nExample:\n  wg-policy audit replay --since 2026-11-01   # after editing .wg/policies/*.yaml',
  )
  .action(async (opts) => (await import('./commands/audit.js')).runReplay(opts));
logOptions(audit.command('show <decision-id>'))
  .description('show one decision in full, with the per-field explanation')
  .action(async (id: string, opts) => (await import('./commands/audit.js')).runShow(id, opts));

async function main(argv: string[]): Promise<number> {
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit 0; every usage error is exit 2 (commander already printed the sentence).
      return e.exitCode === 0 ? 0 : 2;
    }
    // stdout stays empty for plan (its stdout is the plan); commands with --json get the error as data.
    reportError(e, argv.includes('--json'));
    return e instanceof PolicyError ? exitCodeFor(e.code) : 3;
  }
}

const flushed = (s: NodeJS.WriteStream) => new Promise<void>((resolve) => s.write('', () => resolve()));

void main(process.argv).then(async (code) => {
  // Every decision is on disk by now (the commands await the log). Exit explicitly once stdout and stderr are
  // flushed, so a handle some transport left open can never keep wg waiting on a finished command.
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit(code);
});
