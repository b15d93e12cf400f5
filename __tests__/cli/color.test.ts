// Colour: the flags decide, then NO_COLOR, then FORCE_COLOR, then whether the stream is a terminal.
import { colorFlag, colorFor, paint } from '../../src/cli/color.js';

const tty = { isTTY: true };
const pipe = { isTTY: false };
const argv = (...flags: string[]) => ['node', 'wg-policy', 'gate', 't1', ...flags];

test.each([
  ['a terminal', tty, argv(), {}, true],
  ['a pipe', pipe, argv(), {}, false],
  ['a dumb terminal', tty, argv(), { TERM: 'dumb' }, false],
  ['NO_COLOR in a terminal', tty, argv(), { NO_COLOR: '1' }, false],
  ['an empty NO_COLOR (ignored, as no-color.org says)', tty, argv(), { NO_COLOR: '' }, true],
  ['FORCE_COLOR on a pipe', pipe, argv(), { FORCE_COLOR: '1' }, true],
  ['FORCE_COLOR=0 in a terminal', tty, argv(), { FORCE_COLOR: '0' }, false],
  ['FORCE_COLOR=false in a terminal', tty, argv(), { FORCE_COLOR: 'false' }, false],
  ['NO_COLOR and FORCE_COLOR (NO_COLOR wins, as in commander)', pipe, argv(), { NO_COLOR: '1', FORCE_COLOR: '1' }, false],
  ['--color on a pipe with NO_COLOR', pipe, argv('--color'), { NO_COLOR: '1' }, true],
  ['--no-color in a terminal with FORCE_COLOR', tty, argv('--no-color'), { FORCE_COLOR: '1' }, false],
  ['--color then --no-color (the last wins)', tty, argv('--color', '--no-color'), {}, false],
  ['--no-color then --color', pipe, argv('--no-color', '--color'), {}, true],
  ['--no-color after -- (an argument, not a flag)', tty, argv('--', '--no-color'), {}, true],
])('%s', (_name, stream, args, env, want) => {
  expect(colorFor(stream, args, env as NodeJS.ProcessEnv)).toBe(want);
});

test('colorFlag reports only what the command line says', () => {
  expect(colorFlag(argv())).toBeUndefined();
  expect(colorFlag(argv('--color'))).toBe(true);
  expect(colorFlag(argv('--no-color'))).toBe(false);
});

test('paint wraps only when asked', () => {
  expect(paint(true, '31', 'x')).toBe('\x1b[31mx\x1b[0m');
  expect(paint(false, '31', 'x')).toBe('x');
});
