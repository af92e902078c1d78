import type { Clock } from './Clock.js';

/** Longest delay `setTimeout` accepts; longer waits are chained. */
const MAX_DELAY = 2 ** 31 - 1;

/**
 * The system clock, optionally sped up (`speed: 60` = one hour a minute, for
 * watching escalations in the workbench). The one module of the engine that
 * reads real time; the core only ever sees the {@link Clock} interface.
 */
export class WallClock implements Clock {
  private readonly origin: number;
  private readonly startedAt: number;

  /**
   * @param options.speed how many times faster than real time (default 1)
   * @param options.start the clock's time at `realStart` (default: now)
   * @param options.realStart the real instant `start` corresponds to (default: now); several
   *        processes given the same `start` and `realStart` share one sped-up time line
   */
  constructor(private readonly options: { speed?: number; start?: number; realStart?: number } = {}) {
    this.startedAt = options.realStart ?? Date.now();
    this.origin = options.start ?? this.startedAt;
  }

  now(): number {
    const speed = this.options.speed ?? 1;
    return Math.floor(this.origin + (Date.now() - this.startedAt) * speed);
  }

  setTimer(at: number, callback: () => void | Promise<void>): () => void {
    let handle: ReturnType<typeof setTimeout> | undefined;
    let cancelled = false;
    const arm = () => {
      if (cancelled) return;
      const wait = Math.max(0, (at - this.now()) / (this.options.speed ?? 1));
      handle = setTimeout(() => {
        if (at > this.now()) arm();
        else void callback();
      }, Math.min(wait, MAX_DELAY));
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
