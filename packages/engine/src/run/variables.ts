import { VariableError } from '../errors.js';
import type { Variables } from '../machine/state.js';

export interface VariableLimits {
  /** Largest JSON size of one command's variables, in characters. */
  maxBytes: number;
  /** Deepest nesting of objects and arrays. */
  maxDepth: number;
}

export const DEFAULT_VARIABLE_LIMITS: VariableLimits = { maxBytes: 1_000_000, maxDepth: 64 };

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Checks that variables are plain JSON data sopflow can store and hash:
 * no functions, class instances, cycles, non-finite numbers or
 * prototype-polluting keys; bounded size and depth. Returns a deep copy
 * (the caller's objects are never kept). Pure.
 * @throws VariableError naming the offending path
 */
export function checkVariables(vars: unknown, where: string, limits: VariableLimits = DEFAULT_VARIABLE_LIMITS): Variables {
  if (vars === undefined || vars === null) return {};
  if (typeof vars !== 'object' || Array.isArray(vars)) {
    throw new VariableError(`${where}: variables must be an object of name → value, got ${Array.isArray(vars) ? 'an array' : typeof vars}.`, { where });
  }
  const seen = new Set<object>();
  let size = 0;
  const copy = (value: unknown, path: string, depth: number): unknown => {
    if (depth > limits.maxDepth) throw new VariableError(`${where}: '${path}' is nested deeper than ${limits.maxDepth} levels.`, { where, path });
    if (value === null || typeof value === 'boolean') {
      size += 5;
      return value;
    }
    if (typeof value === 'string') {
      size += value.length + 2;
      if (size > limits.maxBytes) throw new VariableError(`${where}: variables exceed ${limits.maxBytes} characters of JSON (at '${path}').`, { where, path });
      return value;
    }
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw new VariableError(`${where}: '${path}' is ${value}; only finite numbers can be stored.`, { where, path });
      size += 8;
      return value;
    }
    if (typeof value !== 'object') {
      throw new VariableError(`${where}: '${path}' is a ${typeof value}; only JSON values (objects, arrays, strings, numbers, booleans, null) can be stored.`, { where, path });
    }
    if (seen.has(value)) throw new VariableError(`${where}: '${path}' refers back to itself (a cycle); variables must be a tree.`, { where, path });
    seen.add(value);
    let out: unknown;
    if (Array.isArray(value)) {
      out = value.map((item, i) => copy(item, `${path}[${i}]`, depth + 1));
    } else {
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        const name = (value as object).constructor?.name ?? 'object';
        throw new VariableError(`${where}: '${path}' is a ${name}; only plain objects can be stored (convert dates to ISO strings).`, { where, path });
      }
      const record: Record<string, unknown> = {};
      for (const key of Object.keys(value)) {
        if (FORBIDDEN_KEYS.has(key)) throw new VariableError(`${where}: key '${key}' at '${path}' is not allowed.`, { where, path, key });
        size += key.length + 3;
        const v = (value as Record<string, unknown>)[key];
        if (v === undefined) continue;
        record[key] = copy(v, path ? `${path}.${key}` : key, depth + 1);
      }
      out = record;
    }
    seen.delete(value);
    if (size > limits.maxBytes) throw new VariableError(`${where}: variables exceed ${limits.maxBytes} characters of JSON (at '${path}').`, { where, path });
    return out;
  };
  return copy(vars, '', 0) as Variables;
}
