import { describe, expect, it } from 'vitest';
import { setup } from './harness.js';

describe('sequence flows and gateways', () => {
  it('should run a sequence of plain and manual tasks to the end in order', async () => {
    // given
    const { engine, trail } = await setup('sequence.tasks');
    // when
    const instance = await engine.start('sequence');
    // then
    expect(instance.status).toBe('completed');
    expect(await trail(instance.id)).toEqual(['start', 'a', 'b', 'c', 'end']);
  });

  it.each([
    [20, 'big'],
    [7, 'medium'],
    [1, 'small'],
  ])('should take the first true exclusive flow, else the default (x = %s → %s)', async (x, expected) => {
    // given
    const { engine, trail } = await setup('gateway-exclusive.default');
    // when
    const instance = await engine.start('xor', { variables: { x } });
    // then
    expect(instance.status).toBe('completed');
    expect((await trail(instance.id)).filter((n) => ['big', 'medium', 'small'].includes(n))).toEqual([expected]);
  });

  it('should raise an incident when no exclusive flow matches, and go on once it is resolved with new data', async () => {
    // given
    const { engine, trail } = await setup('gateway-exclusive.no-match');
    const instance = await engine.start('xor-incident', { variables: { x: 1 } });
    // when
    const stuck = await engine.instance(instance.id);
    // then
    expect(stuck.status).toBe('running');
    expect(stuck.incidents).toHaveLength(1);
    expect(stuck.incidents[0]).toMatchObject({ kind: 'no-flow', node: 'x' });
    expect(stuck.incidents[0].message).toMatch(/No outgoing flow of 'x\?' \(x\) has a true condition/);
    // when
    await engine.resolveIncident(instance.id, stuck.incidents[0].id, { variables: { x: 20 } });
    // then
    const done = await engine.instance(instance.id);
    expect(done.status).toBe('completed');
    expect(done.incidents).toEqual([]);
    expect(await trail(instance.id)).toEqual(['start', 'x', 'big', 'end']);
  });

  it('should join parallel branches once, after the last one arrives', async () => {
    // given
    const { engine, trail, openTasks, complete } = await setup('gateway-parallel.fork-join');
    const instance = await engine.start('and');
    expect(await openTasks(instance.id)).toEqual(['a', 'b']);
    // when
    await complete(instance.id, 'b');
    // then
    expect((await engine.instance(instance.id)).status).toBe('running');
    expect(await trail(instance.id, 'gateway.joined')).toEqual([]);
    // when
    await complete(instance.id, 'a');
    // then
    expect((await engine.instance(instance.id)).status).toBe('completed');
    expect(await trail(instance.id, 'gateway.joined')).toEqual(['join']);
    expect((await trail(instance.id)).filter((n) => n === 'after')).toEqual(['after']);
  });

  it('should run an unstructured diagram: a loop inside one branch, an XOR merge feeding the AND join', async () => {
    // given
    const { engine, trail, openTasks, complete } = await setup('unstructured.xor-merge-and-join');
    const instance = await engine.start('unstructured');
    // when: A loops back once, B finishes meanwhile, then A goes on
    await complete(instance.id, 'a', { again: true });
    expect(await openTasks(instance.id)).toEqual(['a', 'b']);
    await complete(instance.id, 'b');
    expect((await engine.instance(instance.id)).status).toBe('running');
    await complete(instance.id, 'a', { again: false });
    // then
    expect((await engine.instance(instance.id)).status).toBe('completed');
    expect(await trail(instance.id, 'node.entered')).toEqual(['start', 'fork', 'a', 'b', 'retry', 'a', 'join', 'retry', 'merge', 'join', 'end']);
    expect(await trail(instance.id, 'gateway.joined')).toEqual(['join']);
  });

  it('should activate only the inclusive branches whose conditions hold and join exactly those', async () => {
    // given
    const { engine, openTasks, complete, trail } = await setup('gateway-inclusive.one-branch-not-taken');
    const instance = await engine.start('or', { variables: { takeA: true, takeB: true, takeC: false } });
    expect(await openTasks(instance.id)).toEqual(['a', 'b']);
    // when: A arrives first — B can still reach the join, so it waits
    await complete(instance.id, 'a');
    // then
    expect(await trail(instance.id, 'gateway.joined')).toEqual([]);
    expect((await engine.instance(instance.id)).status).toBe('running');
    // when
    await complete(instance.id, 'b');
    // then
    expect(await trail(instance.id, 'gateway.joined')).toEqual(['join']);
    expect((await engine.instance(instance.id)).status).toBe('completed');
    expect((await trail(instance.id)).filter((n) => n === 'after')).toEqual(['after']);
  });

  it('should make an OR-join wait for a token that is still upstream of an empty incoming flow', async () => {
    // given: A reaches the join while the other branch is still at B1, two steps away
    const { engine, complete, trail } = await setup('gateway-inclusive.upstream-token');
    const instance = await engine.start('or-upstream');
    // when
    await complete(instance.id, 'a');
    await complete(instance.id, 'b1');
    // then: still waiting (B2 can reach the empty flow)
    expect(await trail(instance.id, 'gateway.joined')).toEqual([]);
    // when
    await complete(instance.id, 'b2');
    // then
    expect(await trail(instance.id, 'gateway.joined')).toEqual(['join']);
    expect((await engine.instance(instance.id)).status).toBe('completed');
  });

  it('should run a loop through a parallel block, joining once per round', async () => {
    // given
    const { engine, complete, trail } = await setup('loop.parallel-block');
    const instance = await engine.start('loop-block', { variables: { round: 1 } });
    // when: round 1 loops back; in round 2, B sets round = 2 and the loop ends
    await complete(instance.id, 'a');
    await complete(instance.id, 'b');
    await complete(instance.id, 'b', { round: 2 });
    await complete(instance.id, 'a');
    // then
    expect((await engine.instance(instance.id)).status).toBe('completed');
    expect(await trail(instance.id, 'gateway.joined')).toEqual(['join', 'join']);
    expect((await trail(instance.id, 'node.entered')).filter((n) => n === 'fork')).toHaveLength(2);
  });
});

describe('nested inclusive joins', () => {
  it('should fire an outer OR-join once when an inner OR-join feeds it (T1, T3, T2 order)', async () => {
    // given
    const { engine, complete, trail } = await setup('gateway-inclusive.nested');
    const instance = await engine.start('or-nested');
    // when
    await complete(instance.id, 't1');
    await complete(instance.id, 't3');
    await complete(instance.id, 't2');
    // then
    expect(await trail(instance.id, 'gateway.joined')).toEqual(['innerJoin', 'outerJoin']);
    expect((await engine.tasks({ instanceId: instance.id })).items.map((t) => t.node)).toEqual(['after']);
  });
});
