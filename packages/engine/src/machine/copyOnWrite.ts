/**
 * The working copy of an instance state for one step, copied on write.
 *
 * A step must leave the state it was given untouched (the store, a retried
 * unit and `xstate.transition` callers still hold it), but copying all of it
 * made every step cost as much as the instance is big: completing one of a
 * 100-item multi-instance copied the other 99 bodies too. Here the keyed
 * collections are copied one entry at a time, the first time the step reads
 * that entry; the entries it never reads are shared with the old state.
 */

import type { InstanceState } from './state.js';

/** Deep copy of JSON data: much cheaper than structuredClone for many small objects. */
export function clone<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(clone) as T;
  const out: Record<string, unknown> = {};
  for (const key in value as Record<string, unknown>) out[key] = clone((value as Record<string, unknown>)[key]);
  return out as T;
}

/**
 * An empty object for a collection keyed by ids (executions, scopes…), in
 * V8's dictionary mode. Every instance brings ids no object had before; a
 * plain `{}` gets a new hidden class for each one it is given (measured: 12
 * such keys added and 11 deleted cost 15–17 µs on `{}`, 7–8 µs here). Deleting
 * a property that is not the last one added is what makes V8 switch an
 * object to a hash table; the prototype stays `Object.prototype`. Only the
 * large collections use it: with a few entries a plain object, read and
 * enumerated often, came out faster (measured on the sequence and on user
 * task → gateway).
 */
export function keyedRecord<T>(): Record<string, T> {
  const record: Record<string, unknown> = { a: 0, b: 0 };
  delete record.a;
  delete record.b;
  return record as Record<string, T>;
}

const COLLECTIONS = ['scopes', 'execs', 'joins', 'subs', 'timers', 'incidents'] as const;
type Collection = (typeof COLLECTIONS)[number];

/** Up to this many entries a collection is deep-copied at once (measured: cheaper than the proxy's traps). */
const SMALL = 16;

/** The collections as plain objects: entries not read yet are the old state's own, so only for reading. */
export type ReadOnlyCollections = { readonly [K in Collection]: Readonly<InstanceState[K]> };

export interface StepCopy {
  /** The state to run the step on: any entry read through it is the step's own copy. */
  draft: InstanceState;
  /** Scans without copying (find an id, then read it through `draft` to change it). */
  raw: ReadOnlyCollections;
  /** The step's result as plain data (no proxies left in it). */
  seal(): InstanceState;
}

/** A copy-on-write working copy of `state`; `state` itself is never changed. */
export function copyOnWrite(state: InstanceState): StepCopy {
  // Not `{ ...state }`: V8 gives a spread copy that later gains a field (`endedAt`, `sla`, `visits`) a hidden class of its own, every time.
  const draft = Object.assign({}, state);
  const raw = {} as Record<Collection, Record<string, unknown>>;
  for (const name of COLLECTIONS) {
    const source = state[name] as Record<string, unknown>;
    let size = 0;
    for (const _ in source) if (++size > SMALL) break;
    if (size <= SMALL) {
      // Small (most instances, most of the time): a deep copy costs less than the proxy.
      const copy = clone(source);
      raw[name] = copy;
      (draft as unknown as Record<string, unknown>)[name] = copy;
      continue;
    }
    // A for-in copy into a hash table: several times faster than a spread once deletions have put the
    // record in dictionary mode, and no hidden class per key (a plain {} would get one for every id).
    const target = keyedRecord<unknown>();
    for (const key in source) target[key] = source[key];
    raw[name] = target;
    (draft as unknown as Record<string, unknown>)[name] = entryCopies(target);
  }
  // The rest is small: copied whole.
  if (state.sla) draft.sla = Object.assign({}, state.sla);
  if (state.visits) draft.visits = Object.assign({}, state.visits);
  if (state.sensitive) draft.sensitive = [...state.sensitive];
  if (state.parent) draft.parent = Object.assign({}, state.parent);
  return {
    draft,
    raw: raw as unknown as ReadOnlyCollections,
    seal() {
      const out = draft as unknown as Record<string, unknown>;
      for (const name of COLLECTIONS) out[name] = raw[name];
      return draft;
    },
  };
}

/** A record whose object entries are deep-copied into `target` the first time they are read. */
function entryCopies(target: Record<string, unknown>): Record<string, unknown> {
  const own = new Set<string>();
  return new Proxy(target, {
    get(t, key) {
      const value = t[key as string];
      if (typeof key !== 'string' || value === null || typeof value !== 'object' || own.has(key)) return value;
      own.add(key);
      return (t[key] = clone(value));
    },
    set(t, key, value) {
      t[key as string] = value;
      if (typeof key === 'string') own.add(key);
      return true;
    },
    deleteProperty(t, key) {
      delete t[key as string];
      if (typeof key === 'string') own.delete(key);
      return true;
    },
  });
}
