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
  if (value instanceof FeelDuration) return daysTimeInHours(value.toString());
  if (value instanceof FeelDateTime || value instanceof FeelDate || value instanceof FeelTime) {
    return value.toString();
  }
  if (isRange(value)) return reject('range');
  if (isFunction(value)) return reject('function');
  // a JS Date or Temporal value, converted to FEEL as feelin converts context values
  const feel: unknown = toFeel(value);
  return feel === value ? value : convertToPlain(feel, reject);
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
 * @throws ExpressionError when the value is (or contains) a function or a range.
 */
export function toPlain(value: unknown): unknown {
  return convertToPlain(value, (kind) => {
    throw new ExpressionError(`expression returned a ${kind}; expected a value`, { expression: '' });
  });
}
