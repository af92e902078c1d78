/**
 * Compile the parse tree of an expression in the fast FEEL subset into
 * JavaScript closures, once. The closures read plain JSON variables and give
 * exactly feelin 8.2's results; on anything else they throw
 * {@link DELEGATE} and the caller evaluates with feelin instead.
 *
 * The subset: number, string, boolean and null literals; variables and
 * paths (`a.b.c`); `+ - * / **`; `= != < <= > >=`; `and`, `or`; `if then
 * else`; list literals; `between`; `in` with lists, values, intervals and
 * `< x`-style tests; `for x in list return …`, `some`/`every x in list
 * satisfies …`; the built-ins of {@link BUILTINS}; and `duration(…)`,
 * `date(…)`, `time(…)`, `date and time(…)`, `@"…"` with literal arguments where
 * their value is the result (folded to its ISO string once).
 */
import { evaluate } from 'feelin';
import { chargeSteps } from './budget.js';
import { BUILTINS, type Builtin } from './builtins.js';
import { firstWord, hasComplexKeyStarting, isComplexKey, isJoinableAt, readEntry } from './contextKeys.js';
import { delegate } from './delegate.js';
import { arithmetic, feelEquals, feelNotEquals, hasEntry, isArithmeticOperator, isTruthy, kindOf } from './feelValues.js';
import { between, compareOrder, createRange, EqualityTest, isIn } from './feelComparisons.js';
import { numberLiteral, stringLiteral } from './literals.js';
import type { FeelNode } from './syntaxTree.js';
import { toPlain } from './toPlain.js';
import { ownCopy } from '../ownCopy.js';

/** Variables as the compiled closures read them. */
export type FeelContext = Readonly<Record<string, unknown>>;

/** Values of the names bound by `for`, `some` and `every`, one slot per binding. */
export type Frame = unknown[];

/** A compiled (sub)expression. May throw {@link DELEGATE}. */
export type Evaluator = (context: FeelContext, frame: Frame) => unknown;

/** A compiled expression and the size of the {@link Frame} it needs. */
export interface FastExpression {
  readonly evaluate: Evaluator;
  readonly slots: number;
}

class OutsideSubset extends Error {}

function outside(node: FeelNode): never {
  throw new OutsideSubset(node.name);
}

const ORDER_OPERATORS = new Set(['<', '<=', '>', '>=']);
const builtinNames = new Map<string, boolean>();

/** Whether feelin resolves `name` to a built-in function when no variable has that name. Pure (cached). */
export function isBuiltinName(name: string): boolean {
  let builtin = builtinNames.get(name);
  if (builtin === undefined) {
    try {
      builtin = typeof evaluate(name, {}).value === 'function';
    } catch {
      builtin = true;
    }
    if (builtinNames.size >= 2_000) builtinNames.delete(builtinNames.keys().next().value!);
    builtinNames.set(ownCopy(name), builtin);
  }
  return builtin;
}

/**
 * Compile `tree` (the parse of `source`) into a closure, or return `null`
 * when the expression uses anything outside the fast subset. Pure; the
 * closure is pure as well.
 */
export function compileFast(tree: FeelNode, source: string): FastExpression | null {
  try {
    const compiler = new FastCompiler(source);
    const evaluate = compiler.expression(tree, true);
    return { evaluate, slots: compiler.slots };
  } catch (error) {
    if (error instanceof OutsideSubset) return null;
    throw error;
  }
}

class FastCompiler {
  /** Frame slots used so far. */
  slots = 0;
  /** Names bound by the enclosing `for`/`some`/`every`, with their slot. */
  private readonly bound = new Map<string, number>();

  constructor(private readonly source: string) {}

  /**
   * @param result whether the node's value becomes the result as is (root,
   * `if` branches, list elements there): only such places may hold folded
   * temporal literals, whose ISO strings would compare differently.
   */
  expression(node: FeelNode, result: boolean): Evaluator {
    const c = node.children;
    switch (node.name) {
      case 'Expression':
      case 'ParenthesizedExpression': {
        const inner = node.name === 'Expression' ? c : c.slice(1, -1);
        if (inner.length !== 1) outside(node);
        return this.expression(inner[0], result);
      }
      case 'NumericLiteral': return constant(numberLiteral(node.text));
      case 'StringLiteral': return constant(this.literal(node));
      case 'BooleanLiteral': return constant(node.text === 'true');
      case 'null': return constant(null);
      case 'VariableName': return this.variable(node);
      case 'PathExpression': return this.path(node);
      case 'ArithmeticExpression': return this.arithmetic(node);
      case 'Comparison': return this.comparison(node);
      case 'Conjunction':
      case 'Disjunction': return this.logic(node);
      case 'IfExpression': {
        if (c.length !== 6) outside(node);
        const condition = this.expression(c[1], false);
        const then = this.expression(c[3], result);
        const otherwise = this.expression(c[5], result);
        return (context, frame) => (isTruthy(condition(context, frame)) ? then(context, frame) : otherwise(context, frame));
      }
      case 'List': {
        const items = c.slice(1, -1).map((item) => this.expression(item, result));
        return (context, frame) => items.map((item) => item(context, frame));
      }
      case 'FunctionInvocation': return this.invocation(node);
      case 'ForExpression':
      case 'QuantifiedExpression': return this.iteration(node);
      case 'DateTimeLiteral': return this.temporalLiteral(node, result);
      default: return outside(node);
    }
  }

  private literal(node: FeelNode): string {
    try {
      return stringLiteral(node.text);
    } catch {
      // an escape feelin cannot decode either: let feelin report it
      return outside(node);
    }
  }

  private variable(node: FeelNode): Evaluator {
    const name = node.text;
    if (node.children.length !== 1 || node.children[0].name !== 'Identifier' || isComplexKey(name)) outside(node);
    const slot = this.bound.get(name);
    if (slot !== undefined) {
      return (_context, frame) => {
        const value = frame[slot];
        return value === undefined ? null : value;
      };
    }
    // feelin's `partial` (results so far of a `for`) and built-in names used as values
    if (name === 'partial' || isBuiltinName(name)) outside(node);
    return (context) => {
      const value = readEntry(context, name, false);
      return value === undefined ? null : value;
    };
  }

  private path(node: FeelNode): Evaluator {
    const [target, dot, segment] = node.children;
    if (node.children.length !== 3 || dot.name !== '.' || segment.name !== 'PathName' || segment.children.length !== 1) outside(node);
    const name = segment.text;
    if (isComplexKey(name)) outside(node);
    const joinable = isJoinableAt(this.source, segment.to);
    const read = this.expression(target, false);
    const property = (value: unknown): unknown => {
      const kind = kindOf(value);
      if (kind === 'list') return name === 'length' ? (value as unknown[]).length : null;
      if (kind !== 'context') return null;
      const entry = readEntry(value as object, name, joinable);
      return entry === undefined ? null : entry;
    };
    return (context, frame) => {
      const value = read(context, frame);
      return Array.isArray(value) ? value.map(property) : property(value);
    };
  }

  private arithmetic(node: FeelNode): Evaluator {
    const c = node.children;
    const operatorNode = c.length === 3 ? c[1] : c[0];
    const operator = operatorNode.text;
    if (c.length < 2 || c.length > 3 || operatorNode.name !== 'ArithOp' || !isArithmeticOperator(operator)) outside(node);
    if (c.length === 2) {
      const operand = this.expression(c[1], false);
      return (context, frame) => arithmetic(operator, 0, operand(context, frame));
    }
    const left = this.expression(c[0], false);
    const right = this.expression(c[2], false);
    return (context, frame) => arithmetic(operator, left(context, frame), right(context, frame));
  }

  private logic(node: FeelNode): Evaluator {
    const c = node.children;
    if (c.length !== 3) outside(node);
    const left = this.expression(c[0], false);
    const right = this.expression(c[2], false);
    if (node.name === 'Conjunction') {
      return (context, frame) => {
        const a = left(context, frame);
        const b = right(context, frame);
        if (a === false || b === false) return false;
        return a === true && b === true ? true : null;
      };
    }
    return (context, frame) => {
      const a = left(context, frame);
      const b = right(context, frame);
      if (a === true || b === true) return true;
      return a === false && b === false ? false : null;
    };
  }

  private comparison(node: FeelNode): Evaluator {
    const c = node.children;
    const keyword = c[1]?.name;
    if (keyword === 'CompareOp' && c.length === 3) {
      const operator = c[1].text;
      const left = this.expression(c[0], false);
      const right = this.expression(c[2], false);
      if (operator === '=') return (context, frame) => feelEquals(left(context, frame), right(context, frame));
      if (operator === '!=') return (context, frame) => feelNotEquals(left(context, frame), right(context, frame));
      if (!ORDER_OPERATORS.has(operator)) outside(node);
      const order = operator as '<' | '<=' | '>' | '>=';
      return (context, frame) => compareOrder(order, left(context, frame), right(context, frame));
    }
    if (keyword === 'between' && c.length === 5 && c[3].name === 'and') {
      const value = this.expression(c[0], false);
      const start = this.expression(c[2], false);
      const end = this.expression(c[4], false);
      return (context, frame) => {
        const low = start(context, frame);
        const high = end(context, frame);
        if (low === null || high === null) return null;
        return between(value(context, frame), low, high);
      };
    }
    if (keyword === 'in') {
      const value = this.expression(c[0], false);
      let tests: Evaluator;
      if (c.length === 3 && c[2].name === 'PositiveUnaryTest') tests = this.positiveTest(c[2]);
      else if (c.length === 5 && c[3].name === 'PositiveUnaryTests') {
        const each = c[3].children.map((test) => this.positiveTest(test));
        tests = (context, frame) => each.map((test) => test(context, frame));
      } else return outside(node);
      return (context, frame) => {
        // feelin compares boolean tests with the `?` entry when there is one
        if (hasEntry(context, '?')) delegate();
        return isIn(value(context, frame), tests(context, frame));
      };
    }
    return outside(node);
  }

  private positiveTest(node: FeelNode): Evaluator {
    if (node.name !== 'PositiveUnaryTest' || node.children.length !== 1) outside(node);
    const test = node.children[0];
    if (test.name === 'SimplePositiveUnaryTest') return this.simpleTest(test);
    if (test.name === 'List') {
      const items = test.children
        .slice(1, -1)
        .map((item) => (item.name === 'SimplePositiveUnaryTest' ? this.simpleTest(item) : this.expression(item, false)));
      return (context, frame) => items.map((item) => item(context, frame));
    }
    return this.expression(test, false);
  }

  private simpleTest(node: FeelNode): Evaluator {
    const c = node.children;
    if (c.length === 2 && c[0].name === 'CompareOp') {
      const operator = c[0].text;
      const operand = this.expression(c[1], false);
      switch (operator) {
        case '=': return (context, frame) => new EqualityTest(operand(context, frame), false);
        case '!=': return (context, frame) => new EqualityTest(operand(context, frame), true);
        case '<': return (context, frame) => createRange(null, operand(context, frame), false, false);
        case '<=': return (context, frame) => createRange(null, operand(context, frame), false, true);
        case '>': return (context, frame) => createRange(operand(context, frame), null, false, false);
        case '>=': return (context, frame) => createRange(operand(context, frame), null, true, false);
        default: return outside(node);
      }
    }
    const interval = c[0];
    if (c.length !== 1 || interval.name !== 'Interval' || interval.children.length !== 5 || interval.children[2].name !== '..') outside(node);
    const [open, low, , high, close] = interval.children;
    const start = this.expression(low, false);
    const end = this.expression(high, false);
    const startBracket = open.name === '[';
    const endBracket = close.name === ']';
    return (context, frame) => {
      const a = start(context, frame);
      const b = end(context, frame);
      return createRange(a, b, a !== null && startBracket, b !== null && endBracket);
    };
  }

  private invocation(node: FeelNode): Evaluator {
    const [target, open, parameters, close] = node.children;
    if (node.children.length !== 4 || target.name !== 'VariableName' || open.name !== '(' || close.name !== ')') outside(node);
    if (parameters.name !== 'PositionalParameters') outside(node);
    const name = target.children.map((part) => part.text).join(' ');
    const builtin: Builtin | undefined = BUILTINS.get(name);
    if (!builtin || this.bound.has(name) || target.children.some((part) => part.name !== 'Identifier')) return outside(node);
    const args = parameters.children.map((argument) => this.expression(argument, false));
    const head = firstWord(name) as string;
    return (context, frame) => {
      // a variable with the function's name hides the built-in in feelin
      if (hasEntry(context, name) ? context[name] !== undefined : hasComplexKeyStarting(context, head)) delegate();
      const values = args.map((argument) => argument(context, frame));
      // as feelin's calls are charged in the fallback: one step, plus the lists in and out
      let steps = 1;
      for (const value of values) if (Array.isArray(value)) steps += value.length;
      chargeSteps(steps);
      const result = builtin(values);
      if (Array.isArray(result)) chargeSteps(result.length);
      return result;
    };
  }

  /**
   * `for x in list return …`, `some x in list satisfies …`, `every …`: one
   * iteration over a list (not a range); `null` when the source is not a list.
   */
  private iteration(node: FeelNode): Evaluator {
    const [keyword, contexts, , body] = node.children;
    if (node.children.length !== 4 || contexts.name !== 'InExpressions' || contexts.children.length !== 1) outside(node);
    const [name, inKeyword, source] = contexts.children[0].children;
    if (name.name !== 'Name' || name.children.length !== 1 || inKeyword?.name !== 'in') outside(node);
    if (source?.name !== 'IterationContext' || source.children.length !== 1) outside(node);
    if (isComplexKey(name.text) || isBuiltinName(name.text) || name.text === 'partial') outside(node);
    const list = this.expression(source.children[0], false);
    const slot = this.slots++;
    const shadowed = this.bound.get(name.text);
    this.bound.set(name.text, slot);
    const each = this.expression(body, false);
    if (shadowed === undefined) this.bound.delete(name.text);
    else this.bound.set(name.text, shadowed);

    const items = (context: FeelContext, frame: Frame): unknown[] | null => {
      const value = list(context, frame);
      return kindOf(value) === 'list' ? (value as unknown[]) : null;
    };
    if (keyword.name === 'for') {
      return (context, frame) => {
        const values = items(context, frame);
        if (values === null) return null;
        chargeSteps(values.length);
        const results: unknown[] = [];
        for (const value of values) {
          frame[slot] = value;
          results.push(each(context, frame));
        }
        return results;
      };
    }
    const some = keyword.name === 'some';
    if (!some && keyword.name !== 'every') outside(node);
    return (context, frame) => {
      const values = items(context, frame);
      if (values === null) return null;
      chargeSteps(values.length);
      for (const value of values) {
        frame[slot] = value;
        if (isTruthy(each(context, frame)) === some) return some;
      }
      return !some;
    };
  }

  private temporalLiteral(node: FeelNode, result: boolean): Evaluator {
    if (!result || !isConstantTemporal(node)) outside(node);
    let value = temporalConstants.get(node.text);
    if (value === undefined) {
      try {
        value = toPlain(evaluate(node.text, {}).value);
      } catch {
        return outside(node);
      }
      // feelin parses and evaluates the literal again: keep primitive results (dates and durations are text)
      if (value === null || typeof value !== 'object') {
        if (temporalConstants.size >= 2_000) temporalConstants.delete(temporalConstants.keys().next().value!);
        temporalConstants.set(ownCopy(node.text), value);
      }
    }
    return constant(value);
  }
}

/** Values of constant temporal literals (`@"P1D"`, `date("2026-01-05")`) by source text. */
const temporalConstants = new Map<string, unknown>();

function isConstantTemporal(node: FeelNode): boolean {
  const c = node.children;
  if (c.length === 1) return c[0].name === 'AtLiteral' && c[0].children.length === 1 && c[0].children[0].name === 'StringLiteral';
  return (
    c.length === 4 &&
    c[0].name === 'DateTimeConstructor' &&
    c[2].name === 'PositionalParameters' &&
    c[2].children.every((argument) => argument.name === 'StringLiteral' || argument.name === 'NumericLiteral')
  );
}

function constant(value: unknown): Evaluator {
  return () => value;
}
