/**
 * Translate the safe subset of JUEL conditions (Camunda 7 diagrams:
 * `${approved}`, `#{amount > 5 && !rejected}`) to FEEL. JUEL is never
 * evaluated: anything that is not a variable, a property path, a literal, a
 * comparison, `!`/`not`, `&&`/`||` or `empty` gives `null`, and so do method
 * calls, arithmetic and Camunda's built-in beans (`execution`, `task`…).
 */
import { tokenizeJuel, type JuelToken } from './juelTokens.js';
import { parseFeel } from './syntaxTree.js';

type Node =
  | { readonly kind: 'value'; readonly feel: string; readonly literal?: 'null' | 'boolean' | 'number' | 'string' }
  | { readonly kind: 'compare'; readonly feel: string }
  | { readonly kind: 'and' | 'or'; readonly feel: string }
  | { readonly kind: 'test'; readonly feel: string; readonly bare?: string };

/** Camunda 7 beans and Spin helpers: not process variables, so not translatable. */
const CAMUNDA_BEANS = new Set([
  'execution',
  'task',
  'variableScope',
  'processEngine',
  'processEngineServices',
  'authenticatedUserId',
  'currentUser',
  'currentUserGroups',
  'dateTime',
  'connector',
  'S',
  'JSON',
  'XML',
]);

/** Words FEEL reads as keywords, literals or temporal constructors; not usable as variable names. */
const FEEL_RESERVED = new Set([
  'true', 'false', 'null', 'and', 'or', 'not', 'between', 'in', 'instance', 'of', 'if', 'then', 'else',
  'for', 'return', 'some', 'every', 'satisfies', 'function', 'external', 'date', 'time', 'duration',
]);

const JUEL_KEYWORDS = new Set(['and', 'or', 'not', 'eq', 'ne', 'lt', 'gt', 'le', 'ge', 'true', 'false', 'null', 'empty', 'div', 'mod', 'instanceof']);

const EQUALITY: Readonly<Record<string, string>> = { '==': '=', eq: '=', '!=': '!=', ne: '!=' };
const ORDER: Readonly<Record<string, string>> = { '<': '<', lt: '<', '>': '>', gt: '>', '<=': '<=', le: '<=', '>=': '>=', ge: '>=' };
const FEEL_NAME = /^[\p{L}_][\p{L}\p{N}_]*$/u;

class Untranslatable extends Error {}

function refuse(): never {
  throw new Untranslatable();
}

/**
 * Translate a JUEL condition such as `${order.total > 100 && !rush}` to the
 * FEEL `order.total > 100 and not(rush)`, or return `null` when it is not
 * one whole `${…}` / `#{…}` in the safe subset. Pure.
 *
 * The translation keeps FEEL's semantics where JUEL's differ: a missing
 * variable is `null` (JUEL fails), `null` in `and`/`or`/`not` stays unknown
 * (JUEL reads it as `false`), and values of different types are never equal
 * (JUEL converts `"5" == 5`). `empty x` becomes a FEEL test that is exactly
 * JUEL's: null, `""`, an empty list or an empty context.
 */
export function translateJuel(text: string): string | null {
  const trimmed = text.trim();
  if (!trimmed.startsWith('${') && !trimmed.startsWith('#{')) return null;
  const tokenized = tokenizeJuel(trimmed, 2);
  if (!tokenized || tokenized.end !== trimmed.length) return null;
  let feel: string;
  try {
    feel = new JuelParser(tokenized.tokens).parse().feel;
  } catch (error) {
    if (error instanceof Untranslatable) return null;
    throw error;
  }
  return 'tree' in parseFeel(feel) ? feel : null;
}

class JuelParser {
  private index = 0;

  constructor(private readonly tokens: readonly JuelToken[]) {}

  parse(): Node {
    const node = this.or();
    if (this.peek().kind !== 'end') refuse();
    return node;
  }

  private peek(): JuelToken {
    return this.tokens[this.index];
  }

  private next(): JuelToken {
    return this.tokens[this.index++];
  }

  private accept(...texts: string[]): string | undefined {
    const token = this.peek();
    if (token.kind !== 'operator' && token.kind !== 'identifier') return undefined;
    if (!texts.includes(token.text)) return undefined;
    this.index++;
    return token.text;
  }

  private or(): Node {
    let left = this.and();
    while (this.accept('||', 'or')) {
      const right = this.and();
      left = { kind: 'or', feel: `${left.feel} or ${right.feel}` };
    }
    return left;
  }

  private and(): Node {
    let left = this.equality();
    while (this.accept('&&', 'and')) {
      const right = this.equality();
      left = { kind: 'and', feel: `${left.feel} and ${right.feel}` };
    }
    return left;
  }

  private equality(): Node {
    const left = this.order();
    const operator = this.accept('==', '!=', 'eq', 'ne');
    if (!operator) return left;
    const right = this.order();
    if (left.kind !== 'value' || right.kind !== 'value' || this.accept('==', '!=', 'eq', 'ne')) refuse();
    return { kind: 'compare', feel: `${left.feel} ${EQUALITY[operator]} ${right.feel}` };
  }

  private order(): Node {
    const left = this.unary();
    const operator = this.accept('<', '>', '<=', '>=', 'lt', 'gt', 'le', 'ge');
    if (!operator) return left;
    const right = this.unary();
    // JUEL orders null and booleans by converting them; FEEL does not
    const comparable = (node: Node) => node.kind === 'value' && node.literal !== 'null' && node.literal !== 'boolean';
    if (!comparable(left) || !comparable(right) || this.accept('<', '>', '<=', '>=', 'lt', 'gt', 'le', 'ge')) refuse();
    return { kind: 'compare', feel: `${left.feel} ${ORDER[operator]} ${right.feel}` };
  }

  private unary(): Node {
    if (this.accept('!', 'not')) {
      const negated = this.unary();
      return { kind: 'test', feel: `not(${negated.kind === 'test' && negated.bare !== undefined ? negated.bare : negated.feel})` };
    }
    if (this.accept('empty')) {
      const value = this.unary();
      if (value.kind !== 'value') refuse();
      const x = value.feel;
      return {
        kind: 'test',
        feel: `(${x} = null or (${x} instance of string and ${x} = "") or (${x} instance of list and count(${x}) = 0) or (${x} instance of context and ${x} = {}))`,
      };
    }
    if (this.accept('-')) {
      const token = this.next();
      if (token.kind !== 'number') refuse();
      return { kind: 'value', feel: `-${feelNumber(token.text)}`, literal: 'number' };
    }
    return this.primary();
  }

  private primary(): Node {
    const token = this.next();
    if (token.kind === 'operator' && token.text === '(') {
      const inner = this.or();
      if (!this.accept(')')) refuse();
      // FEEL binds `and` tighter than `or` and comparisons tighter than both, as JUEL
      // does; parentheses around anything but a value or a test are kept
      return inner.kind === 'value' || inner.kind === 'test' ? inner : { kind: 'test', feel: `(${inner.feel})`, bare: inner.feel };
    }
    if (token.kind === 'number') return { kind: 'value', feel: feelNumber(token.text), literal: 'number' };
    if (token.kind === 'string') return { kind: 'value', feel: feelString(token.value), literal: 'string' };
    if (token.kind !== 'identifier') return refuse();
    if (token.text === 'true' || token.text === 'false') return { kind: 'value', feel: token.text, literal: 'boolean' };
    if (token.text === 'null') return { kind: 'value', feel: 'null', literal: 'null' };
    if (JUEL_KEYWORDS.has(token.text) || CAMUNDA_BEANS.has(token.text)) refuse();
    const path = [variableName(token.text)];
    for (;;) {
      if (this.accept('.')) {
        const property = this.next();
        if (property.kind !== 'identifier') refuse();
        path.push(variableName(property.text));
      } else if (this.accept('[')) {
        const property = this.next();
        if (property.kind !== 'string' || !this.accept(']')) refuse();
        path.push(variableName(property.value));
      } else break;
    }
    // a method or function call
    if (this.peek().kind === 'operator' && this.peek().text === '(') refuse();
    return { kind: 'value', feel: path.join('.') };
  }
}

function variableName(name: string): string {
  if (!FEEL_NAME.test(name) || FEEL_RESERVED.has(name) || JUEL_KEYWORDS.has(name)) refuse();
  return name;
}

/** A JUEL number as FEEL writes it: no exponent (feelin reads `1e3` as `1`), no more than 15 digits. */
function feelNumber(text: string): string {
  const match = /^(\d*)(?:\.(\d*))?$/.exec(text);
  if (!match) refuse();
  const whole = match[1].replace(/^0+(?=\d)/, '') || '0';
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (whole.length + fraction.length > 15) refuse();
  return fraction ? `${whole}.${fraction}` : whole;
}

function feelString(value: string): string {
  const escaped = value.replace(/[\\"\n\r\t]/g, (char) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[char] as string);
  return `"${escaped}"`;
}
