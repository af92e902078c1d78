import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BusinessCalendar, type CalendarSpec, WEEKDAYS, type WorkdaySpec } from '../../src/time/index.js';
import { minuteOf, minutesWithMaxClock } from './support.js';

const DAY = 86_400_000;
const MINUTE = 60_000;
const ZONES = ['UTC', 'Asia/Shanghai', 'Europe/Berlin', 'America/New_York', 'America/Santiago', 'Australia/Lord_Howe'];
/** UTC midnights near the 2026 DST changes of those zones, and two ordinary days. */
const BASES = ['2026-03-08', '2026-03-29', '2026-04-05', '2026-09-06', '2026-10-04', '2026-10-25', '2026-11-01', '2026-06-15', '2026-12-30'].map(
  (d) => Date.parse(`${d}T00:00:00Z`),
);

type Intervals = Array<[number, number]>;

/** A random calendar, kept both as a spec and as plain data for the reference model. */
interface Model {
  spec: CalendarSpec;
  weekly: Intervals[];
  holidays: Array<[number, number]>;
  workdays: Map<number, Intervals>;
  base: number;
}

const hhmm = (minute: number) => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
const isoDate = (epochDay: number) => new Date(epochDay * DAY).toISOString().slice(0, 10);
const toText = (intervals: Intervals) => intervals.map(([s, e]) => `${hhmm(s)}-${hhmm(e)}`);

/** 0–3 disjoint, non-touching intervals on a 15-minute grid. */
const dayIntervals = (maxCount: number) =>
  fc.uniqueArray(fc.integer({ min: 0, max: 96 }), { minLength: 0, maxLength: maxCount * 2 }).map((points) => {
    const sorted = [...points].sort((a, b) => a - b);
    const result: Intervals = [];
    for (let i = 0; i + 1 < sorted.length; i += 2) result.push([sorted[i] * 15, sorted[i + 1] * 15]);
    return result;
  });

const calendarModel: fc.Arbitrary<Model> = fc
  .record({
    zone: fc.constantFrom(...ZONES),
    weekly: fc.array(fc.oneof(dayIntervals(3), fc.constant([] as Intervals)), { minLength: 7, maxLength: 7 }),
    base: fc.constantFrom(...BASES),
    holidays: fc.array(fc.record({ from: fc.integer({ min: -4, max: 20 }), length: fc.integer({ min: 1, max: 6 }) }), { maxLength: 3 }),
    workdays: fc.array(fc.record({ at: fc.integer({ min: -4, max: 20 }), hours: fc.option(dayIntervals(2).filter((d) => d.length > 0), { nil: null }) }), {
      maxLength: 3,
    }),
  })
  .filter(({ weekly }) => weekly.some((d) => d.length > 0))
  .map(({ zone, weekly, base, holidays, workdays }) => {
    const baseDay = Math.floor(base / DAY);
    const holidayRanges = holidays.map(({ from, length }) => [baseDay + from, baseDay + from + length - 1] as [number, number]);
    const isHoliday = (day: number) => holidayRanges.some(([a, b]) => day >= a && day <= b);
    // the standard day: most common non-zero weekday total (ties: larger), its first weekday's hours
    const totals = weekly.map((d) => d.reduce((sum, [s, e]) => sum + e - s, 0));
    const counts = totals.filter((t) => t > 0).map((t) => [t, totals.filter((u) => u === t).length] as const);
    counts.sort((x, y) => y[1] - x[1] || y[0] - x[0]);
    const standard = weekly[totals.indexOf(counts[0][0])];
    const workdayMap = new Map<number, Intervals>();
    const workdaySpecs: Array<string | WorkdaySpec> = [];
    for (const { at, hours } of workdays) {
      const day = baseDay + at;
      if (isHoliday(day) || workdayMap.has(day)) continue;
      workdayMap.set(day, hours ?? standard);
      workdaySpecs.push(hours ? { date: isoDate(day), hours: toText(hours) } : isoDate(day));
    }
    const spec: CalendarSpec = {
      name: 'random',
      zone,
      hours: Object.fromEntries(WEEKDAYS.map((d, i) => [d, toText(weekly[i])])),
      holidays: holidayRanges.map(([a, b]) => (a === b ? isoDate(a) : `${isoDate(a)}..${isoDate(b)}`)),
      workdays: workdaySpecs,
    };
    return { spec, weekly, holidays: holidayRanges, workdays: workdayMap, base };
  });

/** Whether a local wall-clock time (naive ms) lies in a working interval of the model. */
function workingLocal(model: Model, local: number): boolean {
  const day = Math.floor(local / DAY);
  const minute = (local - day * DAY) / MINUTE;
  if (model.holidays.some(([a, b]) => day >= a && day <= b)) return false;
  const weekday = (((day + 3) % 7) + 7) % 7; // 0 = Monday
  const intervals = model.workdays.get(day) ?? model.weekly[weekday];
  return intervals.some(([s, e]) => minute >= s && minute < e);
}

/**
 * Reference working time, minute by minute: an instant is working when the
 * highest wall-clock reading reached so far lies in a working interval (so an
 * interval runs from the first instant the clock shows its start to the first
 * instant it shows its end).
 */
function* workingMinutes(model: Model, from: number, limit: number): Generator<[number, boolean]> {
  for (const [m, maxClock] of minutesWithMaxClock(model.spec.zone, from, limit)) yield [m, workingLocal(model, maxClock)];
}

/** Reference `addWorkingTime` for minute-aligned instants and whole minutes; undefined past the limit. */
function referenceAdd(model: Model, from: number, minutes: number): number | undefined {
  let counted = 0;
  for (const [m, working] of workingMinutes(model, from, from + 120 * DAY)) {
    if (!working) continue;
    if (minutes === 0) return m;
    counted += 1;
    if (counted === minutes) return m + MINUTE;
  }
  return undefined;
}

const weeklyMinutes = (model: Model) => model.weekly.flat().reduce((sum, [s, e]) => sum + e - s, 0);
/** A minute-aligned instant within four days of the model's base day. */
const instantNear = (model: Model) => fc.integer({ min: -4 * 1440, max: 4 * 1440 }).map((m) => minuteOf(model.base + m * MINUTE));
const withInstant = calendarModel.chain((model) => fc.tuple(fc.constant(model), instantNear(model)));

describe('BusinessCalendar on random calendars', () => {
  it('should agree with a minute-by-minute reference when adding working time', () => {
    fc.assert(
      fc.property(
        withInstant.chain(([model, t]) => fc.tuple(fc.constant(model), fc.constant(t), fc.integer({ min: 0, max: 2 * weeklyMinutes(model) }))),
        ([model, t, minutes]) => {
          // given a random calendar, a minute-aligned instant and a whole number of minutes
          const calendar = BusinessCalendar.from(model.spec);
          const expected = referenceAdd(model, t, minutes);
          fc.pre(expected !== undefined);
          // when the working time is added
          // then it ends where the reference counts that many working minutes
          expect(calendar.addWorkingTime(t, minutes * MINUTE)).toBe(expected);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('should agree with the reference on every minute of a two-day window', () => {
    fc.assert(
      fc.property(withInstant, ([model, from]) => {
        // given a random calendar and a two-day window
        const calendar = BusinessCalendar.from(model.spec);
        const to = from + 2 * DAY;
        const expected: Array<{ start: number; end: number }> = [];
        const disagreements: string[] = [];
        let count = 0;
        for (const [m, working] of workingMinutes(model, from, to)) {
          // when each minute is checked
          if (calendar.isWorking(m) !== working) disagreements.push(`${new Date(m).toISOString()} should be ${working ? '' : 'not '}working`);
          if (!working) continue;
          count += 1;
          const last = expected.at(-1);
          if (last && last.end === m) last.end = m + MINUTE;
          else expected.push({ start: m, end: m + MINUTE });
        }
        // then it is working exactly when the reference says so, and the intervals and the total agree too
        expect(disagreements).toEqual([]);
        expect(calendar.workingIntervals(from, to)).toEqual(expected);
        expect(calendar.workingTimeBetween(from, to)).toBe(count * MINUTE);
      }),
      { numRuns: 60 },
    );
  });

  const amounts = fc.integer({ min: 0, max: 30 * 3_600_000 });

  it('should be additive: adding a then b equals adding a + b, for b > 0', () => {
    fc.assert(
      fc.property(withInstant, fc.integer({ min: 0, max: 59_999 }), amounts, amounts.map((b) => b + 1), ([model, t], jitter, a, b) => {
        // given a random calendar, any instant and two amounts, the second positive
        const calendar = BusinessCalendar.from(model.spec);
        const start = t + jitter;
        // when they are added one after the other, and at once
        // then the results are equal
        expect(calendar.addWorkingTime(calendar.addWorkingTime(start, a), b)).toBe(calendar.addWorkingTime(start, a + b));
      }),
      { numRuns: 300 },
    );
  });

  it('should be additive for ISO hour/minute/second durations', () => {
    const duration = fc.record({ hours: fc.nat(12), minutes: fc.nat(90), seconds: fc.nat(90) });
    fc.assert(
      fc.property(withInstant, duration, duration, ([model, t], a, b) => {
        // given two working durations
        const calendar = BusinessCalendar.from(model.spec);
        const sum = { hours: a.hours + b.hours, minutes: a.minutes + b.minutes, seconds: a.seconds + b.seconds + 1 };
        // when added one after the other, and at once
        // then the results are equal
        expect(calendar.addDuration(calendar.addDuration(t, a), { ...b, seconds: b.seconds + 1 })).toBe(calendar.addDuration(t, sum));
      }),
      { numRuns: 200 },
    );
  });

  it('should be monotonic in the amount and in the start', () => {
    fc.assert(
      fc.property(withInstant, amounts, amounts, fc.integer({ min: 0, max: 3 * DAY }), ([model, t], a, b, shift) => {
        // given a random calendar, two amounts and two starts
        const calendar = BusinessCalendar.from(model.spec);
        const [small, large] = a <= b ? [a, b] : [b, a];
        // when added
        // then a larger amount or a later start never gives an earlier result
        expect(calendar.addWorkingTime(t, small)).toBeLessThanOrEqual(calendar.addWorkingTime(t, large));
        expect(calendar.addWorkingTime(t, a)).toBeLessThanOrEqual(calendar.addWorkingTime(t + shift, a));
      }),
      { numRuns: 200 },
    );
  });

  it('should never land outside working time, except exactly at the end of an interval', () => {
    fc.assert(
      fc.property(withInstant, fc.integer({ min: 0, max: 59_999 }), amounts, ([model, t], jitter, amount) => {
        // given a random calendar, an instant and an amount
        const calendar = BusinessCalendar.from(model.spec);
        const start = t + jitter;
        // when the amount is added
        const result = calendar.addWorkingTime(start, amount);
        // then zero gives a working instant, a positive amount ends right after working time,
        // and the working time in between is the amount
        expect(result).toBeGreaterThanOrEqual(start);
        if (amount === 0) expect(calendar.isWorking(result)).toBe(true);
        else expect(calendar.isWorking(result - 1)).toBe(true);
        expect(calendar.workingTimeBetween(start, result)).toBe(amount);
      }),
      { numRuns: 300 },
    );
  });

  it('should give the same result when skipping whole weeks as when adding in small steps', () => {
    fc.assert(
      fc.property(withInstant, fc.integer({ min: 2, max: 40 }), ([model, t], parts) => {
        // given a random calendar and an amount of many weeks
        const calendar = BusinessCalendar.from(model.spec);
        const step = Math.max(1, Math.floor((weeklyMinutes(model) * MINUTE) / 3));
        // when added at once (skipping whole weeks) and in steps shorter than a week (never skipping)
        let stepped = t;
        for (let i = 0; i < parts; i++) stepped = calendar.addWorkingTime(stepped, step);
        // then the results are equal
        expect(calendar.addWorkingTime(t, parts * step)).toBe(stepped);
      }),
      { numRuns: 100 },
    );
  });
});
