import { describe, expect, it } from 'vitest';
import { firstWord, isComplexKey, joinableWords } from '../../src/feel/contextKeys.js';

describe('context keys', () => {
  it.each([
    ['amount', false],
    ['ok?', false],
    ['n_1', false],
    ['审批', false],
    ['order total', true],
    ['order\u00a0total', true],
    ['order-id', true],
    [' amount', true],
    ['a.b', true],
    ["it's", true],
    ['x+1', true],
  ])('should tell whether %j may be read by feelin as a multi-part name', (key, complex) => {
    // given / when / then
    expect(isComplexKey(key)).toBe(complex);
  });

  it.each([
    ['order-id', 'order'],
    [' amount ', 'amount'],
    ['-x', 'x'],
    ['--', undefined],
  ])('should find the first word of %j', (key, word) => {
    // given / when / then
    expect(firstWord(key)).toBe(word);
  });

  it('should list the words a following name part could join', () => {
    // given / when
    const words = joinableWords('if order-id = x.y then total + 1 else count(items) < max');

    // then
    expect([...words].sort()).toEqual(['1', 'else', 'if', 'order', 'then', 'total', 'x', 'y']);
  });
});
