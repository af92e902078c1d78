import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TimeFormatError } from '../../src/errors.js';
import {
  BusinessCalendar,
  CalendarError,
  type DueOptions,
  type TimerKind,
  type TimerSpec,
  assertTimerSpec,
  firstDue,
  formatDateTime,
  formatTimer,
  nextDue,
  parseDateTime,
  parseDuration,
  parseTimer,
} from '../../src/time/index.js';
import office from './fixtures/office.calendar.json';

const SHANGHAI = 'Asia/Shanghai';
const HOUR = 3_600_000;
const at = (text: string, zone = 'UTC') => parseDateTime(text, zone);
const officeCalendar = BusinessCalendar.from(office);

/** All due times of a timer started at `from`, at most `limit`. */
function schedule(spec: TimerSpec, from: number, limit: number, options: DueOptions = {}): number[] {
  const result: number[] = [];
  let due = firstDue(spec, from, options);
  while (due !== null && result.length < limit) {
    result.push(due);
    due = nextDue(spec, due, result.length, options);
  }
  return result;
}

const inZone = (zone: string) => (t: number) => formatDateTime(t, zone);

describe('parseTimer', () => {
  it.each<[TimerKind, string, string | undefined, TimerSpec]>([
    ['timeDuration', 'PT2H', undefined, { kind: 'duration', duration: { hours: 2 } }],
    ['timeDuration', ' P1D\n', undefined, { kind: 'duration', duration: { days: 1 } }],
    ['timeDate', '2026-01-05T09:00+08:00', undefined, { kind: 'date', at: Date.UTC(2026, 0, 5, 1) }],
    ['timeDate', '2026-01-05T09:00', SHANGHAI, { kind: 'date', at: Date.UTC(2026, 0, 5, 1) }],
    ['timeCycle', 'R5/PT1H', undefined, { kind: 'cycle', repetitions: 5, interval: { hours: 1 } }],
    ['timeCycle', 'R/PT4H', undefined, { kind: 'cycle', repetitions: null, interval: { hours: 4 } }],
    ['timeCycle', 'R0/PT1H', undefined, { kind: 'cycle', repetitions: 0, interval: { hours: 1 } }],
    [
      'timeCycle',
      'R3/2026-01-05T09:00+08:00/P1D',
      undefined,
      { kind: 'cycle', repetitions: 3, start: Date.UTC(2026, 0, 5, 1), interval: { days: 1 } },
    ],
    ['timeCycle', 'R3/2026-01-05T09:00/P1D', SHANGHAI, { kind: 'cycle', repetitions: 3, start: Date.UTC(2026, 0, 5, 1), interval: { days: 1 } }],
    ['timeCycle', 'R/P1D/2026-12-31T00:00Z', undefined, { kind: 'cycle', repetitions: null, interval: { days: 1 }, end: Date.UTC(2026, 11, 31) }],
    ['timeCycle', '0 9 * * MON-FRI', undefined, { kind: 'cycle', repetitions: null, cron: '0 9 * * MON-FRI' }],
    ['timeCycle', '0 0 9 * * MON-FRI', undefined, { kind: 'cycle', repetitions: null, cron: '0 0 9 * * MON-FRI' }],
    ['timeCycle', '@daily', undefined, { kind: 'cycle', repetitions: null, cron: '@daily' }],
  ])('should read %s %j', (kind, text, zone, expected) => {
    // given the text of a BPMN timer definition
    // when it is parsed
    const spec = parseTimer(kind, text, zone);
    // then it is the expected spec, and it survives JSON
    expect(spec).toEqual(expected);
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
  });

  it.each<[TimerKind, string, string]>([
    ['timeDuration', 'PT2X', "Invalid ISO 8601 duration 'PT2X'"],
    ['timeDuration', '2026-01-05T09:00Z', "Invalid ISO 8601 duration '2026-01-05T09:00Z'"],
    ['timeDate', 'tomorrow', "Invalid ISO 8601 date-time 'tomorrow'"],
    ['timeDate', 'PT1H', "Invalid ISO 8601 date-time 'PT1H'"],
    ['timeCycle', 'PT1H', "Invalid timer cycle 'PT1H': it is neither"],
    ['timeCycle', 'R5', "Invalid timer cycle 'R5'"],
    ['timeCycle', 'R5/', "Invalid timer cycle 'R5/'"],
    ['timeCycle', 'Rx/PT1H', "Invalid timer cycle 'Rx/PT1H'"],
    ['timeCycle', 'R5/PT0S', 'the interval must be longer than zero'],
    ['timeCycle', 'R5/PT2X', "Invalid timer cycle 'R5/PT2X': Invalid ISO 8601 duration 'PT2X'"],
    ['timeCycle', 'R/PT1H/2026-13-01T00:00Z', "Invalid timer cycle 'R/PT1H/2026-13-01T00:00Z': Invalid ISO 8601 date-time"],
    ['timeCycle', 'R/2026-01-05T09:00Z/2026-01-06T09:00Z', 'start/end intervals are not supported'],
    ['timeCycle', 'R5/PT1H/PT2H', 'expected R[n]/duration'],
    ['timeCycle', 'R/2026-01-05T09:00Z/P1D/PT1H', 'expected R[n]/duration'],
    ['timeCycle', '0 9 * *', "Invalid timer cycle '0 9 * *': it is neither"],
    ['timeCycle', '0 9 * * MON-FRX', "Invalid cron expression '0 9 * * MON-FRX'"],
    ['timeCycle', '', "Invalid timer cycle ''"],
  ])('should refuse %s %j with a TimeFormatError naming it', (kind, text, message) => {
    // given a malformed timer text
    // when it is parsed
    const parse = () => parseTimer(kind, text);
    // then a TimeFormatError names the value
    expect(parse).toThrow(TimeFormatError);
    expect(parse).toThrow(message);
  });

  it('should refuse an unknown timer kind with a TimeFormatError', () => {
    // given a kind that is not a BPMN timer element
    // when text is parsed as it
    const parse = () => parseTimer('timeSpan' as TimerKind, 'PT1H');
    // then the kind is named
    expect(parse).toThrow(TimeFormatError);
    expect(parse).toThrow("Unknown timer kind 'timeSpan'");
  });

  it.each<[TimerKind, string]>([
    ['timeDuration', 'P1DT2H'],
    ['timeDate', '2026-01-05T01:00:00Z'],
    ['timeCycle', 'R5/PT1H'],
    ['timeCycle', 'R/PT4H'],
    ['timeCycle', 'R3/2026-01-05T01:00:00Z/P1D'],
    ['timeCycle', 'R/P1D/2026-12-31T00:00:00Z'],
    ['timeCycle', '0 9 * * MON-FRI'],
  ])('should write %s %s back as the same text', (kind, text) => {
    // given a parsed timer
    // when it is formatted
    // then the text comes back
    expect(formatTimer(parseTimer(kind, text))).toBe(text);
  });
});

describe('assertTimerSpec', () => {
  it.each<[unknown, string]>([
    [null, 'expected an object'],
    [{ kind: 'later' }, "unknown kind 'later'"],
    [{ kind: 'date', at: '2026-01-05' }, 'at must be epoch milliseconds'],
    [{ kind: 'duration', duration: { hours: -1 } }, 'hours must be a non-negative finite number'],
    [{ kind: 'cycle', repetitions: -1, interval: { hours: 1 } }, 'repetitions must be'],
    [{ kind: 'cycle', repetitions: null }, 'needs an interval or a cron expression'],
    [{ kind: 'cycle', repetitions: null, interval: {} }, 'longer than zero'],
    [{ kind: 'cycle', repetitions: null, cron: '0 9 * * *', interval: { hours: 1 } }, 'a cron cycle has no interval'],
    [{ kind: 'cycle', repetitions: null, cron: '0 99 * * *' }, "Invalid cron expression '0 99 * * *'"],
  ])('should refuse %j with a TimeFormatError', (spec, message) => {
    // given malformed timer data
    // when it is checked
    // then it is refused with the reason
    expect(() => assertTimerSpec(spec)).toThrow(TimeFormatError);
    expect(() => assertTimerSpec(spec)).toThrow(message);
  });
});

describe('firstDue and nextDue', () => {
  it('should fire a duration once, that long after the start', () => {
    // given PT2H started at 09:00
    const spec = parseTimer('timeDuration', 'PT2H');
    // when its schedule is computed
    // then it fires once at 11:00
    expect(schedule(spec, at('2026-01-05T09:00Z'), 10)).toEqual([at('2026-01-05T11:00Z')]);
  });

  it('should count a duration in working time with a calendar', () => {
    // given a normal complaint received Friday 17:30 with a PT2H working-time first response
    const spec = parseTimer('timeDuration', 'PT2H');
    // when it is due on the office calendar
    const due = firstDue(spec, at('2026-11-20T17:30', SHANGHAI), { calendar: officeCalendar });
    // then Monday 10:30
    expect(formatDateTime(due as number, SHANGHAI)).toBe('2026-11-23T10:30:00+08:00');
  });

  it('should fire a date once, even when it is already past', () => {
    // given a date before the timer starts
    const spec = parseTimer('timeDate', '2026-01-05T09:00Z');
    // when its schedule is computed
    // then it fires once at the date (due at once)
    expect(schedule(spec, at('2026-02-01T00:00Z'), 10)).toEqual([at('2026-01-05T09:00Z')]);
  });

  it('should keep a date absolute with a calendar', () => {
    // given a date on a Sunday
    const spec = parseTimer('timeDate', '2026-11-22T12:00', SHANGHAI);
    // when it is due on the office calendar
    // then it is that Sunday instant
    expect(firstDue(spec, 0, { calendar: officeCalendar })).toBe(at('2026-11-22T12:00', SHANGHAI));
  });

  it('should fire R5/PT1H exactly 5 times, an hour apart', () => {
    // given R5/PT1H started at t
    const t = at('2026-01-05T09:00Z');
    // when its schedule is computed
    const times = schedule(parseTimer('timeCycle', 'R5/PT1H'), t, 100);
    // then t+1h … t+5h and no more
    expect(times).toEqual([1, 2, 3, 4, 5].map((h) => t + h * HOUR));
  });

  it('should fire R/PT1H without end at t+1h, t+2h, …', () => {
    // given R/PT1H started at t
    const t = at('2026-01-05T09:17:00Z');
    // when 79 firings are computed
    const times = schedule(parseTimer('timeCycle', 'R/PT1H'), t, 79);
    // then each is a whole number of hours after t, and more would come
    expect(times).toEqual(Array.from({ length: 79 }, (_, i) => t + (i + 1) * HOUR));
    expect(nextDue(parseTimer('timeCycle', 'R/PT1H'), times[78], 79)).toBe(t + 80 * HOUR);
  });

  it('should never fire R0', () => {
    // given zero repetitions
    // when its first due time is computed
    // then there is none
    expect(firstDue(parseTimer('timeCycle', 'R0/PT1H'), 0)).toBeNull();
  });

  it('should fire R3/<start>/P1D at the start and on the two following days', () => {
    // given three daily firings from a start
    const spec = parseTimer('timeCycle', 'R3/2026-01-05T09:00+08:00/P1D');
    // when started before the start
    const times = schedule(spec, at('2026-01-01T00:00Z'), 10).map(inZone(SHANGHAI));
    // then start, +1 day, +2 days
    expect(times).toEqual(['2026-01-05T09:00:00+08:00', '2026-01-06T09:00:00+08:00', '2026-01-07T09:00:00+08:00']);
  });

  it('should skip occurrences of a started series that are already past', () => {
    // given R3/<start>/P1D started between the second and third occurrence
    const spec = parseTimer('timeCycle', 'R3/2026-01-05T09:00+08:00/P1D');
    // when its schedule is computed
    const times = schedule(spec, at('2026-01-06T12:00', SHANGHAI), 10).map(inZone(SHANGHAI));
    // then only the third fires
    expect(times).toEqual(['2026-01-07T09:00:00+08:00']);
    expect(firstDue(spec, at('2026-01-07T09:00:01', SHANGHAI))).toBeNull();
  });

  it('should anchor a started monthly series on its start so month ends do not drift', () => {
    // given a monthly cycle from 31 January
    const spec = parseTimer('timeCycle', 'R/2026-01-31T10:00Z/P1M');
    // when its schedule is computed
    const times = schedule(spec, at('2026-01-01T00:00Z'), 4).map(inZone('UTC'));
    // then each is start + k months, clamped to the month's end
    expect(times).toEqual(['2026-01-31T10:00:00Z', '2026-02-28T10:00:00Z', '2026-03-31T10:00:00Z', '2026-04-30T10:00:00Z']);
    expect(formatDateTime(firstDue(spec, at('2026-03-01T00:00Z')) as number)).toBe('2026-03-31T10:00:00Z');
  });

  it('should keep a daily cycle at the same local time across DST with a zone', () => {
    // given a daily cycle at 09:00 Berlin time across the spring change
    const spec = parseTimer('timeCycle', 'R4/2026-03-27T09:00/P1D', 'Europe/Berlin');
    // when its schedule is computed in Berlin
    const times = schedule(spec, 0, 10, { zone: 'Europe/Berlin' }).map(inZone('Europe/Berlin'));
    // then always 09:00 local
    expect(times).toEqual([
      '2026-03-27T09:00:00+01:00',
      '2026-03-28T09:00:00+01:00',
      '2026-03-29T09:00:00+02:00',
      '2026-03-30T09:00:00+02:00',
    ]);
  });

  it('should stop an interval/end cycle at its end', () => {
    // given R/P1D/<end>
    const spec = parseTimer('timeCycle', 'R/P1D/2026-01-08T09:00Z');
    // when started at 2026-01-05T09:00Z
    const times = schedule(spec, at('2026-01-05T09:00Z'), 10).map(inZone('UTC'));
    // then daily up to and including the end
    expect(times).toEqual(['2026-01-06T09:00:00Z', '2026-01-07T09:00:00Z', '2026-01-08T09:00:00Z']);
  });

  it('should fire a cron cycle on weekday mornings in the calendar zone, unbounded', () => {
    // given weekday mornings and a Friday-evening start
    const spec = parseTimer('timeCycle', '0 9 * * MON-FRI');
    // when scheduled with the office calendar (cron stays absolute, in its zone)
    const times = schedule(spec, at('2026-11-20T17:30', SHANGHAI), 6, { calendar: officeCalendar }).map(inZone(SHANGHAI));
    // then every weekday at 09:00 Shanghai time, holidays included (cron is not working time)
    expect(times).toEqual([
      '2026-11-23T09:00:00+08:00',
      '2026-11-24T09:00:00+08:00',
      '2026-11-25T09:00:00+08:00',
      '2026-11-26T09:00:00+08:00',
      '2026-11-27T09:00:00+08:00',
      '2026-11-30T09:00:00+08:00',
    ]);
    expect(firstDue(spec, at('2026-09-30T10:00', SHANGHAI), { calendar: officeCalendar })).toBe(at('2026-10-01T09:00', SHANGHAI));
  });

  it('should honour repetitions and an end set on a cron cycle in data', () => {
    // given a cron cycle limited to two firings, and one ending on Tuesday noon
    const twice: TimerSpec = { kind: 'cycle', repetitions: 2, cron: '0 9 * * *' };
    const untilTuesday: TimerSpec = { kind: 'cycle', repetitions: null, cron: '0 9 * * *', end: at('2026-11-24T12:00Z') };
    // when their schedules are computed from Sunday
    // then two firings each
    expect(schedule(twice, at('2026-11-22T00:00Z'), 10)).toEqual([at('2026-11-22T09:00Z'), at('2026-11-23T09:00Z')]);
    expect(schedule(untilTuesday, at('2026-11-23T00:00Z'), 10)).toEqual([at('2026-11-23T09:00Z'), at('2026-11-24T09:00Z')]);
  });

  it('should use the zone option over the calendar zone for cron', () => {
    // given weekday mornings evaluated in UTC explicitly
    const spec = parseTimer('timeCycle', '0 9 * * MON-FRI');
    // when scheduled with the office calendar but zone UTC
    const due = firstDue(spec, at('2026-11-20T17:30Z'), { calendar: officeCalendar, zone: 'UTC' });
    // then 09:00 UTC on Monday
    expect(formatDateTime(due as number)).toBe('2026-11-23T09:00:00Z');
  });

  it('should repeat R/PT4H every 4 working hours on the office calendar', () => {
    // given an approval step overdue at Monday 18:00 (P1D after Monday 09:00)
    const created = at('2026-11-23T09:00', SHANGHAI);
    const breach = firstDue(parseTimer('timeDuration', 'P1D'), created, { calendar: officeCalendar }) as number;
    // when reminders repeat every 4 working hours from the breach
    const reminders = schedule(parseTimer('timeCycle', 'R/PT4H'), breach, 4, { calendar: officeCalendar }).map(inZone(SHANGHAI));
    // then Tuesday 14:00, Tuesday 18:00, Wednesday 14:00, Wednesday 18:00
    expect(formatDateTime(breach, SHANGHAI)).toBe('2026-11-23T18:00:00+08:00');
    expect(reminders).toEqual([
      '2026-11-24T14:00:00+08:00',
      '2026-11-24T18:00:00+08:00',
      '2026-11-25T14:00:00+08:00',
      '2026-11-25T18:00:00+08:00',
    ]);
  });

  it('should skip the holiday week in a working-time cycle', () => {
    // given R3/PT4H started on 2026-09-30 16:00 with the office calendar
    const times = schedule(parseTimer('timeCycle', 'R3/PT4H'), at('2026-09-30T16:00', SHANGHAI), 10, {
      calendar: officeCalendar,
    }).map(inZone(SHANGHAI));
    // then the national-day week is skipped
    expect(times).toEqual(['2026-10-08T11:00:00+08:00', '2026-10-08T16:00:00+08:00', '2026-10-09T11:00:00+08:00']);
  });

  it('should start a started working-time series at its (absolute) start', () => {
    // given R3/<Monday 08:00>/PT4H on the office calendar
    const spec = parseTimer('timeCycle', 'R3/2026-11-23T08:00/PT4H', SHANGHAI);
    // when its schedule is computed
    const times = schedule(spec, 0, 10, { calendar: officeCalendar }).map(inZone(SHANGHAI));
    // then 08:00 (absolute), then 4 and 8 working hours after the next working instant
    expect(times).toEqual(['2026-11-23T08:00:00+08:00', '2026-11-23T14:00:00+08:00', '2026-11-23T18:00:00+08:00']);
  });

  it('should find the same occurrence from any start as by firing through the series', () => {
    const berlin = BusinessCalendar.from({ name: 'berlin', zone: 'Europe/Berlin', hours: { mon: ['08:00-16:30'], wed: ['02:00-03:30'], sat: ['10:00-11:00'] } });
    const intervals = ['PT1H', 'PT3H', 'PT45M', 'P1D', 'P1W', 'P1M', 'P2D'];
    fc.assert(
      fc.property(
        fc.constantFrom(...intervals),
        fc.boolean(),
        fc.integer({ min: at('2026-01-01T00:00Z'), max: at('2026-12-01T00:00Z') }),
        fc.integer({ min: 0, max: 15 * 86_400_000 }),
        (interval, withCalendar, start, delay) => {
          // given a started series, with or without a calendar
          const options: DueOptions = withCalendar ? { calendar: berlin } : { zone: 'Europe/Berlin' };
          if (withCalendar && interval === 'P1M') return;
          const spec: TimerSpec = { kind: 'cycle', repetitions: null, start, interval: parseDuration(interval) };
          const from = start + delay;
          // when the first due time after `from` is computed directly
          const direct = firstDue(spec, from, options);
          // then it is the first occurrence at or after `from` when firing through the series
          let due = firstDue(spec, start, options) as number;
          for (let n = 1; due < from; n++) due = nextDue(spec, due, n, options) as number;
          expect(direct).toBe(due);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('should refuse a monthly interval in working time with a CalendarError', () => {
    // given a monthly cycle
    const spec = parseTimer('timeCycle', 'R/P1M');
    // when it is due on a calendar
    const due = () => firstDue(spec, 0, { calendar: officeCalendar });
    // then working time cannot count months
    expect(due).toThrow(CalendarError);
    expect(due).toThrow("calendar 'office': 'P1M' cannot be counted in working time");
  });

  it('should refuse a negative fired count with a TimeFormatError', () => {
    // given a cycle
    const spec = parseTimer('timeCycle', 'R/PT1H');
    // when the next due time is asked with a negative count
    // then it is refused
    expect(() => nextDue(spec, 0, -1)).toThrow(TimeFormatError);
    expect(() => nextDue(spec, 0, -1)).toThrow("Invalid fired count '-1'");
  });

  it('should refuse an unknown zone option with a TimeFormatError', () => {
    // given a duration timer
    const spec = parseTimer('timeDuration', 'P1D');
    // when due in an unknown zone
    // then the zone is named
    expect(() => firstDue(spec, 0, { zone: 'Europe/Paaris' })).toThrow(TimeFormatError);
    expect(() => firstDue(spec, 0, { zone: 'Europe/Paaris' })).toThrow("Unknown time zone 'Europe/Paaris'");
  });
});
