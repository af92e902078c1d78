import { CronExpressionParser } from 'cron-parser';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TimeFormatError } from '../../src/errors.js';
import { type CronExpression, formatDateTime, nextCronTime, parseCron, parseDateTime } from '../../src/time/index.js';
import { minuteOf, minutesWithMaxClock } from './support.js';

const range = (from: number, to: number, step = 1) => Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step);

/** The due times of a cron expression after an instant, formatted in the zone. */
function firings(cron: string, after: string, zone: string, count: number): string[] {
  const result: string[] = [];
  let t = parseDateTime(after, zone);
  for (let i = 0; i < count; i++) {
    t = nextCronTime(cron, t, zone);
    result.push(formatDateTime(t, zone));
  }
  return result;
}

describe('parseCron', () => {
  it.each<[string, Partial<CronExpression>]>([
    ['0 9 * * MON-FRI', { seconds: [0], minutes: [0], hours: [9], daysOfWeek: [1, 2, 3, 4, 5], dayOfMonthRestricted: false, dayOfWeekRestricted: true }],
    ['*/15 * * * *', { minutes: [0, 15, 30, 45], hours: range(0, 23) }],
    ['0 0 1,15 * *', { daysOfMonth: [1, 15], months: range(1, 12), dayOfMonthRestricted: true, dayOfWeekRestricted: false }],
    ['5-10/2 * * * *', { minutes: [5, 7, 9] }],
    ['10/20 * * * *', { minutes: [10, 30, 50] }],
    ['0 12 * JAN,jul *', { months: [1, 7] }],
    ['0 0 * * 7', { daysOfWeek: [0] }],
    ['0 0 * * 5-7', { daysOfWeek: [0, 5, 6] }],
    ['0 0 * * MON-SUN', { daysOfWeek: range(0, 6) }],
    ['0 0 * * sun,Sat', { daysOfWeek: [0, 6] }],
    ['30 0 9 * * *', { seconds: [30], minutes: [0], hours: [9] }],
    ['0 0 9 ? * MON', { seconds: [0], hours: [9], daysOfWeek: [1], dayOfMonthRestricted: false }],
    ['0 0 */10 * *', { daysOfMonth: [1, 11, 21, 31], dayOfMonthRestricted: false }],
    ['@daily', { source: '@daily', minutes: [0], hours: [0], daysOfMonth: range(1, 31) }],
    ['@hourly', { minutes: [0], hours: range(0, 23) }],
    ['@weekly', { daysOfWeek: [0], dayOfWeekRestricted: true }],
    ['@monthly', { daysOfMonth: [1] }],
    ['@yearly', { daysOfMonth: [1], months: [1] }],
    ['  0   9 * *  1-5 ', { source: '0 9 * * 1-5', daysOfWeek: [1, 2, 3, 4, 5] }],
  ])('should read %j', (text, expected) => {
    // given a valid cron expression
    // when it is parsed
    const cron = parseCron(text);
    // then each field holds the values it allows
    expect(cron).toMatchObject(expected);
  });

  it.each<[string, string]>([
    ['0 9 * *', 'it has 4 field(s)'],
    ['0 0 9 * * * 2026', 'it has 7 field(s)'],
    ['60 * * * *', "minute '60': 60 is outside 0-59"],
    ['0 24 * * *', "hour '24': 24 is outside 0-23"],
    ['0 0 0 * *', "day-of-month '0': 0 is outside 1-31"],
    ['0 0 * 13 *', "month '13': 13 is outside 1-12"],
    ['0 0 * * 8', "day-of-week '8': 8 is outside 0-7"],
    ['0 9 * * MON-FRX', "day-of-week 'MON-FRX': 'FRX' is not a number 0-7 or SUN-SAT"],
    ['*/0 * * * *', "step '0' must be a positive number"],
    ['5-1 * * * *', "range '5-1' runs backwards"],
    ['0 0 L * *', 'is not supported'],
    ['0 0 15W * *', 'is not supported'],
    ['0 0 * * 1#2', 'is not supported'],
    ['H 0 * * *', 'is not supported'],
    ['0 0 30 2 *', 'it never fires'],
    ['0 0 31 4,6 *', 'it never fires'],
    ['@reboot', "unknown macro '@reboot'"],
    [', * * * *', 'empty list item'],
    ['? * * * *', "minute '?'"],
    ['a b c d e', "minute 'a'"],
    ['1/2/3 * * * *', "more than one '/'"],
  ])('should refuse %j with a TimeFormatError naming it (%s)', (text, reason) => {
    // given an invalid cron expression
    // when it is parsed
    const parse = () => parseCron(text);
    // then a TimeFormatError names the expression and the field
    expect(parse).toThrow(TimeFormatError);
    expect(parse).toThrow(`Invalid cron expression '${text}'`);
    expect(parse).toThrow(reason);
  });
});

describe('nextCronTime', () => {
  it('should fire on weekday mornings and skip the weekend', () => {
    // given weekday mornings in Shanghai and a Friday evening
    // when the next firings are computed
    const times = firings('0 9 * * MON-FRI', '2026-11-20T17:30', 'Asia/Shanghai', 3);
    // then Monday, Tuesday and Wednesday 09:00
    expect(times).toEqual(['2026-11-23T09:00:00+08:00', '2026-11-24T09:00:00+08:00', '2026-11-25T09:00:00+08:00']);
  });

  it('should fire strictly after the given instant', () => {
    // given an instant that is itself a match
    const nine = parseDateTime('2026-11-23T09:00', 'Asia/Shanghai');
    // when the next firing is computed
    // then it is the next match, not the instant itself
    expect(formatDateTime(nextCronTime('0 9 * * MON-FRI', nine, 'Asia/Shanghai'), 'Asia/Shanghai')).toBe('2026-11-24T09:00:00+08:00');
    expect(nextCronTime('0 9 * * MON-FRI', nine - 1, 'Asia/Shanghai')).toBe(nine);
  });

  it('should match either day field when both are restricted (Vixie OR rule)', () => {
    // given the 1st of the month or any Monday
    // when the firings after Tuesday 2026-11-24 are computed
    const times = firings('0 9 1 * MON', '2026-11-24T12:00Z', 'UTC', 3);
    // then Monday 30th, Tuesday 1st, Monday 7th
    expect(times).toEqual(['2026-11-30T09:00:00Z', '2026-12-01T09:00:00Z', '2026-12-07T09:00:00Z']);
  });

  it('should require both day fields when one starts with * (Vixie)', () => {
    // given odd days of the month that are Mondays
    // when the firings after 2026-11-01 are computed
    const times = firings('0 9 */2 * MON', '2026-11-01T00:00Z', 'UTC', 2);
    // then only Mondays on odd dates
    expect(times).toEqual(['2026-11-09T09:00:00Z', '2026-11-23T09:00:00Z']);
  });

  it('should find 29 February years ahead', () => {
    // given a leap-day expression
    // when the next firing after March 2026 is computed
    // then it is in 2028
    expect(firings('0 0 29 2 *', '2026-03-01T00:00Z', 'UTC', 1)).toEqual(['2028-02-29T00:00:00Z']);
  });

  it('should count seconds in a 6-field expression', () => {
    // given every 10 seconds
    // when the firings after 09:00:05.5 are computed
    // then 09:00:10 and 09:00:20
    expect(firings('*/10 * * * * *', '2026-01-05T09:00:05.500Z', 'UTC', 2)).toEqual(['2026-01-05T09:00:10Z', '2026-01-05T09:00:20Z']);
  });

  it('should fire a time skipped by the spring DST jump at the jump, once', () => {
    // given 02:30 daily in Berlin, where 2026-03-29 jumps from 02:00 to 03:00
    // when the firings around the jump are computed
    const times = firings('30 2 * * *', '2026-03-28T12:00', 'Europe/Berlin', 3);
    // then 03:00 on the day of the jump, 02:30 on the others
    expect(times).toEqual(['2026-03-29T03:00:00+02:00', '2026-03-30T02:30:00+02:00', '2026-03-31T02:30:00+02:00']);
  });

  it('should fire a repeated time on its first occurrence only', () => {
    // given 02:30 daily in Berlin, where 2026-10-25 repeats 02:00-03:00
    // when the firings around the repeat are computed
    const times = firings('30 2 * * *', '2026-10-24T12:00', 'Europe/Berlin', 2);
    // then the first 02:30 (summer time), then the next day
    expect(times).toEqual(['2026-10-25T02:30:00+02:00', '2026-10-26T02:30:00+01:00']);
  });

  it('should fire every half hour through both DST changes without duplicates', () => {
    // given every 30 minutes in Berlin
    // when the firings through the spring jump and the autumn repeat are computed
    const spring = firings('*/30 * * * *', '2026-03-29T01:40', 'Europe/Berlin', 3);
    const autumn = firings('*/30 * * * *', '2026-10-25T01:40+02:00', 'Europe/Berlin', 4);
    // then skipped times collapse into the jump and repeated ones fire once
    expect(spring).toEqual(['2026-03-29T03:00:00+02:00', '2026-03-29T03:30:00+02:00', '2026-03-29T04:00:00+02:00']);
    expect(autumn).toEqual([
      '2026-10-25T02:00:00+02:00',
      '2026-10-25T02:30:00+02:00',
      '2026-10-25T03:00:00+01:00',
      '2026-10-25T03:30:00+01:00',
    ]);
  });

  it('should refuse an unknown zone with a TimeFormatError', () => {
    // given an unknown zone
    // when a cron is evaluated in it
    // then it is refused
    expect(() => nextCronTime('0 9 * * *', 0, 'Nowhere/City')).toThrow(TimeFormatError);
  });

  const field = (values: number[], min: number, max: number, stepsFromStar: boolean) =>
    fc.oneof(
      fc.constant('*'),
      fc.constantFrom(...values).map(String),
      fc.tuple(fc.integer({ min, max }), fc.integer({ min, max })).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
      fc
        .tuple(fc.integer({ min, max }), fc.integer({ min, max }), fc.integer({ min: 1, max: 5 }))
        .map(([a, b, s]) => `${Math.min(a, b)}-${Math.max(a, b)}/${s}`),
      fc.uniqueArray(fc.integer({ min, max }), { minLength: 2, maxLength: 4 }).map((list) => list.join(',')),
      ...(stepsFromStar ? [fc.integer({ min: 2, max: 15 }).map((s) => `*/${s}`)] : []),
    );

  it('should agree with cron-parser in UTC', () => {
    fc.assert(
      fc.property(
        field(range(0, 59), 0, 59, true),
        field(range(0, 23), 0, 23, true),
        field(range(1, 28), 1, 28, false),
        field(range(1, 12), 1, 12, true),
        field(range(0, 6), 0, 6, false),
        fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }),
        (minute, hour, dom, month, dow, after) => {
          // given a random expression and instant
          const text = `${minute} ${hour} ${dom} ${month} ${dow}`;
          // when both evaluate it in UTC
          const expected = CronExpressionParser.parse(text, { currentDate: new Date(after), tz: 'UTC' }).next().getTime();
          // then they agree
          expect(nextCronTime(text, after, 'UTC')).toBe(expected);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('should fire when the clock first reaches a matching minute, in zones with DST (brute force)', () => {
    const zones = ['Europe/Berlin', 'America/New_York', 'America/Santiago', 'Australia/Lord_Howe'];
    // instants around the 2026 DST changes of those zones
    const changes = ['2026-03-08', '2026-03-29', '2026-04-05', '2026-09-06', '2026-10-04', '2026-10-25', '2026-11-01'].map((d) =>
      parseDateTime(d),
    );
    const minuteSet = fc.oneof(
      fc.constant(range(0, 59)),
      fc.integer({ min: 5, max: 30 }).map((s) => range(0, 59, s)),
      fc.uniqueArray(fc.integer({ min: 0, max: 59 }), { minLength: 1, maxLength: 3 }),
    );
    const hourSet = fc.oneof(fc.constant(range(0, 23)), fc.uniqueArray(fc.integer({ min: 0, max: 23 }), { minLength: 1, maxLength: 4 }));
    const daySet = fc.oneof(fc.constant(range(0, 6)), fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 3 }));
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.constantFrom(...changes),
        fc.integer({ min: -2 * 1440, max: 2 * 1440 }),
        minuteSet,
        hourSet,
        daySet,
        (zone, change, offsetMinutes, minutes, hours, days) => {
          // given a cron of minutes, hours and weekdays and a minute near a DST change
          const text = `${minutes.join(',')} ${hours.join(',')} * * ${days.join(',')}`;
          const after = minuteOf(change + offsetMinutes * 60_000);
          // when it is evaluated
          const actual = nextCronTime(text, after, zone);
          // then it is the first minute at which the highest clock reading so far passes a matching local minute
          const matches = (local: number) => {
            const d = new Date(local);
            return minutes.includes(d.getUTCMinutes()) && hours.includes(d.getUTCHours()) && days.includes(d.getUTCDay());
          };
          let expected: number | undefined;
          for (const [m, max, previous] of minutesWithMaxClock(zone, after + 60_000, after + 9 * 86_400_000)) {
            for (let local = minuteOf(previous) + 60_000; local <= max; local += 60_000) {
              if (local > previous && matches(local)) expected = m;
            }
            if (expected !== undefined) break;
          }
          expect(expected).toBeDefined();
          expect(actual).toBe(expected);
        },
      ),
      { numRuns: 150 },
    );
  });
});
