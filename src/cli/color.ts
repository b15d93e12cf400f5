// Whether output gets colour: --color / --no-color, then NO_COLOR, then FORCE_COLOR, then whether it is a terminal.

/** `--color` or `--no-color` as given on the command line (the last one wins; nothing after `--` counts). */
export function colorFlag(argv: readonly string[]): boolean | undefined {
  let flag: boolean | undefined;
  for (const a of argv) {
    if (a === '--') break;
    if (a === '--color') flag = true;
    else if (a === '--no-color') flag = false;
  }
  return flag;
}

/**
 * Colour for `stream`: a flag decides; else `NO_COLOR` (non-empty) turns it off; else `FORCE_COLOR` turns it on
 * (`0` or `false`: off); else colour only in a terminal whose TERM is not `dumb`. The same order as commander's help.
 */
export function colorFor(stream: { isTTY?: boolean }, argv: readonly string[] = process.argv, env: NodeJS.ProcessEnv = process.env): boolean {
  const flag = colorFlag(argv);
  if (flag !== undefined) return flag;
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR === '0' || env.FORCE_COLOR === 'false') return false;
  if (env.FORCE_COLOR) return true;
  return !!stream.isTTY && env.TERM !== 'dumb';
}

/** Wraps `text` in an SGR sequence when `on`. */
export function paint(on: boolean, sgr: string, text: string): string {
  return on ? `\x1b[${sgr}m${text}\x1b[0m` : text;
}
