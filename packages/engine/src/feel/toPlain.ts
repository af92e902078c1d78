/**
 * FEEL values out as plain, JSON-able data: what sopflow stores in
 * variables, compares in tests and writes to the audit trail.
 */
import { FeelDate, FeelDateTime, FeelDuration, FeelTime, isFunction, isRange, toFeel } from 'feelin';
import { ExpressionError } from '../errors.js';

/** What a FEEL result may be that has no plain form. */
export type NotAValue = 'function' | 'range';

/**
 * Convert a FEEL value, calling `reject` for a function or a range.
 * Pure; contexts and lists are copied, never shared with the input.
 */
export function convertToPlain(value: unknown, reject: (kind: NotAValue) => never): unknown {
  if (value === null || typeof value !== 'object') {
    return typeof value === 'function' ? reject('function') : value;
  }
  if (Array.isArray(value)) return value.map((item) => convertToPlain(item, reject));
  if (Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, convertToPlain(item, reject)]));
  }
  if (value instanceof FeelDuration || value instanceof FeelDateTime || value instanceof FeelDate || value instanceof FeelTime) {
    return value.toString();
  }
  if (isRange(value)) return reject('range');
  if (isFunction(value)) return reject('function');
  // a JS Date or Temporal value, converted to FEEL as feelin converts context values
  const feel: unknown = toFeel(value);
  return feel === value ? value : convertToPlain(feel, reject);
}

/**
 * Convert a FEEL value (as feelin returns it) to plain data:
 *
 * | FEEL | plain |
 * |---|---|
 * | null, boolean, number, string | the same |
 * | duration | ISO 8601 string, `"PT30M"`, `"P1Y2M"` |
 * | date, time, date and time | ISO 8601 string, `"2024-05-01"`, `"10:30:00Z"`, `"2024-05-01T10:30:00@Europe/Paris"` |
 * | list | array (converted deeply) |
 * | context | plain object (converted deeply) |
 *
 * JS `Date` and Temporal values are first converted as feelin converts
 * context values. Pure.
 *
 * @throws ExpressionError when the value is (or contains) a function or a range.
 */
export function toPlain(value: unknown): unknown {
  return convertToPlain(value, (kind) => {
    throw new ExpressionError(`expression returned a ${kind}; expected a value`, { expression: '' });
  });
}
