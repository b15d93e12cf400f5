// Every command's --help: an Examples section whose lines use the command's own flags, -q, the colour flags; and the
// completion scripts offer exactly the commands and options the help shows.
import { mkdirSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { scratch } from '../support/project.js';
import { hostCli } from '../support/cli-host.js';

interface Help {
  path: string[];
  text: string;
  commands: string[];
  options: string[];
  examples: string[];
}

/** The lines of a help section (`Options:`, `Commands:`, `Examples:`), up to the next blank line. */
function section(text: string, title: string): string[] {
  const start = text.split('\n').indexOf(`${title}:`);
  if (start < 0) return [];
  const rest = text.split('\n').slice(start + 1);
  return rest.slice(0, rest.findIndex((l) => l.trim() === '') === -1 ? undefined : rest.findIndex((l) => l.trim() === ''));
}

/** Every flag a help text lists under Options and Global Options (`-q`, `--quiet`, `--no-color`, …). */
const flagsOf = (text: string) =>
  [...section(text, 'Options'), ...section(text, 'Global Options')].flatMap((l) =>
    /^ {2}-/.test(l)
      ? [
          ...l
            .trimStart()
            .split(/\s{2,}/)[0]
            .replace(/<[^>]*>|\[[^\]]*\]/g, '') // argument names such as <rule-id> are not flags
            .matchAll(/(--?[\w-]+)/g),
        ].map((m) => m[1])
      : [],
  );

/** Reads --help of the program and of every command below it. */
function walk(path: string[] = []): Help[] {
  if (path.length > 2) throw new Error(`no command is this deep: ${path.join(' ')}`);
  const r = hostCli([...path, '--help']);
  expect([path.join(' '), r.code, r.stderr]).toEqual([path.join(' '), 0, '']);
  // An entry starts two spaces in; its description may wrap onto lines indented further.
  const commands = section(r.stdout, 'Commands')
    .flatMap((l) => /^ {2}(\S+)/.exec(l)?.[1] ?? [])
    .filter((c) => c !== 'help');
  const examples = section(r.stdout, 'Examples').map((l) => l.trim());
  const me: Help = { path, text: r.stdout, commands, options: flagsOf(r.stdout), examples };
  return [me, ...commands.flatMap((c) => walk([...path, c]))];
}

const helps = walk();
const leaves = helps.filter((h) => h.commands.length === 0);

test('the walk found every command', () => {
  expect(helps.map((h) => h.path.join(' '))).toEqual([
    '',
    'plan',
    'explain',
    'gate',
    'done',
    'check',
    'test',
    'diff',
    'graph',
    'schema',
    'serve',
    'audit',
    'audit verify',
    'audit list',
    'audit replay',
    'audit show',
    'completion',
  ]);
});

test.each(leaves.map((h) => [h.path.join(' '), h] as const))('%s --help has examples that use its own flags, -q, and the colour flags', (_name, h) => {
  expect(h.examples.length).toBeGreaterThan(0);
  for (const e of h.examples) {
    expect(e).toMatch(/^\$ /);
    expect(e).toContain(`wg-policy ${h.path.join(' ')}`);
    const command = e.split(' # ')[0].split('|')[0];
    for (const flag of command.match(/(?<=\s)--?[a-z][\w-]*/g) ?? []) expect([e, h.options]).toEqual([e, expect.arrayContaining([flag])]);
  }
  expect(h.options).toEqual(expect.arrayContaining(['-q', '--quiet', '--color', '--no-color', '-h', '--help']));
});

test('`help help` is the program’s help, as `help` and `--help` are', () => {
  expect(hostCli(['help', 'help'])).toMatchObject({ code: 0, stdout: hostCli(['--help']).stdout });
});

test('`help <group> <command>` shows that command’s help, as `<group> <command> --help` does', () => {
  const list = hostCli(['help', 'audit', 'list']);
  expect([list.code, list.stderr, list.stdout]).toEqual([0, '', helps.find((h) => h.path.join(' ') === 'audit list')!.text]);
  expect(hostCli(['help', 'audit']).stdout).toBe(helps.find((h) => h.path.join(' ') === 'audit')!.text);
});

test.each([
  [['help', 'nosuch'], 'wg-policy: unknown command `nosuch` [usage]\n  help: commands: plan, explain, gate,'],
  [['help', 'audti'], 'wg-policy: unknown command `audti`; did you mean `audit`? [usage]\n'],
  [
    ['help', 'audit', 'lst'],
    'wg-policy: unknown command `lst` of `audit`; did you mean `list`? [usage]\n  help: commands of `audit`: verify, list, replay, show\n',
  ],
  [
    ['help', 'plan', 'extra'],
    'wg-policy: `plan` has no subcommands, so there is no help for `plan extra` [usage]\n  help: `wg-policy plan --help` shows its usage\n',
  ],
])('`%j` is a usage error naming the word (exit 2), not a help page', (args, stderr) => {
  const r = hostCli(args);
  expect([r.code, r.stdout]).toEqual([2, '']);
  expect(r.stderr.startsWith(stderr)).toBe(true);
});

test('a group (audit) shows examples of its commands', () => {
  const audit = helps.find((h) => h.path.join(' ') === 'audit')!;
  expect(audit.examples.map((e) => e.split(' ').slice(1, 4).join(' '))).toEqual(['wg-policy audit verify', 'wg-policy audit list', 'wg-policy audit show']);
});

describe('completion scripts are generated from the same commands', () => {
  const scripts = Object.fromEntries(
    (['bash', 'zsh', 'fish'] as const).map((shell) => {
      const r = hostCli(['completion', shell]);
      expect([r.code, r.stderr]).toEqual([0, '']);
      return [shell, r.stdout];
    }),
  );

  test.each(['bash', 'zsh', 'fish'] as const)('%s names every command and every option its --help shows', (shell) => {
    const s = scripts[shell];
    for (const h of helps) {
      for (const c of h.commands) expect([shell, h.path, c, new RegExp(`[\\s'(]${c}[\\s':)]`).test(s)]).toEqual([shell, h.path, c, true]);
      for (const o of h.options)
        expect([shell, h.path, o, s.includes(shell === 'fish' ? `${o.startsWith('--') ? '-l' : '-s'} '${o.replace(/^--?/, '')}'` : o)]).toEqual([
          shell,
          h.path,
          o,
          true,
        ]);
    }
    expect(s).toContain(shell === 'fish' ? "'spawn gate'" : shell === 'bash' ? "'spawn gate'" : "'spawn' 'gate'");
  });

  test('zsh has one branch per command, and works autoloaded or sourced', () => {
    for (const h of helps) expect(scripts.zsh).toContain(`    '${['wg-policy', ...h.path].join(' ')}')`);
    expect(scripts.zsh.split('\n')[0]).toBe('#compdef wg-policy');
    expect(scripts.zsh).toMatch(/if \[\[ \$\{funcstack\[1\]\} == _wg-policy \]\]; then\n {2}_wg_policy "\$@"\nelse\n {2}compdef _wg_policy wg-policy\nfi/);
  });

  test('fish guards every command by the command being completed', () => {
    for (const h of helps) if (h.commands.length) expect(scripts.fish).toContain(`-n '__wg_policy_is \\'${h.path.join(' ')}\\''`);
    expect(scripts.fish).toContain("complete -c wg-policy -n '__wg_policy_is \\'audit list\\'' -l 'kind' -x -a 'spawn gate'");
  });

  test('bash: the script parses, and completes commands, options, choices, folders and files', () => {
    const s = scratch({ 'work/proj/.keep': '', 'work/notes.json': '{}' });
    try {
      const file = join(s.root, 'wg-policy.bash');
      writeFileSync(file, scripts.bash);
      mkdirSync(join(s.root, 'work', 'plans'));
      const queries = [
        [''],
        ['au'],
        ['audit', ''],
        ['audit', 'list', '--kind', ''],
        ['audit', 'list', '--dir', 'proj', '--kind', 'g'],
        ['--no-color', 'audit', 'list', '--li'],
        ['completion', ''],
        ['completion', 'bash', ''],
        ['plan', '-'],
        ['plan', 't1', '--dir', 'p'],
        ['plan', 't1', '--task-json', 'n'],
        ['plan', 't1', '--default-model', ''],
        ['plan', 't1', '--site', 's'],
        ['plan', '--all', '--status', 'bl'],
      ];
      const driver = [
        `source ${JSON.stringify(file)}`,
        'q() { COMP_WORDS=(wg-policy "$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _wg_policy; echo "${COMPREPLY[*]}"; }',
        ...queries.map((w) => `q ${w.map((x) => JSON.stringify(x)).join(' ')}`),
      ].join('\n');
      const r = spawnSync('bash', ['-c', driver], { cwd: join(s.root, 'work'), encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.stdout.split('\n').slice(0, -1)).toEqual([
        'plan explain gate done check test diff graph schema serve audit completion help',
        'audit',
        'verify list replay show help',
        'spawn gate',
        'gate',
        '--limit',
        'bash zsh fish',
        '',
        expect.stringMatching(
          /^--dir --task-json --agent-executor --default-model --prompt-file --site --agent --agent-id --timeout --role --audit-log --no-audit --all --status --record -q --quiet -h --help --color --no-color$/,
        ),
        'plans proj',
        'notes.json',
        '',
        'spawn spawn-task', // checked by the library, not commander, and offered all the same
        'blocked',
      ]);
      expect(spawnSync('bash', ['-n', file]).status).toBe(0);
    } finally {
      s.cleanup();
    }
  });
});
