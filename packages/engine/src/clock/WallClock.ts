import type { Clock } from './Clock.js';

/** Longest delay `setTimeout` accepts; longer waits are chained. */
const MAX_DELAY = 2 ** 31 - 1;

/** Default of `maxWaitMs`: a pending timer looks at the clock again at least once a minute. */
export const DEFAULT_MAX_WAIT_MS = 60_000;

/** Options of {@link WallClock}. */
export interface WallClockOptions {
  /** How many times faster than real time (default 1). */
  speed?: number;
  /** The clock's time at `realStart` (default: now). */
  start?: number;
  /**
   * The real instant `start` corresponds to (default: now); several processes
   * given the same `start` and `realStart` share one sped-up time line.
   */
  realStart?: number;
  /**
   * A pending timer re-reads the clock at least this often (real ms, default
   * 60 000). `setTimeout` counts elapsed time, not the time of day: when the
   * system clock is stepped forward (NTP, a resumed laptop or VM), what
   * became due fires within this bound instead of when the old wait ends.
   */
  maxWaitMs?: number;
  /** Where real time comes from (default `Date.now`): tests simulate a stepped system clock with it. */
  systemTime?: () => number;
}

/**
 * The system clock, optionally sped up (`speed: 60` = one hour a minute, for
 * watching escalations in the workbench). The one module of the engine that
 * reads real time; the core only ever sees the {@link Clock} interface.
 *
 * It follows the system clock, steps included: stepped back, `now()` goes
 * back (the engine does not let its own time go back — see `Engine`);
 * stepped forward, timers that became due fire within `maxWaitMs`.
 */
export class WallClock implements Clock {
  private readonly origin: number;
  private readonly startedAt: number;
  private readonly speed: number;
  private readonly maxWait: number;
  private readonly system: () => number;

  constructor(options: WallClockOptions = {}) {
    this.system = options.systemTime ?? Date.now;
    this.speed = options.speed ?? 1;
    this.maxWait = Math.max(1, Math.min(options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS, MAX_DELAY));
    this.startedAt = options.realStart ?? this.system();
    this.origin = options.start ?? this.startedAt;
  }

  now(): number {
    return Math.floor(this.origin + (this.system() - this.startedAt) * this.speed);
  }

  setTimer(at: number, callback: () => void | Promise<void>): () => void {
    let handle: ReturnType<typeof setTimeout> | undefined;
    let cancelled = false;
    const arm = () => {
      if (cancelled) return;
      const wait = Math.max(0, (at - this.now()) / this.speed);
      handle = setTimeout(() => {
        if (at > this.now()) arm();
        else void callback();
      }, Math.min(wait, this.maxWait));
      // A pending timer must not keep a Node process alive on its own.
      (handle as { unref?: () => void }).unref?.();
    };
    arm();
    return () => {
      cancelled = true;
      if (handle !== undefined) clearTimeout(handle);
    };
  }
}
