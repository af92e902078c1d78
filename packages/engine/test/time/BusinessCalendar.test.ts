import { describe, expect, it } from 'vitest';
import examples from '../../../../examples/calendars.json';
import { SopflowError } from '../../src/errors.js';
import { BusinessCalendar, CalendarError, type CalendarSpec, formatDateTime, parseDateTime } from '../../src/time/index.js';
import office from './fixtures/office.calendar.json';

const SHANGHAI = 'Asia/Shanghai';
const HOUR = 3_600_000;
const cal = BusinessCalendar.from(office);
const sh = (text: string) => parseDateTime(text, SHANGHAI);
const show = (t: number, zone = SHANGHAI) => formatDateTime(t, zone);
const WEEKDAY_HOURS = ['09:00-12:00', '13:00-18:00'];

describe('BusinessCalendar on the office calendar', () => {
  it.each<[string, string, string, string]>([
    ['a normal complaint received on Friday evening', '2026-11-20T17:30', 'PT2H', '2026-11-23T10:30:00+08:00'],
    ['the reminder 1.5 h after a 09:00 start', '2026-11-23T09:00', 'PT1H30M', '2026-11-23T10:30:00+08:00'],
    ['the breach 2 h after a 09:00 start', '2026-11-23T09:00', 'PT2H', '2026-11-23T11:00:00+08:00'],
    ['1.5 h after an 11:00 start, across lunch', '2026-11-23T11:00', 'PT1H30M', '2026-11-23T13:30:00+08:00'],
    ['2 h after an 11:00 start, across lunch', '2026-11-23T11:00', 'PT2H', '2026-11-23T14:00:00+08:00'],
    ['one working day from Monday 09:00 (8 h)', '2026-11-23T09:00', 'P1D', '2026-11-23T18:00:00+08:00'],
    ['one working day from Monday 10:00', '2026-11-23T10:00', 'P1D', '2026-11-24T10:00:00+08:00'],
    ['two working days from Monday 10:00', '2026-11-23T10:00', 'P2D', '2026-11-25T10:00:00+08:00'],
    ['one working week from Monday 09:00 (5 days)', '2026-11-23T09:00', 'P1W', '2026-11-27T18:00:00+08:00'],
    ['4 h from 2026-09-30 16:00, over the national-day holidays', '2026-09-30T16:00', 'PT4H', '2026-10-08T11:00:00+08:00'],
    ['72 working hours from Wednesday 15:00', '2026-11-25T15:00', 'PT72H', '2026-12-08T15:00:00+08:00'],
    ['3 h from 09:00, ending exactly at the lunch break', '2026-11-23T09:00', 'PT3H', '2026-11-23T12:00:00+08:00'],
    ['a minute from the lunch break', '2026-11-23T12:00', 'PT1M', '2026-11-23T13:01:00+08:00'],
    ['zero from the lunch break', '2026-11-23T12:00', 'PT0S', '2026-11-23T13:00:00+08:00'],
    ['zero from Saturday', '2026-11-21T10:00', 'PT0S', '2026-11-23T09:00:00+08:00'],
    ['zero inside working time', '2026-11-23T10:17', 'PT0S', '2026-11-23T10:17:00+08:00'],
    ['half a second', '2026-11-23T11:59:59.750', 'PT0.5S', '2026-11-23T13:00:00.250+08:00'],
  ])('should add for %s: %s + %s = %s', (_, start, duration, expected) => {
    // given an instant on the office calendar
    // when a working duration is added
    const due = cal.addDuration(sh(start), duration);
    // then only working time is counted
    expect(show(due)).toBe(expected);
  });

  it.each<[string, boolean]>([
    ['2026-11-23T08:59:59.999', false],
    ['2026-11-23T09:00', true],
    ['2026-11-23T11:59:59.999', true],
    ['2026-11-23T12:00', false],
    ['2026-11-23T13:00', true],
    ['2026-11-23T18:00', false],
    ['2026-11-21T10:00', false],
    ['2026-10-05T10:00', false],
    ['2026-10-08T10:00', true],
  ])('should say whether %s is working time (%s)', (instant, working) => {
    // given an instant
    // when asked whether it is working time
    // then interval starts are, ends are not, weekends and holidays are not
    expect(cal.isWorking(sh(instant))).toBe(working);
  });

  it.each<[string, string]>([
    ['2026-11-23T10:00', '2026-11-23T10:00:00+08:00'],
    ['2026-11-23T12:30', '2026-11-23T13:00:00+08:00'],
    ['2026-11-20T18:00', '2026-11-23T09:00:00+08:00'],
    ['2026-09-30T18:00', '2026-10-08T09:00:00+08:00'],
  ])('should give the next working instant after %s as %s', (instant, expected) => {
    // given an instant
    // when the next working instant is asked
    // then it is the instant itself if working, else the next interval start
    expect(show(cal.nextWorkingInstant(sh(instant)))).toBe(expected);
  });

  it.each<[string, string, number]>([
    ['2026-11-20T17:30', '2026-11-23T10:30', 2 * HOUR],
    ['2026-11-23T10:30', '2026-11-20T17:30', -2 * HOUR],
    ['2026-11-23T00:00', '2026-11-28T00:00', 40 * HOUR],
    ['2026-09-28T00:00', '2026-10-11T00:00', 40 * HOUR],
    ['2026-10-01T00:00', '2026-10-08T00:00', 0],
    ['2026-11-23T11:00', '2026-11-23T14:00', 2 * HOUR],
    ['2026-01-01T00:00', '2027-01-01T00:00', (261 - 5) * 8 * HOUR],
  ])('should count the working time from %s to %s', (a, b, expected) => {
    // given two instants
    // when the working time between them is counted
    // then only working hours count, negative when reversed
    expect(cal.workingTimeBetween(sh(a), sh(b))).toBe(expected);
  });

  it('should list working intervals clipped to the range', () => {
    // given a range from Friday 10:00 to Monday 14:00
    // when the working intervals are listed
    const intervals = cal.workingIntervals(sh('2026-11-20T10:00'), sh('2026-11-23T14:00'));
    // then the parts of Friday and Monday, clipped
    expect(intervals.map(({ start, end }) => `${show(start)} ${show(end)}`)).toEqual([
      '2026-11-20T10:00:00+08:00 2026-11-20T12:00:00+08:00',
      '2026-11-20T13:00:00+08:00 2026-11-20T18:00:00+08:00',
      '2026-11-23T09:00:00+08:00 2026-11-23T12:00:00+08:00',
      '2026-11-23T13:00:00+08:00 2026-11-23T14:00:00+08:00',
    ]);
    expect(cal.workingIntervals(sh('2026-11-23T14:00'), sh('2026-11-23T10:00'))).toEqual([]);
  });

  it('should count 8 hours per day by default and give its spec back', () => {
    // given the office calendar
    // when its hours per day and JSON are read
    // then P1D is 8 h and the JSON is the spec
    expect(cal.hoursPerDay).toBe(8);
    expect(cal.durationToWorkingMillis('P1W')).toBe(40 * HOUR);
    expect(JSON.parse(JSON.stringify(cal))).toEqual(office);
    expect(BusinessCalendar.from(cal.toJSON()).addDuration(sh('2026-11-20T17:30'), 'PT2H')).toBe(sh('2026-11-23T10:30'));
  });

  it('should build every calendar in examples/calendars.json', () => {
    // given the example calendars the SOP diagrams name
    // when each is built
    const built = examples.calendars.map((spec) => BusinessCalendar.from(spec));
    // then they work like the office fixture
    expect(built.map((c) => c.name)).toContain('office');
    expect(built.find((c) => c.name === 'office')?.addDuration(sh('2026-09-30T16:00'), 'PT4H')).toBe(sh('2026-10-08T11:00'));
  });
});

describe('BusinessCalendar working-time durations', () => {
  it.each(['P1M', 'P1Y', 'P1Y2M3D'])('should refuse %s with a CalendarError', (duration) => {
    // given a duration with years or months
    // when it is added in working time
    const add = () => cal.addDuration(sh('2026-11-23T09:00'), duration);
    // then it is refused, naming the calendar and the duration
    expect(add).toThrow(CalendarError);
    expect(add).toThrow(`calendar 'office': '${duration}' cannot be counted in working time`);
  });

  it('should take the most common weekday total as the standard day', () => {
    // given four 8-hour days and a 6-hour Friday
    const calendar = BusinessCalendar.from({
      name: 'short-friday',
      zone: 'UTC',
      hours: { mon: ['09:00-17:00'], tue: ['09:00-17:00'], wed: ['09:00-17:00'], thu: ['09:00-17:00'], fri: ['09:00-15:00'] },
    });
    // when P1D is counted
    // then it is 8 working hours
    expect(calendar.hoursPerDay).toBe(8);
    expect(calendar.durationToWorkingMillis('P1D')).toBe(8 * HOUR);
  });

  it('should use hoursPerDay when given', () => {
    // given the office hours with a 7.5-hour working day
    const calendar = BusinessCalendar.from({ ...office, name: 'office-7.5', hoursPerDay: 7.5 });
    // when P1D is added on Monday 09:00
    // then 7.5 working hours later
    expect(show(calendar.addDuration(sh('2026-11-23T09:00'), 'P1D'))).toBe('2026-11-23T17:30:00+08:00');
  });

  it('should refuse days without a standard day with a CalendarError', () => {
    // given a calendar that only has explicit workdays
    const calendar = BusinessCalendar.from({ name: 'events', zone: 'UTC', hours: {}, workdays: [{ date: '2026-05-01', hours: ['10:00-14:00'] }] });
    // when hours and days are added
    // then hours work and days are refused
    expect(calendar.addDuration(Date.UTC(2026, 0, 1), 'PT3H')).toBe(Date.UTC(2026, 4, 1, 13));
    expect(() => calendar.addDuration(0, 'P1D')).toThrow(CalendarError);
    expect(() => calendar.addDuration(0, 'P1D')).toThrow('set hoursPerDay');
  });
});

describe('BusinessCalendar workdays', () => {
  const withWorkdays = BusinessCalendar.from({
    ...office,
    name: 'office-2026',
    workdays: ['2026-09-26', { date: '2026-12-24', hours: ['09:00-12:00'] }, { date: '2026-12-27', hours: ['10:00-11:00', '11:00-12:00'] }],
  });

  it('should give a bare workday the standard day hours', () => {
    // given Saturday 2026-09-26 as a make-up working day
    // when its working intervals are listed
    const intervals = withWorkdays.workingIntervals(sh('2026-09-26T00:00'), sh('2026-09-27T00:00'));
    // then it works 09:00-12:00 and 13:00-18:00
    expect(intervals.map(({ start, end }) => `${show(start)}/${show(end)}`)).toEqual([
      '2026-09-26T09:00:00+08:00/2026-09-26T12:00:00+08:00',
      '2026-09-26T13:00:00+08:00/2026-09-26T18:00:00+08:00',
    ]);
    expect(show(withWorkdays.addDuration(sh('2026-09-25T17:00'), 'PT2H'))).toBe('2026-09-26T10:00:00+08:00');
  });

  it('should replace the weekday hours of a date with its own hours', () => {
    // given Thursday 2026-12-24 as a short day (mornings only)
    // when 4 working hours are added on its morning
    // then the afternoon is skipped
    expect(show(withWorkdays.addDuration(sh('2026-12-24T09:00'), 'PT4H'))).toBe('2026-12-25T10:00:00+08:00');
    expect(withWorkdays.workingTimeBetween(sh('2026-12-24T00:00'), sh('2026-12-25T00:00'))).toBe(3 * HOUR);
  });

  it('should join touching intervals', () => {
    // given Sunday 2026-12-27 with 10:00-11:00 and 11:00-12:00
    // when its working intervals are listed
    const intervals = withWorkdays.workingIntervals(sh('2026-12-27T00:00'), sh('2026-12-28T00:00'));
    // then one interval 10:00-12:00
    expect(intervals).toEqual([{ start: sh('2026-12-27T10:00'), end: sh('2026-12-27T12:00') }]);
  });
});

describe('BusinessCalendar night shifts and DST', () => {
  it('should run a night shift across midnight without a break', () => {
    // given 22:00-24:00 on Monday and 00:00-06:00 on Tuesday
    const night = BusinessCalendar.from({ name: 'night', zone: 'Europe/Berlin', hours: { mon: ['22:00-24:00'], tue: ['00:00-06:00'] } });
    const monday = parseDateTime('2026-11-23T22:00', 'Europe/Berlin');
    // when intervals are listed and time is added across midnight
    // then the shift is one interval and midnight is working time
    expect(night.workingIntervals(monday - HOUR, monday + 10 * HOUR)).toEqual([{ start: monday, end: monday + 8 * HOUR }]);
    expect(night.addWorkingTime(monday, 3 * HOUR)).toBe(monday + 3 * HOUR);
    expect(night.isWorking(monday + 2 * HOUR)).toBe(true);
    expect(night.hoursPerDay).toBe(6);
  });

  it('should give an interval across a DST change its real length', () => {
    // given Sunday 01:00-04:00 in Berlin (2026-03-29 skips 02:00-03:00, 2026-10-25 repeats it)
    const sunday = BusinessCalendar.from({ name: 'sunday-night', zone: 'Europe/Berlin', hours: { sun: ['01:00-04:00'] } });
    const day = (date: string) => sunday.workingTimeBetween(parseDateTime(`${date}T00:00`, 'Europe/Berlin'), parseDateTime(`${date}T12:00`, 'Europe/Berlin'));
    // when the working time of those Sundays is counted
    // then 3 h normally, 2 h when clocks go forward, 4 h when they go back
    expect(day('2026-03-22')).toBe(3 * HOUR);
    expect(day('2026-03-29')).toBe(2 * HOUR);
    expect(day('2026-10-25')).toBe(4 * HOUR);
    expect(show(sunday.addDuration(parseDateTime('2026-03-29T01:00', 'Europe/Berlin'), 'PT1H30M'), 'Europe/Berlin')).toBe('2026-03-29T03:30:00+02:00');
    expect(show(sunday.addDuration(parseDateTime('2026-10-25T01:00', 'Europe/Berlin'), 'PT1H30M'), 'Europe/Berlin')).toBe('2026-10-25T02:30:00+02:00');
    expect(show(sunday.addDuration(parseDateTime('2026-10-25T01:00', 'Europe/Berlin'), 'PT2H30M'), 'Europe/Berlin')).toBe('2026-10-25T02:30:00+01:00');
  });

  it('should start and end intervals at the first instant the clock shows their times', () => {
    // given 01:30-03:00 in New York, where 2026-11-01 repeats 01:00-02:00, and a shift inside the 2026-03-08 gap
    const ny = BusinessCalendar.from({ name: 'ny', zone: 'America/New_York', hours: { sun: ['01:30-03:00'] }, workdays: [{ date: '2026-03-08', hours: ['02:15-02:45', '03:00-04:00'] }] });
    const nyTime = (text: string) => parseDateTime(text);
    // when the working time of those days is counted
    // then 01:30 EDT to 03:00 EST is 2.5 h; a shift entirely in the gap has no working time
    expect(ny.workingTimeBetween(nyTime('2026-11-01T00:00-04:00'), nyTime('2026-11-01T12:00-05:00'))).toBe(2.5 * HOUR);
    expect(ny.workingIntervals(nyTime('2026-03-08T00:00-05:00'), nyTime('2026-03-08T12:00-04:00'))).toEqual([
      { start: nyTime('2026-03-08T03:00-04:00'), end: nyTime('2026-03-08T04:00-04:00') },
    ]);
  });
});

describe('BusinessCalendar limits', () => {
  it('should add ten working years quickly by skipping whole weeks', () => {
    // given ten years of 52 working weeks of 40 hours
    const amount = 10 * 52 * 40 * HOUR;
    const start = sh('2026-01-05T09:00');
    // when they are added
    const began = performance.now();
    const due = cal.addWorkingTime(start, amount);
    const elapsed = performance.now() - began;
    // then the result is consistent and fast
    expect(cal.workingTimeBetween(start, due)).toBe(amount);
    expect(show(due)).toBe('2035-12-28T18:00:00+08:00'); // 520 weeks, plus the 2026 holiday week
    expect(elapsed).toBeLessThan(1000);
  });

  it('should throw a CalendarError instead of searching forever when working time has run out', () => {
    // given a calendar whose only working day is in 2026
    const once = BusinessCalendar.from({ name: 'once', zone: 'UTC', hours: {}, workdays: [{ date: '2026-05-01', hours: ['10:00-14:00'] }] });
    // when working time is searched for after it
    const search = () => once.nextWorkingInstant(Date.UTC(2026, 5, 1));
    // then a CalendarError says so, and counting stays possible
    expect(search).toThrow(CalendarError);
    expect(search).toThrow("calendar 'once' has no working time in the 10 years after 2026-06-01");
    expect(() => once.addWorkingTime(Date.UTC(2026, 0, 1), 5 * HOUR)).toThrow("calendar 'once' has no working time");
    expect(once.workingTimeBetween(Date.UTC(2026, 0, 1), Date.UTC(2050, 0, 1))).toBe(4 * HOUR);
  });

  it('should throw a CalendarError when holidays cover more than ten years', () => {
    // given the office hours with holidays from 2026 to 2040
    const closed = BusinessCalendar.from({ ...office, name: 'closed', holidays: ['2026-01-01..2040-12-31'] });
    // when working time is added
    let error: unknown;
    try {
      closed.addDuration(sh('2026-03-02T09:00'), 'PT1H');
    } catch (e) {
      error = e;
    }
    // then the search stops with a CalendarError
    expect(error).toBeInstanceOf(CalendarError);
    expect((error as CalendarError).code).toBe('calendar.no-working-time');
    expect((error as CalendarError).reason).toBe('no-working-time');
  });

  it.each<[string, () => unknown, string]>([
    ['a negative amount', () => cal.addWorkingTime(0, -1), 'must be a non-negative number'],
    ['an infinite amount', () => cal.addWorkingTime(0, Infinity), 'must be a non-negative number'],
    ['a NaN instant', () => cal.isWorking(NaN), 'instant must be epoch milliseconds'],
    ['an instant after 9999', () => cal.nextWorkingInstant(Date.UTC(10_000, 0, 2)), 'instant must be epoch milliseconds'],
    ['a NaN range end', () => cal.workingTimeBetween(0, NaN), 'end must be epoch milliseconds'],
  ])('should refuse %s with a CalendarError', (_, call, message) => {
    // given a bad argument
    // when the calendar is asked
    // then a CalendarError names it
    expect(call).toThrow(CalendarError);
    expect(call).toThrow(message);
  });
});

describe('BusinessCalendar.from validation', () => {
  const base: CalendarSpec = { name: 'office', zone: SHANGHAI, hours: { mon: WEEKDAY_HOURS } };
  it.each<[string, unknown, string]>([
    ['an interval ending before it starts', { ...base, hours: { mon: ['09:00-12:00', '13:00-12:00'] } }, "calendar 'office': hours.mon[1] '13:00-12:00': end must be after start"],
    ['an empty interval', { ...base, hours: { tue: ['09:00-09:00'] } }, "hours.tue[0] '09:00-09:00': end must be after start"],
    ['overlapping intervals', { ...base, hours: { mon: ['09:00-12:00', '11:00-13:00'] } }, "calendar 'office': hours.mon: intervals '09:00-12:00' and '11:00-13:00' overlap"],
    ['a malformed interval', { ...base, hours: { mon: ['9-12'] } }, "hours.mon[0] '9-12': expected HH:MM-HH:MM"],
    ['an interval that is not text', { ...base, hours: { mon: [900] } }, 'hours.mon[0] 900: expected HH:MM-HH:MM'],
    ['an impossible start', { ...base, hours: { mon: ['24:00-24:30'] } }, "hours.mon[0] '24:00-24:30': 24:00 is not a time of day"],
    ['an impossible end', { ...base, hours: { mon: ['09:00-24:30'] } }, "hours.mon[0] '09:00-24:30': 24:30 is not a time of day"],
    ['minutes out of range', { ...base, hours: { mon: ['09:75-10:00'] } }, '09:75 is not a time of day'],
    ['an unknown day', { ...base, hours: { monday: WEEKDAY_HOURS } }, "calendar 'office': hours.monday: unknown day (expected mon, tue, wed, thu, fri, sat, sun)"],
    ['day hours that are not a list', { ...base, hours: { mon: '09:00-12:00' } }, "hours.mon '09:00-12:00': expected a list of intervals"],
    ['hours that are not an object', { ...base, hours: [] }, 'hours []: expected an object'],
    ['an unknown zone', { ...base, zone: 'Asia/Shangai' }, "calendar 'office': zone 'Asia/Shangai': not a known IANA time zone"],
    ['a missing zone', { name: 'office', hours: {} }, "calendar 'office': zone: not a known IANA time zone"],
    ['a missing name', { zone: 'UTC', hours: {} }, "calendar '?': name: expected a non-empty string"],
    ['an unknown field', { ...base, holiday: ['2026-10-01'] }, "calendar 'office': holiday: unknown field (expected name, zone, hours, holidays, workdays, hoursPerDay)"],
    ['a holiday that does not exist', { ...base, holidays: ['2026-02-30'] }, "calendar 'office': holidays[0] '2026-02-30': expected a date YYYY-MM-DD or a range"],
    ['a backwards holiday range', { ...base, holidays: ['2026-10-07..2026-10-01'] }, "holidays[0] '2026-10-07..2026-10-01': the range ends before it starts"],
    ['a holiday range with three parts', { ...base, holidays: ['2026-10-01..2026-10-02..2026-10-03'] }, 'holidays[0]'],
    ['holidays that are not a list', { ...base, holidays: '2026-10-01' }, "holidays '2026-10-01': expected a list"],
    ['a workday that does not exist', { ...base, workdays: ['2026-13-01'] }, "workdays[0] '2026-13-01': expected an existing date"],
    ['a workday object without a valid date', { ...base, workdays: [{ date: 'soon', hours: WEEKDAY_HOURS }] }, "workdays[0].date 'soon'"],
    ['a workday with bad hours', { ...base, workdays: [{ date: '2026-09-26', hours: ['18:00-09:00'] }] }, "workdays[0].hours[0] '18:00-09:00': end must be after start"],
    ['a workday with no hours', { ...base, workdays: [{ date: '2026-09-26', hours: [] }] }, 'workdays[0].hours []: list at least one interval'],
    ['a workday with an unknown field', { ...base, workdays: [{ date: '2026-09-26', hours: WEEKDAY_HOURS, note: 'x' }] }, 'workdays[0].note: unknown field'],
    ['a workday listed twice', { ...base, workdays: ['2026-09-26', '2026-09-26'] }, "workdays[1] '2026-09-26': 2026-09-26 is listed twice"],
    ['a workday that is a holiday', { ...base, holidays: ['2026-10-01..2026-10-07'], workdays: ['2026-10-03'] }, "workdays[0] '2026-10-03': 2026-10-03 is also a holiday (holidays[0] '2026-10-01..2026-10-07')"],
    ['a bare workday without weekly hours', { name: 'office', zone: 'UTC', hours: {}, workdays: ['2026-09-26'] }, "workdays[0] '2026-09-26': the calendar has no weekly hours to copy"],
    ['zero hours per day', { ...base, hoursPerDay: 0 }, 'hoursPerDay 0: expected a number of hours above 0 and at most 24'],
    ['too many hours per day', { ...base, hoursPerDay: 25 }, 'hoursPerDay 25'],
    ['hours per day as text', { ...base, hoursPerDay: '8' }, "hoursPerDay '8'"],
    ['no working time at all', { name: 'office', zone: 'UTC', hours: { mon: [] } }, "calendar 'office': hours {\"mon\":[]}: no working time at all"],
    ['a spec that is not an object', 'office', 'Invalid calendar: expected an object'],
  ])('should refuse %s with a CalendarError naming the field', (_, spec, message) => {
    // given an invalid calendar spec
    // when a calendar is built from it
    const build = () => BusinessCalendar.from(spec as CalendarSpec);
    // then a CalendarError names the calendar, the field and the problem
    expect(build).toThrow(CalendarError);
    expect(build).toThrow(message);
  });

  it('should give the field and value as details of a sopflow error', () => {
    // given an interval that ends before it starts
    let error: unknown;
    try {
      BusinessCalendar.from({ ...base, hours: { mon: ['09:00-12:00', '13:00-12:00'] } });
    } catch (e) {
      error = e;
    }
    // then the error is a SopflowError with code and details
    expect(error).toBeInstanceOf(SopflowError);
    expect((error as CalendarError).code).toBe('calendar.invalid');
    expect((error as CalendarError).details).toEqual({ calendar: 'office', field: 'hours.mon[1]', value: '13:00-12:00' });
  });
});
