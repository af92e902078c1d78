/**
 * The workbench's time line: wall time, optionally faster (`--speed 60`:
 * an hour a minute), and never earlier than the latest event already in
 * the store — a store used at a higher speed is ahead of real time, and
 * going back would make its timers wait and its audit trail run backwards.
 */
import { WallClock, type Store } from '@sopflow/engine';

/** Largest accepted `--speed`: one year per second is more than any SOP needs. */
export const MAX_SPEED = 31_536_000;

/** The time of the latest audit event in the store, if any. */
export async function latestEventTime(store: Store): Promise<number | undefined> {
  const { items } = await store.queryAudit({ order: 'desc', limit: 1 });
  return items[0]?.time;
}

/**
 * A wall clock running `speed` times faster than real time, starting at
 * the later of now and the store's latest event. Reads the system clock.
 */
export async function workbenchClock(store: Store, speed = 1, realNow = Date.now()): Promise<WallClock> {
  const latest = await latestEventTime(store);
  const start = latest !== undefined && latest >= realNow ? latest + 1 : realNow;
  return new WallClock({ speed, start, realStart: realNow });
}
