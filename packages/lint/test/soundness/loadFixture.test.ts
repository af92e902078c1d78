import { describe, expect, it } from 'vitest';
import { loadFixture } from './loadFixture.js';

describe('soundness fixtures', () => {
  it('should compile a fixture into one process definition', async () => {
    // given
    const name = 'sound.sequence';
    // when
    const definition = await loadFixture(name);
    // then
    expect(definition.id).toBe('sequence');
    expect(Object.keys(definition.flows).sort()).toEqual(['f1', 'f2', 'f3']);
  });
});
