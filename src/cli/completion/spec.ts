// The command tree as plain data for completion scripts, read from the commander definitions and the library's value lists.
import type { Command, Option } from 'commander';
import { STATUSES } from '../../graph/node-schema.js';
import { SITES } from '../../spawn/inputs.js';

/** What an option's value is, so a shell can offer folders, files, a fixed list, or nothing. */
export type ValueKind = 'none' | 'dir' | 'file' | 'choice' | 'other';

export interface OptionSpec {
  /** `-q`, `--quiet`: every spelling of the option. */
  names: string[];
  description: string;
  value: ValueKind;
  choices: string[];
}

export interface CommandSpec {
  /** The words that select this command, e.g. `['audit', 'list']`; `[]` for the program itself. */
  path: string[];
  name: string;
  description: string;
  commands: CommandSpec[];
  /** The command's own options, the options of the commands above it (commander reads them anywhere), and help. */
  options: OptionSpec[];
  /** Fixed choices of each positional argument, in order (`[]` where any value goes). */
  argChoices: string[][];
}

/**
 * Options whose values the library checks with its own messages (so they have no commander choices), with the library's
 * lists of them; `--status` takes a comma-separated list, and completion offers its first item.
 */
const LIBRARY_CHECKED_VALUES: Readonly<Record<string, readonly string[]>> = { '--site': SITES, '--status': STATUSES };

const choicesOf = (o: Option): readonly string[] => o.argChoices ?? (o.long ? LIBRARY_CHECKED_VALUES[o.long] : undefined) ?? [];

/** `<dir>` → dir; `<file>`, `<path>` → file; anything else a value that cannot be listed. */
function valueKind(o: Option): ValueKind {
  if (!o.required && !o.optional) return 'none';
  if (choicesOf(o).length) return 'choice';
  const arg = /[<[]([^>\]]+)[>\]]/.exec(o.flags)?.[1] ?? '';
  return arg === 'dir' ? 'dir' : arg === 'file' || arg === 'path' ? 'file' : 'other';
}

function optionSpec(o: Option): OptionSpec {
  return {
    names: [o.short, o.long].filter((n): n is string => !!n),
    description: o.description,
    value: valueKind(o),
    choices: [...choicesOf(o)],
  };
}

/** The spec of `cmd` and everything below it; `inherited` are the options of the commands above. */
export function commandSpec(cmd: Command, path: string[] = [], inherited: OptionSpec[] = []): CommandSpec {
  const help = cmd.createHelp();
  const own = help.visibleOptions(cmd).map(optionSpec);
  // Help and version belong to the command they are shown on; the others stay valid below it.
  const passDown = cmd.options.filter((o) => !o.hidden && o.long !== '--version').map(optionSpec);
  const options = [...own, ...inherited.filter((i) => !own.some((o) => o.names.some((n) => i.names.includes(n))))];
  return {
    path,
    name: cmd.name(),
    description: cmd.description(),
    commands: help.visibleCommands(cmd).map((c) => commandSpec(c, [...path, c.name()], [...inherited, ...passDown])),
    options,
    argChoices: cmd.registeredArguments.map((a) => (a.argChoices ? [...a.argChoices] : [])),
  };
}

/** Every command of the tree, the program first, parents before children. */
export function allCommands(spec: CommandSpec): CommandSpec[] {
  return [spec, ...spec.commands.flatMap(allCommands)];
}
