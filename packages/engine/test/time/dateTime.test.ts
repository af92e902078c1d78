import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TimeFormatError } from '../../src/errors.js';
import { formatDateTime, parseDateTime } from '../../src/time/index.js';

const utc = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0) => Date.UTC(y, mo - 1, d, h, mi, s, ms);

describe('parseDateTime', () => {
  it.each<[string, string | undefined, number]>([
    ['2026-01-05T09:00+08:00', undefined, utc(2026, 1, 5, 1)],
    ['2026-01-05T09:00+0800', undefined, utc(2026, 1, 5, 1)],
    ['2026-01-05T09:00+08', undefined, utc(2026, 1, 5, 1)],
    ['2026-01-05T09:00-05:30', undefined, utc(2026, 1, 5, 14, 30)],
    ['2026-01-05T01:00Z', undefined, utc(2026, 1, 5, 1)],
    ['2026-01-05T01:00:30Z', undefined, utc(2026, 1, 5, 1, 0, 30)],
    ['2026-01-05T09:00:00.250+08:00', undefined, utc(2026, 1, 5, 1, 0, 0, 250)],
    ['2026-01-05T09:00:00,5+08:00', undefined, utc(2026, 1, 5, 1, 0, 0, 500)],
    ['2026-01-05T09:00:00.123456789Z', undefined, utc(2026, 1, 5, 9, 0, 0, 123)],
    ['2026-01-05T09:00[Asia/Shanghai]', undefined, utc(2026, 1, 5, 1)],
    ['2026-01-05T09:00', 'Asia/Shanghai', utc(2026, 1, 5, 1)],
    ['2026-01-05T09:00', undefined, utc(2026, 1, 5, 9)],
    ['2026-01-05T09:00[UTC]', 'Asia/Shanghai', utc(2026, 1, 5, 9)],
    ['2026-01-05T01:00Z[Asia/Shanghai]', undefined, utc(2026, 1, 5, 1)],
    ['2026-10-01', undefined, utc(2026, 10, 1)],
    ['2026-10-01[Asia/Shanghai]', undefined, utc(2026, 9, 30, 16)],
    ['2026-10-01', 'Asia/Shanghai', utc(2026, 9, 30, 16)],
    ['2024-02-29T12:00Z', undefined, utc(2024, 2, 29, 12)],
    [' 2026-01-05T09:00Z\n', undefined, utc(2026, 1, 5, 9)],
  ])('should read %j (default zone %s)', (text, zone, expected) => {
    // given an ISO 8601 date-time
    // when it is parsed
    const instant = parseDateTime(text, zone);
    // then it is that instant
    expect(instant).toBe(expected);
  });

  it.each<[string, number, string]>([
    ['2026-10-25T02:30[Europe/Berlin]', utc(2026, 10, 25, 0, 30), 'a repeated time is its first occurrence'],
    ['2026-10-25T02:30+02:00[Europe/Berlin]', utc(2026, 10, 25, 0, 30), 'the offset picks the first 02:30'],
    ['2026-10-25T02:30+01:00[Europe/Berlin]', utc(2026, 10, 25, 1, 30), 'the offset picks the second 02:30'],
    ['2026-03-29T02:30[Europe/Berlin]', utc(2026, 3, 29, 1, 0), 'a skipped time is the instant of the jump'],
    ['2026-03-08T02:30[America/New_York]', utc(2026, 3, 8, 7, 0), 'a skipped time is the instant of the jump'],
    ['2026-09-06[America/Santiago]', utc(2026, 9, 6, 4, 0), 'a skipped midnight is the instant of the jump'],
  ])('should resolve %s around a DST change: %s', (text, expected) => {
    // given a local time at a DST change
    // when it is parsed
    // then the first instant at which the clock shows it (or later) is chosen
    expect(parseDateTime(text)).toBe(expected);
  });

  it.each<[string, string]>([
    ['2026-02-30T09:00', 'day 30 does not exist'],
    ['2026-13-01T09:00', 'month 13 does not exist'],
    ['2026-01-05T24:00', 'hour 24 does not exist'],
    ['2026-01-05T09:60', 'minutes and seconds'],
    ['2026-01-05T09:00:60Z', 'minutes and seconds'],
    ['2026-01-05T09:00+24:00', 'out of range'],
    ['2026-01-05T09:00+09:00[Asia/Shanghai]', 'does not match Asia/Shanghai'],
    ['2026-01-05T09:00[Mars/Base]', "unknown time zone 'Mars/Base'"],
    ['2026-01-05 09:00', 'expected e.g.'],
    ['09:00', 'expected e.g.'],
    ['2026-01-05T09', 'expected e.g.'],
    ['2026-01-05Z', 'expected e.g.'],
    ['20260105T0900Z', 'expected e.g.'],
    ['2026-1-5T09:00Z', 'expected e.g.'],
    ['tomorrow', 'expected e.g.'],
    ['', 'expected e.g.'],
  ])('should refuse %j with a TimeFormatError naming it (%s)', (text, reason) => {
    // given a malformed or impossible date-time
    // when it is parsed
    const parse = () => parseDateTime(text);
    // then a TimeFormatError names the value and the problem
    expect(parse).toThrow(TimeFormatError);
    expect(parse).toThrow(`Invalid ISO 8601 date-time '${text}'`);
    expect(parse).toThrow(reason);
  });

  it('should refuse an unknown default zone with a TimeFormatError naming it', () => {
    // given an unknown default zone
    // when a local date-time is parsed in it
    const parse = () => parseDateTime('2026-01-05T09:00', 'Asia/Shangai');
    // then the zone is named
    expect(parse).toThrow(TimeFormatError);
    expect(parse).toThrow("Unknown time zone 'Asia/Shangai'");
  });
});

describe('formatDateTime', () => {
  it.each<[number, string | undefined, string]>([
    [utc(2026, 11, 23, 2, 30), 'Asia/Shanghai', '2026-11-23T10:30:00+08:00'],
    [utc(2026, 11, 23, 2, 30), undefined, '2026-11-23T02:30:00Z'],
    [utc(2026, 11, 23, 2, 30, 5, 7), 'America/New_York', '2026-11-22T21:30:05.007-05:00'],
    [utc(2026, 7, 1, 12), 'Asia/Kolkata', '2026-07-01T17:30:00+05:30'],
    [utc(1969, 12, 31, 23, 59, 59, 999), 'UTC', '1969-12-31T23:59:59.999Z'],
  ])('should write %d in %s as %s', (instant, zone, expected) => {
    // given an instant and a zone
    // when it is formatted
    // then it is ISO 8601 with the offset in force at that instant
    expect(formatDateTime(instant, zone)).toBe(expected);
  });

  it('should round-trip through parseDateTime in any zone', () => {
    const zones = ['UTC', 'Asia/Shanghai', 'Europe/Berlin', 'America/New_York', 'America/Santiago', 'Australia/Lord_Howe', 'Asia/Kathmandu'];
    fc.assert(
      fc.property(fc.integer({ min: utc(1970, 1, 1), max: utc(2100, 1, 1) }), fc.constantFrom(...zones), (instant, zone) => {
        // given an instant written in a zone
        const text = formatDateTime(instant, zone);
        // when it is read back
        // then it is the same instant
        expect(parseDateTime(text)).toBe(instant);
      }),
      { numRuns: 500 },
    );
  });
});
