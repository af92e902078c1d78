import { TimeFormatError } from '../errors.js';
import { DAY_MS, civilDateOf, daysInMonth, epochDayOf, isoWeekdayOf } from './civilDate.js';
import { assertInstant } from './duration.js';
import { ZoneClock } from './ZoneClock.js';

/**
 * A parsed cron expression: the allowed values of each field, sorted.
 * Plain data; days of the week run 0 (Sunday) … 6 (Saturday).
 */
export interface CronExpression {
  /** The expression as written, whitespace collapsed (macros kept, e.g. `@daily`). */
  source: string;
  seconds: number[];
  minutes: number[];
  hours: number[];
  daysOfMonth: number[];
  months: number[];
  daysOfWeek: number[];
  /** Day-of-month field does not start with `*` or `?` (Vixie's OR rule, see {@link parseCron}). */
  dayOfMonthRestricted: boolean;
  /** Day-of-week field does not start with `*` or `?`. */
  dayOfWeekRestricted: boolean;
}

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: Record<string, number>;
  question?: boolean;
}

const MONTH_NAMES = Object.fromEntries(
  ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'].map((n, i) => [n, i + 1]),
);
const DAY_NAMES = Object.fromEntries(['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'].map((n, i) => [n, i]));
const FIELDS: FieldSpec[] = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31, question: true },
  { name: 'month', min: 1, max: 12, names: MONTH_NAMES },
  { name: 'day-of-week', min: 0, max: 7, names: DAY_NAMES, question: true },
];
const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};
const EXPECTED =
  '5 fields (minute hour day-of-month month day-of-week, e.g. 0 9 * * MON-FRI) or 6 with seconds first (0 0 9 * * MON-FRI); values, ranges a-b, steps */n or a-b/n, lists a,b, names JAN-DEC and SUN-SAT, or @hourly/@daily/@weekly/@monthly/@yearly';
/** Dates and weekdays repeat every 28 years (29 February on a Monday); look a little further. */
const SEARCH_DAYS = 366 * 29;

function invalid(text: string, reason: string): TimeFormatError {
  return new TimeFormatError(`Invalid cron expression '${text}': ${reason}; expected ${EXPECTED}`, {
    value: text,
    expected: EXPECTED,
  });
}

/**
 * Whether text has the shape of a cron expression (5 or 6 space-separated
 * fields, or an `@` macro) rather than ISO 8601. Says nothing about validity. Pure.
 */
export function looksLikeCron(text: string): boolean {
  const source = text.trim();
  if (source.startsWith('@')) return true;
  const fields = source.split(/\s+/);
  return fields.length >= 5 && fields.length <= 7;
}

/**
 * Reads a cron expression with standard (Vixie) semantics:
 *
 * - 5 fields `minute hour day-of-month month day-of-week`, or 6 with a
 *   leading `second` field (the cron-parser / Spring convention);
 * - `*`, values, ranges `a-b`, steps `*∕n`, `a-b/n`, `a/n` (from a to the
 *   maximum), lists `a,b-c`; month names JAN–DEC and day names SUN–SAT (any
 *   case); day-of-week 0 and 7 are both Sunday; `MON-SUN` is Monday to Sunday;
 *   `?` (Quartz) is `*` in the day fields;
 * - macros `@yearly`/`@annually`, `@monthly`, `@weekly`, `@daily`/`@midnight`, `@hourly`;
 * - when both day-of-month and day-of-week are restricted (do not start with
 *   `*` or `?`), a day matches if EITHER matches (`0 9 1 * MON` = the 1st and
 *   every Monday); otherwise both must (`0 9 *∕2 * MON` = Mondays on odd days,
 *   as in Vixie cron, where a field starting with `*` counts as unrestricted).
 *
 * Pure.
 * @throws TimeFormatError naming the expression and the field for a wrong
 *   number of fields, an unknown name, a value out of range, a reversed range,
 *   a zero step, unsupported syntax (`L`, `W`, `#`, `H`, `@reboot`), or an
 *   expression that can never fire (`0 0 30 2 *`).
 */
export function parseCron(text: string): CronExpression {
  const source = (typeof text === 'string' ? text : String(text)).trim().replace(/\s+/g, ' ');
  let body = source;
  if (source.startsWith('@')) {
    const expanded = MACROS[source.toLowerCase()];
    if (!expanded) throw invalid(source, `unknown macro '${source}'`);
    body = expanded;
  }
  const parts = body.split(' ');
  if (parts.length !== 5 && parts.length !== 6) throw invalid(source, `it has ${parts.length} field(s)`);
  const fields = parts.length === 5 ? ['0', ...parts] : parts;
  const values = fields.map((field, i) => parseField(source, field, FIELDS[i]));
  const restricted = (field: string) => !field.startsWith('*') && !field.startsWith('?');
  const cron: CronExpression = {
    source,
    seconds: values[0],
    minutes: values[1],
    hours: values[2],
    daysOfMonth: values[3],
    months: values[4],
    daysOfWeek: [...new Set(values[5].map((d) => d % 7))].sort((a, b) => a - b),
    dayOfMonthRestricted: restricted(fields[3]),
    dayOfWeekRestricted: restricted(fields[5]),
  };
  if (!(cron.dayOfMonthRestricted && cron.dayOfWeekRestricted)) {
    const firstDay = cron.daysOfMonth[0];
    if (!cron.months.some((month) => firstDay <= daysInMonth(2000, month))) {
      throw invalid(source, `it never fires: day ${firstDay} does not occur in the selected month(s)`);
    }
  }
  return cron;
}

function parseField(source: string, field: string, spec: FieldSpec): number[] {
  const where = `${spec.name} '${field}'`;
  const found = new Set<number>();
  for (const item of field.split(',')) {
    if (item === '') throw invalid(source, `${where}: empty list item`);
    const [range, stepText, extra] = item.split('/');
    if (extra !== undefined) throw invalid(source, `${where}: more than one '/'`);
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) === 0) throw invalid(source, `${where}: step '${stepText}' must be a positive number`);
      step = Number(stepText);
    }
    let from: number;
    let to: number;
    if (range === '*' || (range === '?' && spec.question)) {
      [from, to] = [spec.min, spec.max === 7 ? 6 : spec.max];
    } else if (range.includes('-')) {
      const [a, b, more] = range.split('-');
      if (more !== undefined) throw invalid(source, `${where}: '${range}' is not a range a-b`);
      from = parseValue(source, where, a, spec);
      to = parseValue(source, where, b, spec);
      if (spec.max === 7 && to === 0 && from > 0) to = 7; // MON-SUN
      if (to < from) throw invalid(source, `${where}: range '${range}' runs backwards (write it as a list, e.g. FRI,SAT,SUN)`);
    } else {
      from = parseValue(source, where, range, spec);
      to = stepText !== undefined ? spec.max : from;
    }
    for (let v = from; v <= to; v += step) found.add(v);
  }
  return [...found].sort((a, b) => a - b);
}

function parseValue(source: string, where: string, text: string, spec: FieldSpec): number {
  if (/^\d+$/.test(text)) {
    const value = Number(text);
    if (value < spec.min || value > spec.max) throw invalid(source, `${where}: ${value} is outside ${spec.min}-${spec.max}`);
    return value;
  }
  const named = spec.names?.[text.toUpperCase()];
  if (named !== undefined) return named;
  if (/^[LW#H]|[LW#H]$|#/i.test(text)) throw invalid(source, `${where}: '${text}' (L, W, # and H) is not supported`);
  const names = spec.names ? ` or ${Object.keys(spec.names)[0]}-${Object.keys(spec.names).at(-1)}` : '';
  throw invalid(source, `${where}: '${text}' is not a number ${spec.min}-${spec.max}${names}`);
}

/**
 * The first instant strictly after `afterMs` at which a cron expression fires
 * on the wall clock of `zone`.
 *
 * Every matching local time fires exactly once, at the first instant at which
 * the zone's clock shows that time or later: a time repeated when clocks go
 * back fires on its first occurrence only; a time skipped when clocks go
 * forward fires at the instant of the jump (`30 2 * * *` in Europe/Berlin
 * fires at 03:00+02:00 on 2026-03-29), several skipped times firing once.
 * Pure.
 * @throws TimeFormatError for an invalid expression, instant or zone.
 */
export function nextCronTime(cron: CronExpression | string, afterMs: number, zone = 'UTC'): number {
  assertInstant(afterMs);
  const expr = typeof cron === 'string' ? parseCron(cron) : cron;
  const clock = ZoneClock.for(zone);
  let from = Math.floor(clock.localOf(afterMs) / 1000) * 1000 + 1000;
  // Candidates in local order resolve to non-decreasing instants; only while
  // the clock repeats an hour can a later local time still be in the past.
  for (;;) {
    const local = nextLocalMatch(expr, from);
    const instant = clock.resolve(local);
    if (instant > afterMs) return instant;
    from = local + 1000;
  }
}

/** The first local time (naive ms, whole seconds) at or after `from` that matches. */
function nextLocalMatch(expr: CronExpression, from: number): number {
  let day = Math.floor(from / DAY_MS);
  let secondOfDay = Math.floor((from - day * DAY_MS) / 1000);
  const lastDay = day + SEARCH_DAYS;
  while (day <= lastDay) {
    const { year, month, day: dayOfMonth } = civilDateOf(day);
    if (!expr.months.includes(month)) {
      day = epochDayOf(month === 12 ? year + 1 : year, month === 12 ? 1 : month + 1, 1);
      secondOfDay = 0;
      continue;
    }
    if (dayMatches(expr, dayOfMonth, isoWeekdayOf(day) % 7)) {
      const time = nextTimeOfDay(expr, secondOfDay);
      if (time !== null) return day * DAY_MS + time * 1000;
    }
    day += 1;
    secondOfDay = 0;
  }
  // parseCron rejects expressions that never fire, so this is unreachable.
  throw new TimeFormatError(`Cron expression '${expr.source}' does not fire within ${SEARCH_DAYS} days`, {
    value: expr.source,
    expected: 'an expression that fires',
  });
}

function dayMatches(expr: CronExpression, dayOfMonth: number, dayOfWeek: number): boolean {
  const domMatch = expr.daysOfMonth.includes(dayOfMonth);
  const dowMatch = expr.daysOfWeek.includes(dayOfWeek);
  if (expr.dayOfMonthRestricted && expr.dayOfWeekRestricted) return domMatch || dowMatch;
  return domMatch && dowMatch;
}

function nextTimeOfDay(expr: CronExpression, secondOfDay: number): number | null {
  const h = Math.floor(secondOfDay / 3600);
  const m = Math.floor(secondOfDay / 60) % 60;
  const s = secondOfDay % 60;
  for (const hour of expr.hours) {
    if (hour < h) continue;
    for (const minute of expr.minutes) {
      if (hour === h && minute < m) continue;
      for (const second of expr.seconds) {
        if (hour === h && minute === m && second < s) continue;
        return (hour * 60 + minute) * 60 + second;
      }
    }
  }
  return null;
}
