import { CalendarError } from './CalendarError.js';
import { type CalendarSpec, type CompiledCalendarSpec, type MinuteInterval, compileCalendarSpec } from './calendarSpec.js';
import { DAY_MS, epochDayOf, formatIsoDate, isoWeekdayOf } from './civilDate.js';
import { formatDateTime } from './dateTime.js';
import { type Duration, type DurationInput, formatDuration, toDuration } from './duration.js';
import { ZoneClock } from './ZoneClock.js';

/** A stretch of working time, `[start, end)` in epoch ms. */
export interface WorkingInterval {
  start: number;
  end: number;
}

/** One local day resolved to instants. */
interface DayView {
  day: number;
  /** First instant of the day (its 00:00 resolved). */
  start: number;
  /** First instant of the next day. */
  end: number;
  /** Working intervals as instants, sorted, non-empty. */
  intervals: Array<readonly [number, number]>;
}

/** Searching for working time gives up after this many days without any. */
const HORIZON_DAYS = 3653;
const HORIZON_TEXT = '10 years';
const MIN_DAY = epochDayOf(1, 1, 1);
const MAX_DAY = epochDayOf(9999, 12, 31);
const MAX_CACHED_DAYS = 4096;
const WORKING_WEEK_DAYS = 5;

/**
 * Working time of a business calendar: weekly hours in local time of a zone,
 * holidays and extra working days (docs/calendars.md has the semantics and
 * worked examples).
 *
 * Rules, in short:
 * - an interval `09:00-12:00` of a date runs from the first instant at which
 *   the zone's clock shows 09:00 that day to the first instant it shows
 *   12:00, so across a DST change it has its real, shorter or longer, length;
 * - adding working time starts at the next working instant; adding zero
 *   returns that instant; a positive amount that is used up exactly at the end
 *   of an interval returns that end (Monday 09:00 + `P1D` = Monday 18:00), so
 *   `add(add(t, a), b) = add(t, a + b)` for every b > 0;
 * - `PTnHnMnS` is that much working time; `P1D` = `hoursPerDay` working hours;
 *   `P1W` = 5 working days; years and months are refused.
 *
 * Immutable and deterministic; it memoises resolved days internally.
 */
export class BusinessCalendar {
  /** The calendar's name. */
  readonly name: string;
  /** IANA zone of its working hours. */
  readonly zone: string;
  /** Working hours in a working day (`P1D`), if the calendar has a standard day or sets it. */
  readonly hoursPerDay: number | undefined;
  private readonly compiled: CompiledCalendarSpec;
  private readonly clock: ZoneClock;
  private readonly weeklyMs: number;
  private readonly days = new Map<number, DayView>();

  private constructor(compiled: CompiledCalendarSpec) {
    this.compiled = compiled;
    this.name = compiled.spec.name;
    this.zone = compiled.spec.zone;
    this.hoursPerDay = compiled.hoursPerDay;
    this.clock = ZoneClock.for(this.zone);
    this.weeklyMs = compiled.weekly.flat().reduce((sum, [s, e]) => sum + (e - s) * 60_000, 0);
  }

  /**
   * Builds a calendar from its spec, checking every field. Pure.
   * @throws CalendarError (reason `invalid`) naming the calendar, the field and
   *   the value: unknown field or zone, malformed or overlapping interval,
   *   interval ending before it starts, bad date or range, a workday that is
   *   also a holiday or is listed twice, bad hoursPerDay, or no working time.
   */
  static from(spec: CalendarSpec): BusinessCalendar {
    return new BusinessCalendar(compileCalendarSpec(spec));
  }

  /** The spec this calendar was built from (a copy). Pure. */
  toJSON(): CalendarSpec {
    return JSON.parse(JSON.stringify(this.compiled.spec)) as CalendarSpec;
  }

  /**
   * Whether an instant is working time (interval starts are, ends are not).
   * @throws CalendarError (`invalid-argument`) for an instant that is not a finite number in range.
   */
  isWorking(ms: number): boolean {
    this.checkInstant(ms, 'instant');
    const view = this.ownerView(ms);
    return view.intervals.some(([s, e]) => ms >= s && ms < e);
  }

  /**
   * The instant itself when it is working time, else the start of the next
   * working interval.
   * @throws CalendarError (`no-working-time`) when there is none within 10
   *   years; (`invalid-argument`) for a bad instant.
   */
  nextWorkingInstant(ms: number): number {
    return this.addWorkingTime(ms, 0);
  }

  /**
   * The instant at which `amountMs` of working time has passed, counting from
   * `ms` (or from the next working instant when `ms` is outside working time).
   * Zero returns the next working instant; a positive amount used up exactly
   * at the end of an interval returns that end. The amount is rounded to a
   * whole millisecond. Walks interval by interval and skips whole ordinary
   * weeks, so years of working time are cheap.
   * @throws CalendarError (`invalid-argument`) for a negative or non-finite
   *   amount or a bad instant; (`no-working-time`) when a stretch of 10 years
   *   without working time is reached.
   */
  addWorkingTime(ms: number, amountMs: number): number {
    this.checkInstant(ms, 'instant');
    if (typeof amountMs !== 'number' || !Number.isFinite(amountMs) || amountMs < 0) {
      throw new CalendarError('invalid-argument', `calendar '${this.name}': working time to add must be a non-negative number of milliseconds, got ${String(amountMs)}`, {
        calendar: this.name,
        value: amountMs,
      });
    }
    let remaining = Math.round(amountMs);
    let result = NaN;
    this.walk(ms, Infinity, true, (s, e) => {
      if (remaining === 0) {
        result = s;
        return true;
      }
      if (remaining <= e - s) {
        result = s + remaining;
        return true;
      }
      remaining -= e - s;
      return false;
    }, (weekMs) => {
      if (remaining <= weekMs) return false;
      remaining -= weekMs;
      return true;
    });
    return result;
  }

  /**
   * Adds a working duration (ISO text or data): hours, minutes and seconds as
   * working time; `P1D` = `hoursPerDay` working hours; `P1W` = 5 working days.
   * Otherwise as {@link addWorkingTime}.
   * @throws CalendarError (`unsupported-duration`) for years or months, or days
   *   and weeks when the calendar has no hoursPerDay; TimeFormatError for a
   *   malformed duration; as {@link addWorkingTime}.
   */
  addDuration(ms: number, duration: DurationInput): number {
    return this.addWorkingTime(ms, this.durationToWorkingMillis(duration));
  }

  /**
   * The working time a duration stands for, in ms (see {@link addDuration}). Pure.
   * @throws CalendarError (`unsupported-duration`) for years or months, or days
   *   and weeks without hoursPerDay; TimeFormatError for a malformed duration.
   */
  durationToWorkingMillis(duration: DurationInput): number {
    const d: Duration = toDuration(duration);
    const text = formatDuration(d);
    if (d.years || d.months) {
      throw new CalendarError(
        'unsupported-duration',
        `calendar '${this.name}': '${text}' cannot be counted in working time: years and months have no fixed number of working hours; use days or weeks (P1D = ${this.hoursPerDay ?? '?'} working hours, P1W = 5 working days)`,
        { calendar: this.name, value: text },
      );
    }
    const days = (d.weeks ?? 0) * WORKING_WEEK_DAYS + (d.days ?? 0);
    if (days && this.hoursPerDay === undefined) {
      throw new CalendarError(
        'unsupported-duration',
        `calendar '${this.name}': '${text}' counts working days but the calendar has no standard day; set hoursPerDay`,
        { calendar: this.name, value: text },
      );
    }
    const hours = days * (this.hoursPerDay ?? 0) + (d.hours ?? 0);
    return Math.round(hours * 3_600_000 + (d.minutes ?? 0) * 60_000 + (d.seconds ?? 0) * 1_000);
  }

  /**
   * Working time between two instants in ms; negative when `bMs` is before `aMs`.
   * @throws CalendarError (`invalid-argument`) for a bad instant.
   */
  workingTimeBetween(aMs: number, bMs: number): number {
    this.checkInstant(aMs, 'start');
    this.checkInstant(bMs, 'end');
    if (bMs < aMs) return -this.workingTimeBetween(bMs, aMs);
    let total = 0;
    this.walk(aMs, bMs, false, (s, e) => {
      if (s >= bMs) return true;
      total += Math.min(e, bMs) - s;
      return e >= bMs;
    }, (weekMs, weekEnd) => {
      if (weekEnd > bMs) return false;
      total += weekMs;
      return true;
    });
    return total;
  }

  /**
   * The working intervals between two instants, clipped to `[fromMs, toMs)`,
   * sorted; intervals that touch (24:00 and 00:00) are joined.
   * @throws CalendarError (`invalid-argument`) for a bad instant.
   */
  workingIntervals(fromMs: number, toMs: number): WorkingInterval[] {
    this.checkInstant(fromMs, 'start');
    this.checkInstant(toMs, 'end');
    const result: WorkingInterval[] = [];
    if (toMs <= fromMs) return result;
    this.walk(fromMs, toMs, false, (s, e) => {
      if (s >= toMs) return true;
      const end = Math.min(e, toMs);
      const last = result.at(-1);
      if (last && last.end === s) last.end = end;
      else result.push({ start: s, end });
      return e >= toMs;
    });
    return result;
  }

  /**
   * Visits working intervals from `fromMs` on, in order, clipped to start at
   * `fromMs`, until `visit` returns true or the day of `untilMs` is passed.
   * On Mondays, `takeWeek` may consume a whole ordinary week at once (no
   * holiday, no explicit workday, no offset change) given its working time and
   * end; it returns true when it did. With `search`, a stretch of
   * {@link HORIZON_DAYS} days without working time throws.
   */
  private walk(
    fromMs: number,
    untilMs: number,
    search: boolean,
    visit: (start: number, end: number) => boolean,
    takeWeek?: (weekMs: number, weekEnd: number) => boolean,
  ): void {
    const first = this.ownerView(fromMs);
    for (const [s, e] of first.intervals) {
      if (e > fromMs && visit(Math.max(s, fromMs), e)) return;
    }
    let lastWorkingDay = first.day;
    for (let day = first.day + 1; ; ) {
      if (day > MAX_DAY) {
        throw new CalendarError('invalid-argument', `calendar '${this.name}': the result would be after the year 9999`, { calendar: this.name });
      }
      if (search && day - lastWorkingDay > HORIZON_DAYS) {
        throw new CalendarError(
          'no-working-time',
          `calendar '${this.name}' has no working time in the ${HORIZON_TEXT} after ${formatIsoDate(lastWorkingDay)} (searched from ${formatDateTime(fromMs, this.zone)}); check its hours, holidays and workdays`,
          { calendar: this.name, from: fromMs },
        );
      }
      if (takeWeek && isoWeekdayOf(day) === 1) {
        const weekEnd = this.plainWeekEnd(day);
        if (weekEnd !== null) {
          if (takeWeek(this.weeklyMs, weekEnd)) {
            day += 7;
            if (this.weeklyMs > 0) lastWorkingDay = day - 1;
            continue;
          }
        }
      }
      if (this.localIntervals(day).length > 0) {
        const view = this.dayView(day);
        if (view.start >= untilMs) return;
        for (const [s, e] of view.intervals) if (visit(s, e)) return;
        if (view.intervals.length > 0) lastWorkingDay = day;
      } else if (untilMs !== Infinity && day * DAY_MS > this.clock.localOf(untilMs)) {
        return;
      }
      day += 1;
    }
  }

  /**
   * The end instant of the week starting on `day` if that week is ordinary (no
   * holiday, no explicit workday, exactly 7 × 24 h, one offset), else null.
   */
  private plainWeekEnd(day: number): number | null {
    const { holidays, workdayList } = this.compiled;
    if (overlapsRanges(holidays, day, day + 6) || overlapsSorted(workdayList, day, day + 6)) return null;
    const start = this.clock.resolve(day * DAY_MS);
    const end = this.clock.resolve((day + 7) * DAY_MS);
    if (end - start !== 7 * DAY_MS || this.clock.offsetMinutes(start) !== this.clock.offsetMinutes(end - 1)) return null;
    return end;
  }

  /** Local working intervals of a date: none on holidays, explicit hours on workdays, else the weekday's. */
  private localIntervals(day: number): MinuteInterval[] {
    const { holidays, workdays, weekly } = this.compiled;
    if (overlapsRanges(holidays, day, day)) return [];
    return workdays.get(day) ?? weekly[isoWeekdayOf(day) - 1];
  }

  /** The day an instant belongs to: the last day whose 00:00 resolves at or before it. */
  private ownerView(ms: number): DayView {
    const view = this.dayView(Math.floor(this.clock.localOf(ms) / DAY_MS));
    return ms >= view.end ? this.dayView(view.day + 1) : view;
  }

  private dayView(day: number): DayView {
    const cached = this.days.get(day);
    if (cached) return cached;
    const clock = this.clock;
    const start = clock.resolve(day * DAY_MS);
    const end = clock.resolve((day + 1) * DAY_MS);
    const linear = end - start === DAY_MS && clock.offsetMinutes(start) === clock.offsetMinutes(end - 1);
    const at = (minute: number) => (linear ? start + minute * 60_000 : clock.resolve(day * DAY_MS + minute * 60_000));
    const intervals: Array<readonly [number, number]> = [];
    for (const [s, e] of this.localIntervals(day)) {
      const [a, b] = [at(s), at(e)];
      if (b > a) intervals.push([a, b]);
    }
    const view = { day, start, end, intervals };
    if (this.days.size >= MAX_CACHED_DAYS) this.days.clear();
    this.days.set(day, view);
    return view;
  }

  private checkInstant(ms: unknown, what: string): void {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < MIN_DAY * DAY_MS || ms > (MAX_DAY + 1) * DAY_MS) {
      throw new CalendarError('invalid-argument', `calendar '${this.name}': ${what} must be epoch milliseconds in the years 0001-9999, got ${String(ms)}`, {
        calendar: this.name,
        value: ms,
      });
    }
  }
}

/** Whether sorted, disjoint inclusive ranges meet `[from, to]`. */
function overlapsRanges(ranges: ReadonlyArray<readonly [number, number]>, from: number, to: number): boolean {
  let lo = 0;
  let hi = ranges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ranges[mid][1] < from) lo = mid + 1;
    else hi = mid;
  }
  return lo < ranges.length && ranges[lo][0] <= to;
}

/** Whether a sorted list has a value in `[from, to]`. */
function overlapsSorted(values: readonly number[], from: number, to: number): boolean {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid] < from) lo = mid + 1;
    else hi = mid;
  }
  return lo < values.length && values[lo] <= to;
}
