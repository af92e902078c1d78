import { DateTime } from 'luxon';
import { TimeFormatError } from '../errors.js';
import { assertZone } from './ZoneClock.js';

/**
 * An ISO 8601 duration as plain, JSON-serialisable data. Every part is a
 * non-negative finite number; only the smallest part written may have a
 * fraction, and years and months never do.
 */
export interface Duration {
  years?: number;
  months?: number;
  weeks?: number;
  days?: number;
  hours?: number;
  minutes?: number;
  seconds?: number;
}

/** A duration or its ISO 8601 text. */
export type DurationInput = Duration | string;

/** The parts of a duration, largest first. */
export const DURATION_UNITS = ['years', 'months', 'weeks', 'days', 'hours', 'minutes', 'seconds'] as const;

/** One part of a duration. */
export type DurationUnit = (typeof DURATION_UNITS)[number];

const EXPECTED = 'e.g. PT2H, P3DT4H, P1W';
const DESIGNATORS: Record<DurationUnit, string> = {
  years: 'Y',
  months: 'M',
  weeks: 'W',
  days: 'D',
  hours: 'H',
  minutes: 'M',
  seconds: 'S',
};
const FIXED_MS: Partial<Record<DurationUnit, number>> = {
  weeks: 604_800_000,
  days: 86_400_000,
  hours: 3_600_000,
  minutes: 60_000,
  seconds: 1_000,
};
const NUMBER = String.raw`(\d{1,15}(?:[.,]\d{1,9})?)`;
const DURATION_RE = new RegExp(
  `^P(?:${NUMBER}Y)?(?:${NUMBER}M)?(?:${NUMBER}W)?(?:${NUMBER}D)?(?:T(?:${NUMBER}H)?(?:${NUMBER}M)?(?:${NUMBER}S)?)?$`,
);

function invalid(text: string, reason?: string): TimeFormatError {
  return new TimeFormatError(
    `Invalid ISO 8601 duration '${text}': ${reason ? `${reason}; ` : ''}expected ${EXPECTED}`,
    { value: text, expected: `ISO 8601 duration, ${EXPECTED}` },
  );
}

/**
 * Reads an ISO 8601 duration: `PT2H`, `P3DT4H`, `P1W`, `PT0.5S`, `P1Y2M`,
 * `P1W2D`. Surrounding whitespace is ignored; designators are upper case; a
 * decimal comma is accepted. Pure.
 * @throws TimeFormatError naming the text when it is not such a duration,
 *   is negative, has a fraction on a part other than the last, or a
 *   fractional year or month.
 */
export function parseDuration(text: string): Duration {
  const source = typeof text === 'string' ? text.trim() : String(text);
  if (source.startsWith('-')) throw invalid(source, 'negative durations are not allowed');
  const m = DURATION_RE.exec(source);
  if (!m || source === 'P' || source.endsWith('T')) throw invalid(source);
  const duration: Duration = {};
  let fractional: DurationUnit | undefined;
  DURATION_UNITS.forEach((unit, i) => {
    const raw = m[i + 1];
    if (raw === undefined) return;
    if (fractional) throw invalid(source, `only the last part may have a fraction (${fractional} has one)`);
    const value = Number(raw.replace(',', '.'));
    if (!Number.isInteger(value)) {
      if (unit === 'years' || unit === 'months') throw invalid(source, `${unit} cannot be fractional`);
      fractional = unit;
    }
    duration[unit] = value;
  });
  return duration;
}

/**
 * Checks a duration given as data (e.g. read from JSON).
 * @throws TimeFormatError when a part is unknown, negative, not finite, or a
 *   fractional year or month.
 */
export function assertDuration(duration: unknown): asserts duration is Duration {
  if (isPlainDuration(duration)) return;
  const shown = safeJson(duration);
  if (typeof duration !== 'object' || duration === null || Array.isArray(duration)) {
    throw new TimeFormatError(`Invalid duration ${shown}: expected an object such as { "hours": 2 } or ISO text (${EXPECTED})`, {
      value: shown,
      expected: 'duration object',
    });
  }
  for (const [key, value] of Object.entries(duration)) {
    if (value === undefined) continue;
    if (!(DURATION_UNITS as readonly string[]).includes(key)) {
      throw new TimeFormatError(`Invalid duration ${shown}: unknown part '${key}' (expected ${DURATION_UNITS.join(', ')})`, {
        value: shown,
        expected: DURATION_UNITS.join(', '),
      });
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new TimeFormatError(`Invalid duration ${shown}: ${key} must be a non-negative finite number`, {
        value: shown,
        expected: 'non-negative finite numbers',
      });
    }
    if ((key === 'years' || key === 'months') && !Number.isInteger(value)) {
      throw new TimeFormatError(`Invalid duration ${shown}: ${key} cannot be fractional`, { value: shown, expected: `whole ${key}` });
    }
  }
}

/**
 * A duration from its ISO text or as given (checked).
 * @throws TimeFormatError like {@link parseDuration} / {@link assertDuration}.
 */
export function toDuration(input: DurationInput): Duration {
  if (typeof input === 'string') return parseDuration(input);
  assertDuration(input);
  return input;
}

/**
 * Writes a duration as ISO 8601 text, parts largest first (`P1DT2H`); an empty
 * duration is `PT0S`. `parseDuration(formatDuration(d))` equals `d` (the empty
 * duration comes back as `{ seconds: 0 }`). Pure.
 * @throws TimeFormatError when the duration is not valid data.
 */
export function formatDuration(duration: Duration): string {
  assertDuration(duration);
  let date = '';
  let time = '';
  DURATION_UNITS.forEach((unit, i) => {
    const value = duration[unit];
    if (value === undefined) return;
    const part = `${formatNumber(value)}${DESIGNATORS[unit]}`;
    if (i < 4) date += part;
    else time += part;
  });
  if (!date && !time) return 'PT0S';
  return `P${date}${time ? `T${time}` : ''}`;
}

/**
 * The exact length of a duration in milliseconds, rounded to a whole
 * millisecond: weeks are 7 × 24 h, days 24 h. Pure.
 * @throws TimeFormatError when the duration has years or months (their length
 *   depends on the calendar — use {@link addDuration}), or is not valid data.
 */
export function durationToMillis(duration: DurationInput): number {
  const d = toDuration(duration);
  if (d.years || d.months) {
    const text = formatDuration(d);
    throw new TimeFormatError(
      `Duration '${text}' has no fixed length: years and months depend on the calendar; use addDuration or weeks/days instead`,
      { value: text, expected: 'a duration without years or months' },
    );
  }
  let ms = 0;
  for (const unit of DURATION_UNITS) ms += (d[unit] ?? 0) * (FIXED_MS[unit] ?? 0);
  return Math.round(ms);
}

/**
 * Whether a duration is zero (no part, or every part 0). Pure.
 */
export function isZeroDuration(duration: Duration): boolean {
  return DURATION_UNITS.every((unit) => !duration[unit]);
}

/**
 * Multiplies every part of a duration by a non-negative factor. Pure.
 */
export function scaleDuration(duration: Duration, factor: number): Duration {
  const scaled: Duration = {};
  for (const unit of DURATION_UNITS) {
    const value = duration[unit];
    if (value !== undefined) scaled[unit] = value * factor;
  }
  return scaled;
}

/**
 * Adds a duration to an instant on the wall clock of a zone, like luxon's
 * `DateTime.plus`: years, months, weeks and days move the calendar date and
 * keep the local time of day (so `P1D` across a DST change is 23 or 25 hours;
 * Jan 31 + `P1M` = Feb 28/29), then hours, minutes and seconds add elapsed
 * time. A fraction of a week or day is added as elapsed time. A local time
 * that falls into a DST gap moves forward by the gap; a repeated one keeps the
 * starting offset when it can (luxon's rules). Pure.
 * @returns epoch milliseconds, rounded to a whole millisecond.
 * @throws TimeFormatError for an invalid duration, instant or zone, or a result
 *   outside the supported range.
 */
export function addDuration(instantMs: number, duration: DurationInput, zone = 'UTC'): number {
  assertInstant(instantMs);
  assertZone(zone);
  const d = toDuration(duration);
  if (!d.years && !d.months && !d.weeks && !d.days) {
    // Elapsed time only: no calendar arithmetic needed.
    return checkedResult(instantMs + Math.round((d.hours ?? 0) * 3_600_000 + (d.minutes ?? 0) * 60_000 + (d.seconds ?? 0) * 1_000), d, instantMs);
  }
  const start = DateTime.fromMillis(instantMs, { zone });
  const whole = (n: number | undefined) => Math.trunc(n ?? 0);
  // luxon adds a fraction of a calendar unit as elapsed time too; spell it out
  // so the rule does not depend on luxon internals.
  const fractionMs = ((d.weeks ?? 0) - whole(d.weeks)) * 604_800_000 + ((d.days ?? 0) - whole(d.days)) * 86_400_000;
  const result = start
    .plus({ years: whole(d.years), months: whole(d.months), weeks: whole(d.weeks), days: whole(d.days) })
    .plus({ milliseconds: Math.round(fractionMs + (d.hours ?? 0) * 3_600_000 + (d.minutes ?? 0) * 60_000 + (d.seconds ?? 0) * 1_000) });
  return checkedResult(result.isValid ? result.toMillis() : NaN, d, instantMs);
}

function checkedResult(ms: number, d: Duration, instantMs: number): number {
  if (!Number.isFinite(ms) || Math.abs(ms) > MAX_INSTANT_MS) {
    const text = formatDuration(d);
    throw new TimeFormatError(`Adding '${text}' to ${instantMs} leaves the supported time range`, {
      value: text,
      expected: `a result between -${MAX_INSTANT_MS} and ${MAX_INSTANT_MS} epoch milliseconds`,
    });
  }
  return ms;
}

/** Largest instant supported (± the ECMAScript `Date` range), in epoch ms. */
export const MAX_INSTANT_MS = 8.64e15;

/**
 * Checks that a value is an instant in epoch milliseconds.
 * @throws TimeFormatError naming the value when it is not a finite number in range.
 */
export function assertInstant(instantMs: unknown, what = 'instant'): asserts instantMs is number {
  if (typeof instantMs !== 'number' || !Number.isFinite(instantMs) || Math.abs(instantMs) > MAX_INSTANT_MS) {
    throw new TimeFormatError(`Invalid ${what} '${String(instantMs)}': expected epoch milliseconds (a finite number)`, {
      value: String(instantMs),
      expected: 'epoch milliseconds',
    });
  }
}

/** The common case, checked without building any message. */
function isPlainDuration(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  for (const key in value) {
    const part = (value as Record<string, unknown>)[key];
    if (part === undefined) continue;
    if (!(DURATION_UNITS as readonly string[]).includes(key)) return false;
    if (typeof part !== 'number' || !Number.isFinite(part) || part < 0) return false;
    if ((key === 'years' || key === 'months') && !Number.isInteger(part)) return false;
  }
  return true;
}

function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return value.toFixed(9).replace(/0+$/, '').replace(/\.$/, '');
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
