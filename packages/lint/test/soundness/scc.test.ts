import { describe, expect, it } from 'vitest';
import { closedCycles, stronglyConnected } from '../../src/soundness/scc.js';

describe('strongly connected components', () => {
  it('should group vertices that reach each other', () => {
    // given 0 → 1 → 2 → 1, 2 → 3
    const edges = [[1], [2], [1, 3], []];

    // when
    const { comp, count } = stronglyConnected(edges);

    // then
    expect(count).toBe(3);
    expect(comp[1]).toBe(comp[2]);
    expect(new Set([comp[0], comp[1], comp[3]]).size).toBe(3);
  });

  it('should report only cycles with no way out whose markings were all expanded', () => {
    // given 0 → 1 ⇄ 2 (closed), 0 → 3 ⇄ 4 → 5 (exit), 0 → 6 ⇄ 7 (7 not expanded), 8 → 8 (self-loop)
    const edges = [[1, 3, 6, 8], [2], [1], [4], [3, 5], [], [7], [6], [8]];
    const expanded = edges.map((_, v) => v !== 7);

    // when
    const cycles = closedCycles(edges, expanded);

    // then
    expect(cycles).toEqual([[1, 2], [8]]);
  });

  it('should handle a chain far longer than the call stack allows recursion for', () => {
    // given
    const n = 200_000;
    const edges = Array.from({ length: n }, (_, v) => (v + 1 < n ? [v + 1] : [0]));

    // when
    const { count } = stronglyConnected(edges);

    // then
    expect(count).toBe(1);
  });
});
