import { MemoryStore, type Commit } from '@sopflow/engine';

/** Freezes `value` and everything reachable from it; returns it. */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  return value;
}

/**
 * A MemoryStore that deep-freezes every instance record it commits. A step
 * shares the entries it does not change with the state it started from
 * (copy on write), so a step that wrote into its input instead of its own
 * copy would corrupt the stored state; frozen, that write throws (modules
 * are strict) and the test using this store fails.
 */
export class FrozenMemoryStore extends MemoryStore {
  override async commit(commit: Commit): Promise<void> {
    await super.commit(commit);
    for (const { record } of commit.instances) deepFreeze(record);
  }
}
