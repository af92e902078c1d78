import { describe, expect, it } from 'vitest';
import { checkSoundness } from '../../src/soundness/index.js';
import { loadFixture } from './loadFixture.js';

describe('soundness check performance', () => {
  it('should check a 200-node diagram with ten parallel blocks in well under a second', async () => {
    // given
    const definition = await loadFixture('sound.ten-parallel-blocks');

    // when
    const started = performance.now();
    const report = checkSoundness(definition);
    const elapsed = performance.now() - started;

    // then
    expect(Object.keys(definition.nodes)).toHaveLength(202);
    expect(report.findings).toEqual([]);
    expect(report.complete).toBe(true);
    expect(elapsed).toBeLessThan(1000);
  });
});
