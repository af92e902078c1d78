import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { conditionRegion } from '../../src/gateway/conditionRegion.js';
import { isEverything, NONE, Undecidable, union, type Region } from '../../src/gateway/regions.js';

function covers(...conditions: string[]): boolean {
  return isEverything(conditions.map(conditionRegion).reduce<Region>(union, NONE));
}

describe('conditionRegion', () => {
  it.each([
    [['x = true', 'x = false']],
    [['x', 'not(x)']],
    [['x != true', 'x']],
    [['x < 10', 'x >= 10']],
    [['x <= 10', 'x >= 10']],
    [['10 > x', '10 <= x']],
    [['x = 10', 'x != 10']],
    [['x < -2.5', 'x >= -2.5 and x < 3', 'x >= 3']],
    [['x < 0 or x > 100', 'not(x < 0 or x > 100)']],
    [['s = "a"', 's != "a"']],
    [['s = "a" or s = "b"', 'not(s = "a") and s != "b"']],
    [['true']],
    [['(x > 1)', 'x <= 1', 'false']],
    [['x = null or x = false', 'x']],
    [['x != null']],
  ])('should find that %j cover every case', (conditions) => {
    // given conditions that accept every value between them

    // when
    const result = covers(...conditions);

    // then
    expect(result).toBe(true);
  });

  it.each([
    [['x = true']],
    [['x < 10', 'x > 10']],
    [['x < 10', 'x > 10', 'x > 11']],
    [['x >= 0 and x <= 5', 'x > 5']],
    [['s = "a"', 's = "b"']],
    [['false']],
    [['x > 1 and x < 1', 'x <= 1']],
    [['x = null', 'x = true']],
  ])('should find that %j may not cover every case', (conditions) => {
    // given conditions that leave some value out

    // when
    const result = covers(...conditions);

    // then
    expect(result).toBe(false);
  });

  it.each([
    ['a = true', 'b = false'],
    ['x = true', 'x > 1'],
    ['count(items) > 0', 'count(items) = 0'],
    ['x in [1, 2]', 'x'],
    ['x < y', 'x >= y'],
    ['s < "m"', 's >= "m"'],
    ['x < null', 'x'],
    ['x + 1 > 2', 'x'],
  ])('should refuse to decide %s / %s', (a, b) => {
    // given conditions outside the decidable form

    // when
    const decide = () => covers(a, b);

    // then
    expect(decide).toThrow(Undecidable);
  });

  it('should agree with evaluating the conditions at every boundary of random numeric splits', () => {
    // given comparisons of x with small integers, and an evaluator of them
    const ops = ['<', '<=', '>', '>=', '=', '!='] as const;
    const test = (op: (typeof ops)[number], x: number, n: number): boolean =>
      ({ '<': x < n, '<=': x <= n, '>': x > n, '>=': x >= n, '=': x === n, '!=': x !== n })[op];
    const comparison = fc.record({ op: fc.constantFrom(...ops), n: fc.integer({ min: -5, max: 5 }) });
    const condition = fc.array(comparison, { minLength: 1, maxLength: 2 });

    fc.assert(
      fc.property(fc.array(condition, { minLength: 1, maxLength: 4 }), (conditions) => {
        // when
        const text = conditions.map((c) => c.map(({ op, n }) => `x ${op} ${n}`).join(' and '));
        const decided = covers(...text);

        // then: covered exactly when every probe point (each boundary, between and beyond them) matches some condition
        const probes = [-1e9, 1e9, ...Array.from({ length: 23 }, (_, i) => -5.5 + i * 0.5)];
        const accepted = (x: number) => conditions.some((c) => c.every(({ op, n }) => test(op, x, n)));
        expect(decided).toBe(probes.every(accepted));
      }),
      { numRuns: 500 },
    );
  });
});
