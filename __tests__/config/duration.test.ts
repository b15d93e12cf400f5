// wg's timeout strings (test_parse_timeout_* in wg's spawn/mod.rs): seconds, or one s/m/h suffix on a whole number.
import { expect, test } from '@jest/globals';
import { parseTimeoutSecs } from '../../src/config/duration.js';

// test_parse_timeout_seconds/minutes/hours/no_unit, test_parse_timeout_secs_minutes/hours/seconds/no_unit
test.each([
  ['30s', 30],
  ['5m', 300],
  ['2h', 7200],
  ['60', 60],
  ['30m', 1800],
  ['90s', 90],
  ['120', 120],
  ['+5m', 300],
  ['0', 0],
  [' 10m ', 600],
])('%j → %i seconds', (text, secs) => {
  expect(parseTimeoutSecs(text)).toEqual({ secs });
});

// test_parse_timeout_secs_empty_fails, and what Rust's u64 parser refuses
test.each(['', '   ', '1d', '1h30m', '5ms', '1.5h', '30 m', '-5', 'm', 'abc', '5M', '99999999999999999999h'])('%j is refused', (text) => {
  expect(parseTimeoutSecs(text)).toEqual({ error: expect.any(String) });
});
