// The condition operators: json-rules-engine's built-ins as it defines them, and the ones wg-policy adds or makes safe.
import { isSet } from '../shared/is-set.js';
import { testPattern } from '../shared/regex.js';
import { carriesCredential } from '../shared/secrets.js';

/** `(fact value, condition value) → matched`; a throw fails the whole evaluation, as in json-rules-engine. */
export type OperatorFn = (actual: unknown, expected: unknown) => boolean;

/** A list operand: a list or a string as json-rules-engine reads it; unset is empty; anything else is no list. */
const asList = (v: unknown): { indexOf(x: unknown): number } | null =>
  Array.isArray(v) ? v : typeof v === 'string' ? { indexOf: (x) => (typeof x === 'string' ? v.indexOf(x) : -1) } : v === undefined || v === null ? [] : null;

/** Operators wg-policy adds, and safe versions of json-rules-engine's list operators (same results on lists). */
export const ADDED_OPERATORS: ReadonlyArray<readonly [string, OperatorFn]> = [
  ['isSet', (a, e) => isSet(a) === (e !== false)],
  ['hasCredentials', (a, e) => (typeof a === 'string' && carriesCredential(a)) === (e !== false)],
  ['matches', (a, pattern) => testPattern(pattern, a)],
  ['in', (a, b) => (asList(b)?.indexOf(a) ?? -1) > -1],
  [
    'notIn',
    (a, b) => {
      const list = asList(b);
      return list !== null && list.indexOf(a) === -1;
    },
  ],
];

/** json-rules-engine 7's numeric fact validator, verbatim: anything parseFloat reads as a number. */
const numeric = (a: unknown) => Number.parseFloat(a as string).toString() !== 'NaN';
const lists = (a: unknown) => Array.isArray(a);

/**
 * json-rules-engine 7's default operators (engine-default-operators.js) with their fact-value validators: the
 * operator is `validator(a) && compare(a, b)`. Written out here so the compiled evaluator needs no Engine.
 */
const ENGINE_DEFAULTS: ReadonlyArray<readonly [string, OperatorFn, ((a: unknown) => boolean)?]> = [
  ['equal', (a, b) => a === b],
  ['notEqual', (a, b) => a !== b],
  ['in', (a, b) => (b as unknown[]).indexOf(a) > -1],
  ['notIn', (a, b) => (b as unknown[]).indexOf(a) === -1],
  ['contains', (a, b) => (a as unknown[]).indexOf(b) > -1, lists],
  ['doesNotContain', (a, b) => (a as unknown[]).indexOf(b) === -1, lists],
  ['lessThan', (a, b) => (a as number) < (b as number), numeric],
  ['lessThanInclusive', (a, b) => (a as number) <= (b as number), numeric],
  ['greaterThan', (a, b) => (a as number) > (b as number), numeric],
  ['greaterThanInclusive', (a, b) => (a as number) >= (b as number), numeric],
];

/** Every operator as the evaluators run it: json-rules-engine's defaults, overridden and extended by ADDED_OPERATORS. */
export const OPERATOR_TABLE: ReadonlyMap<string, OperatorFn> = new Map<string, OperatorFn>([
  ...ENGINE_DEFAULTS.map(([name, compare, validate]): [string, OperatorFn] => [name, validate ? (a, b) => validate(a) && compare(a, b) : compare]),
  ...ADDED_OPERATORS,
]);
