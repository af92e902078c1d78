import { describe, expect, it } from 'vitest';
import { checkSoundness, type Finding, type SoundnessOptions } from '../../src/soundness/index.js';
import { loadFixture } from './loadFixture.js';

/** The parts of findings a test pins down exactly. */
function summary(findings: Finding[]) {
  return findings.map(({ kind, elementId, counterexample }) => ({ kind, elementId, counterexample }));
}

async function check(name: string, options?: SoundnessOptions) {
  return checkSoundness(await loadFixture(name), options);
}

describe('deadlock', () => {
  it('should report a parallel join after an exclusive split, with the path that leaves it waiting', async () => {
    // given
    const name = 'deadlock.xor-split-and-join';

    // when
    const report = await check(name);

    // then
    expect(summary(report.findings)).toEqual([
      { kind: 'deadlock', elementId: 'join', counterexample: ['f1', 'f2', 'f4'] },
      { kind: 'dead-activity', elementId: 'join', counterexample: [] },
    ]);
    expect(report.findings[0].elementName).toBe('Both done');
    expect(report.findings[0].message).toMatch(/holds a token on flow f4 .* waits forever for flow f5/);
    expect(report.findings[1].message).toContain('Nothing after it runs either: end.');
  });

  it('should report an inclusive join waiting for a token stuck at a parallel join, naming the blocker', async () => {
    // given
    const name = 'deadlock.or-join-behind-stuck-join';

    // when
    const report = await check(name);

    // then
    expect(summary(report.findings)).toEqual([
      { kind: 'deadlock', elementId: 'andJoin', counterexample: ['f1', 'f2', 'f3', 'f4', 'f8'] },
      { kind: 'deadlock', elementId: 'orJoin', counterexample: ['f1', 'f2', 'f3', 'f4', 'f8'] },
      { kind: 'dead-activity', elementId: 'andJoin', counterexample: [] },
    ]);
    expect(report.findings[1].message).toContain("the token at 'Both' (andJoin) could still bring one, but it is stuck too");
  });
});

describe('lack of synchronisation', () => {
  it('should report a task reached twice after a parallel split merged by an exclusive gateway', async () => {
    // given
    const name = 'lack-of-synchronisation.and-split-xor-merge';

    // when
    const report = await check(name);

    // then
    expect(summary(report.findings)).toEqual([
      { kind: 'lack-of-synchronisation', elementId: 'archive', counterexample: ['f1', 'f2', 'f3', 'f4', 'f4'] },
    ]);
    expect(report.findings[0].message).toContain("'Archive' (archive) can be active twice at once");
  });

  it('should show a boundary trigger in the counterexample by the boundary event id', async () => {
    // given
    const name = 'lack-of-synchronisation.boundary-merges-back';

    // when
    const report = await check(name);

    // then
    expect(summary(report.findings)).toEqual([
      { kind: 'lack-of-synchronisation', elementId: 'archive', counterexample: ['f1', 'remind', 'f3', 'f2', 'f5', 'f4', 'f5'] },
    ]);
  });

  it('should report a place collecting more than maxTokensPerPlace tokens as unbounded and stop there', async () => {
    // given
    const name = 'lack-of-synchronisation.loop-spawns-tokens';

    // when
    const report = await check(name, { maxTokensPerPlace: 1 });

    // then
    expect(summary(report.findings)).toEqual([
      { kind: 'lack-of-synchronisation', elementId: 'file', counterexample: ['f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f2', 'f3', 'f4', 'f5', 'f6'] },
    ]);
    expect(report.findings[0].message).toContain('more than 1 at once (unbounded)');
    expect(report.complete).toBe(true);
  });

  it('should follow the loop until the default bound of three tokens is passed', async () => {
    // given
    const name = 'lack-of-synchronisation.loop-spawns-tokens';

    // when
    const report = await check(name);

    // then
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0].counterexample.filter((flow) => flow === 'f5')).toHaveLength(4);
    expect(report.findings[0].message).toContain('more than 3 at once');
  });
});

describe('livelock', () => {
  it('should report a cycle with no way out, with the way into it and once around', async () => {
    // given
    const name = 'livelock.cycle-without-exit';

    // when
    const report = await check(name);

    // then
    expect(summary(report.findings)).toEqual([{ kind: 'livelock', elementId: 'prepare', counterexample: ['f1', 'f2', 'f3'] }]);
    expect(report.findings[0].message).toContain("The cycle through 'Prepare' (prepare), 'Review' (review) can repeat forever");
  });
});

describe('dead activity', () => {
  it('should report a task behind a flow an exclusive gateway never takes, and what follows it', async () => {
    // given
    const name = 'dead-activity.unconditional-flow-first';

    // when
    const report = await check(name);

    // then
    expect(summary(report.findings)).toEqual([{ kind: 'dead-activity', elementId: 'escalate', counterexample: [] }]);
    expect(report.findings[0].message).toBe(
      "'Escalate to director' (escalate) is never reached: 'Amount?' (check) never takes flow f3 (flow f2 comes first and has no condition, so it is always taken). Nothing after it runs either: endEscalated.",
    );
  });

  it('should report a boundary event on a task the engine completes at once', async () => {
    // given
    const name = 'dead-activity.boundary-on-automatic-task';

    // when
    const report = await check(name);

    // then
    expect(summary(report.findings)).toEqual([{ kind: 'dead-activity', elementId: 'slow', counterexample: [] }]);
    expect(report.findings[0].message).toContain("'Compute fee' (compute) completes at once");
  });
});

describe('improper completion', () => {
  it('should report an end reached while the other branch is left waiting at a parallel join', async () => {
    // given
    const name = 'improper-completion.end-leaves-token-at-join';

    // when
    const report = await check(name);

    // then
    expect(summary(report.findings)).toEqual([{ kind: 'improper-completion', elementId: 'endIncomplete', counterexample: ['f1', 'f2', 'f3', 'f4'] }]);
    expect(report.findings[0].message).toMatch(/^'Incomplete' \(endIncomplete\) is reached while a token is left behind at join/);
  });

  it('should report an error end event nothing catches', async () => {
    // given
    const name = 'improper-completion.uncaught-error';

    // when
    const report = await check(name);

    // then
    expect(summary(report.findings)).toEqual([{ kind: 'improper-completion', elementId: 'invalid', counterexample: ['f1', 'f2', 'f3'] }]);
    expect(report.findings[0].message).toContain("throws BPMN error 'INVALID', which no boundary event or event sub-process catches");
  });
});

describe('state-space bound', () => {
  it('should stop a thirty-way parallel block at maxStates and report no dead activities', async () => {
    // given
    const name = 'state-space-bound.thirty-way-parallel';

    // when
    const report = await check(name, { maxStates: 500 });

    // then
    expect(report.complete).toBe(false);
    expect(report.states).toBe(500);
    expect(summary(report.findings)).toEqual([{ kind: 'state-space-bound', elementId: 'thirty_way_parallel', counterexample: [] }]);
    expect(report.findings[0].message).toContain('stopped after 500 markings');
  });

  it('should stop at the default bound of 100,000 markings rather than run on', async () => {
    // given
    const definition = await loadFixture('state-space-bound.thirty-way-parallel');

    // when
    const report = checkSoundness(definition);

    // then
    expect(report.complete).toBe(false);
    expect(report.states).toBe(100_000);
    expect(report.findings.map((f) => f.kind)).toEqual(['state-space-bound']);
  });
});
