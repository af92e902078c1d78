import { evaluate } from 'feelin';
import { describe, expect, it } from 'vitest';
import { ExpressionError } from '../../src/errors.js';
import { toPlain } from '../../src/feel/index.js';

function feel(expression: string): unknown {
  return evaluate(expression, {}).value;
}

describe('toPlain', () => {
  it.each([
    ['duration("PT30M")', 'PT30M'],
    ['duration("PT90M")', 'PT1H30M'],
    ['duration("P1Y14M")', 'P2Y2M'],
    ['duration("P0M")', 'P0M'],
    ['-duration("P2D")', null],
    ['date("2024-05-01")', '2024-05-01'],
    ['time("10:30:00")', '10:30:00'],
    ['time("10:30:00+02:00")', '10:30:00+02:00'],
    ['date and time("2024-05-01T10:30:00Z")', '2024-05-01T10:30:00Z'],
    ['date and time("2024-05-01T10:30:00@Europe/Paris")', '2024-05-01T10:30:00@Europe/Paris'],
    ['[1, "a", null, true]', [1, 'a', null, true]],
    ['{ due: date("2024-05-01"), steps: [duration("PT1H")], "with space": 1 }', { due: '2024-05-01', steps: ['PT1H'], 'with space': 1 }],
  ])('should turn the FEEL value of %s into %j', (expression, expected) => {
    // given
    const value = feel(expression);

    // when
    const plain = toPlain(value);

    // then
    expect(plain).toStrictEqual(expected);
  });

  it('should convert a JS Date as feelin converts context values', () => {
    // given
    const date = new Date(Date.UTC(2024, 4, 1, 10, 30));

    // when / then
    expect(toPlain({ at: date })).toStrictEqual({ at: '2024-05-01T10:30:00Z' });
  });

  it('should copy lists and contexts rather than share them', () => {
    // given
    const value = { list: [{ a: 1 }] };

    // when
    const plain = toPlain(value) as typeof value;

    // then
    expect(plain).toStrictEqual(value);
    expect(plain).not.toBe(value);
    expect(plain.list[0]).not.toBe(value.list[0]);
  });

  it.each([
    ['count', 'function'],
    ['function(x) x', 'function'],
    ['[1..3]', 'range'],
    ['[[1..3]]', 'range'],
  ])('should throw an ExpressionError for %s, a %s', (expression, kind) => {
    // given
    const value = feel(expression);

    // when / then
    expect(() => toPlain(value)).toThrow(ExpressionError);
    expect(() => toPlain(value)).toThrow(`expression returned a ${kind}; expected a value`);
  });
});
