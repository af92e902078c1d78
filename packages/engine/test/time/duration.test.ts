import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TimeFormatError } from '../../src/errors.js';
import {
  type Duration,
  addDuration,
  durationToMillis,
  formatDuration,
  parseDateTime,
  parseDuration,
} from '../../src/time/index.js';

const at = (text: string) => parseDateTime(text);

describe('parseDuration', () => {
  it.each<[string, Duration]>([
    ['PT2H', { hours: 2 }],
    ['P3DT4H', { days: 3, hours: 4 }],
    ['P1W', { weeks: 1 }],
    ['PT0.5S', { seconds: 0.5 }],
    ['PT0,5S', { seconds: 0.5 }],
    ['P1Y2M', { years: 1, months: 2 }],
    ['P1Y2M3W4DT5H6M7S', { years: 1, months: 2, weeks: 3, days: 4, hours: 5, minutes: 6, seconds: 7 }],
    ['PT30M', { minutes: 30 }],
    ['PT1.5H', { hours: 1.5 }],
    ['PT36H', { hours: 36 }],
    ['P0D', { days: 0 }],
    ['PT0S', { seconds: 0 }],
    ['P1W2D', { weeks: 1, days: 2 }],
    ['  PT5M\n', { minutes: 5 }],
  ])('should read %j', (text, expected) => {
    // given a valid ISO 8601 duration
    // when it is parsed
    const duration = parseDuration(text);
    // then every part written is there and nothing else
    expect(duration).toEqual(expected);
  });

  it.each([
    ['PT2X', ''],
    ['P', ''],
    ['PT', ''],
    ['P1DT', ''],
    ['P1H', ''],
    ['PT1D', ''],
    ['2H', ''],
    ['pt2h', ''],
    ['-PT1H', 'negative'],
    ['P-1D', ''],
    ['PT1.5H30M', 'only the last part'],
    ['P1.5Y', 'years cannot be fractional'],
    ['P0.5M', 'months cannot be fractional'],
    ['P1M1Y', ''],
    ['PT1H PT2H', ''],
    ['', ''],
    ['P1234567890123456D', ''],
  ])('should refuse %j with a TimeFormatError naming it', (text, reason) => {
    // given an invalid duration
    // when it is parsed
    const parse = () => parseDuration(text);
    // then a TimeFormatError names the value and gives examples
    expect(parse).toThrow(TimeFormatError);
    expect(parse).toThrow(`'${text.trim()}'`);
    expect(parse).toThrow('expected e.g. PT2H, P3DT4H, P1W');
    if (reason) expect(parse).toThrow(reason);
  });

  it('should give the value and what was expected as error details', () => {
    // given a malformed duration
    // when it is parsed
    let error: unknown;
    try {
      parseDuration('PT2X');
    } catch (e) {
      error = e;
    }
    // then the error carries a stable code and plain-data details
    expect(error).toBeInstanceOf(TimeFormatError);
    expect((error as TimeFormatError).code).toBe('time.format');
    expect((error as TimeFormatError).details.value).toBe('PT2X');
    expect((error as TimeFormatError).message).toBe('Invalid ISO 8601 duration \'PT2X\': expected e.g. PT2H, P3DT4H, P1W');
  });
});

describe('formatDuration', () => {
  it.each<[Duration, string]>([
    [{ hours: 2 }, 'PT2H'],
    [{ days: 3, hours: 4 }, 'P3DT4H'],
    [{ weeks: 1 }, 'P1W'],
    [{ seconds: 0.5 }, 'PT0.5S'],
    [{}, 'PT0S'],
    [{ years: 1, months: 2 }, 'P1Y2M'],
    [{ minutes: 90 }, 'PT90M'],
  ])('should write %j as %s', (duration, expected) => {
    // given a duration
    // when it is formatted
    // then it is canonical ISO 8601
    expect(formatDuration(duration)).toBe(expected);
  });

  it('should refuse a negative part with a TimeFormatError', () => {
    // given a duration with a negative part
    // when it is formatted
    // then it is refused
    expect(() => formatDuration({ hours: -1 })).toThrow(TimeFormatError);
    expect(() => formatDuration({ hours: -1 })).toThrow('hours must be a non-negative finite number');
  });

  it('should refuse an unknown part with a TimeFormatError', () => {
    // given data that is not a duration
    const notADuration = { hour: 1 } as unknown as Duration;
    // when it is formatted
    // then the unknown part is named
    expect(() => formatDuration(notADuration)).toThrow(TimeFormatError);
    expect(() => formatDuration(notADuration)).toThrow("unknown part 'hour'");
  });

  it('should round-trip any duration through its text', () => {
    const part = fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: undefined });
    fc.assert(
      fc.property(
        fc.record({ years: part, months: part, weeks: part, days: part, hours: part, minutes: part, seconds: part }),
        fc.integer({ min: 0, max: 999 }),
        (parts, millis) => {
          // given a duration, possibly with a fraction on seconds
          const duration = Object.fromEntries(Object.entries(parts).filter(([, v]) => v !== undefined)) as Duration;
          if (duration.seconds !== undefined) duration.seconds = (duration.seconds * 1000 + millis) / 1000;
          // when it is formatted and parsed again
          const back = parseDuration(formatDuration(duration));
          // then it is the same duration (the empty one is written PT0S)
          expect(back).toEqual(Object.keys(duration).length ? duration : { seconds: 0 });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('durationToMillis', () => {
  it.each<[string, number]>([
    ['PT2H', 7_200_000],
    ['P1W', 604_800_000],
    ['P3DT4H', 273_600_000],
    ['PT0.5S', 500],
    ['PT0.0005S', 1],
    ['PT0S', 0],
    ['P0Y0M1D', 86_400_000],
  ])('should give %s as %d ms', (text, ms) => {
    // given a fixed-length duration
    // when it is converted
    // then weeks are 7 days and days 24 hours
    expect(durationToMillis(text)).toBe(ms);
  });

  it.each(['P1Y', 'P1M', 'P1Y2MT3H'])('should refuse %s with a TimeFormatError because it needs a calendar', (text) => {
    // given a duration with years or months
    // when it is converted to a fixed length
    // then it is refused, naming the duration
    expect(() => durationToMillis(text)).toThrow(TimeFormatError);
    expect(() => durationToMillis(text)).toThrow(`Duration '${text}' has no fixed length`);
  });
});

describe('addDuration', () => {
  it.each<[string, string, string, string]>([
    ['2026-01-05T09:00Z', 'PT2H', 'UTC', '2026-01-05T11:00Z'],
    ['2026-01-31T10:00Z', 'P1M', 'UTC', '2026-02-28T10:00Z'],
    ['2024-01-31T10:00Z', 'P1M', 'UTC', '2024-02-29T10:00Z'],
    ['2024-02-29T10:00Z', 'P1Y', 'UTC', '2025-02-28T10:00Z'],
    ['2026-03-28T12:00+01:00', 'P1D', 'Europe/Berlin', '2026-03-29T12:00+02:00'],
    ['2026-03-28T12:00+01:00', 'PT24H', 'Europe/Berlin', '2026-03-29T13:00+02:00'],
    ['2026-10-24T12:00+02:00', 'P1D', 'Europe/Berlin', '2026-10-25T12:00+01:00'],
    ['2026-03-23T09:00+01:00', 'P1W', 'Europe/Berlin', '2026-03-30T09:00+02:00'],
    ['2026-03-28T02:30+01:00', 'P1D', 'Europe/Berlin', '2026-03-29T03:30+02:00'],
    ['2026-03-07T09:00-05:00', 'P1DT1H', 'America/New_York', '2026-03-08T10:00-04:00'],
    ['1970-01-01T00:00Z', 'P1.5D', 'UTC', '1970-01-02T12:00Z'],
    ['2026-01-05T09:00Z', 'PT0.25S', 'UTC', '2026-01-05T09:00:00.250Z'],
  ])('should add to %s %s on the wall clock of %s', (start, duration, zone, expected) => {
    // given an instant, a duration and a zone
    // when the duration is added
    const result = addDuration(at(start), parseDuration(duration), zone);
    // then calendar units move the local date and time units add elapsed time
    expect(result).toBe(at(expected));
  });

  it('should accept ISO text as the duration', () => {
    // given a duration as text
    // when it is added
    // then it is the same as adding the parsed duration
    expect(addDuration(at('2026-01-05T09:00Z'), 'P1DT2H')).toBe(at('2026-01-06T11:00Z'));
  });

  it('should refuse an unknown zone with a TimeFormatError naming it', () => {
    // given an unknown zone
    // when a duration is added in it
    const add = () => addDuration(0, { hours: 1 }, 'Mars/Olympus');
    // then the zone is named
    expect(add).toThrow(TimeFormatError);
    expect(add).toThrow("Unknown time zone 'Mars/Olympus'");
  });

  it('should refuse an instant that is not a number with a TimeFormatError', () => {
    // given NaN as the instant
    // when a duration is added
    // then it is refused
    expect(() => addDuration(NaN, { hours: 1 })).toThrow(TimeFormatError);
    expect(() => addDuration(NaN, { hours: 1 })).toThrow("Invalid instant 'NaN'");
  });

  it('should refuse a result outside the supported range with a TimeFormatError', () => {
    // given an instant near the end of the range
    // when a long duration is added
    // then it is refused
    expect(() => addDuration(8.6e15, { years: 10_000 })).toThrow(TimeFormatError);
  });

  it('should equal durationToMillis for fixed-length durations in UTC', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e12, max: 4e12 }),
        fc.record({ weeks: fc.nat(50), days: fc.nat(400), hours: fc.nat(1000), minutes: fc.nat(10_000), seconds: fc.nat(100_000) }),
        (start, duration) => {
          // given a UTC instant and a duration without years or months
          // when it is added on the wall clock of UTC
          // then the result is the fixed length later
          expect(addDuration(start, duration, 'UTC')).toBe(start + durationToMillis(duration));
        },
      ),
      { numRuns: 200 },
    );
  });
});
