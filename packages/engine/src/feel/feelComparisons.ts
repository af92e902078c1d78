/**
 * Ordering comparisons, `between`, and `in` with unary tests, written to
 * give exactly the results of feelin 8.2. feelin turns `a < b` into "does
 * the range `(null..b)` include `a`", so these functions do the same, with
 * the same JavaScript ordering of mixed types. All pure.
 */
import { delegate } from './delegate.js';
import { feelEquals, feelNotEquals, kindOf, type Kind } from './feelValues.js';

/** A range built by a comparison, an interval or `between`. Never escapes an evaluation. */
export class TestRange {
  constructor(
    readonly start: unknown,
    readonly end: unknown,
    readonly startIncluded: boolean,
    readonly endIncluded: boolean,
  ) {}
}

/** The unary test `= value` or `!= value`. Never escapes an evaluation. */
export class EqualityTest {
  constructor(
    readonly value: unknown,
    readonly negated: boolean,
  ) {}

  /** Apply the test to `probe`. */
  test(probe: unknown): boolean | null {
    return this.negated ? feelNotEquals(probe, this.value) : feelEquals(probe, this.value);
  }
}

function rangeKind(kind: Kind): boolean {
  return kind === 'number' || kind === 'string';
}

/**
 * A range with feelin's checks: both bounds of one type, number or string.
 *
 * @throws {@link DELEGATE} when feelin would throw (`unsupported range`) or
 * the bounds are not plain values.
 */
export function createRange(start: unknown, end: unknown, startIncluded: boolean, endIncluded: boolean): TestRange {
  const startKind = start === null ? null : kindOf(start);
  const endKind = end === null ? null : kindOf(end);
  const kind = startKind ?? endKind;
  const valid = kind !== null && rangeKind(kind) && (startKind === null || startKind === kind) && (endKind === null || endKind === kind);
  if (!valid && !(start === null && end === null)) delegate();
  return new TestRange(start, end, startIncluded, endIncluded);
}

type Scalar = number | string | boolean;

function compareScalars(a: Scalar, b: Scalar): number {
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}

/**
 * Whether `range` includes `value`: `null` for an empty range or a null
 * value; descending bounds are swapped.
 *
 * @throws {@link DELEGATE} for lists, contexts and non-JSON values, which
 * feelin orders by JavaScript coercion of its own copies.
 */
export function rangeIncludes(range: TestRange, value: unknown): boolean | null {
  let { start, end, startIncluded, endIncluded } = range;
  if (start === null && end === null) return null;
  if (value === null || value === undefined) return null;
  const kind = kindOf(value);
  if (kind === 'list' || kind === 'context') delegate();
  if (start !== null && end !== null && compareScalars(start as Scalar, end as Scalar) > 0) {
    [start, end] = [end, start];
    [startIncluded, endIncluded] = [endIncluded, startIncluded];
  }
  const probe = value as Scalar;
  if (start !== null) {
    const c = compareScalars(probe, start as Scalar);
    if (startIncluded ? c < 0 : c <= 0) return false;
  }
  if (end !== null) {
    const c = compareScalars(probe, end as Scalar);
    if (endIncluded ? c > 0 : c >= 0) return false;
  }
  return true;
}

/** `left < right`, `<=`, `>`, `>=` as feelin evaluates them. */
export function compareOrder(operator: '<' | '<=' | '>' | '>=', left: unknown, right: unknown): boolean | null {
  switch (operator) {
    case '<': return rangeIncludes(createRange(null, right, false, false), left);
    case '<=': return rangeIncludes(createRange(null, right, false, true), left);
    case '>': return rangeIncludes(createRange(right, null, false, false), left);
    case '>=': return rangeIncludes(createRange(right, null, true, false), left);
  }
}

/** `value between start and end`: `null` when a bound is null. */
export function between(value: unknown, start: unknown, end: unknown): boolean | null {
  if (start === null || end === null) return null;
  return rangeIncludes(createRange(start, end, true, true), value);
}

function compareValue(test: unknown, value: unknown): boolean | null {
  if (test instanceof EqualityTest) return test.test(value);
  if (test instanceof TestRange) return rangeIncludes(test, value);
  return feelEquals(test, value);
}

/**
 * `value in tests`: a list (or single value, range or `= x` test) of unary
 * tests; `true` if one matches, `null` if none does but one was undecided.
 */
export function isIn(value: unknown, tests: unknown): boolean | null {
  const list = Array.isArray(tests) ? tests : tests === null || tests === undefined ? null : [tests];
  if (list === null) return null;
  let unknown = false;
  for (const test of list) {
    let result = compareValue(test, value);
    if (result === null && !(test instanceof TestRange) && !(test instanceof EqualityTest)) result = false;
    if (result === true) return true;
    if (result === null) unknown = true;
  }
  return unknown ? null : false;
}
