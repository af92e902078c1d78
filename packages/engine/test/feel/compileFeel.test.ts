import * as feelin from 'feelin';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ExpressionError } from '../../src/errors.js';
import { compileFeel, isFeel } from '../../src/feel/index.js';

vi.mock('feelin', async (importOriginal) => {
  const original = await importOriginal<typeof import('feelin')>();
  return { ...original, evaluate: vi.fn(original.evaluate), parseExpression: vi.fn(original.parseExpression) };
});

afterEach(() => {
  vi.mocked(feelin.evaluate).mockClear();
  vi.mocked(feelin.parseExpression).mockClear();
});

/** Typical sopflow expressions: gateway conditions, SLAs, mappings. */
const TYPICAL: { expression: string; context: Record<string, unknown>; expected: unknown; fast: boolean }[] = [
  { expression: 'amount <= 50000', context: { amount: 50000 }, expected: true, fast: true },
  { expression: 'amount <= 50000', context: { amount: 50000.5 }, expected: false, fast: true },
  { expression: 'amount <= 50000', context: {}, expected: null, fast: true },
  { expression: 'severity = "urgent"', context: { severity: 'urgent' }, expected: true, fast: true },
  { expression: 'severity = "urgent"', context: { severity: '紧急' }, expected: false, fast: true },
  { expression: 'if severity = "urgent" then duration("PT30M") else duration("PT2H")', context: { severity: 'urgent' }, expected: 'PT30M', fast: true },
  { expression: 'if severity = "urgent" then duration("PT30M") else duration("PT2H")', context: {}, expected: 'PT2H', fast: true },
  { expression: 'count(departments) > 1', context: { departments: ['sales', 'legal'] }, expected: true, fast: true },
  { expression: 'count(departments) > 1', context: { departments: 'sales' }, expected: false, fast: true },
  { expression: 'count(departments) > 1', context: {}, expected: null, fast: true },
  {
    expression: 'all(for c in countersigns return c.approved)',
    context: { countersigns: [{ approved: true }, { approved: true }] },
    expected: true,
    fast: true,
  },
  {
    expression: 'all(for c in countersigns return c.approved)',
    context: { countersigns: [{ approved: true }, { approved: false }] },
    expected: false,
    fast: true,
  },
  { expression: 'every c in countersigns satisfies c.approved', context: { countersigns: [] }, expected: true, fast: true },
  { expression: 'sum(for i in items return i.qty * i.price)', context: { items: [{ qty: 2, price: 3 }] }, expected: 6, fast: true },
  { expression: 'items[qty > 1].sku', context: { items: [{ qty: 2, sku: 'A' }, { qty: 1, sku: 'B' }] }, expected: ['A'], fast: false },
  { expression: 'department + "-heads"', context: { department: 'finance' }, expected: 'finance-heads', fast: true },
  { expression: 'department + "-heads"', context: {}, expected: null, fast: true },
  { expression: 'decision = "cancel"', context: { decision: 'cancel' }, expected: true, fast: true },
  { expression: 'mismatches < 3', context: { mismatches: 2 }, expected: true, fast: true },
  // feelin orders mixed types as JavaScript does: "2" < 3
  { expression: 'mismatches < 3', context: { mismatches: '2' }, expected: true, fast: true },
  { expression: 'mismatches < 3', context: { mismatches: null }, expected: null, fast: true },
  { expression: 'if reopens = null then 1 else reopens + 1', context: {}, expected: 1, fast: true },
  { expression: 'if reopens = null then 1 else reopens + 1', context: { reopens: 2 }, expected: 3, fast: true },
  { expression: 'order.customer.tier in ["gold", "platinum"]', context: { order: { customer: { tier: 'gold' } } }, expected: true, fast: true },
  { expression: 'order.customer.tier in ["gold", "platinum"]', context: { order: null }, expected: false, fast: true },
  { expression: 'amount between 1000 and 5000 and not(rush)', context: { amount: 1000, rush: false }, expected: true, fast: true },
  { expression: 'score in [0..50)', context: { score: 50 }, expected: false, fast: true },
  { expression: 'starts with(upper case(code), "SOP-")', context: { code: 'sop-7' }, expected: true, fast: true },
  { expression: '{ total: sum(items) }', context: { items: [1, 2] }, expected: { total: 3 }, fast: false },
  { expression: 'amount /* net */ > 5 // the threshold', context: { amount: 6 }, expected: true, fast: true },
  { expression: 'date and time("2024-05-01T10:30:00@Europe/Paris")', context: {}, expected: '2024-05-01T10:30:00@Europe/Paris', fast: true },
];

describe('compileFeel', () => {
  it.each(TYPICAL)('should evaluate $expression on $context to $expected', ({ expression, context, expected, fast }) => {
    // given
    const compiled = compileFeel(expression);

    // when
    const value = compiled.evaluate(context);

    // then
    expect(value).toStrictEqual(expected);
    expect(compiled.fast).toBe(fast);
  });

  it('should parse once and never call feelin when evaluating a fast expression', () => {
    // given
    const compiled = compileFeel('if severity = "urgent" then duration("PT30M") else duration("PT2H")');
    vi.mocked(feelin.evaluate).mockClear();
    vi.mocked(feelin.parseExpression).mockClear();

    // when
    for (const severity of ['urgent', 'normal', null]) compiled.evaluate({ severity });

    // then
    expect(feelin.evaluate).not.toHaveBeenCalled();
    expect(feelin.parseExpression).not.toHaveBeenCalled();
  });

  it('should give feelin only the variables a fallback expression reads', () => {
    // given
    const compiled = compileFeel('items[qty > limit].sku');

    // when
    compiled.evaluate({ items: [], limit: 1, unrelated: { big: 'data' }, sku: 'x' });

    // then: the filter's list goes through sopflow's step-counting guard, the path's target through its value guard
    expect(feelin.evaluate).toHaveBeenCalledWith('__sopflow_value(__sopflow_iterate(items)[qty > limit]).sku', {
      items: [],
      limit: 1,
      sku: 'x',
      __sopflow_iterate: expect.any(feelin.FeelFunction),
      __sopflow_value: expect.any(feelin.FeelFunction),
    });
  });

  it('should give feelin the whole context when a key could be a multi-word name', () => {
    // given
    const compiled = compileFeel('order total > 5');
    const context = { 'order total': 10, other: 1 };

    // when
    const value = compiled.evaluate(context);

    // then
    expect(value).toBe(true);
    expect(feelin.evaluate).toHaveBeenCalledWith('order total > 5', context);
  });

  it('should hand the evaluation to feelin when a key changes how feelin reads the expression', () => {
    // given `a-b` is a variable for feelin when the context has that key
    const compiled = compileFeel('a-b');

    // when
    const withKey = compiled.evaluate({ a: 5, b: 2, 'a-b': 100 });
    const withoutKey = compiled.evaluate({ a: 5, b: 2 });

    // then
    expect(compiled.fast).toBe(true);
    expect(withKey).toBe(100);
    expect(withoutKey).toBe(3);
  });

  it('should strip one leading = and the whitespace around the expression', () => {
    // given / when
    const compiled = compileFeel('  = amount > 5 ');

    // then
    expect(compiled.source).toBe('amount > 5');
    expect(compiled.evaluate({ amount: 6 })).toBe(true);
  });

  it('should list the variables read, without function names', () => {
    // given / when
    const compiled = compileFeel('if count(items) > limit then order.total else string length(note)');

    // then
    expect(compiled.variables).toEqual(['items', 'limit', 'order', 'note']);
  });

  it('should throw an ExpressionError naming element, attribute, position and token on a syntax error', () => {
    // given
    const compile = () => compileFeel('=a +* b', { elementId: 'Gateway_1', attribute: 'conditionExpression' });

    // when / then
    expect(compile).toThrow(ExpressionError);
    expect(compile).toThrow("Invalid FEEL in <Gateway_1> conditionExpression at 4: 'a +* b' — unexpected '*'");
    try {
      compile();
    } catch (error) {
      expect((error as ExpressionError).details).toEqual({
        expression: 'a +* b',
        elementId: 'Gateway_1',
        attribute: 'conditionExpression',
        position: 3,
      });
    }
  });

  it.each([
    ['if a then', "Invalid FEEL at 10: 'if a then' — unexpected end of expression"],
    ['', "Invalid FEEL at 1: '' — unexpected end of expression"],
    ['"open', "Invalid FEEL at 1: '\"open' — unexpected '\"'"],
    ['a +\n* b', "Invalid FEEL at line 2, column 1: 'a +\n* b' — unexpected '*'"],
  ])('should report where %j stops parsing', (expression, message) => {
    // given / when / then
    expect(() => compileFeel(expression)).toThrow(message);
  });

  it('should throw an ExpressionError when feelin cannot evaluate', () => {
    // given feelin throws on a range of booleans
    const compiled = compileFeel('x < true', { elementId: 'Flow_2', attribute: 'conditionExpression' });

    // when / then
    expect(() => compiled.evaluate({ x: 1 })).toThrow(
      "Cannot evaluate FEEL in <Flow_2> conditionExpression: 'x < true' — unsupported range: null..true",
    );
  });

  it.each([
    ['count', 'function'],
    ['function(x) x + 1', 'function'],
    ['[1..5]', 'range'],
    ['{ f: function() 1 }', 'function'],
  ])('should throw an ExpressionError when %s returns a %s', (expression, kind) => {
    // given
    const compiled = compileFeel(expression);

    // when / then
    expect(() => compiled.evaluate({})).toThrow(ExpressionError);
    expect(() => compiled.evaluate({})).toThrow(`expression returned a ${kind}; expected a value`);
  });

  it('should keep the results of feelin that differ from the FEEL specification', () => {
    // given feelin reads 1e3 as 1, treats non-null non-false as true in `if`, and lacks `is defined`
    const cases = [compileFeel('1e3'), compileFeel('if "yes" then 1 else 2'), compileFeel('is defined(x)')];

    // when
    const values = cases.map((compiled) => compiled.evaluate({ x: 1 }));

    // then
    expect(values).toEqual([1, 1, null]);
    expect(cases.map((compiled) => compiled.fast)).toEqual([true, true, false]);
  });
});

describe('isFeel', () => {
  it.each([
    ['=amount > 5', true],
    ['  = amount', true],
    ['amount > 5', false],
    ['${amount > 5}', false],
    ['', false],
  ])('should tell whether %j is a FEEL expression', (value, expected) => {
    // given / when / then
    expect(isFeel(value)).toBe(expected);
  });
});
