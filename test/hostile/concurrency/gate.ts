/**
 * Forcing a race deterministically, as Camunda's competing-join tests do:
 * a store seen through a proxy that tells when an engine has read an
 * instance and holds its commit until the test lets it go. Two engines,
 * each on its own gated view of one store, can then be made to both read
 * revision n before either commits — the bad interleaving, every time.
 */
import { ConcurrencyConflictError, type Commit, type Store } from '@sopflow/engine';

/** A one-shot signal: `open()` resolves `opened` (idempotent). */
export interface Latch {
  opened: Promise<void>;
  open(): void;
  readonly isOpen: boolean;
}

export function latch(): Latch {
  let open!: () => void;
  let isOpen = false;
  const opened = new Promise<void>((resolve) => {
    open = () => {
      isOpen = true;
      resolve();
    };
  });
  return {
    opened,
    open: () => open(),
    get isOpen() {
      return isOpen;
    },
  };
}

export interface GateHooks {
  /** Called after every `getInstance` of this view. */
  afterRead?: (instanceId: string) => void;
  /** Awaited before every `commit` of this view reaches the store. */
  beforeCommit?: (commit: Commit) => Promise<void>;
  /** Called after a commit of this view was applied. */
  afterCommit?: (commit: Commit) => void;
}

/** What a gated view saw: its commits that went through and those the store refused. */
export interface GateLog {
  committed: number;
  conflicts: ConcurrencyConflictError[];
  refused: unknown[];
}

/**
 * A view of `store` with hooks around reads of instances and commits. The
 * hooks apply only while `armed` is true (set it after the setup steps).
 */
export function gated(store: Store, hooks: GateHooks): { store: Store; log: GateLog; arm(): void } {
  let armed = false;
  const log: GateLog = { committed: 0, conflicts: [], refused: [] };
  const view = new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'getInstance') {
        return async (id: string) => {
          const record = await target.getInstance(id);
          if (armed) hooks.afterRead?.(id);
          return record;
        };
      }
      if (property === 'commit') {
        return async (commit: Commit) => {
          if (armed) await hooks.beforeCommit?.(commit);
          try {
            await target.commit(commit);
          } catch (error) {
            if (armed) {
              if (error instanceof ConcurrencyConflictError) log.conflicts.push(error);
              else log.refused.push(error);
            }
            throw error;
          }
          if (armed) {
            log.committed += 1;
            hooks.afterCommit?.(commit);
          }
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store: view, log, arm: () => void (armed = true) };
}
