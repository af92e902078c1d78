/**
 * The step budget of one FEEL evaluation. JavaScript cannot interrupt a
 * synchronous evaluation, so the work itself is counted as it happens and
 * the evaluation stops, with an error, when the count passes `maxSteps`:
 *
 * - the compiled closures charge one step per element a `for`, `some` or
 *   `every` goes through;
 * - in feelin, every function call (built-in or defined in the expression)
 *   charges one step plus the length of each list passed to it or returned
 *   by it; the fallback wraps the list of every `for`/`some`/`every` and
 *   every filter target in a call of an identity function, so iterating a
 *   list is charged as well;
 * - enumerating a range charges its number of elements *before* feelin
 *   builds them, and a number range feelin could not finish (bounds that do
 *   not differ by a whole number: feelin loops for ever) is refused.
 *
 * The budget is module state set for the length of one synchronous
 * evaluation (saved and restored around nested ones); outside an evaluation
 * feelin behaves exactly as published.
 */
import { FeelFunction, FeelRange } from 'feelin';
import { FeelFault } from './faults.js';

/** Thrown when an evaluation passes its step budget (code `feel.too-many-steps`). */
export class StepLimitExceeded extends FeelFault {
  constructor(readonly limit: number) {
    super(
      'feel.too-many-steps',
      `it took more than ${limit} steps (elements of lists and ranges iterated, function calls, characters matched by regular expressions); raise the FEEL limit maxSteps if this is intended`,
      { limit },
    );
  }
}

/** Thrown for a range feelin cannot enumerate safely (code `feel.unbounded-range`). */
export class UnboundedRange extends FeelFault {
  constructor(reason: string) {
    super('feel.unbounded-range', reason);
  }
}

// The budget of the evaluation in progress: steps left, and the limit (0: none active).
let left = 0;
let limit = 0;

/**
 * Charge `steps` to the evaluation in progress (none: no effect).
 *
 * @throws {@link StepLimitExceeded} when the budget is spent.
 */
export function chargeSteps(steps: number): void {
  if (limit === 0) return;
  left -= steps;
  if (left < 0) throw new StepLimitExceeded(limit);
}

/**
 * Run `fn` with a budget of `maxSteps` steps. Synchronous only; nested calls
 * get their own budget and the outer one is restored after.
 *
 * @throws {@link StepLimitExceeded} (from `fn`) when the budget is spent.
 */
export function withStepBudget<T>(maxSteps: number, fn: () => T): T {
  if (!installed) installFeelinGuards();
  const outerLeft = left;
  const outerLimit = limit;
  left = maxSteps;
  limit = maxSteps;
  try {
    return fn();
  } finally {
    left = outerLeft;
    limit = outerLimit;
  }
}

function listLength(value: unknown): number {
  return Array.isArray(value) ? value.length : 0;
}

function argumentsLength(args: unknown): number {
  if (Array.isArray(args)) {
    let total = 0;
    for (const arg of args) total += listLength(arg);
    return total;
  }
  if (args && typeof args === 'object') {
    let total = 0;
    for (const value of Object.values(args)) total += listLength(value);
    return total;
  }
  return 0;
}

const CHARACTER_RANGE_SIZE = 52;

/** How many elements feelin's `FeelRange.map` would produce, or `Infinity` if it would never stop. */
function rangeSize(range: { start: unknown; end: unknown; 'start included': boolean; 'end included': boolean }): number {
  const { start, end } = range;
  if (typeof start === 'number' && typeof end === 'number') {
    // feelin steps by one from `start` until it meets `end` exactly: with
    // bounds that are not whole numbers, or `(n..n]`, it never does
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end)) return Infinity;
    if (start === end) return range['start included'] ? (range['end included'] ? 1 : 0) : Infinity;
    return Math.abs(end - start) + 1 - (range['start included'] ? 0 : 1) - (range['end included'] ? 0 : 1);
  }
  return CHARACTER_RANGE_SIZE;
}

let installed = false;

/**
 * Wraps `FeelFunction.prototype.invoke` and `FeelRange.prototype.map` of
 * feelin so they charge the active budget. Done once, on the first
 * evaluation with a budget; without an active budget both behave as before.
 */
export function installFeelinGuards(): void {
  if (installed) return;
  installed = true;
  const invoke = FeelFunction.prototype.invoke;
  FeelFunction.prototype.invoke = function guardedInvoke(this: FeelFunction, args: unknown) {
    if (limit === 0) return invoke.call(this, args as never);
    chargeSteps(1 + argumentsLength(args));
    const result: unknown = invoke.call(this, args as never);
    chargeSteps(listLength(result));
    return result;
  } as typeof invoke;

  const map = FeelRange.prototype.map;
  FeelRange.prototype.map = function guardedMap(this: FeelRange, fn: (value: unknown) => unknown) {
    if (limit === 0) return map.call(this, fn as never);
    const self = this as unknown as Parameters<typeof rangeSize>[0];
    const size = rangeSize(self);
    if (size === Infinity) {
      throw new UnboundedRange(`the range ${String(self.start)}..${String(self.end)} cannot be iterated: sopflow iterates only ranges between two whole numbers (and never (n..n])`);
    }
    chargeSteps(Math.max(0, size));
    return map.call(this, fn as never);
  } as typeof map;
}

/** The identity function the fallback wraps around every list it iterates, so the call charges its length. */
export const ITERATE_GUARD_NAME = '__sopflow_iterate';

/** A FEEL function returning its argument: calling it charges the argument's length (see above). */
export const iterateGuard = new FeelFunction((value: unknown) => value, ['value']);

/** The function the fallback wraps around the target of a path that could be a function (`count.prototype`). */
export const VALUE_GUARD_NAME = '__sopflow_value';

/**
 * A FEEL function returning its argument, or `null` for a function: feelin
 * reads a path on a JavaScript function as a lookup of its own properties
 * (`count.prototype` would give the built-in's prototype object); FEEL has
 * no properties on functions.
 */
export const valueGuard = new FeelFunction((value: unknown) => (typeof value === 'function' || value instanceof FeelFunction ? null : value), ['value']);
