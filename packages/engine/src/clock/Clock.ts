/**
 * Where the engine gets time. The core never reads the system clock: tests
 * and `sopflow test` use a {@link VirtualClock}, production a wall clock.
 */
export interface Clock {
  /** Current time, epoch milliseconds. */
  now(): number;
  /**
   * Calls `callback` once, at or after `at`. Returns a function that cancels
   * it. The callback may return a promise; a virtual clock waits for it.
   */
  setTimer(at: number, callback: () => void | Promise<void>): () => void;
}
