// --since / --until (durations and ISO times) and --limit: what they accept, and what a bad value says.
import { InvalidArgumentError } from 'commander';
import { positiveInt, timeArg } from '../../src/cli/arg-parsers.js';

const NOW = Date.parse('2025-06-10T12:00:00.000Z');

test.each([
  ['30s', '2025-06-10T11:59:30.000Z'],
  ['90m', '2025-06-10T10:30:00.000Z'],
  ['2h', '2025-06-10T10:00:00.000Z'],
  ['3d', '2025-06-07T12:00:00.000Z'],
  ['1w', '2025-06-03T12:00:00.000Z'],
  ['2H', '2025-06-10T10:00:00.000Z'],
  // Without a zone, local time (the date alone too: Date.parse would read that as UTC).
  ['2025-06-01', new Date(2025, 5, 1).toISOString()],
  ['2025-06-01T08:30', new Date(2025, 5, 1, 8, 30).toISOString()],
  ['2024-02-29 23:59:59', new Date(2024, 1, 29, 23, 59, 59).toISOString()],
  ['2025-06-01T08:30Z', '2025-06-01T08:30:00.000Z'],
  ['2025-06-01T08:30:15.250+02:00', '2025-06-01T06:30:15.250Z'],
  ['2025-06-01T08:30:15.123456789-0330', '2025-06-01T12:00:15.123Z'],
])('timeArg(%s)', (text, want) => {
  expect(timeArg(text, NOW)).toBe(want);
});

// Days, hours and zones that do not exist are refused, not rolled over; so is a duration longer than a Date can go back.
test.each([
  '2 hours',
  'yesterday',
  '-2h',
  '2y',
  'h',
  'Wed, 01 Jan 2025 00:00:02 GMT',
  '2025-13-45',
  '',
  '2025-02-30',
  '2023-02-29',
  '2025-02-31T10:00Z',
  '2025-06-01T24:00Z',
  '2025-06-01T08:30+25:00',
  '999999999w',
])('timeArg refuses %p, saying what it accepts', (text) => {
  expect(() => timeArg(text, NOW)).toThrow(InvalidArgumentError);
  expect(() => timeArg(text, NOW)).toThrow(/duration back from now \(30m, 2h, 3d, 1w; units s, m, h, d, w\) or an ISO time/);
});

test('positiveInt takes whole numbers from 1', () => {
  expect(positiveInt('1')).toBe(1);
  expect(positiveInt('250')).toBe(250);
  for (const bad of ['0', '-3', '2.5', 'ten', '', '1e3']) expect(() => positiveInt(bad)).toThrow(/whole number of at least 1/);
});
