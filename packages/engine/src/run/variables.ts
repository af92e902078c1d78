import { VariableError } from '../errors.js';
import { FORBIDDEN_KEYS } from '../feel/toPlain.js';
import type { Variables } from '../machine/state.js';

/** Bounds on the variables one command brings in (`createEngine({ variableLimits })`). */
export interface VariableLimits {
  /** Largest JSON size of one command's variables, in characters (counted without building the JSON). */
  maxBytes: number;
  /** Deepest nesting of objects and arrays. */
  maxDepth: number;
}

export const DEFAULT_VARIABLE_LIMITS: VariableLimits = { maxBytes: 1_000_000, maxDepth: 64 };

/** Why variables were refused: `details.reason` of the {@link VariableError}. */
export type VariableProblem = 'not-an-object' | 'not-json' | 'cycle' | 'too-large' | 'too-deep' | 'forbidden-key' | 'unreadable';

function describe(value: object): string {
  const prototype = Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null;
  const name = prototype?.constructor?.name;
  return typeof name === 'string' && name ? name : 'object';
}

/**
 * Checks that variables are plain JSON data sopflow can store and hash, and
 * returns a deep copy (the caller's objects are never kept). Refused, with
 * the path of the offending value:
 *
 * - values JSON has no form for: functions, symbols, `bigint`, `undefined`
 *   in a list, `NaN` and `±Infinity`, holes of sparse arrays (`not-json`);
 * - objects that are not plain: class instances, `Date` (convert it to an
 *   ISO 8601 string), `Map`, `Set`, boxed primitives, typed arrays; symbol
 *   keys; getters and setters, which are never called (`not-json`);
 * - cycles (`cycle`); keys `__proto__`, `constructor`, `prototype` at any
 *   depth (`forbidden-key`);
 * - more than `maxBytes` characters of JSON, checked as each value is
 *   counted so a huge input stops early (`too-large`), nesting deeper than
 *   `maxDepth` (`too-deep`);
 * - anything whose reading throws (a hostile Proxy) (`unreadable`).
 *
 * `undefined` as the value of a key is dropped, as JSON drops it; `-0` is
 * kept. Pure.
 *
 * @throws VariableError (code `variables.invalid`) whose message names the
 *   command, the path and what was expected, with `details.reason` (a
 *   {@link VariableProblem}), `details.path` and `details.where`.
 */
export function checkVariables(vars: unknown, where: string, limits: VariableLimits = DEFAULT_VARIABLE_LIMITS): Variables {
  if (vars === undefined || vars === null) return {};
  const refuse = (reason: VariableProblem, path: string, message: string, extra: Record<string, unknown> = {}): never => {
    throw new VariableError(`${where}: ${message}`, { where, path, reason, ...extra });
  };
  if (typeof vars !== 'object' || Array.isArray(vars)) {
    refuse('not-an-object', '', `variables must be an object of name → value, got ${Array.isArray(vars) ? 'an array' : typeof vars}.`);
  }
  const ancestors = new Set<object>();
  let size = 0;
  const grow = (amount: number, path: string): void => {
    size += amount;
    if (size > limits.maxBytes) {
      refuse(
        'too-large',
        path,
        `variables exceed ${limits.maxBytes} characters of JSON (at '${path}'); raise variableLimits.maxBytes if this is intended, or keep large documents outside the process and store a reference.`,
        { limit: limits.maxBytes },
      );
    }
  };
  const copy = (value: unknown, path: string, depth: number): unknown => {
    if (depth > limits.maxDepth) {
      refuse('too-deep', path, `'${path}' is nested deeper than ${limits.maxDepth} levels; raise variableLimits.maxDepth if this is intended.`, { limit: limits.maxDepth });
    }
    if (value === null || typeof value === 'boolean') {
      grow(5, path);
      return value;
    }
    if (typeof value === 'string') {
      grow(value.length + 2, path);
      return value;
    }
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) refuse('not-json', path, `'${path}' is ${value}; only finite numbers can be stored.`);
      grow(8, path);
      return value;
    }
    if (typeof value !== 'object') {
      refuse('not-json', path, `'${path}' is a ${typeof value}; only JSON values (objects, arrays, strings, numbers, booleans, null) can be stored.`);
    }
    const object = value as object;
    if (ancestors.has(object)) refuse('cycle', path, `'${path}' refers back to itself (a cycle); variables must be a tree.`);
    ancestors.add(object);
    let out: unknown;
    if (Array.isArray(object)) {
      grow(2, path);
      const list: unknown[] = [];
      for (let i = 0; i < object.length; i++) {
        const at = `${path}[${i}]`;
        const descriptor = Object.getOwnPropertyDescriptor(object, i);
        if (!descriptor) refuse('not-json', at, `'${at}' is a hole in a sparse array; JSON has no form for it (use null).`);
        if (!('value' in descriptor!)) refuse('not-json', at, `'${at}' is a getter; only data properties are read.`);
        list.push(copy(descriptor!.value, at, depth + 1));
      }
      out = list;
    } else {
      const prototype = Object.getPrototypeOf(object);
      if (prototype !== Object.prototype && prototype !== null) {
        refuse(
          'not-json',
          path,
          `'${path}' is a ${describe(object)}; only plain objects can be stored${object instanceof Date ? ' (convert dates to ISO 8601 strings)' : ''}.`,
        );
      }
      if (Object.getOwnPropertySymbols(object).length) refuse('not-json', path, `'${path}' has symbol keys; JSON keys are strings.`);
      grow(2, path);
      const record: Record<string, unknown> = {};
      for (const key of Object.keys(object)) {
        const at = path ? `${path}.${key}` : key;
        if (FORBIDDEN_KEYS.has(key)) {
          refuse('forbidden-key', at, `key '${key}' at '${path || '(top)'}' is not allowed (it would reach JavaScript object internals).`, { key });
        }
        const descriptor = Object.getOwnPropertyDescriptor(object, key)!;
        if (!('value' in descriptor)) refuse('not-json', at, `'${at}' is a getter or setter; only data properties are read.`);
        if (descriptor.value === undefined) continue;
        grow(key.length + 3, at);
        // defineProperty: a plain assignment of a key like `__proto__` would call a setter
        Object.defineProperty(record, key, { value: copy(descriptor.value, at, depth + 1), enumerable: true, writable: true, configurable: true });
      }
      out = record;
    }
    ancestors.delete(object);
    return out;
  };
  try {
    return copy(vars, '', 0) as Variables;
  } catch (error) {
    if (error instanceof VariableError) throw error;
    // a Proxy trap or an exotic object that throws when read
    return refuse('unreadable', '', `variables could not be read (${error instanceof Error ? error.message : String(error)}); pass plain JSON data.`);
  }
}
