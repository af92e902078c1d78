import { describe, expect, it } from 'vitest';
import { MessageCorrelationError } from '@sopflow/engine';
import { setup } from './harness.js';

describe('events', () => {
  it('should wait at a message catch event until the message arrives with its correlation key', async () => {
    // given
    const { engine, trail } = await setup('events.message-catch');
    const a = await engine.start('message-catch', { variables: { orderId: 'A-1' } });
    const b = await engine.start('message-catch', { variables: { orderId: 'B-2' } });
    // when
    const result = await engine.correlate('paid', { key: 'B-2', variables: { amount: 42 } });
    // then
    expect(result).toEqual({ correlated: [b.id], started: [] });
    expect((await engine.instance(a.id)).status).toBe('running');
    const done = await engine.instance(b.id);
    expect(done.status).toBe('completed');
    expect(done.variables).toEqual({ orderId: 'B-2', amount: 42 });
    expect(await trail(b.id)).toEqual(['start', 'wait', 'end']);
  });

  it('should refuse a message nobody waits for, naming the message and key', async () => {
    // given
    const { engine } = await setup('events.message-catch');
    await engine.start('message-catch', { variables: { orderId: 'A-1' } });
    // when
    const attempt = engine.correlate('paid', { key: 'Z-9' });
    // then
    await expect(attempt).rejects.toThrow(MessageCorrelationError);
    await expect(attempt).rejects.toThrow("Message 'paid' with correlation key 'Z-9' matched no waiting instance");
  });

  it('should start an instance from a message start event, the key becoming the business key', async () => {
    // given
    const { engine, openTasks } = await setup('events.message-start');
    // when
    const { started } = await engine.correlate('order-received', { key: 'SO-7', variables: { customer: 'Wang' } });
    // then
    expect(started).toHaveLength(1);
    const instance = await engine.instance(started[0]);
    expect(instance).toMatchObject({ processId: 'message-start', businessKey: 'SO-7', variables: { customer: 'Wang' } });
    expect(await openTasks(instance.id)).toEqual(['handle']);
  });

  it('should broadcast a signal to every waiting catch and signal start, and from a signal throw', async () => {
    // given
    const { engine } = await setup('events.signal');
    const w1 = await engine.start('signal-catch');
    const w2 = await engine.start('signal-catch');
    // when: another process throws the signal
    const thrower = await engine.start('signal-throw');
    // then
    expect(thrower.status).toBe('completed');
    expect((await engine.instance(w1.id)).status).toBe('completed');
    expect((await engine.instance(w2.id)).status).toBe('completed');
    const started = await engine.instances({ processId: 'signal-start' });
    expect(started.total).toBe(1);
    // when: an API signal starts another
    await engine.signal('alarm');
    // then
    expect((await engine.instances({ processId: 'signal-start' })).total).toBe(2);
  });

  it('should fire a timer catch event at its due time, not before', async () => {
    // given
    const { engine, clock, trail } = await setup('events.timer-catch');
    const instance = await engine.start('timer-catch');
    expect(instance.timers).toEqual([expect.objectContaining({ node: 'wait', due: Date.parse('2026-01-05T11:00:00Z') })]);
    // when
    await clock.advance('PT1H59M');
    // then
    expect((await engine.instance(instance.id)).status).toBe('running');
    // when
    await clock.advance('PT1M');
    // then
    expect((await engine.instance(instance.id)).status).toBe('completed');
    expect(await trail(instance.id, 'timer.fired')).toEqual(['wait']);
  });

  it('should start instances from a cycle timer start event, R3/PT1H: three times, an hour apart', async () => {
    // given
    const { engine, clock } = await setup('events.timer-start');
    // when
    await clock.advance('PT5H');
    // then
    const { items } = await engine.instances({ processId: 'timer-start' });
    expect(items.map((i) => new Date(i.startedAt).toISOString())).toEqual([
      '2026-01-05T10:00:00.000Z',
      '2026-01-05T11:00:00.000Z',
      '2026-01-05T12:00:00.000Z',
    ]);
  });

  it('should jump from a link throw to the link catch of the same name', async () => {
    // given
    const { engine, trail } = await setup('events.link');
    // when
    const instance = await engine.start('link');
    // then
    expect(instance.status).toBe('completed');
    expect(await trail(instance.id)).toEqual(['start', 'go', 'land', 'b', 'end']);
  });

  it('should record an uncaught escalation and go on; a none throw event just passes', async () => {
    // given
    const { engine, trail, types } = await setup('events.escalation-uncaught');
    // when
    const instance = await engine.start('escalation-uncaught');
    // then
    expect(instance.status).toBe('completed');
    expect(await trail(instance.id)).toEqual(['start', 'none', 'raise', 'end']);
    expect(await types(instance.id)).toEqual(expect.arrayContaining(['escalation.thrown', 'escalation.uncaught']));
  });

  it('should end every token of the process at a terminate end event', async () => {
    // given
    const { engine, trail } = await setup('events.terminate');
    // when
    const instance = await engine.start('terminate');
    // then
    expect(instance.status).toBe('completed');
    expect(await engine.tasks({ instanceId: instance.id })).toEqual({ items: [], total: 0 });
    expect(await trail(instance.id, 'node.cancelled')).toEqual(['a']);
  });

  it('should raise an incident for an error end event nothing catches', async () => {
    // given
    const { engine } = await setup('events.error-uncaught');
    // when
    const instance = await engine.start('error-uncaught');
    // then
    expect(instance.status).toBe('running');
    expect(instance.incidents).toEqual([expect.objectContaining({ kind: 'uncaught-error', node: 'boom' })]);
    expect(instance.incidents[0].message).toContain("BPMN error 'BOOM' was not caught");
  });

  it('should let the first event of an event-based gateway win and withdraw the others', async () => {
    // given
    const { engine, clock, trail } = await setup('gateway-event-based');
    const byMessage = await engine.start('event-gateway', { businessKey: 'k1' });
    const byTimer = await engine.start('event-gateway', { businessKey: 'k2' });
    const byReceive = await engine.start('event-gateway', { businessKey: 'k3' });
    // when
    await engine.correlate('answer', { key: 'k1', variables: { answer: 'yes' } });
    await engine.correlate('veto', { key: 'k3' });
    await clock.advance('P1D');
    // then
    expect(await trail(byMessage.id)).toEqual(['start', 'which', 'answer', 'answered']);
    expect(await trail(byReceive.id)).toEqual(['start', 'which', 'veto', 'vetoed']);
    expect(await trail(byTimer.id)).toEqual(['start', 'which', 'late', 'timedOut']);
    expect((await engine.instance(byMessage.id)).variables).toEqual({ answer: 'yes' });
    // the losing branches' timer and subscriptions are gone: nothing is left to fire
    expect(await trail(byMessage.id, 'timer.fired')).toEqual([]);
    await expect(engine.correlate('veto', { key: 'k1' })).rejects.toThrow(MessageCorrelationError);
  });
});
