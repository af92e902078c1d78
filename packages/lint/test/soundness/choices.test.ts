import { describe, expect, it } from 'vitest';
import type { FlowDef, NodeDef } from '@sopflow/engine';
import { outgoingChoices } from '../../src/soundness/choices.js';

function node(type: NodeDef['type'], outgoing: string[], defaultFlow?: string): NodeDef {
  return { id: 'n', type, scope: 'p', incoming: ['in'], outgoing, ...(defaultFlow ? { default: defaultFlow } : {}) };
}

function flows(conditional: string[], unconditional: string[]): Record<string, FlowDef> {
  const out: Record<string, FlowDef> = {};
  for (const id of conditional) out[id] = { id, source: 'n', target: `t_${id}`, condition: { feel: 'x' } };
  for (const id of unconditional) out[id] = { id, source: 'n', target: `t_${id}` };
  return out;
}

describe('outgoingChoices', () => {
  it('should let an exclusive gateway take any conditional flow or the default', () => {
    // given
    const gateway = node('exclusiveGateway', ['a', 'b', 'd'], 'd');

    // when
    const choices = outgoingChoices(gateway, flows(['a', 'b'], ['d']));

    // then
    expect(choices).toEqual([['a'], ['b'], ['d']]);
  });

  it('should stop an exclusive gateway at its first unconditional flow, as the engine tests flows in order', () => {
    // given
    const gateway = node('exclusiveGateway', ['a', 'b', 'c', 'd'], 'd');

    // when
    const choices = outgoingChoices(gateway, flows(['a', 'c'], ['b', 'd']));

    // then
    expect(choices).toEqual([['a'], ['b']]);
  });

  it('should let an inclusive gateway take any non-empty subset of its conditions, or the default alone', () => {
    // given
    const gateway = node('inclusiveGateway', ['a', 'b', 'd'], 'd');

    // when
    const choices = outgoingChoices(gateway, flows(['a', 'b'], ['d']));

    // then
    expect(choices).toEqual([['a'], ['b'], ['a', 'b'], ['d']]);
  });

  it('should always take the unconditional flows of an activity and any subset of the conditional ones', () => {
    // given
    const task = node('userTask', ['a', 'u', 'b']);

    // when
    const choices = outgoingChoices(task, flows(['a', 'b'], ['u']));

    // then
    expect(choices).toEqual([['u'], ['a', 'u'], ['u', 'b'], ['a', 'u', 'b']]);
  });

  it('should take every flow of a parallel gateway and nothing from a node without outgoing flows', () => {
    // given
    const fork = node('parallelGateway', ['a', 'b']);
    const end = node('task', []);

    // when
    const forkChoices = outgoingChoices(fork, flows(['a'], ['b']));
    const endChoices = outgoingChoices(end, {});

    // then
    expect(forkChoices).toEqual([['a', 'b']]);
    expect(endChoices).toEqual([[]]);
  });
});
