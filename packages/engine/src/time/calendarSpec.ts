import { CalendarError } from './CalendarError.js';
import { formatIsoDate, pad2, parseIsoDate } from './civilDate.js';
import { isValidZone } from './ZoneClock.js';

/** Day keys of a calendar's weekly hours, Monday first. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** A day of the week in a calendar spec. */
export type Weekday = (typeof WEEKDAYS)[number];

/** An extra working day with its own hours, e.g. a make-up Saturday or a short day. */
export interface WorkdaySpec {
  /** `YYYY-MM-DD`. */
  date: string;
  /** Working intervals of that date, `HH:MM-HH:MM`. */
  hours: string[];
}

/**
 * A business calendar as JSON-serialisable data. See docs/calendars.md.
 *
 * ```json
 * { "name": "office", "zone": "Asia/Shanghai",
 *   "hours": { "mon": ["09:00-12:00", "13:00-18:00"], "tue": ["09:00-12:00", "13:00-18:00"] },
 *   "holidays": ["2026-10-01..2026-10-07"], "workdays": ["2026-09-27"] }
 * ```
 */
export interface CalendarSpec {
  /** Name used in messages and by `sop:calendar`. */
  name: string;
  /** IANA zone of the working hours, e.g. `Asia/Shanghai`. */
  zone: string;
  /** Weekly working intervals in local time, `HH:MM-HH:MM` (end may be `24:00`); missing days are off. */
  hours: Partial<Record<Weekday, string[]>>;
  /** Days off: `YYYY-MM-DD` or a range `YYYY-MM-DD..YYYY-MM-DD` (inclusive). */
  holidays?: string[];
  /**
   * Dates whose hours are set explicitly, replacing the weekday's: a bare date
   * gets the standard day's hours (make-up working days); `{ date, hours }`
   * gives its own (short days).
   */
  workdays?: Array<string | WorkdaySpec>;
  /** Working hours in one working day (`P1D`); default: the standard day's total. */
  hoursPerDay?: number;
}

/** `[startMinute, endMinute)` of a local day; end at most 1440 (24:00). */
export type MinuteInterval = readonly [number, number];

/** A validated calendar spec in the shape the calendar computes with. */
export interface CompiledCalendarSpec {
  spec: CalendarSpec;
  /** Weekly intervals, index 0 = Monday … 6 = Sunday, sorted, merged. */
  weekly: MinuteInterval[][];
  /** Holidays as sorted, merged, inclusive ranges of epoch days. */
  holidays: Array<readonly [number, number]>;
  /** Dates with explicit hours, by epoch day. */
  workdays: Map<number, MinuteInterval[]>;
  /** The epoch days of `workdays`, sorted. */
  workdayList: number[];
  /** Resolved `hoursPerDay`; undefined when there is no standard day and none was given. */
  hoursPerDay: number | undefined;
}

const FIELDS = ['name', 'zone', 'hours', 'holidays', 'workdays', 'hoursPerDay'];

/**
 * Validates a calendar spec and compiles it. Pure.
 * @throws CalendarError (reason `invalid`) naming the calendar, the field
 *   (`hours.mon[1]`, `holidays[0]`…), the value and what was expected.
 */
export function compileCalendarSpec(input: unknown): CompiledCalendarSpec {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new CalendarError('invalid', `Invalid calendar: expected an object with name, zone and hours, got ${describe(input)}`, {
      calendar: '?',
    });
  }
  const raw = input as Record<string, unknown>;
  const calendar = typeof raw.name === 'string' && raw.name.trim() !== '' ? raw.name : '?';
  const fail = (field: string, value: unknown, problem: string): CalendarError =>
    new CalendarError('invalid', `calendar '${calendar}': ${field}${value === undefined ? '' : ` ${describe(value)}`}: ${problem}`, {
      calendar,
      field,
      value,
    });

  if (calendar === '?') throw fail('name', raw.name, 'expected a non-empty string');
  for (const key of Object.keys(raw)) {
    if (!FIELDS.includes(key)) throw fail(key, undefined, `unknown field (expected ${FIELDS.join(', ')})`);
  }
  if (!isValidZone(raw.zone)) {
    throw fail('zone', raw.zone, 'not a known IANA time zone (e.g. Asia/Shanghai, Europe/Berlin, UTC)');
  }

  const intervals = (field: string, value: unknown): MinuteInterval[] => {
    if (!Array.isArray(value)) throw fail(field, value, 'expected a list of intervals like ["09:00-12:00", "13:00-18:00"]');
    const parsed = value.map((text, i) => ({ text: String(text), range: parseInterval(`${field}[${i}]`, text, fail) }));
    parsed.sort((a, b) => a.range[0] - b.range[0]);
    const merged: Array<[number, number]> = [];
    parsed.forEach((item, i) => {
      const last = merged.at(-1);
      if (last && item.range[0] < last[1]) {
        throw fail(field, undefined, `intervals '${parsed[i - 1].text}' and '${item.text}' overlap`);
      }
      if (last && item.range[0] === last[1]) last[1] = item.range[1];
      else merged.push([item.range[0], item.range[1]]);
    });
    return merged;
  };

  if (typeof raw.hours !== 'object' || raw.hours === null || Array.isArray(raw.hours)) {
    throw fail('hours', raw.hours, 'expected an object like { "mon": ["09:00-12:00", "13:00-18:00"] }');
  }
  const hours = raw.hours as Record<string, unknown>;
  for (const key of Object.keys(hours)) {
    if (!(WEEKDAYS as readonly string[]).includes(key)) throw fail(`hours.${key}`, undefined, `unknown day (expected ${WEEKDAYS.join(', ')})`);
  }
  const weekly = WEEKDAYS.map((day) => (hours[day] === undefined ? [] : intervals(`hours.${day}`, hours[day])));

  const totals = weekly.map((list) => list.reduce((sum, [s, e]) => sum + e - s, 0));
  const counts = new Map<number, number>();
  for (const total of totals) if (total > 0) counts.set(total, (counts.get(total) ?? 0) + 1);
  let standardTotal = 0;
  for (const [total, count] of counts) {
    const best = counts.get(standardTotal) ?? 0;
    if (count > best || (count === best && total > standardTotal)) standardTotal = total;
  }
  const standardHours = standardTotal ? weekly[totals.indexOf(standardTotal)] : undefined;

  let hoursPerDay = standardTotal ? standardTotal / 60 : undefined;
  if (raw.hoursPerDay !== undefined) {
    const h = raw.hoursPerDay;
    if (typeof h !== 'number' || !Number.isFinite(h) || h <= 0 || h > 24) throw fail('hoursPerDay', h, 'expected a number of hours above 0 and at most 24');
    hoursPerDay = h;
  }

  const holidayRanges: Array<[number, number, string]> = [];
  if (raw.holidays !== undefined) {
    if (!Array.isArray(raw.holidays)) throw fail('holidays', raw.holidays, 'expected a list of dates or ranges like ["2026-10-01..2026-10-07"]');
    raw.holidays.forEach((value, i) => {
      const field = `holidays[${i}]`;
      const text = typeof value === 'string' ? value.trim() : '';
      const [from, to, more] = text.split('..');
      const a = parseIsoDate(from ?? '');
      const b = to === undefined ? a : parseIsoDate(to);
      if (a === null || b === null || more !== undefined) {
        throw fail(field, value, 'expected a date YYYY-MM-DD or a range YYYY-MM-DD..YYYY-MM-DD of existing dates');
      }
      if (b < a) throw fail(field, value, 'the range ends before it starts');
      holidayRanges.push([a, b, `${field} '${text}'`]);
    });
  }
  holidayRanges.sort((x, y) => x[0] - y[0]);
  const holidays: Array<[number, number]> = [];
  for (const [a, b] of holidayRanges) {
    const last = holidays.at(-1);
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else holidays.push([a, b]);
  }

  const workdays = new Map<number, MinuteInterval[]>();
  if (raw.workdays !== undefined) {
    if (!Array.isArray(raw.workdays)) throw fail('workdays', raw.workdays, 'expected a list of dates or { "date", "hours" } objects');
    raw.workdays.forEach((value, i) => {
      const field = `workdays[${i}]`;
      const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
      const dateText = isObject ? (value as Record<string, unknown>).date : value;
      const day = typeof dateText === 'string' ? parseIsoDate(dateText.trim()) : null;
      if (day === null) throw fail(isObject ? `${field}.date` : field, dateText, 'expected an existing date YYYY-MM-DD');
      if (isObject) {
        for (const key of Object.keys(value)) {
          if (key !== 'date' && key !== 'hours') throw fail(`${field}.${key}`, undefined, 'unknown field (expected date, hours)');
        }
      }
      let dayHours: MinuteInterval[];
      if (isObject) {
        dayHours = intervals(`${field}.hours`, (value as Record<string, unknown>).hours);
        if (dayHours.length === 0) throw fail(`${field}.hours`, [], 'list at least one interval (use holidays to take a day off)');
      } else {
        if (!standardHours) throw fail(field, value, 'the calendar has no weekly hours to copy: give { "date", "hours" }');
        dayHours = standardHours;
      }
      if (workdays.has(day)) throw fail(field, value, `${formatIsoDate(day)} is listed twice`);
      const holiday = holidayRanges.find(([a, b]) => day >= a && day <= b);
      if (holiday) throw fail(field, value, `${formatIsoDate(day)} is also a holiday (${holiday[2]})`);
      workdays.set(day, dayHours);
    });
  }

  if (totals.every((t) => t === 0) && workdays.size === 0) {
    throw fail('hours', raw.hours, 'no working time at all: give hours for at least one weekday or workdays with hours');
  }

  return {
    spec: JSON.parse(JSON.stringify(raw)) as CalendarSpec,
    weekly,
    holidays,
    workdays,
    workdayList: [...workdays.keys()].sort((a, b) => a - b),
    hoursPerDay,
  };
}

function parseInterval(field: string, text: unknown, fail: (field: string, value: unknown, problem: string) => CalendarError): MinuteInterval {
  const m = typeof text === 'string' ? /^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$/.exec(text) : null;
  if (!m) throw fail(field, text, 'expected HH:MM-HH:MM, e.g. 09:00-12:00');
  const [h1, m1, h2, m2] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
  if (h1 > 23 || m1 > 59) throw fail(field, text, `${pad2(h1)}:${pad2(m1)} is not a time of day (00:00-23:59)`);
  if (h2 > 24 || m2 > 59 || (h2 === 24 && m2 > 0)) throw fail(field, text, `${pad2(h2)}:${pad2(m2)} is not a time of day (00:00-24:00)`);
  const [start, end] = [h1 * 60 + m1, h2 * 60 + m2];
  if (end <= start) throw fail(field, text, 'end must be after start (split a night shift at midnight: 22:00-24:00, then 00:00-06:00)');
  return [start, end];
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
