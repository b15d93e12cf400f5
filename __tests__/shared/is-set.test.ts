// The one meaning of "set": anything but undefined, null, '' and [].
import { describe, expect, test } from '@jest/globals';
import { isSet } from '../../src/shared/is-set.js';

describe('isSet', () => {
  test.each([undefined, null, '', []])('%j is not set', (value) => {
    expect(isSet(value)).toBe(false);
  });

  test.each([0, false, ' ', 'x', [null], [''], {}, { a: undefined }, Number.NaN])('%j is set', (value) => {
    expect(isSet(value)).toBe(true);
  });
});
