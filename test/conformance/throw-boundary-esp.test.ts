import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '@sopflow/engine';
import { setup } from './harness.js';

describe('throw events', () => {
  it('should send a message from an intermediate throw and an end event, with their payloads, and move on', async () => {
    // given
    const { engine, trail, complete, openTasks } = await setup('events.message-throw');
    const sent: EngineEvent[] = [];
    engine.on('message.sent', (e) => sent.push(e));
    // when
    const instance = await engine.start('message-throw', { variables: { orderId: 'SO-1', carrier: 'SF' } });
    // then: the throw did not wait
    expect(await openTasks(instance.id)).toEqual(['ship']);
    expect(sent.map((e) => [e.node, e.data])).toEqual([['announce', { message: 'packed', variables: { order: 'SO-1' } }]]);
    // when
    await complete(instance.id, 'ship');
    // then
    expect((await engine.instance(instance.id)).status).toBe('completed');
    expect(sent.map((e) => [e.node, e.data])).toEqual([
      ['announce', { message: 'packed', variables: { order: 'SO-1' } }],
      ['shipped', { message: 'shipped', variables: { order: 'SO-1', carrier: 'SF' } }],
    ]);
    expect(await trail(instance.id, 'message.sent')).toEqual(['announce', 'shipped']);
    expect(await trail(instance.id)).toEqual(['start', 'announce', 'ship', 'shipped']);
  });

  it('should broadcast a signal from a signal end event to every waiting catch, and end', async () => {
    // given
    const { engine, complete } = await setup('events.signal-end');
    const w1 = await engine.start('signal-wait');
    const w2 = await engine.start('signal-wait');
    const closer = await engine.start('signal-end');
    expect((await engine.instance(w1.id)).status).toBe('running');
    // when
    await complete(closer.id, 'close');
    // then
    expect((await engine.instance(closer.id)).status).toBe('completed');
    expect((await engine.instance(w1.id)).status).toBe('completed');
    expect((await engine.instance(w2.id)).status).toBe('completed');
  });

  it('should throw an escalation from an end event in a sub-process, caught by an interrupting boundary that withdraws it', async () => {
    // given
    const { engine, trail, types, complete, openTasks } = await setup('events.escalation-end');
    const big = await engine.start('escalation-end', { variables: { big: true } });
    const small = await engine.start('escalation-end', { variables: { big: false } });
    // when
    await complete(big.id, 'decide');
    await complete(small.id, 'decide');
    // then: the big one left through the boundary, the sub-process withdrawn
    expect(await openTasks(big.id)).toEqual(['senior']);
    expect(await types(big.id)).toEqual(expect.arrayContaining(['escalation.thrown', 'escalation.caught']));
    expect(await trail(big.id, 'node.cancelled')).toEqual(['assess']);
    expect(await trail(big.id, 'node.left')).not.toContain('end');
    // the small one ended normally
    expect((await engine.instance(small.id)).status).toBe('completed');
    expect(await trail(small.id, 'escalation.thrown')).toEqual([]);
    // when
    await complete(big.id, 'senior');
    // then
    expect((await engine.instance(big.id)).status).toBe('completed');
    expect(await trail(big.id)).toEqual(['start', 'assessStart', 'decide', 'tooBig', 'askMore', 'escalated', 'senior', 'seniorEnd']);
  });

  it('should throw an escalation from an end event to a non-interrupting boundary: the sub-process goes on', async () => {
    // given
    const { engine, trail, complete, openTasks } = await setup('events.escalation-end');
    // when
    const instance = await engine.start('escalation-end-non-interrupting');
    // then
    expect(await openTasks(instance.id)).toEqual(['keepOn', 'lead']);
    // when
    await complete(instance.id, 'keepOn');
    // then: the sub-process ended normally and its flow went on; the lead's path is still open
    expect(await trail(instance.id)).toContain('nEnd');
    expect(await openTasks(instance.id)).toEqual(['lead']);
    expect((await engine.instance(instance.id)).status).toBe('running');
    await complete(instance.id, 'lead');
    expect((await engine.instance(instance.id)).status).toBe('completed');
  });
});

describe('boundary events', () => {
  it('should open a new path at each signal on a non-interrupting signal boundary, the activity staying', async () => {
    // given
    const { engine, complete, openTasks, trail } = await setup('boundary.signal-non-interrupting');
    const instance = await engine.start('boundary-signal-nonint');
    // when
    await engine.signal('nudge');
    await engine.signal('nudge');
    // then
    expect(await openTasks(instance.id)).toEqual(['answer', 'answer', 'work']);
    expect(await trail(instance.id, 'node.cancelled')).toEqual([]);
    // when: the activity ends, its boundary stops listening
    await complete(instance.id, 'work');
    await engine.signal('nudge');
    // then
    expect(await openTasks(instance.id)).toEqual(['answer', 'answer']);
    await complete(instance.id, 'answer');
    await complete(instance.id, 'answer');
    expect((await engine.instance(instance.id)).status).toBe('completed');
  });
});

describe('event sub-process starts', () => {
  it('should start an interrupting event sub-process when its timer fires, cancelling the rest of the scope', async () => {
    // given
    const { engine, clock, openTasks, trail, complete } = await setup('event-subprocess.timer-signal');
    const instance = await engine.start('esp-timer');
    // when
    await clock.advance('PT59M');
    // then
    expect(await openTasks(instance.id)).toEqual(['work']);
    // when
    await clock.advance('PT1M');
    // then
    expect(await openTasks(instance.id)).toEqual(['timedOut']);
    expect(await trail(instance.id, 'node.cancelled')).toEqual(['work']);
    await complete(instance.id, 'timedOut');
    expect((await engine.instance(instance.id)).status).toBe('completed');
  });

  it('should not fire an event sub-process timer once its scope has ended', async () => {
    // given
    const { engine, clock, complete, trail } = await setup('event-subprocess.timer-signal');
    const instance = await engine.start('esp-timer');
    // when
    await complete(instance.id, 'work');
    await clock.advance('PT2H');
    // then
    expect((await engine.instance(instance.id)).status).toBe('completed');
    expect(await trail(instance.id, 'timer.fired')).toEqual([]);
  });

  it('should run a non-interrupting cycle timer event sub-process at every occurrence, the scope going on', async () => {
    // given
    const { engine, clock, openTasks, trail } = await setup('event-subprocess.timer-signal');
    const instance = await engine.start('esp-timer-cycle');
    // when
    await clock.advance('PT5H');
    // then: R2/PT1H — twice, an hour apart
    expect(await openTasks(instance.id)).toEqual(['cWork', 'check', 'check']);
    expect(await trail(instance.id, 'timer.fired')).toEqual(['tickStart', 'tickStart']);
    const { items } = await engine.audit.query({ instanceId: instance.id, types: ['timer.fired'] });
    expect(items.map((e) => new Date(e.time).toISOString()).sort()).toEqual(['2026-01-05T10:00:00.000Z', '2026-01-05T11:00:00.000Z']);
  });

  it('should start an interrupting event sub-process on a signal, and a non-interrupting one on each other signal', async () => {
    // given
    const { engine, openTasks, trail, complete } = await setup('event-subprocess.timer-signal');
    const instance = await engine.start('esp-signal');
    // when
    await engine.signal('note');
    await engine.signal('note');
    // then
    expect(await openTasks(instance.id)).toEqual(['read', 'read', 'sWork']);
    // when
    await engine.signal('stop-all');
    // then: everything else in the scope is cancelled, the non-interrupting runs included
    expect(await openTasks(instance.id)).toEqual(['stopped']);
    expect((await trail(instance.id, 'node.cancelled')).sort()).toEqual(expect.arrayContaining(['read', 'read', 'sWork']));
    await complete(instance.id, 'stopped');
    expect((await engine.instance(instance.id)).status).toBe('completed');
  });

  it('should start a non-interrupting escalation event sub-process and let the thrower go on', async () => {
    // given
    const { engine, openTasks, complete, types } = await setup('event-subprocess.escalation-non-interrupting');
    const instance = await engine.start('esc-evsub-nonint');
    // when
    await complete(instance.id, 'first');
    // then
    expect(await openTasks(instance.id)).toEqual(['inform', 'next']);
    expect(await types(instance.id)).toEqual(expect.arrayContaining(['escalation.thrown', 'escalation.caught']));
    // when
    await complete(instance.id, 'next');
    // then: the case waits for the event sub-process too
    expect((await engine.instance(instance.id)).status).toBe('running');
    await complete(instance.id, 'inform');
    expect((await engine.instance(instance.id)).status).toBe('completed');
  });
});
