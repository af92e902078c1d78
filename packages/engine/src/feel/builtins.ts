/**
 * The FEEL built-in functions the fast path calls directly, with feelin
 * 8.2's argument handling copied exactly: a one-element list passed for a
 * scalar parameter is unwrapped, a scalar passed for a list parameter is
 * wrapped, a missing or mistyped argument gives `null`, and so does a call
 * with too many arguments. All pure. `matches`, `replace` and `split` are
 * sopflow's own, on a linear-time engine (see regex.ts); the fallback
 * gives them to feelin as well ({@link FEELIN_OVERRIDES}).
 */
import { FeelFunction } from 'feelin';
import { kindOf, feelToString } from './feelValues.js';
import { regexMatches, regexReplace, regexSplit } from './regex.js';

/** A built-in called with already evaluated positional arguments. */
export type Builtin = (args: readonly unknown[]) => unknown;

const REJECTED = Symbol('rejected');

/** feelin's `createArgTester`: the argument as the function receives it, or {@link REJECTED}. */
function convertArgument(definition: string, value: unknown): unknown {
  const optional = definition.endsWith('?');
  const type = optional ? definition.slice(0, -1) : definition;
  if (type === 'list') {
    if (Array.isArray(value) || (optional && value === undefined)) return value;
    if (value === undefined || value === null) return REJECTED;
    return [value];
  }
  if (type !== 'any' && Array.isArray(value) && value.length === 1) value = value[0];
  const kind = kindOf(value);
  if (type === 'any' || type === kind) return optional || value !== undefined ? value : REJECTED;
  if (kind === 'nil') return optional ? value : REJECTED;
  return REJECTED;
}

/** A function with fixed parameters (feelin's `fn`). */
function fixed(definitions: readonly string[], body: (...args: any[]) => unknown): Builtin {
  return (args) => {
    if (args.length > definitions.length) return null;
    const converted: unknown[] = [];
    for (let i = 0; i < definitions.length; i++) {
      const value = convertArgument(definitions[i], args[i]);
      if (value === REJECTED) return null;
      converted.push(value);
    }
    return body(...converted);
  };
}

/** A function over a list or over its arguments (feelin's `listFn`). */
function overList(definition: string, body: (list: readonly any[]) => unknown): Builtin {
  return (args) => {
    if (args.length === 0) return null;
    const list = Array.isArray(args[0]) && args.length === 1 ? (args[0] as unknown[]) : args;
    if (!list.every((item) => convertArgument(definition, item) !== REJECTED)) return null;
    return body(list);
  };
}

function stringLength(text: string): number {
  return text.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, '_').length;
}

function toNumber(from: string, groupingSeparator: string | null | undefined, decimalSeparator: string | null | undefined): number | null {
  if (groupingSeparator) from = from.split(groupingSeparator).join('');
  if (decimalSeparator && decimalSeparator !== '.') from = from.split('.').join('#').split(decimalSeparator).join('.');
  const number = +from;
  return Number.isNaN(number) ? null : number;
}

function allOf(list: readonly unknown[]): boolean | null {
  let nonBoolean = false;
  for (const item of list) {
    if (item === false) return false;
    if (typeof item !== 'boolean') nonBoolean = true;
  }
  return nonBoolean ? null : true;
}

function anyOf(list: readonly unknown[]): boolean | null {
  let nonBoolean = false;
  for (const item of list) {
    if (item === true) return true;
    if (typeof item !== 'boolean') nonBoolean = true;
  }
  return nonBoolean ? null : false;
}

/** The fast built-ins by FEEL name. */
export const BUILTINS: ReadonlyMap<string, Builtin> = new Map<string, Builtin>([
  ['not', fixed(['any'], (negand: unknown) => (typeof negand === 'boolean' ? !negand : null))],
  ['string', fixed(['any'], (from: unknown) => (from === null ? null : feelToString(from)))],
  ['number', fixed(['string', 'string?', 'string?'], toNumber)],
  ['string length', fixed(['string'], stringLength)],
  ['upper case', fixed(['string'], (text: string) => text.toUpperCase())],
  ['lower case', fixed(['string'], (text: string) => text.toLowerCase())],
  ['contains', fixed(['string', 'string'], (text: string, match: string) => text.includes(match))],
  ['starts with', fixed(['string', 'string'], (text: string, match: string) => text.startsWith(match))],
  ['ends with', fixed(['string', 'string'], (text: string, match: string) => text.endsWith(match))],
  ['count', fixed(['list'], (list: unknown[]) => list.length)],
  ['min', overList('number', (list) => list.reduce((min, item) => (min === null ? item : Math.min(min, item)), null))],
  ['max', overList('number', (list) => list.reduce((max, item) => (max === null ? item : Math.max(max, item)), null))],
  ['sum', overList('number', (list) => list.reduce((sum, item) => (sum === null ? item : sum + item), null))],
  ['all', overList('any?', allOf)],
  ['any', overList('any?', anyOf)],
  ['matches', fixed(['string', 'string', 'string?'], regexMatches)],
  ['replace', fixed(['string', 'string', 'string', 'string?'], regexReplace)],
  ['split', fixed(['string', 'string'], regexSplit)],
]);

/**
 * Built-ins that replace feelin's own in the fallback, as context entries
 * (a context entry shadows a built-in of the same name), with feelin's
 * parameter names so named arguments work. Only where the context has no
 * entry of that name: a variable still shadows the built-in, as in feelin.
 */
export const FEELIN_OVERRIDES: ReadonlyMap<string, FeelFunction> = new Map(
  (
    [
      ['matches', ['input', 'pattern', 'flags']],
      ['replace', ['input', 'pattern', 'replacement', 'flags']],
      ['split', ['string', 'delimiter']],
    ] as const
  ).map(([name, parameters]) => {
    const builtin = BUILTINS.get(name)!;
    return [name, new FeelFunction((...args: unknown[]) => builtin(args), [...parameters])];
  }),
);
