import { describe, expect, it } from 'vitest';
import { checkSoundness } from '../../src/soundness/index.js';
import { loadFixture, loadRepoFile } from './loadFixture.js';

const SOUND = [
  'sound.sequence',
  'sound.xor-split-merge',
  'sound.and-fork-join',
  'sound.or-split-join',
  'sound.or-join-unrelated-branch',
  'sound.loop-with-exit',
  'sound.subprocess-boundary',
  'sound.subprocess-terminate',
  'sound.event-based-gateway',
  'sound.event-subprocesses',
  'sound.non-interrupting-boundary',
  'sound.sla-escalation',
  'sound.job-error',
  'sound.terminate-race',
  'sound.link-events',
];

describe('checkSoundness on sound processes', () => {
  it.each(SOUND)('should find nothing in %s', async (name) => {
    // given
    const definition = await loadFixture(name);

    // when
    const report = checkSoundness(definition);

    // then
    expect(report.findings).toEqual([]);
    expect(report.complete).toBe(true);
    expect(report.processId).toBe(definition.id);
    expect(report.states).toBeGreaterThan(1);
  });
});

describe('checkSoundness on the example SOPs', () => {
  it.each(['complaint-escalation', 'cross-department-approval'])('should find nothing in examples/%s', async (name) => {
    // given
    const [definition] = await loadRepoFile(`examples/${name}/${name}.bpmn`);

    // when
    const report = checkSoundness(definition);

    // then
    expect(report.findings).toEqual([]);
    expect(report.complete).toBe(true);
  });

  it('should find examples/order-handling sound: the third mismatch goes to a person, not to an uncaught error', async () => {
    // given
    const [definition] = await loadRepoFile('examples/order-handling/order-handling.bpmn');

    // when
    const report = checkSoundness(definition);

    // then
    expect(report.complete).toBe(true);
    expect(report.findings).toEqual([]);
  });
});
