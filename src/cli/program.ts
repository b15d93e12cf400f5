// The full CLI: every command's commander definition (only the invoked one is built), run, and commander's usage errors.
import { Argument, Command, CommanderError, Option } from 'commander';
import { DecisionKindSchema } from '../audit/event.js';
import { didYouMean } from '../shared/did-you-mean.js';
import { PolicyError } from '../shared/errors.js';
import { positiveInt, timeArg } from './arg-parsers.js';
import { colorFor } from './color.js';
import { reportError } from './output.js';
import { planUsageError } from './plan-args.js';

/** The program with the commands `argv` needs defined (all of them for `--help`, `completion` and anything unknown). */
export function buildProgram(argv: readonly string[]): Command {
  const program = new Command('wg-policy')
    .description('One policy-driven decision per spawn, a hard done gate, and an audit trail, for workgraph (wg).')
    .version('0.1.0')
    .option('--color', 'colour the output even when it is not a terminal (overrides NO_COLOR)')
    .option('--no-color', 'no colour (as NO_COLOR=1 does)')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', '\nExit codes: 0 ok, 1 rejected or denied by policy, 2 bad input or usage, 3 internal error.')
    .configureHelp({ showGlobalOptions: true, styleTitle: (s) => `\x1b[1m${s}\x1b[22m` })
    .exitOverride()
    .configureOutput({
      writeErr: (s) => process.stderr.write(s),
      writeOut: (s) => process.stdout.write(s),
      // A usage error reads as every other error: one sentence with its code (and as data with --json).
      outputError: (s, write) => reportError(new PolicyError('usage', s.replace(/^error: /, '').trim()), argv.includes('--json'), write),
      getOutHasColors: () => colorFor(process.stdout),
      getErrHasColors: () => colorFor(process.stderr),
    });
  for (const define of invoked(argv)) define(program);
  return program;
}

/** An Examples section at the end of a command's --help (each line: the command, then what it does after `#`). */
const examples = (cmd: Command, lines: string[]) => cmd.addHelpText('after', `\n\x1b[1mExamples:\x1b[22m\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`); // commander strips the bold without colour

/** `-q` on every command: nothing but warnings and errors on stderr. */
const quiet = (cmd: Command, what = 'no informational lines on stderr (warnings and errors still print)') => cmd.option('-q, --quiet', what);

/** `--dir`: `what` the command reads there, found as every command finds it when not given. */
const dirOption = (cmd: Command, what = 'wg directory') =>
  cmd.option('--dir <dir>', `${what} (default: $WG_DIR, else .wg or .workgraph found walking up from cwd)`);

const spawnOptions = (cmd: Command) =>
  dirOption(cmd)
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

const gateOptions = (cmd: Command) =>
  dirOption(cmd)
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

/** Each command's definition; only the one invoked is built (all of them for `--help`, `completion` and anything unknown). */
const COMMANDS: Record<string, (program: Command) => void> = {
  plan: (program) => {
    const plan = auditOptions(spawnOptions(program.command('plan [task-id]')))
      .description('print the spawn plan for a task as JSON on stdout; one provenance line on stderr; record it in the decision log')
      .option('--all', 'plan every task of graph.jsonl: one plan (or refusal) per line, JSON Lines; records nothing unless --record')
      .option('--status <list>', 'with --all: only tasks with these statuses (comma-separated; a task without one is open)')
      .option('--record', 'with --all: record every decision in the decision log')
      .action(async (taskId: string | undefined, opts, cmd: Command) => {
        // A task id, or --all: the usage errors read as commander's own.
        const usage = planUsageError(taskId, opts);
        if (usage) cmd.error(usage);
        const run = await import('./commands/plan.js');
        return opts.all ? run.runPlanAll(opts) : run.runPlan(taskId!, opts);
      });
    examples(quiet(plan, 'no provenance line on stderr'), [
      'wg-policy plan fix-login --dir .wg                          # the plan as JSON, provenance on stderr',
      'wg-policy plan fix-login -q --agent-executor codex          # as wg calls it, with the agency executor',
      'wg-policy plan t1 --task-json task.json --no-audit          # a task from a file; nothing recorded',
      'wg-policy plan --all --status open,blocked > plans.jsonl    # every matching task, one JSON line each',
    ]);
  },
  explain: (program) => {
    const explain = spawnOptions(program.command('explain <task-id>'))
      .description('show, per field, the winning rule, the config values it read, the rules that lost and why the rest did not match')
      .option('--json', 'print the explanation as JSON')
      .option('--all', 'every rule of every stage, with why each did not match')
      .option('--field <field>', 'only the stages deciding this field (e.g. executor, endpoint)')
      .option('--why-not <rule-id>', 'why this rule did not decide: its first failing condition, or the rule that beat it')
      .action(async (taskId: string, opts) => (await import('./commands/explain.js')).runExplain(taskId, opts));
    examples(quiet(explain), [
      'wg-policy explain fix-login --dir .wg                       # per field: value, rule, what it read, the runner-up',
      'wg-policy explain fix-login --field endpoint --all          # every endpoint rule, with why each did not match',
      'wg-policy explain fix-login --why-not executor.global-dispatcher',
      'wg-policy explain fix-login --json | jq .stages[0]          # the same as data',
    ]);
  },
  gate: (program) => {
    const gate = auditOptions(gateOptions(program.command('gate <task-id>')))
      .description("run the task's smoke scenarios and decide whether it may go to done (exit 0 allowed, 1 denied)")
      .action(async (taskId: string, opts) => (await import('./commands/gate.js')).runGate(taskId, opts));
    examples(quiet(gate, 'no header, result or progress lines (warnings and denials still print)'), [
      'wg-policy gate fix-login                                    # the scenarios fix-login owns; exit 0 allowed, 1 denied',
      'wg-policy gate fix-login --full-smoke --junit smoke.xml     # every scenario, with a JUnit report',
      'wg-policy gate fix-login --json -q                          # the verdict as JSON only',
    ]);
  },
  done: (program) => {
    const done = auditOptions(gateOptions(program.command('done <task-id>')))
      .description("run the done gate and, when it allows, write what wg's done writes (done, pending-eval or pending-validation) under wg's lock")
      .action(async (taskId: string, opts) => (await import('./commands/done.js')).runDone(taskId, opts));
    examples(quiet(done, 'no header, result or progress lines on stderr (warnings and denials still print; the "Marked … as done" line on stdout stays)'), [
      'wg-policy done fix-login                                    # gate, then mark done when allowed',
      'wg-policy done fix-login --skip-smoke                       # a human skipping the scenarios (a loud warning)',
    ]);
  },
  check: (program) => {
    const check = dirOption(
      program.command('check').description("validate the bundled and the project's policy files (facts, paths, operators, ids, unreachable rules)"),
    )
      .option('--bundled', 'check only the bundled policies')
      .option('--json', 'print the report as JSON')
      .action(async (opts) => (await import('./commands/check.js')).runCheck(opts));
    examples(quiet(check, 'print only the problems (exit 0 says all is well)'), [
      'wg-policy check                                             # the project policies found from here, and the bundled ones',
      'wg-policy check --bundled --json                            # only the bundled policies, as data',
    ]);
  },
  test: (program) => {
    const testCmd = dirOption(
      program.command('test [paths...]').description('run policy test cases (YAML) against the policy set in effect: pass/fail with diffs, and rule coverage'),
      'wg directory whose policies are in effect',
    )
      .option('--bundled', 'test the bundled policies only (default paths: the bundled policies/tests)')
      .option('--coverage', 'report the rules no case fired, per file, and the percentage')
      .option('--coverage-threshold <percent>', 'fail (exit 1) when coverage is below this percentage')
      .option('--fail-on-empty', 'fail (exit 1) when no test case is found')
      .option('--json', 'print the report as JSON')
      .addHelpText('after', '\nPaths are files or folders of YAML test files (default: <wgdir>/policies/tests, else the bundled suite).')
      .action(async (paths: string[], opts) => (await import('./commands/test.js')).runTest(paths, opts));
    examples(quiet(testCmd, 'print only failing cases and the summary'), [
      'wg-policy test --coverage                                   # the project suite, with the rules no case fired',
      'wg-policy test .wg/policies/tests/gpu.yaml                  # one file',
      'wg-policy test --bundled --coverage-threshold 100           # the bundled suite must fire every rule',
    ]);
  },
  diff: (program) => {
    const diff = dirOption(
      program.command('diff').description("plan every task under the project's config and policies at a git revision and as they are now; report what changes"),
    )
      .option('--base <rev>', 'git revision of the project config.toml, policies/ and executors/ to compare with (default: HEAD)')
      .option('--base-global <file>', 'global config.toml to plan the base with (default: the current one)')
      .option('--status <list>', 'only tasks with these statuses (comma-separated, as plan --all; a task without one is open)')
      .option('--json', 'one JSON line per changed task, with both plans')
      .addHelpText('after', '\nExit: 0 nothing changes, 1 something changes, 2 bad input.')
      .action(async (opts) => (await import('./commands/diff.js')).runDiff(opts));
    examples(quiet(diff, 'no summary line on stderr'), [
      'wg-policy diff                                              # uncommitted config/policy edits against HEAD',
      'wg-policy diff --base origin/main                           # a pull request against its target',
      'wg-policy diff --base-global ~/old-global.toml --status open,blocked',
    ]);
  },
  graph: (program) => {
    const graph = dirOption(
      program.command('graph').description('draw the precedence of a policy set: per stage, the rules in priority order and the facts they read'),
      'wg directory whose project policies to include',
    )
      .option('--bundled', 'draw the bundled policies only')
      .addOption(new Option('--format <format>', 'output format').choices(['mermaid', 'dot']).default('mermaid'))
      .addOption(new Option('--kind <set>', 'which policy set').choices(['spawn', 'gate']).default('spawn'))
      .action(async (opts) => (await import('./commands/graph.js')).runGraph(opts));
    examples(quiet(graph), [
      'wg-policy graph --bundled > precedence.mmd                  # Mermaid, for a README or a pull request',
      'wg-policy graph --kind gate --format dot | dot -Tsvg > gate.svg',
    ]);
  },
  schema: (program) => {
    const schema = program
      .command('schema')
      .description('print the JSON Schema of the policy file format (for editors: yaml-language-server, VS Code, IntelliJ)')
      .action(async () => (await import('./commands/schema.js')).runSchema());
    examples(quiet(schema), ['wg-policy schema > .wg/policy.schema.json                    # then: # yaml-language-server: $schema=../policy.schema.json']);
  },
  serve: (program) => {
    const serve = dirOption(
      auditOptions(program.command('serve'))
        .description('answer plan, explain and gate requests (JSON Lines on stdin, one answer per line on stdout, in order) until stdin ends')
        .option('--stdio', 'serve on stdin/stdout (the only transport)'),
      'wg directory for requests that name none',
    )
      .addHelpText('after', '\nThe protocol is in the README ("Serving").')
      .action(async (opts) => (await import('./commands/serve.js')).runServe(opts));
    examples(quiet(serve, 'no informational lines on stderr (warnings and errors still print)'), [
      'wg-policy serve --stdio --dir .wg                          # JSON Lines requests on stdin, one answer per line on stdout',
      'wg-policy serve --stdio --no-audit -q < requests.jsonl     # answers only; nothing recorded',
    ]);
  },
  audit: (program) => {
    const audit = program.command('audit').description('read and verify the decision log');
    examples(audit, [
      'wg-policy audit verify                                      # is the hash chain intact?',
      'wg-policy audit list --since 2h --kind spawn                # what was decided in the last two hours',
      'wg-policy audit show 01JZ3K                                 # one decision in full, by a unique id prefix',
    ]);
    const logOptions = (cmd: Command) =>
      dirOption(cmd, 'wg directory whose decision log to read')
        .option('--audit-log <path>', 'the decision log (default: $WG_POLICY_AUDIT_LOG, [policy] audit_log, <wgdir>/policy-audit.jsonl)')
        .option('--json', 'machine-readable output');

    const verify = logOptions(audit.command('verify'))
      .description('check the hash chain: exit 0 when intact, 1 naming the first record edited, removed, reordered or truncated')
      .option('--allow-pruned', 'accept a chain whose oldest records were pruned by rotation (a rotated log moved elsewhere)')
      .action(async (opts) => (await import('./commands/audit.js')).runVerify(opts));
    examples(quiet(verify, 'print nothing when the chain is intact (exit 0)'), [
      'wg-policy audit verify --dir .wg                            # exit 0 intact, 1 tampered',
      'wg-policy audit verify --audit-log /var/log/wg/policy-audit.jsonl --allow-pruned',
    ]);

    const list = logOptions(audit.command('list'))
      .description('list decisions, oldest first: a table in a terminal, tab-separated lines when piped, JSON Lines with --json')
      .option('--task <id>', 'only this task')
      .addOption(new Option('--kind <kind>', 'only this kind of decision').choices(DecisionKindSchema.options))
      .option('--rule <id>', 'only decisions in which this rule fired')
      .option('--field <name>', 'only decisions that decided this field (a spawn stage) or effect (allow, warn, deny)')
      .option('--since <time>', 'only decisions at or after: a duration back from now (30m, 2h, 3d, 1w) or an ISO time', (t: string) => timeArg(t))
      .option('--until <time>', 'only decisions at or before: a duration back from now or an ISO time', (t: string) => timeArg(t))
      .option('--limit <n>', 'only the last n matching decisions', (n: string) => positiveInt(n))
      .action(async (opts) => (await import('./commands/audit.js')).runList(opts));
    examples(quiet(list, 'no count of decisions on stderr'), [
      'wg-policy audit list --since 2h                             # the last two hours, as a table in a terminal',
      'wg-policy audit list --task fix-login --limit 5             # the last five decisions about fix-login',
      'wg-policy audit list --rule executor.local-dispatcher --json | jq .result.executor',
      'wg-policy audit list --kind gate | cut -f1,6                # piped, tab-separated: the id and the result columns',
    ]);

    const replay = logOptions(audit.command('replay'))
      .description('decide the logged spawn decisions again under the policies in effect now; list those that would differ')
      .option('--task <id>', 'only this task')
      .option('--rule <id>', 'only decisions in which this rule fired')
      .option('--field <name>', 'only decisions that decided this field')
      .option('--since <time>', 'only decisions at or after: a duration back from now (30m, 2h, 3d, 1w) or an ISO time', (t: string) => timeArg(t))
      .option('--until <time>', 'only decisions at or before: a duration back from now or an ISO time', (t: string) => timeArg(t))
      .addHelpText(
        'after',
        '\nExit: 0 nothing would differ, 1 something would (a value or the deciding rule), 2 bad input or a logged decision that could not be replayed. Records nothing.',
      )
      .action(async (opts) => (await import('./commands/audit.js')).runReplay(opts));
    examples(quiet(replay, 'no count of decisions on stderr'), [
      'wg-policy audit replay --since 3d                           # after editing .wg/policies/*.yaml: what would differ',
      'wg-policy audit replay --rule executor.global-dispatcher --json',
    ]);

    const show = logOptions(audit.command('show <decision-id>'))
      .description('show one decision in full, with the per-field explanation; a unique prefix of the id is enough')
      .action(async (id: string, opts) => (await import('./commands/audit.js')).runShow(id, opts));
    examples(quiet(show), ['wg-policy audit show 01JZ3K4T                                # the decision whose id starts with 01JZ3K4T']);
  },
  completion: (program) => {
    const completion = program
      .command('completion')
      .description('print a shell completion script generated from these commands')
      .addArgument(new Argument('<shell>', 'the shell to complete for').choices(['bash', 'zsh', 'fish']))
      .action(async (shell: 'bash' | 'zsh' | 'fish') => (await import('./commands/completion.js')).runCompletion(shell, program));
    examples(quiet(completion), [
      'source <(wg-policy completion bash)                         # bash, this session',
      'wg-policy completion zsh > "${fpath[1]}/_wg-policy"          # zsh, from the next shell on',
      'wg-policy completion fish > ~/.config/fish/completions/wg-policy.fish',
    ]);
  },
};

/** The command a command line invokes (its first word that is not an option), if it names one of COMMANDS. */
function invoked(argv: readonly string[]): Array<(program: Command) => void> {
  const name = argv.slice(2).find((a) => !a.startsWith('-'));
  // completion walks every command; --help and an unknown word list them all.
  return name !== undefined && name !== 'completion' && Object.prototype.hasOwnProperty.call(COMMANDS, name) ? [COMMANDS[name]] : Object.values(COMMANDS);
}

/** `help <command> …` as `<command> … --help`, each word a command of the one before it, else a usage error. */
function helpOf(argv: readonly string[]): readonly string[] {
  const words = argv.slice(3);
  if (argv[2] !== 'help' || words.length === 0 || words.some((w) => w.startsWith('-'))) return argv;
  if (words.length === 1 && words[0] === 'help') return [...argv.slice(0, 2), '--help'];
  let cmd = buildProgram(argv); // `help` is no command: every command is defined
  const path: string[] = [];
  for (const word of words) {
    const sub = cmd.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (!sub) {
      const names = cmd.commands.map((c) => c.name()).filter((n) => n !== 'help');
      const where = path.length ? ` of \`${path.join(' ')}\`` : '';
      throw new PolicyError(
        'usage',
        names.length
          ? `unknown command \`${word}\`${where}${didYouMean(word, names)}`
          : `\`${path.join(' ')}\` has no subcommands, so there is no help for \`${[...path, word].join(' ')}\``,
        { help: names.length ? `commands${where}: ${names.join(', ')}` : `\`wg-policy ${path.join(' ')} --help\` shows its usage` },
      );
    }
    path.push(word);
    cmd = sub;
  }
  return [...argv.slice(0, 2), ...words, '--help'];
}

/** Parses `argv` and runs the command; the exit code of a usage error (2), `--help` or `--version` (0), else the command's. */
export async function runProgram(argvIn: readonly string[]): Promise<number> {
  const argv = helpOf(argvIn);
  try {
    await buildProgram(argv).parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    // --help and --version exit 0; every usage error is exit 2 (commander already printed the sentence).
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    throw e;
  }
}
