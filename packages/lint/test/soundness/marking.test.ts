import { describe, expect, it } from 'vitest';
import { countOf, freeze, put, take, thaw, type Draft } from '../../src/soundness/marking.js';

describe('markings', () => {
  it('should give equal keys to equal markings built in a different order', () => {
    // given
    const a: Draft = { node: -1, tokens: [7, 2, 2], children: [{ node: 4, tokens: [9], children: [] }, { node: 3, tokens: [1], children: [] }] };
    const b: Draft = { node: -1, tokens: [2, 7, 2], children: [{ node: 3, tokens: [1], children: [] }, { node: 4, tokens: [9], children: [] }] };

    // when
    const keys = [freeze(a).key, freeze(b).key];

    // then
    expect(keys[0]).toBe(keys[1]);
  });

  it('should give different keys when a token sits in a different scope instance', () => {
    // given
    const inParent: Draft = { node: -1, tokens: [5], children: [{ node: 3, tokens: [], children: [] }] };
    const inChild: Draft = { node: -1, tokens: [], children: [{ node: 3, tokens: [5], children: [] }] };

    // when
    const keys = [freeze(inParent).key, freeze(inChild).key];

    // then
    expect(keys[0]).not.toBe(keys[1]);
  });

  it('should keep places sorted as tokens are added and taken, leaving the frozen marking untouched', () => {
    // given
    const frozen = freeze({ node: -1, tokens: [3, 8], children: [] });
    const draft = thaw(frozen);

    // when
    put(draft, [5, 1, 5]);
    const took = take(draft, 8);
    const missed = take(draft, 42);

    // then
    expect(draft.tokens).toEqual([1, 3, 5, 5]);
    expect([took, missed]).toEqual([true, false]);
    expect(countOf(draft.tokens, 5)).toBe(2);
    expect(frozen.tokens).toEqual([3, 8]);
  });
});
