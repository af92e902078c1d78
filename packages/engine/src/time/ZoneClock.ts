import { IANAZone } from 'luxon';
import { TimeFormatError } from '../errors.js';

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
const PROBE_MS = 48 * HOUR_MS;
const MAX_CACHED_HOURS = 100_000;

/**
 * The wall clock of one IANA time zone: offsets, local time of an instant, and
 * the instant of a local time.
 *
 * Local times are "naive" milliseconds: the wall-clock reading written as if
 * it were UTC (`2026-03-29T02:30` → `Date.UTC(2026, 2, 29, 2, 30)`).
 *
 * Resolving a local time uses one rule everywhere in sopflow's time module:
 * **a local time resolves to the first instant at which the zone's clock shows
 * that time or later.** So a time that is repeated when clocks go back resolves
 * to its first occurrence, and a time skipped when clocks go forward resolves
 * to the instant of the jump (Europe/Berlin 2026-03-29T02:30 → 03:00+02:00).
 * The rule is monotonic: a later local time never resolves to an earlier instant.
 *
 * Deterministic; instances memoise offsets per hour (a cache, not state that
 * changes results).
 */
export class ZoneClock {
  private static readonly clocks = new Map<string, ZoneClock>();

  /** The IANA zone name, as given. */
  readonly zone: string;
  private readonly iana: IANAZone;
  private readonly hourOffsets = new Map<number, number>();

  private constructor(zone: string) {
    this.zone = zone;
    this.iana = IANAZone.create(zone);
  }

  /**
   * The clock of an IANA zone (shared per zone name).
   * @throws TimeFormatError when the zone is not a known IANA time zone.
   */
  static for(zone: string): ZoneClock {
    let clock = ZoneClock.clocks.get(zone);
    if (!clock) {
      assertZone(zone);
      clock = new ZoneClock(zone);
      ZoneClock.clocks.set(zone, clock);
    }
    return clock;
  }

  /** UTC offset in minutes at an instant (east of Greenwich positive). Pure. */
  offsetMinutes(instant: number): number {
    const hour = Math.floor(instant / HOUR_MS);
    const cached = this.hourOffsets.get(hour);
    if (cached !== undefined) return cached;
    const first = this.iana.offset(hour * HOUR_MS);
    const last = this.iana.offset(hour * HOUR_MS + HOUR_MS - 1);
    if (first !== last) return this.iana.offset(instant);
    if (this.hourOffsets.size >= MAX_CACHED_HOURS) this.hourOffsets.clear();
    this.hourOffsets.set(hour, first);
    return first;
  }

  /** The naive local time (wall clock as if UTC) at an instant. Pure. */
  localOf(instant: number): number {
    return instant + this.offsetMinutes(instant) * MINUTE_MS;
  }

  /**
   * The first instant at which the clock shows `local` or later (see the class
   * doc). Pure.
   */
  resolve(local: number): number {
    const offsets = [
      this.offsetMinutes(local - PROBE_MS),
      this.offsetMinutes(local),
      this.offsetMinutes(local + PROBE_MS),
    ];
    // A larger offset gives an earlier instant: try those first.
    const distinct = [...new Set(offsets)].sort((a, b) => b - a);
    for (const offset of distinct) {
      const instant = local - offset * MINUTE_MS;
      if (this.offsetMinutes(instant) === offset) return instant;
    }
    // The local time was skipped by a forward jump: find the jump by bisection.
    let lo = local - distinct[0] * MINUTE_MS;
    let hi = local - distinct[distinct.length - 1] * MINUTE_MS;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.localOf(mid) >= local) hi = mid;
      else lo = mid;
    }
    return hi;
  }
}

/** Whether a name is a time zone the runtime's Intl knows (IANA names, `UTC`). Pure. */
export function isValidZone(zone: unknown): zone is string {
  if (typeof zone !== 'string' || zone.trim() === '') return false;
  if (knownZones.has(zone)) return true;
  if (!IANAZone.isValidZone(zone)) return false;
  if (knownZones.size >= 1000) knownZones.clear();
  knownZones.add(zone);
  return true;
}

/** Zone names already checked (checking builds an Intl formatter, which is slow). */
const knownZones = new Set<string>();

/**
 * Checks an IANA zone name.
 * @throws TimeFormatError naming the zone when it is unknown.
 */
export function assertZone(zone: unknown): asserts zone is string {
  if (!isValidZone(zone)) {
    throw new TimeFormatError(
      `Unknown time zone '${String(zone)}': expected an IANA time zone such as Asia/Shanghai, Europe/Berlin or UTC`,
      { value: String(zone), expected: 'IANA time zone' },
    );
  }
}
