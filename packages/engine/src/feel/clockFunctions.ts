import { date, dateAndTime } from 'feelin';
import { DateTime } from 'luxon';
import { trustFunction } from './contextData.js';

const CLOCK_CALL = /\b(now|today)\s*\(/;

/** Whether a FEEL expression reads the clock (`now()`, `today()`). Pure. */
export function usesClock(source: string): boolean {
  return CLOCK_CALL.test(source);
}

/**
 * FEEL's `now()` and `today()` bound to the engine's clock instead of the
 * system's, so a diagram reading the time stays deterministic and follows
 * a virtual clock. Passed as context entries, which shadow the built-ins.
 */
export function clockFunctions(nowMs: number, zone: string): Record<string, () => unknown> {
  const local = DateTime.fromMillis(nowMs, { zone });
  return {
    now: trustFunction(() => dateAndTime(local.toISO({ suppressMilliseconds: true })!)),
    today: trustFunction(() => date(local.toISODate()!)),
  };
}
