import { IANAZone } from 'luxon';

/**
 * Test-side wall clock, written independently of src/time/ZoneClock: the
 * offset of a zone at an instant straight from luxon, cached per hour when the
 * offset is the same at both ends of the hour.
 */
export function referenceOffsets(zone: string): (instant: number) => number {
  const iana = IANAZone.create(zone);
  const cache = new Map<number, number>();
  return (instant) => {
    const hour = Math.floor(instant / 3_600_000);
    const hit = cache.get(hour);
    if (hit !== undefined) return hit;
    const a = iana.offset(hour * 3_600_000);
    const b = iana.offset(hour * 3_600_000 + 3_599_999);
    if (a !== b) return iana.offset(instant);
    cache.set(hour, a);
    return a;
  };
}

/** Naive local ms (wall clock written as UTC) of an instant. */
export function referenceLocal(offsets: (instant: number) => number, instant: number): number {
  return instant + offsets(instant) * 60_000;
}

/**
 * Walks minute instants from `from` on and reports, for each, the highest
 * local clock reading reached so far (the wall clock can go back; this never
 * does). Starts two days early so the maximum is established.
 */
export function* minutesWithMaxClock(zone: string, from: number, limit: number): Generator<[instant: number, maxClock: number, previousMax: number]> {
  const offsets = referenceOffsets(zone);
  let max = -Infinity;
  for (let m = from - 2 * 86_400_000; m < from; m += 60_000) max = Math.max(max, referenceLocal(offsets, m));
  for (let m = from; m < limit; m += 60_000) {
    const previous = max;
    max = Math.max(max, referenceLocal(offsets, m));
    yield [m, max, previous];
  }
}

/** Minute-aligned instant. */
export const minuteOf = (ms: number) => Math.floor(ms / 60_000) * 60_000;
