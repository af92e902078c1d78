/**
 * FEEL value semantics for plain JSON data, written to give exactly the
 * results of feelin 8.2 (its `getType`, `equals`, `string()` and arithmetic),
 * including its quirks. Every function here is pure. A value that is not
 * plain JSON data (a Date, a class instance, a FEEL temporal) makes them
 * {@link delegate} to feelin rather than guess.
 */
import { delegate } from './delegate.js';

/** The FEEL type of a plain value, as feelin's `getType` names it. */
export type Kind = 'nil' | 'boolean' | 'number' | 'string' | 'list' | 'context';

/**
 * The FEEL type of a plain JSON value.
 *
 * @throws {@link DELEGATE} for anything else (temporal values, functions,
 * class instances): feelin converts or treats those in ways the fast path
 * does not copy.
 */
export function kindOf(value: unknown): Kind {
  if (value === null || value === undefined) return 'nil';
  const type = typeof value;
  if (type === 'boolean' || type === 'number' || type === 'string') return type;
  if (Array.isArray(value)) return 'list';
  if (type === 'object' && Object.getPrototypeOf(value) === Object.prototype) return 'context';
  return delegate();
}

/** Own enumerable property: what survives feelin's copy of the context. */
export function hasEntry(context: object, key: string): boolean {
  return Object.prototype.propertyIsEnumerable.call(context, key);
}

/**
 * FEEL `=` as feelin computes it: `null` when the types differ, lists of
 * fewer than two elements compared as their only element, lists and
 * contexts compared deeply. Pure.
 */
export function feelEquals(a: unknown, b: unknown): boolean | null {
  if ((a === null && b !== null) || (a !== null && b === null)) return false;
  if (Array.isArray(a) && a.length < 2) a = a[0];
  if (Array.isArray(b) && b.length < 2) b = b[0];
  const aKind = kindOf(a);
  const bKind = kindOf(b);
  if (aKind !== bKind) return null;
  if (aKind === 'nil') return true;
  if (aKind === 'list') {
    const left = a as unknown[];
    const right = b as unknown[];
    if (left.length !== right.length) return false;
    return left.every((element, index) => feelEquals(element, right[index]));
  }
  if (aKind === 'context') {
    const left = Object.entries(a as object);
    const right = b as Record<string, unknown>;
    if (left.length !== Object.keys(right).length) return false;
    return left.every(([key, value]) => hasEntry(right, key) && feelEquals(value, right[key]));
  }
  return a === b;
}

/** FEEL `!=`: the negation of {@link feelEquals}, `null` staying `null`. Pure. */
export function feelNotEquals(a: unknown, b: unknown): boolean | null {
  const equal = feelEquals(a, b);
  return equal === null ? null : !equal;
}

/** `true` unless `false` or `null`: how feelin decides `if` conditions. */
export function isTruthy(value: unknown): boolean {
  return value !== false && value !== null;
}

const ARITHMETIC_TYPES: Readonly<Record<string, readonly Kind[]>> = {
  '+': ['string', 'number'],
  '-': ['number'],
  '*': ['number'],
  '/': ['number'],
  '**': ['number'],
  '^': ['number'],
};

/** The arithmetic operators the fast path compiles. */
export function isArithmeticOperator(operator: string): boolean {
  return Object.prototype.hasOwnProperty.call(ARITHMETIC_TYPES, operator);
}

/**
 * FEEL arithmetic on numbers (and `+` on strings): `null` for lists,
 * mismatched or unsupported types and division by zero. Pure.
 *
 * @throws {@link DELEGATE} for non-JSON operands (temporal arithmetic).
 */
export function arithmetic(operator: string, left: unknown, right: unknown): unknown {
  // kinds first: feelin formats both operands into a warning, which throws for some non-JSON values
  const leftKind = kindOf(left);
  const rightKind = kindOf(right);
  if (leftKind !== rightKind || !ARITHMETIC_TYPES[operator].includes(leftKind)) return null;
  const a = left as number;
  const b = right as number;
  switch (operator) {
    case '+': return (a as unknown as string) + (b as unknown as string);
    case '-': return a - b;
    case '*': return a * b;
    case '/': return !b ? null : a / b;
    default: return Math.pow(a, b);
  }
}

const NON_WORD = /\W/;

/**
 * FEEL `string(value)` for plain values, as feelin renders them: lists as
 * `[1, "a"]`, contexts as `{a: 1, "b c": 2}`. Pure.
 *
 * @throws {@link DELEGATE} for non-JSON values.
 */
export function feelToString(value: unknown, quoted = false): string {
  const kind = kindOf(value);
  switch (kind) {
    case 'nil': return 'null';
    case 'string': return quoted ? `"${(value as string).replace(/("|\\)/g, '\\$1')}"` : (value as string);
    case 'boolean':
    case 'number': return String(value);
    case 'list': return `[${(value as unknown[]).map((item) => feelToString(item, true)).join(', ')}]`;
    case 'context':
      return `{${Object.entries(value as object)
        .map(([key, item]) => `${NON_WORD.test(key) ? feelToString(key, true) : key}: ${feelToString(item, true)}`)
        .join(', ')}}`;
  }
}
