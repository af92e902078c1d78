import fc from 'fast-check';
import { evaluate } from 'feelin';
import { afterAll, describe, expect, it } from 'vitest';
import { ExpressionError } from '../../src/errors.js';
import { isFastContext } from '../../src/feel/compileFeel.js';
import { joinableWords } from '../../src/feel/contextKeys.js';
import { DELEGATE } from '../../src/feel/delegate.js';
import { compileFast } from '../../src/feel/fastCompiler.js';
import { compileFeel, toPlain } from '../../src/feel/index.js';
import { parseFeel } from '../../src/feel/syntaxTree.js';
import { fastExpression, jsonContext, oddContext, oddKeyExpression, typedContext, VARIABLE_NAMES } from './feelArbitraries.js';

type Outcome = { threw: true } | { threw: false; value: unknown };

function feelinOutcome(expression: string, context: Record<string, unknown>): Outcome {
  try {
    return { threw: false, value: toPlain(evaluate(expression, context).value) };
  } catch {
    return { threw: true };
  }
}

function compiledOutcome(evaluateCompiled: () => unknown): Outcome {
  try {
    return { threw: false, value: evaluateCompiled() };
  } catch (error) {
    expect(error).toBeInstanceOf(ExpressionError);
    return { threw: true };
  }
}

const tally = { expressions: 0, syntaxErrors: 0, fast: 0, evaluations: 0, fastEvaluations: 0, delegated: 0, feelinThrew: 0 };

/**
 * Check one expression on several contexts: the public `evaluate` must equal
 * feelin's result (or both throw), and the compiled closures on their own
 * must either give that same result or hand over to feelin — never differ.
 */
function checkAgainstFeelin(expression: string, contexts: Record<string, unknown>[]): void {
  tally.expressions++;
  const parsed = parseFeel(expression);
  if ('problem' in parsed) {
    tally.syntaxErrors++;
    expect(() => compileFeel(expression)).toThrow(ExpressionError);
    for (const context of contexts) expect(feelinOutcome(expression, context).threw).toBe(true);
    return;
  }
  const compiled = compileFeel(expression);
  const closure = compileFast(parsed.tree, compiled.source);
  expect(compiled.fast).toBe(closure !== null);
  if (compiled.fast) tally.fast++;
  const joinable = joinableWords(compiled.source);

  for (const context of contexts) {
    tally.evaluations++;
    const expected = feelinOutcome(expression, context);
    if (expected.threw) tally.feelinThrew++;

    const actual = compiledOutcome(() => compiled.evaluate(context));
    expect(actual).toStrictEqual(expected);

    if (closure && isFastContext(context, joinable)) {
      tally.fastEvaluations++;
      let value: unknown;
      try {
        value = closure.evaluate(context, []);
      } catch (error) {
        if (error !== DELEGATE) throw error;
        tally.delegated++;
        continue;
      }
      // a closure may return a variable's value as it is; toPlain refuses what is not data on both sides
      expect(expected).toStrictEqual(compiledOutcome(() => toPlain(value)));
    }
  }
}

describe('compileFeel against feelin (differential)', () => {
  afterAll(() => {
    console.log('FEEL differential tally', tally);
  });

  it('should give feelin’s result for random fast-subset expressions on JSON contexts', () => {
    // given random expressions of the fast subset and random JSON contexts
    const property = fc.property(fastExpression, fc.array(fc.oneof(typedContext, jsonContext), { minLength: 1, maxLength: 4 }), (expression, contexts) => {
      // when / then
      checkAgainstFeelin(expression, contexts);
    });
    fc.assert(property, { numRuns: 2000 });

    // then the fast path did the work
    expect(tally.fast / (tally.expressions - tally.syntaxErrors)).toBeGreaterThan(0.9);
    expect(tally.delegated / tally.fastEvaluations).toBeLessThan(0.1);
  });

  it('should give feelin’s result when context keys are multi-part names, shadow built-ins or are `?`', () => {
    // given contexts with keys feelin parses or looks up specially
    const property = fc.property(fc.oneof(fastExpression, oddKeyExpression), fc.array(oddContext, { minLength: 1, maxLength: 3 }), (expression, contexts) => {
      // when / then
      checkAgainstFeelin(expression, contexts);
    });
    fc.assert(property, { numRuns: 800 });
  });

  it('should give feelin’s result when variables hold values that are not JSON', () => {
    // given dates, null-prototype objects and class instances among the variables
    class Money {
      constructor(readonly amount: number) {}
    }
    const exotic = fc.constantFrom<unknown>(
      new Date(Date.UTC(2024, 4, 1, 10, 30)),
      Object.assign(Object.create(null), { x: 1 }),
      new Money(5),
      [new Date(Date.UTC(2024, 0, 1))],
      { x: new Date(Date.UTC(2024, 0, 1)) },
    );
    const context = fc
      .tuple(jsonContext, fc.constantFrom(...VARIABLE_NAMES), exotic)
      .map(([plain, name, value]) => ({ ...plain, [name]: value }));
    const property = fc.property(fastExpression, fc.array(context, { minLength: 1, maxLength: 2 }), (expression, contexts) => {
      // when / then
      checkAgainstFeelin(expression, contexts);
    });
    fc.assert(property, { numRuns: 300 });
  });
});
