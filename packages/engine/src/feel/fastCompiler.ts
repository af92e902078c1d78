/**
 * Compile the parse tree of an expression in the fast FEEL subset into
 * JavaScript closures, once. The closures read plain JSON variables and give
 * exactly feelin 8.2's results; on anything else they throw
 * {@link DELEGATE} and the caller evaluates with feelin instead.
 *
 * The subset: number, string, boolean and null literals; variables and
 * paths (`a.b.c`); `+ - * / **`; `= != < <= > >=`; `and`, `or`; `if then
 * else`; list literals; `between`; `in` with lists, values, intervals and
 * `< x`-style tests; the built-ins of {@link BUILTINS}; and `duration(…)`,
 * `date(…)`, `time(…)`, `date and time(…)`, `@"…"` with literal arguments where
 * their value is the result (folded to its ISO string once).
 */
import { evaluate } from 'feelin';
import { BUILTINS, type Builtin } from './builtins.js';
import { firstWord, hasComplexKeyStarting, isComplexKey, isJoinableAt, readEntry } from './contextKeys.js';
import { delegate } from './delegate.js';
import { arithmetic, feelEquals, feelNotEquals, hasEntry, isArithmeticOperator, isTruthy, kindOf } from './feelValues.js';
import { between, compareOrder, createRange, EqualityTest, isIn } from './feelTests.js';
import { numberLiteral, stringLiteral } from './literals.js';
import type { FeelNode } from './syntaxTree.js';
import { toPlain } from './toPlain.js';

/** Variables as the compiled closures read them. */
export type FeelContext = Readonly<Record<string, unknown>>;

/** A compiled (sub)expression. May throw {@link DELEGATE}. */
export type Evaluator = (context: FeelContext) => unknown;

class OutsideSubset extends Error {}

function outside(node: FeelNode): never {
  throw new OutsideSubset(node.name);
}

const ORDER_OPERATORS = new Set(['<', '<=', '>', '>=']);
const builtinNames = new Map<string, boolean>();

/** Whether feelin resolves `name` to a built-in function when no variable has that name. */
function isBuiltinName(name: string): boolean {
  let builtin = builtinNames.get(name);
  if (builtin === undefined) {
    try {
      builtin = typeof evaluate(name, {}).value === 'function';
    } catch {
      builtin = true;
    }
    builtinNames.set(name, builtin);
  }
  return builtin;
}

/**
 * Compile `tree` (the parse of `source`) into a closure, or return `null`
 * when the expression uses anything outside the fast subset. Pure; the
 * closure is pure as well.
 */
export function compileFast(tree: FeelNode, source: string): Evaluator | null {
  try {
    return new FastCompiler(source).expression(tree, true);
  } catch (error) {
    if (error instanceof OutsideSubset) return null;
    throw error;
  }
}

class FastCompiler {
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
        return (context) => (isTruthy(condition(context)) ? then(context) : otherwise(context));
      }
      case 'List': {
        const items = c.slice(1, -1).map((item) => this.expression(item, result));
        return (context) => items.map((item) => item(context));
      }
      case 'FunctionInvocation': return this.invocation(node);
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
    if (node.children.length !== 1 || node.children[0].name !== 'Identifier' || isComplexKey(name) || isBuiltinName(name)) {
      outside(node);
    }
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
    return (context) => {
      const value = read(context);
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
      return (context) => arithmetic(operator, 0, operand(context));
    }
    const left = this.expression(c[0], false);
    const right = this.expression(c[2], false);
    return (context) => arithmetic(operator, left(context), right(context));
  }

  private logic(node: FeelNode): Evaluator {
    const c = node.children;
    if (c.length !== 3) outside(node);
    const left = this.expression(c[0], false);
    const right = this.expression(c[2], false);
    if (node.name === 'Conjunction') {
      return (context) => {
        const a = left(context);
        const b = right(context);
        if (a === false || b === false) return false;
        return a === true && b === true ? true : null;
      };
    }
    return (context) => {
      const a = left(context);
      const b = right(context);
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
      if (operator === '=') return (context) => feelEquals(left(context), right(context));
      if (operator === '!=') return (context) => feelNotEquals(left(context), right(context));
      if (!ORDER_OPERATORS.has(operator)) outside(node);
      const order = operator as '<' | '<=' | '>' | '>=';
      return (context) => compareOrder(order, left(context), right(context));
    }
    if (keyword === 'between' && c.length === 5 && c[3].name === 'and') {
      const value = this.expression(c[0], false);
      const start = this.expression(c[2], false);
      const end = this.expression(c[4], false);
      return (context) => {
        const low = start(context);
        const high = end(context);
        if (low === null || high === null) return null;
        return between(value(context), low, high);
      };
    }
    if (keyword === 'in') {
      const value = this.expression(c[0], false);
      let tests: Evaluator;
      if (c.length === 3 && c[2].name === 'PositiveUnaryTest') tests = this.positiveTest(c[2]);
      else if (c.length === 5 && c[3].name === 'PositiveUnaryTests') {
        const each = c[3].children.map((test) => this.positiveTest(test));
        tests = (context) => each.map((test) => test(context));
      } else return outside(node);
      return (context) => {
        // feelin compares boolean tests with the `?` entry when there is one
        if (hasEntry(context, '?')) delegate();
        return isIn(value(context), tests(context));
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
      return (context) => items.map((item) => item(context));
    }
    return this.expression(test, false);
  }

  private simpleTest(node: FeelNode): Evaluator {
    const c = node.children;
    if (c.length === 2 && c[0].name === 'CompareOp') {
      const operator = c[0].text;
      const operand = this.expression(c[1], false);
      switch (operator) {
        case '=': return (context) => new EqualityTest(operand(context), false);
        case '!=': return (context) => new EqualityTest(operand(context), true);
        case '<': return (context) => createRange(null, operand(context), false, false);
        case '<=': return (context) => createRange(null, operand(context), false, true);
        case '>': return (context) => createRange(operand(context), null, false, false);
        case '>=': return (context) => createRange(operand(context), null, true, false);
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
    return (context) => {
      const a = start(context);
      const b = end(context);
      return createRange(a, b, a !== null && startBracket, b !== null && endBracket);
    };
  }

  private invocation(node: FeelNode): Evaluator {
    const [target, open, parameters, close] = node.children;
    if (node.children.length !== 4 || target.name !== 'VariableName' || open.name !== '(' || close.name !== ')') outside(node);
    if (parameters.name !== 'PositionalParameters') outside(node);
    const name = target.children.map((part) => part.text).join(' ');
    const builtin: Builtin | undefined = BUILTINS.get(name);
    if (!builtin || target.children.some((part) => part.name !== 'Identifier')) return outside(node);
    const args = parameters.children.map((argument) => this.expression(argument, false));
    const head = firstWord(name) as string;
    return (context) => {
      // a variable with the function's name hides the built-in in feelin
      if (hasEntry(context, name) ? context[name] !== undefined : hasComplexKeyStarting(context, head)) delegate();
      return builtin(args.map((argument) => argument(context)));
    };
  }

  private temporalLiteral(node: FeelNode, result: boolean): Evaluator {
    if (!result || !isConstantTemporal(node)) outside(node);
    let value: unknown;
    try {
      value = toPlain(evaluate(node.text, {}).value);
    } catch {
      return outside(node);
    }
    return constant(value);
  }
}

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
