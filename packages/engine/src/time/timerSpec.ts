import { TimeFormatError } from '../errors.js';
import type { BusinessCalendar } from './BusinessCalendar.js';
import { looksLikeCron, nextCronTime, parseCron } from './cron.js';
import { formatDateTime, parseDateTime } from './dateTime.js';
import {
  type Duration,
  addDuration,
  assertDuration,
  assertInstant,
  formatDuration,
  isZeroDuration,
  parseDuration,
  scaleDuration,
} from './duration.js';
import { assertZone } from './ZoneClock.js';

/** BPMN `timeDuration`: fires once, this long after the timer starts. */
export interface DurationTimerSpec {
  kind: 'duration';
  duration: Duration;
}

/** BPMN `timeDate`: fires once, at this instant (epoch ms). */
export interface DateTimerSpec {
  kind: 'date';
  at: number;
}

/**
 * BPMN `timeCycle`: an ISO 8601 repeating interval or a cron expression.
 *
 * - `repetitions`: how many times it fires at most; `null` = unbounded
 *   (`R/…`; parsed cron is always unbounded, but a bound set in data is kept);
 * - `start`: instant of the first firing (`R3/2026-01-05T09:00+08:00/P1D`);
 *   without it the first firing is one interval after the timer starts;
 * - `interval`: time between firings;
 * - `end`: no firing after this instant (`R/P1D/2026-12-31T00:00Z`);
 * - `cron`: fires at each match of this expression (no interval or start).
 */
export interface CycleTimerSpec {
  kind: 'cycle';
  repetitions: number | null;
  start?: number;
  interval?: Duration;
  end?: number;
  cron?: string;
}

/** A BPMN timer definition as JSON-serialisable data. */
export type TimerSpec = DurationTimerSpec | DateTimerSpec | CycleTimerSpec;

/** The BPMN element a timer text comes from. */
export type TimerKind = 'timeDuration' | 'timeDate' | 'timeCycle';

/** How due times are computed. */
export interface DueOptions {
  /**
   * Count durations and cycle intervals in this calendar's working time.
   * Dates, cycle starts and cron stay absolute.
   */
  calendar?: BusinessCalendar;
  /**
   * Zone of the wall clock for calendar-day arithmetic (`P1D`, `P1M`) and
   * cron. Default: the calendar's zone, else `UTC`.
   */
  zone?: string;
}

const CYCLE_EXPECTED =
  'an ISO 8601 repeating interval (R5/PT1H, R/P1D, R3/2026-01-05T09:00+08:00/P1D, R/PT1H/2026-12-31T00:00Z) or a cron expression (0 9 * * MON-FRI)';

/**
 * Reads the text of a BPMN timer definition:
 *
 * - `timeDuration`: an ISO 8601 duration (`PT2H`);
 * - `timeDate`: an ISO 8601 date-time (`2026-01-05T09:00+08:00`; local
 *   date-times are read in `defaultZone`);
 * - `timeCycle`: `R[n]/<duration>`, `R[n]/<start>/<duration>`,
 *   `R[n]/<duration>/<end>`, or a cron expression (5 or 6 fields, unbounded).
 *
 * Pure.
 * @throws TimeFormatError naming the text and what was expected.
 */
export function parseTimer(kind: TimerKind, text: string, defaultZone = 'UTC'): TimerSpec {
  const source = typeof text === 'string' ? text.trim() : String(text);
  switch (kind) {
    case 'timeDuration':
      return { kind: 'duration', duration: parseDuration(source) };
    case 'timeDate':
      return { kind: 'date', at: parseDateTime(source, defaultZone) };
    case 'timeCycle':
      return parseCycle(source, defaultZone);
    default:
      throw new TimeFormatError(`Unknown timer kind '${String(kind)}': expected timeDuration, timeDate or timeCycle`, {
        value: String(kind),
        expected: 'timeDuration, timeDate or timeCycle',
      });
  }
}

function parseCycle(source: string, defaultZone: string): CycleTimerSpec {
  const repeat = /^R(\d*)\//.exec(source);
  if (!repeat) {
    if (looksLikeCron(source)) return { kind: 'cycle', repetitions: null, cron: parseCron(source).source };
    throw cycleError(source, 'it is neither');
  }
  const repetitions = repeat[1] === '' ? null : Number(repeat[1]);
  if (repetitions !== null && !Number.isSafeInteger(repetitions)) throw cycleError(source, `repetitions ${repeat[1]} are too many`);
  const parts = source.slice(repeat[0].length).split('/');
  const isDuration = (part: string) => part.startsWith('P');
  const nested = <T>(read: () => T): T => {
    try {
      return read();
    } catch (error) {
      if (error instanceof TimeFormatError) throw cycleError(source, error.message);
      throw error;
    }
  };
  let spec: CycleTimerSpec;
  if (parts.length === 1 && isDuration(parts[0])) {
    spec = { kind: 'cycle', repetitions, interval: nested(() => parseDuration(parts[0])) };
  } else if (parts.length === 2 && !isDuration(parts[0]) && isDuration(parts[1])) {
    spec = {
      kind: 'cycle',
      repetitions,
      start: nested(() => parseDateTime(parts[0], defaultZone)),
      interval: nested(() => parseDuration(parts[1])),
    };
  } else if (parts.length === 2 && isDuration(parts[0]) && !isDuration(parts[1])) {
    spec = {
      kind: 'cycle',
      repetitions,
      interval: nested(() => parseDuration(parts[0])),
      end: nested(() => parseDateTime(parts[1], defaultZone)),
    };
  } else if (parts.length === 2 && !isDuration(parts[0]) && !isDuration(parts[1])) {
    throw cycleError(source, 'start/end intervals are not supported, give start/duration');
  } else {
    throw cycleError(source, 'expected R[n]/duration, R[n]/start/duration or R[n]/duration/end');
  }
  if (spec.interval && isZeroDuration(spec.interval)) throw cycleError(source, 'the interval must be longer than zero');
  return spec;
}

function cycleError(source: string, reason: string): TimeFormatError {
  return new TimeFormatError(`Invalid timer cycle '${source}': ${reason}; expected ${CYCLE_EXPECTED}`, {
    value: source,
    expected: CYCLE_EXPECTED,
  });
}

/**
 * Writes a timer spec back as BPMN timer text (dates in UTC, `Z`). Pure.
 * @throws TimeFormatError for a malformed spec, or a cycle with both a start
 *   and an end (ISO 8601 has no such form).
 */
export function formatTimer(spec: TimerSpec): string {
  assertTimerSpec(spec);
  switch (spec.kind) {
    case 'duration':
      return formatDuration(spec.duration);
    case 'date':
      return formatDateTime(spec.at);
    case 'cycle': {
      if (spec.cron !== undefined) return spec.cron;
      const r = `R${spec.repetitions ?? ''}`;
      const interval = formatDuration(spec.interval as Duration);
      if (spec.start !== undefined && spec.end !== undefined) {
        throw new TimeFormatError(`Timer cycle ${JSON.stringify(spec)} has a start and an end: ISO 8601 cannot write both`, {
          value: JSON.stringify(spec),
          expected: 'a cycle with a start or an end, not both',
        });
      }
      if (spec.start !== undefined) return `${r}/${formatDateTime(spec.start)}/${interval}`;
      if (spec.end !== undefined) return `${r}/${interval}/${formatDateTime(spec.end)}`;
      return `${r}/${interval}`;
    }
  }
}

/**
 * Checks a timer spec given as data (e.g. read back from a store).
 * @throws TimeFormatError naming the spec and the field that is wrong.
 */
export function assertTimerSpec(spec: unknown): asserts spec is TimerSpec {
  const fail = (reason: string) => {
    const shown = JSON.stringify(spec) ?? String(spec);
    return new TimeFormatError(`Invalid timer spec ${shown}: ${reason}`, { value: shown, expected: 'a TimerSpec' });
  };
  if (typeof spec !== 'object' || spec === null) throw fail('expected an object with kind duration, date or cycle');
  const s = spec as Record<string, unknown>;
  const isInstant = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  switch (s.kind) {
    case 'duration':
      assertDuration(s.duration);
      return;
    case 'date':
      if (!isInstant(s.at)) throw fail('at must be epoch milliseconds');
      return;
    case 'cycle': {
      const r = s.repetitions;
      if (r !== null && !(typeof r === 'number' && Number.isSafeInteger(r) && r >= 0)) {
        throw fail('repetitions must be a non-negative integer or null');
      }
      if (s.start !== undefined && !isInstant(s.start)) throw fail('start must be epoch milliseconds');
      if (s.end !== undefined && !isInstant(s.end)) throw fail('end must be epoch milliseconds');
      if (s.cron !== undefined) {
        if (typeof s.cron !== 'string') throw fail('cron must be a string');
        if (s.interval !== undefined || s.start !== undefined) throw fail('a cron cycle has no interval or start');
        parseCron(s.cron);
        return;
      }
      if (s.interval === undefined) throw fail('a cycle needs an interval or a cron expression');
      assertDuration(s.interval);
      if (isZeroDuration(s.interval)) throw fail('the interval must be longer than zero');
      return;
    }
    default:
      throw fail(`unknown kind '${String(s.kind)}' (expected duration, date or cycle)`);
  }
}

/**
 * When a timer first fires, if it starts at `fromMs`:
 *
 * - duration: `fromMs` + duration (working time with a calendar);
 * - date: the date itself, even when it is already past (due at once);
 * - cycle with a start: the first firing at or after `fromMs` (earlier ones
 *   are skipped, not replayed), `null` if none is left;
 * - cycle without a start: `fromMs` + interval;
 * - cron: the first match strictly after `fromMs`.
 *
 * `null` means it never fires (`R0/…`, or nothing before `end`). Pure.
 * @throws TimeFormatError for a malformed spec, instant or zone;
 *   CalendarError when a calendar cannot count the duration (years, months).
 */
export function firstDue(spec: TimerSpec, fromMs: number, options: DueOptions = {}): number | null {
  assertTimerSpec(spec);
  assertInstant(fromMs);
  const zone = zoneOf(options);
  switch (spec.kind) {
    case 'duration':
      return add(fromMs, spec.duration, 1, options, zone);
    case 'date':
      return spec.at;
    case 'cycle':
      if (spec.repetitions === 0) return null;
      if (spec.cron !== undefined) return withinEnd(spec, nextCronTime(spec.cron, fromMs, zone));
      if (spec.start !== undefined) return seriesAtOrAfter(spec, fromMs, false, options, zone);
      return withinEnd(spec, add(fromMs, spec.interval as Duration, 1, options, zone));
  }
}

/**
 * When a timer fires next, after it fired at `previousDueMs` for the
 * `firedCount`-th time (1 after the first firing). `null` when it is done:
 * durations and dates fire once; a cycle stops after `repetitions` firings,
 * past its `end`, or (with a start) when its series of `repetitions`
 * occurrences is used up. A cycle with a start is anchored: its k-th
 * occurrence is `start + k × interval`, so it does not drift at month ends or
 * DST changes; one without a start adds the interval to the previous due time.
 * Pure.
 * @throws TimeFormatError for a malformed spec, instant, count or zone;
 *   CalendarError when a calendar cannot count the interval.
 */
export function nextDue(spec: TimerSpec, previousDueMs: number, firedCount: number, options: DueOptions = {}): number | null {
  assertTimerSpec(spec);
  assertInstant(previousDueMs, 'previous due time');
  if (!Number.isSafeInteger(firedCount) || firedCount < 0) {
    throw new TimeFormatError(`Invalid fired count '${String(firedCount)}': expected a non-negative integer`, {
      value: String(firedCount),
      expected: 'a non-negative integer',
    });
  }
  const zone = zoneOf(options);
  if (spec.kind !== 'cycle') return null;
  if (spec.repetitions !== null && firedCount >= spec.repetitions) return null;
  if (spec.cron !== undefined) return withinEnd(spec, nextCronTime(spec.cron, previousDueMs, zone));
  if (spec.start !== undefined) return seriesAtOrAfter(spec, previousDueMs, true, options, zone);
  return withinEnd(spec, add(previousDueMs, spec.interval as Duration, 1, options, zone));
}

function zoneOf(options: DueOptions): string {
  const zone = options.zone ?? options.calendar?.zone ?? 'UTC';
  assertZone(zone);
  return zone;
}

function withinEnd(spec: CycleTimerSpec, due: number | null): number | null {
  if (due === null) return null;
  return spec.end !== undefined && due > spec.end ? null : due;
}

/** `from` + `times` × `duration`, in working time when there is a calendar. */
function add(from: number, duration: Duration, times: number, options: DueOptions, zone: string): number {
  if (options.calendar) return options.calendar.addWorkingTime(from, times * options.calendar.durationToWorkingMillis(duration));
  return addDuration(from, scaleDuration(duration, times), zone);
}

/**
 * The first occurrence of an anchored series at or after (`strict`: after)
 * `threshold`, or `null`. Occurrence k is `start` for k = 0, else
 * `start + k × interval`.
 */
function seriesAtOrAfter(spec: CycleTimerSpec, threshold: number, strict: boolean, options: DueOptions, zone: string): number | null {
  const start = spec.start as number;
  const interval = spec.interval as Duration;
  const occurrence = (k: number) => (k === 0 ? start : add(start, interval, k, options, zone));
  const ok = (t: number) => (strict ? t > threshold : t >= threshold);
  let k = 0;
  if (!ok(start)) {
    // Estimate k from the average length of the interval, then correct it.
    const calendar = options.calendar;
    const step = calendar ? calendar.durationToWorkingMillis(interval) : approximateMillis(interval);
    const elapsed = calendar ? calendar.workingTimeBetween(start, threshold) : threshold - start;
    k = Math.max(1, Math.floor(elapsed / step));
    while (k > 1 && ok(occurrence(k - 1))) k -= 1;
    while (!ok(occurrence(k))) k += 1;
  }
  if (spec.repetitions !== null && k >= spec.repetitions) return null;
  return withinEnd(spec, occurrence(k));
}

function approximateMillis(d: Duration): number {
  return (
    (d.years ?? 0) * 365.2425 * 86_400_000 +
    (d.months ?? 0) * 30.436875 * 86_400_000 +
    (d.weeks ?? 0) * 604_800_000 +
    (d.days ?? 0) * 86_400_000 +
    (d.hours ?? 0) * 3_600_000 +
    (d.minutes ?? 0) * 60_000 +
    (d.seconds ?? 0) * 1_000
  );
}
