// The one meaning of "set": a value is set unless it is undefined, null, the empty string or an empty list.

/** True for a value that says something: not undefined, null, '' or []. */
export function isSet(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '' && !(Array.isArray(value) && value.length === 0);
}
