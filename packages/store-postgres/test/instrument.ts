/**
 * Test instruments around a real store: what each worker leased, how many
 * of its commits were refused, and a way to hold a worker just before a
 * commit — to line two workers up on the same instance, timer or job.
 */
import { ConcurrencyConflictError, type Store } from '@sopflow/engine';

/** A point one side waits at until the other releases it. */
export interface Gate {
  /** Resolves when someone has arrived at the gate. */
  arrived: Promise<void>;
  /** Called by whoever arrives; resolves when released. */
  arrive(): Promise<void>;
  release(): void;
}

/** A gate that opens when `release()` is called. */
export function gate(): Gate {
  let arrive!: () => void;
  let release!: () => void;
  const arrived = new Promise<void>((resolve) => (arrive = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  return {
    arrived,
    arrive: () => {
      arrive();
      return released;
    },
    release,
  };
}

/** A gate that opens by itself when `parties` have arrived. */
export function barrier(parties: number): () => Promise<void> {
  let waiting = 0;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return () => {
    waiting += 1;
    if (waiting === parties) open();
    return opened;
  };
}

/** What one worker's store saw. */
export interface Probe {
  acquiredTimers: string[];
  acquiredJobs: string[];
  conflicts: number;
  /** Calls of nextTimerDue and nextJobDue (a polling scheduler would make many). */
  nextDueCalls: number;
  /** Awaited before the next commit only (then cleared). */
  beforeNextCommit?: () => Promise<void>;
}

/** A probe, and the store seen through it (`withoutWatch`: as a store that cannot watch). */
export function instrument(store: Store, options: { withoutWatch?: boolean } = {}): { store: Store; probe: Probe } {
  const probe: Probe = { acquiredTimers: [], acquiredJobs: [], conflicts: 0, nextDueCalls: 0 };
  const wrapped = new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'commit') {
        return async (commit: Parameters<Store['commit']>[0]) => {
          const wait = probe.beforeNextCommit;
          probe.beforeNextCommit = undefined;
          await wait?.();
          try {
            await target.commit(commit);
          } catch (error) {
            if (error instanceof ConcurrencyConflictError) probe.conflicts += 1;
            throw error;
          }
        };
      }
      if (prop === 'acquireTimers') {
        return async (options: Parameters<Store['acquireTimers']>[0]) => {
          const rows = await target.acquireTimers(options);
          probe.acquiredTimers.push(...rows.map((r) => r.id));
          return rows;
        };
      }
      if (prop === 'acquireJobs') {
        return async (options: Parameters<Store['acquireJobs']>[0]) => {
          const rows = await target.acquireJobs(options);
          probe.acquiredJobs.push(...rows.map((r) => r.id));
          return rows;
        };
      }
      if (prop === 'nextTimerDue' || prop === 'nextJobDue') {
        return (...args: unknown[]) => {
          probe.nextDueCalls += 1;
          return (target[prop] as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      if (prop === 'watch' && options.withoutWatch) return undefined;
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store: wrapped, probe };
}
