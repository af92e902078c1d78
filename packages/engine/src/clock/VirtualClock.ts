import { addDuration, parseDateTime, parseDuration, type Duration } from '../time/index.js';
import type { Clock } from './Clock.js';

interface Pending {
  at: number;
  seq: number;
  callback: () => void | Promise<void>;
}

/**
 * A clock that moves only when told. `advance('PT72H')` runs every timer due
 * in that window in due order, each at its own instant, and waits for what
 * each one starts — so 72 hours of an SOP run in milliseconds, the same way
 * every time. Pure: no system time, no `setTimeout`.
 */
export class VirtualClock implements Clock {
  private current: number;
  private pending: Pending[] = [];
  private seq = 0;
  private readonly idleWaiters = new Set<() => Promise<void>>();

  /** @param start epoch ms or an ISO 8601 date-time (`2026-11-20T17:30+08:00`). */
  constructor(start: number | string = 0) {
    this.current = typeof start === 'number' ? start : parseDateTime(start);
  }

  now(): number {
    return this.current;
  }

  setTimer(at: number, callback: () => void | Promise<void>): () => void {
    const entry: Pending = { at, seq: ++this.seq, callback };
    this.pending.push(entry);
    return () => {
      this.pending = this.pending.filter((p) => p !== entry);
    };
  }

  /**
   * Lets an engine say when it has finished what a timer started (handlers,
   * follow-up steps): the clock waits for it before moving on.
   */
  addIdleWaiter(waiter: () => Promise<void>): () => void {
    this.idleWaiters.add(waiter);
    return () => this.idleWaiters.delete(waiter);
  }

  private async settle(): Promise<void> {
    for (const waiter of [...this.idleWaiters]) await waiter();
  }

  /**
   * Moves time forward by a duration (ISO 8601 or ms), firing due timers in
   * order at their own instants. Resolves when everything they started is done.
   */
  async advance(by: string | number | Duration): Promise<void> {
    const target =
      typeof by === 'number' ? this.current + by : addDuration(this.current, typeof by === 'string' ? parseDuration(by) : by, 'UTC');
    await this.advanceTo(target);
  }

  /** Moves time forward to an instant (epoch ms or ISO date-time). Never backwards. */
  async advanceTo(to: number | string): Promise<void> {
    const target = typeof to === 'number' ? to : parseDateTime(to);
    if (target < this.current) throw new RangeError(`VirtualClock cannot go back from ${new Date(this.current).toISOString()} to ${new Date(target).toISOString()}.`);
    for (;;) {
      await this.settle();
      const next = this.nextDue();
      if (!next || next.at > target) break;
      this.pending = this.pending.filter((p) => p !== next);
      if (next.at > this.current) this.current = next.at;
      await next.callback();
    }
    this.current = target;
    await this.settle();
  }

  /** Runs timers that are due now (e.g. after something was scheduled for the current instant). */
  async flush(): Promise<void> {
    await this.advanceTo(this.current);
  }

  /** The earliest pending timer's instant, if any. */
  nextTimerAt(): number | undefined {
    return this.nextDue()?.at;
  }

  private nextDue(): Pending | undefined {
    let best: Pending | undefined;
    for (const p of this.pending) if (!best || p.at < best.at || (p.at === best.at && p.seq < best.seq)) best = p;
    return best;
  }
}
