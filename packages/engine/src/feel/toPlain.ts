/**
 * FEEL values out as plain, JSON-able data: what sopflow stores in
 * variables, compares in tests and writes to the audit trail.
 */
import { FeelDate, FeelDateTime, FeelDuration, FeelTime, isFunction, isRange, toFeel } from 'feelin';
import { ExpressionError } from '../errors.js';
import { FeelFault } from './faults.js';

/** What a FEEL result may be that has no plain form. */
export type NotAValue = 'function' | 'range';

/**
 * Keys a context (and a variable) may not have: assigning them to an
 * object changes its prototype or shadows what JavaScript code reads
 * through it.
 */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Deepest nesting of lists and contexts a result may have (far below what overflows the stack). */
export const MAX_RESULT_NESTING = 1_000;

function typeName(value: object): string {
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name ? name : 'object';
}

/**
 * Convert a FEEL value, calling `reject` for a function or a range.
 * Pure; contexts and lists are copied, never shared with the input.
 *
 * @param maxSize largest result, counted in characters of its JSON form.
 * @throws {@link FeelFault} `feel.forbidden-key` for a context with a key
 *   `__proto__`, `constructor` or `prototype` (or whose prototype was
 *   replaced through `__proto__`), `feel.not-data` for an object that is not
 *   FEEL data or for a cycle, `feel.result-too-large` past `maxSize`.
 */
export function convertToPlain(value: unknown, reject: (kind: NotAValue) => never, maxSize = Infinity): unknown {
  // the common case, a scalar, without allocating anything
  if (value === null || typeof value === 'boolean' || typeof value === 'number') return value;
  if (typeof value === 'string' && value.length + 2 <= maxSize) return value;
  return convertDeeply(value, reject, maxSize);
}

function convertDeeply(value: unknown, reject: (kind: NotAValue) => never, maxSize: number): unknown {
  let size = 0;
  const ancestors = new Set<object>();
  const grow = (amount: number, path: string): void => {
    size += amount;
    if (size > maxSize) {
      throw new FeelFault(
        'feel.result-too-large',
        `the result is larger than ${maxSize} characters of JSON (at ${path || 'the top'}); raise the FEEL limit maxResultSize if this is intended`,
        { limit: maxSize, path },
      );
    }
  };
  const convert = (item: unknown, path: string, depth: number): unknown => {
    if (item === null || typeof item !== 'object') {
      if (typeof item === 'function') return reject('function');
      if (typeof item === 'string') grow(item.length + 2, path);
      else if (typeof item === 'symbol' || typeof item === 'bigint') {
        throw new FeelFault('feel.not-data', `the result holds a ${typeof item} at ${path || 'the top'}; expected a value`, { path });
      } else grow(8, path);
      return item;
    }
    if (depth > MAX_RESULT_NESTING) {
      throw new FeelFault('feel.not-data', `the result is nested more than ${MAX_RESULT_NESTING} levels deep`, { path });
    }
    if (ancestors.has(item)) throw new FeelFault('feel.not-data', `the result refers back to itself at ${path}`, { path });
    const prototype = Object.getPrototypeOf(item);
    if (Array.isArray(item)) {
      ancestors.add(item);
      grow(2, path);
      const list = item.map((element, index) => convert(element, `${path}[${index}]`, depth + 1));
      ancestors.delete(item);
      return list;
    }
    if (prototype === Object.prototype || prototype === null) {
      ancestors.add(item);
      grow(2, path);
      const entries: Array<[string, unknown]> = [];
      for (const key of Object.keys(item)) {
        const at = path ? `${path}.${key}` : key;
        if (FORBIDDEN_KEYS.has(key)) {
          throw new FeelFault('feel.forbidden-key', `the result has a context key '${key}' (at ${at}), which sopflow never stores`, { path: at, key });
        }
        grow(key.length + 3, at);
        entries.push([key, convert((item as Record<string, unknown>)[key], at, depth + 1)]);
      }
      ancestors.delete(item);
      // Object.fromEntries defines properties; it never calls a setter
      return Object.fromEntries(entries);
    }
    if (item instanceof FeelDuration) return daysTimeInHours(item.toString());
    if (item instanceof FeelDateTime || item instanceof FeelDate || item instanceof FeelTime) return item.toString();
    if (isRange(item)) return reject('range');
    if (isFunction(item)) return reject('function');
    if (typeof prototype === 'object' && prototype !== null && !Object.prototype.hasOwnProperty.call(prototype, 'constructor')) {
      // a context whose prototype was replaced: FEEL `{"__proto__": {…}}` in feelin
      throw new FeelFault('feel.forbidden-key', `the result has a context key '__proto__' (at ${path || 'the top'}), which sopflow never stores`, { path, key: '__proto__' });
    }
    // a JS Date or Temporal value, converted to FEEL as feelin converts context values
    const feel: unknown = toFeel(item);
    if (feel !== item) return convert(feel, path, depth);
    throw new FeelFault('feel.not-data', `the result holds a ${typeName(item)} at ${path || 'the top'}; expected FEEL data (null, boolean, number, string, list, context, temporal value)`, { path });
  };
  return convert(value, '', 0);
}

const DAYS_TIME = /^(-?)P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/**
 * A FEEL days-time duration is an exact number of seconds, a day being 24
 * hours; feelin writes 24 hours as `P1D`. sopflow writes it `PT24H`, because
 * in working time `P1D` means one working *day* (e.g. 8 hours) — the value
 * must keep meaning what the FEEL author wrote. Year-month durations stay.
 */
function daysTimeInHours(iso: string): string {
  const m = DAYS_TIME.exec(iso);
  if (!m) return iso;
  const seconds = Number(m[2] ?? 0) * 86_400 + Number(m[3] ?? 0) * 3_600 + Number(m[4] ?? 0) * 60 + Number(m[5] ?? 0);
  if (seconds === 0) return 'PT0S';
  const h = Math.floor(seconds / 3_600);
  const min = Math.floor((seconds - h * 3_600) / 60);
  const s = Math.round((seconds - h * 3_600 - min * 60) * 1e9) / 1e9;
  return `${m[1]}PT${h ? `${h}H` : ''}${min ? `${min}M` : ''}${s ? `${s}S` : ''}`;
}

/**
 * Convert a FEEL value (as feelin returns it) to plain data:
 *
 * | FEEL | plain |
 * |---|---|
 * | null, boolean, number, string | the same |
 * | days-time duration | ISO 8601 in hours, minutes, seconds: `"PT30M"`, `"PT24H"` (never `P1D`, which means a working day in working time) |
 * | year-month duration | ISO 8601, `"P1Y2M"` |
 * | date, time, date and time | ISO 8601 string, `"2024-05-01"`, `"10:30:00Z"`, `"2024-05-01T10:30:00@Europe/Paris"` |
 * | list | array (converted deeply) |
 * | context | plain object (converted deeply) |
 *
 * JS `Date` and Temporal values are first converted as feelin converts
 * context values. Pure.
 *
 * @throws ExpressionError when the value is (or contains) a function or a
 *   range (`feel.error`), a context key `__proto__`, `constructor` or
 *   `prototype` (`feel.forbidden-key`), anything else that is not FEEL data
 *   or a cycle (`feel.not-data`).
 */
export function toPlain(value: unknown): unknown {
  try {
    return convertToPlain(value, (kind) => {
      throw new ExpressionError(`expression returned a ${kind}; expected a value`, { expression: '' });
    });
  } catch (error) {
    if (error instanceof FeelFault) throw new ExpressionError(error.message, { expression: '', ...error.details }, error.code);
    throw error;
  }
}
