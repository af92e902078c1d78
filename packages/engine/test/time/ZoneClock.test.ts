import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TimeFormatError } from '../../src/errors.js';
import { ZoneClock, isValidZone } from '../../src/time/index.js';

const naive = (y: number, mo: number, d: number, h = 0, mi = 0) => Date.UTC(y, mo - 1, d, h, mi);
const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'America/Santiago', 'Australia/Lord_Howe', 'Asia/Shanghai', 'Pacific/Apia'];

describe('ZoneClock', () => {
  it('should refuse an unknown zone with a TimeFormatError naming it', () => {
    // given an unknown zone name
    // when its clock is asked for
    // then it is refused
    expect(() => ZoneClock.for('Europe/Berlinn')).toThrow(TimeFormatError);
    expect(() => ZoneClock.for('Europe/Berlinn')).toThrow("Unknown time zone 'Europe/Berlinn'");
    expect(isValidZone('')).toBe(false);
    expect(isValidZone('Asia/Shanghai')).toBe(true);
  });

  it.each<[string, number, number]>([
    ['Europe/Berlin', naive(2026, 3, 29, 2, 30), Date.UTC(2026, 2, 29, 1, 0)],
    ['Europe/Berlin', naive(2026, 10, 25, 2, 30), Date.UTC(2026, 9, 25, 0, 30)],
    ['Europe/Berlin', naive(2026, 10, 25, 3, 0), Date.UTC(2026, 9, 25, 2, 0)],
    ['Australia/Lord_Howe', naive(2026, 10, 4, 2, 15), Date.UTC(2026, 9, 3, 15, 30)],
    ['America/Santiago', naive(2026, 9, 6, 0, 30), Date.UTC(2026, 8, 6, 4, 0)],
    ['Pacific/Apia', naive(2011, 12, 30, 12, 0), Date.UTC(2011, 11, 30, 10, 0)],
  ])('should resolve a local time in %s to the first instant its clock shows it or later', (zone, local, expected) => {
    // given a local time at a DST change (or Samoa's skipped day)
    const clock = ZoneClock.for(zone);
    // when it is resolved
    // then it is the first instant at which the clock shows it or later
    expect(clock.resolve(local)).toBe(expected);
  });

  it('should resolve every local time to the earliest instant whose clock has reached it', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.integer({ min: naive(2000, 1, 1), max: naive(2040, 1, 1) }).map((t) => Math.floor(t / 60_000) * 60_000),
        (zone, local) => {
          // given a minute of local time
          const clock = ZoneClock.for(zone);
          // when it is resolved
          const instant = clock.resolve(local);
          // then the clock shows it or later there, and a minute earlier it did not yet
          expect(clock.localOf(instant)).toBeGreaterThanOrEqual(local);
          expect(clock.localOf(instant - 60_000)).toBeLessThan(local);
          expect(clock.localOf(instant - 1)).toBeLessThan(local);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('should never resolve a later local time to an earlier instant', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.integer({ min: naive(2000, 1, 1), max: naive(2040, 1, 1) }),
        fc.integer({ min: 0, max: 6 * 3_600_000 }),
        (zone, local, delta) => {
          // given two local times
          const clock = ZoneClock.for(zone);
          // when both are resolved
          // then their order is kept
          expect(clock.resolve(local + delta)).toBeGreaterThanOrEqual(clock.resolve(local));
        },
      ),
      { numRuns: 1000 },
    );
  });
});
