import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MessageCorrelationError, parseCalendarFile, parseDateTime } from '@sopflow/engine';
import { catchNames, Simulation } from '../src/features/simulation/Simulation.js';

const order = readFileSync(new URL('../../../examples/order-handling/order-handling.bpmn', import.meta.url), 'utf8');
const calendars = parseCalendarFile(readFileSync(new URL('../../../examples/calendars.json', import.meta.url), 'utf8'), 'calendars.json');
const ZONE = 'Asia/Shanghai';

const SIGNAL = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" targetNamespace="t">
  <bpmn:signal id="S" name="stock-arrived" />
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Wait" />
    <bpmn:intermediateCatchEvent id="Wait"><bpmn:signalEventDefinition signalRef="S" /></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="F2" sourceRef="Wait" targetRef="End" />
    <bpmn:endEvent id="End" />
  </bpmn:process>
</bpmn:definitions>`;

describe('Simulation messages and signals', () => {
  it('should name the messages and signals a diagram waits for', async () => {
    // when
    const simulation = await Simulation.create({ xml: order, calendars, start: parseDateTime('2026-11-23T09:00', ZONE), timeZone: ZONE });

    // then
    expect({ messages: simulation.messages, signals: simulation.signals }).toEqual({ messages: ['order-received', 'parcel-delivered'], signals: [] });
    await simulation.close();
  });

  it('should simulate the order SOP to its end: the parcel-delivered message ends the wait for delivery', async () => {
    // given: an order (validate-order completes with no variables, so it goes to the order desk first)
    const simulation = await Simulation.create({ xml: order, calendars, start: parseDateTime('2026-11-23T09:00', ZONE), timeZone: ZONE });
    const id = await simulation.start({ businessKey: 'SO-1', variables: { orderNumber: 'SO-1' } });
    const work = async (node: string, variables: Record<string, unknown> = {}) => {
      const task = (await simulation.tasks()).find((t) => t.node === node);
      expect(task, `a task at ${node}`).toBeDefined();
      await simulation.complete(task!.id, variables);
    };
    await work('Task_ReviewAbnormalOrder', { decision: 'continue' });
    await work('Task_PickAndPack');
    await work('Task_OutboundCheck', { checkResult: 'match' });
    await simulation.advance('PT3H');

    // when
    const delivered = await simulation.correlate('parcel-delivered', { key: 'SO-1', variables: { deliveredAt: '2026-11-23' } });
    await work('Task_AfterSalesFeedback');

    // then
    expect(delivered).toEqual({ correlated: [id], started: [] });
    const [view] = await simulation.views();
    expect(view.status).toBe('completed');
    const audit = await simulation.audit();
    expect(audit.filter((e) => e.type === 'job.completed' && e.node === 'Task_CheckTracking')).toHaveLength(3);
    expect(audit.some((e) => e.type === 'message.received' && e.node === 'Task_TrackDelivery')).toBe(true);
    await simulation.close();
  });

  it('should refuse a message nobody waits for with the engine error', async () => {
    // given
    const simulation = await Simulation.create({ xml: order, calendars, start: 0 });
    await simulation.start({ businessKey: 'SO-2', variables: { orderNumber: 'SO-2' } });

    // when
    const sending = simulation.correlate('parcel-delivered', { key: 'SO-404' });

    // then
    await expect(sending).rejects.toBeInstanceOf(MessageCorrelationError);
    await simulation.close();
  });

  it('should broadcast a signal to a waiting case, and follow a case a message started', async () => {
    // given
    const simulation = await Simulation.create({ xml: SIGNAL, start: 0 });
    await simulation.start();
    const orders = await Simulation.create({ xml: order, calendars, start: 0 });

    // when
    await simulation.signal('stock-arrived');
    const { started } = await orders.correlate('order-received', { key: 'SO-3', variables: { orderNumber: 'SO-3' } });

    // then
    expect(simulation.signals).toEqual(['stock-arrived']);
    expect((await simulation.views()).map((v) => v.status)).toEqual(['completed']);
    expect(started).toHaveLength(1);
    expect(orders.instances).toEqual(started);
    await simulation.close();
    await orders.close();
  });

  it('should list only catching events, not thrown messages', () => {
    // given: a definition with a message end event (thrown) and a receive task (caught)
    const definitions = [
      {
        nodes: {
          End: { id: 'End', type: 'endEvent', event: { kind: 'message', messageName: 'sent' } },
          Receive: { id: 'Receive', type: 'receiveTask', event: { kind: 'message', messageName: 'answer' } },
          Boundary: { id: 'Boundary', type: 'boundaryEvent', event: { kind: 'signal', signalName: 'stop' } },
        },
      },
    ] as never;

    // when
    const names = catchNames(definitions);

    // then
    expect(names).toEqual({ messages: ['answer'], signals: ['stop'] });
  });
});
