/**
 * What may enter a FEEL evaluation: plain data only. feelin calls any
 * JavaScript function it finds in its context, so before the fallback hands
 * a context to feelin, every value the expression could reach is checked.
 * (The compiled closures never call a value: they hand anything that is
 * not JSON data to the fallback, which then refuses it here.)
 */
import { FeelFault } from './faults.js';
import { FORBIDDEN_KEYS, MAX_RESULT_NESTING } from './toPlain.js';

const trusted = new WeakSet<object>();

/**
 * Let a function sopflow itself puts at the top of a context through (the
 * engine's `now()` and `today()`, bound to its clock). Effect: module state.
 */
export function trustFunction<T extends object>(fn: T): T {
  trusted.add(fn);
  return fn;
}

/**
 * Checks that every entry of `context` is data: no function (except the
 * trusted ones, at the top level), no symbol, no key `__proto__`,
 * `constructor` or `prototype`, no cycle. Dates, temporal values and other
 * objects feelin reads as data pass. Pure.
 *
 * @throws {@link FeelFault} `feel.not-data` or `feel.forbidden-key`, naming the path.
 */
export function assertFeelData(context: Readonly<Record<string, unknown>>): void {
  const ancestors = new Set<object>();
  const visit = (value: unknown, path: string, depth: number): void => {
    if (typeof value === 'function') {
      if (depth === 1 && trusted.has(value)) return;
      throw new FeelFault('feel.not-data', `'${path}' is a JavaScript function; FEEL reads only data, and never calls code from its variables`, { path });
    }
    if (typeof value === 'symbol') throw new FeelFault('feel.not-data', `'${path}' is a symbol; FEEL reads only data`, { path });
    if (value === null || typeof value !== 'object') return;
    if (depth > MAX_RESULT_NESTING) throw new FeelFault('feel.not-data', `'${path}' is nested more than ${MAX_RESULT_NESTING} levels deep`, { path });
    if (ancestors.has(value)) throw new FeelFault('feel.not-data', `'${path}' refers back to itself (a cycle)`, { path });
    ancestors.add(value);
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) visit(value[i], `${path}[${i}]`, depth + 1);
    } else {
      for (const key of Object.keys(value)) {
        const at = path ? `${path}.${key}` : key;
        if (FORBIDDEN_KEYS.has(key)) throw new FeelFault('feel.forbidden-key', `'${at}': the key '${key}' is not allowed in FEEL data`, { path: at, key });
        visit((value as Record<string, unknown>)[key], at, depth + 1);
      }
    }
    ancestors.delete(value);
  };
  for (const key of Object.keys(context)) {
    if (FORBIDDEN_KEYS.has(key)) throw new FeelFault('feel.forbidden-key', `the variable name '${key}' is not allowed in FEEL data`, { path: key, key });
    visit(context[key], key, 1);
  }
}
