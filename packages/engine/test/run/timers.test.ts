import { describe, expect, it } from 'vitest';
import { createEngine, VirtualClock, type EngineOptions } from '@sopflow/engine';

const NS = `xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:sop="https://sopflow.dev/schema/bpmn/sop/1.0"`;
const T0 = '2026-01-05T09:00:00Z'; // a Monday
const iso = (ms: number) => new Date(ms).toISOString();

const office = {
  name: 'office',
  zone: 'Asia/Shanghai',
  hours: { mon: ['09:00-12:00', '13:00-18:00'], tue: ['09:00-12:00', '13:00-18:00'], wed: ['09:00-12:00', '13:00-18:00'], thu: ['09:00-12:00', '13:00-18:00'], fri: ['09:00-12:00', '13:00-18:00'] },
};

function timer(type: 'timeDate' | 'timeDuration' | 'timeCycle', value: string): string {
  return `<bpmn:timerEventDefinition><bpmn:${type} xsi:type="bpmn:tFormalExpression">${value}</bpmn:${type}></bpmn:timerEventDefinition>`;
}

/** start → catch(timer) → end */
function catchProcess(type: 'timeDate' | 'timeDuration' | 'timeCycle', value: string, processAttrs = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${NS} id="d">
  <bpmn:process id="p" isExecutable="true" ${processAttrs}>
    <bpmn:startEvent id="s"/>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="wait"/>
    <bpmn:intermediateCatchEvent id="wait">${timer(type, value)}</bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="e"/>
    <bpmn:endEvent id="e"/>
  </bpmn:process>
</bpmn:definitions>`;
}

/** start → user task with a boundary timer (→ its own end) → end */
function boundaryProcess(type: 'timeDate' | 'timeDuration' | 'timeCycle', value: string, interrupting: boolean, taskAttrs = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${NS} id="d">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="s"/>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="work"/>
    <bpmn:userTask id="work" sop:candidateGroups="g" ${taskAttrs}/>
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="e"/>
    <bpmn:endEvent id="e"/>
    <bpmn:boundaryEvent id="b" attachedToRef="work" cancelActivity="${interrupting}">${timer(type, value)}</bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f3" sourceRef="b" targetRef="late"/>
    <bpmn:endEvent id="late"/>
  </bpmn:process>
</bpmn:definitions>`;
}

/** A process started by a timer start event: start(timer) → user task → end */
function startProcess(type: 'timeDate' | 'timeDuration' | 'timeCycle', value: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${NS} id="d">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="s">${timer(type, value)}</bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="work"/>
    <bpmn:userTask id="work" sop:candidateGroups="g"/>
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="e"/>
    <bpmn:endEvent id="e"/>
  </bpmn:process>
</bpmn:definitions>`;
}

async function setup(xml: string, options: Partial<EngineOptions> & { at?: string } = {}) {
  const clock = new VirtualClock(options.at ?? T0);
  let n = 0;
  const engine = createEngine({ clock, ids: () => `i${++n}`, calendars: [office], ...options });
  await engine.deploy(xml);
  const fired = async (instanceId: string): Promise<string[]> =>
    (await engine.audit.query({ instanceId, types: ['timer.fired'], limit: 1000 })).items.sort((a, b) => a.seq - b.seq).map((e) => iso(e.time));
  const started = async (): Promise<string[]> => (await engine.instances({ processId: 'p', limit: 100 })).items.map((i) => iso(i.startedAt)).sort();
  return { engine, clock, fired, started };
}

describe('timers through the engine', () => {
  it('should wait at a timeDate catch until that instant, given with an offset', async () => {
    // given
    const { engine, clock, fired } = await setup(catchProcess('timeDate', '2026-01-06T08:00:00+08:00'));
    const { id } = await engine.start('p');
    // when
    await clock.advance('PT14H59M');
    // then
    expect((await engine.instance(id)).status).toBe('running');
    // when
    await clock.advance('PT1M');
    // then
    expect((await engine.instance(id)).status).toBe('completed');
    expect(await fired(id)).toEqual(['2026-01-06T00:00:00.000Z']);
  });

  it('should withdraw the activity at an interrupting timeDate boundary', async () => {
    // given
    const { engine, clock, fired } = await setup(boundaryProcess('timeDate', '2026-01-05T12:30:00Z', true));
    const { id } = await engine.start('p');
    // when
    await clock.advance('PT4H');
    // then
    const instance = await engine.instance(id);
    expect(instance.status).toBe('completed');
    expect(await engine.tasks({ instanceId: id })).toMatchObject({ total: 0 });
    expect(await fired(id)).toEqual(['2026-01-05T12:30:00.000Z']);
  });

  it.each([
    ['a date-time text', '=deadline', { deadline: '2026-01-05T12:00:00Z' }],
    ['a FEEL date and time', '=date and time(&quot;2026-01-05T12:00:00Z&quot;)', {}],
  ])('should wait until the date a FEEL timeDate yields as %s', async (_what, expr, variables) => {
    // given
    const { engine, clock, fired } = await setup(catchProcess('timeDate', expr));
    const { id } = await engine.start('p', { variables });
    // when
    await clock.advance('PT5H');
    // then
    expect((await engine.instance(id)).status).toBe('completed');
    expect(await fired(id)).toEqual(['2026-01-05T12:00:00.000Z']);
  });

  it('should open a new path at every occurrence of a FEEL cycle on a non-interrupting boundary, and stop after its repetitions', async () => {
    // given
    const { engine, clock, fired } = await setup(boundaryProcess('timeCycle', '=cycle', false));
    const { id } = await engine.start('p', { variables: { cycle: 'R2/PT1H' } });
    // when
    await clock.advance('PT5H');
    // then
    expect(await fired(id)).toEqual(['2026-01-05T10:00:00.000Z', '2026-01-05T11:00:00.000Z']);
    expect(await engine.tasks({ instanceId: id })).toMatchObject({ total: 1 });
    expect((await engine.audit.query({ instanceId: id, types: ['node.left'], limit: 100 })).items.filter((e) => e.node === 'late')).toHaveLength(2);
  });

  it('should fire a cron cycle on a non-interrupting boundary at each cron time while the activity is active', async () => {
    // given: at half past every hour 09–17 on weekdays (UTC, the engine's zone)
    const { engine, clock, fired } = await setup(boundaryProcess('timeCycle', '30 9-17 * * MON-FRI', false));
    const { id } = await engine.start('p');
    // when
    await clock.advance('PT3H');
    const [task] = (await engine.tasks({ instanceId: id })).items;
    await engine.complete(task.id, { by: 'system' });
    await clock.advance('PT3H');
    // then
    expect(await fired(id)).toEqual(['2026-01-05T09:30:00.000Z', '2026-01-05T10:30:00.000Z', '2026-01-05T11:30:00.000Z']);
  });

  it('should start an instance at each cron time of a timer start event', async () => {
    // given: weekdays at 09:00 UTC, deployed Monday 09:00 exactly
    const { clock, started } = await setup(startProcess('timeCycle', '0 9 * * MON-FRI'));
    // when
    await clock.advance('P7D');
    // then: Tuesday to Friday, then the next Monday
    expect(await started()).toEqual([
      '2026-01-06T09:00:00.000Z',
      '2026-01-07T09:00:00.000Z',
      '2026-01-08T09:00:00.000Z',
      '2026-01-09T09:00:00.000Z',
      '2026-01-12T09:00:00.000Z',
    ]);
  });

  it('should start three instances a day apart from an anchored cycle R3/<start>/P1D', async () => {
    // given
    const { clock, started } = await setup(startProcess('timeCycle', 'R3/2026-01-06T09:00+08:00/P1D'));
    // when
    await clock.advance('P6D');
    // then
    expect(await started()).toEqual(['2026-01-06T01:00:00.000Z', '2026-01-07T01:00:00.000Z', '2026-01-08T01:00:00.000Z']);
  });

  it('should start one instance at the date of a timeDate start event', async () => {
    // given
    const { clock, started } = await setup(startProcess('timeDate', '2026-01-07T10:00:00Z'));
    // when
    await clock.advance('P6D');
    // then
    expect(await started()).toEqual(['2026-01-07T10:00:00.000Z']);
  });

  it('should start one instance that long after deployment for a timeDuration start event', async () => {
    // given
    const { clock, started } = await setup(startProcess('timeDuration', 'PT2H'));
    // when
    await clock.advance('P1D');
    // then
    expect(await started()).toEqual(['2026-01-05T11:00:00.000Z']);
  });

  it('should count a timer duration in working time when the process has a calendar', async () => {
    // given: Friday 17:30 Shanghai, two working hours
    const { engine, clock, fired } = await setup(catchProcess('timeDuration', 'PT2H', 'sop:calendar="office"'), { at: '2026-01-09T17:30:00+08:00' });
    const { id } = await engine.start('p');
    // when
    await clock.advance('P3D');
    // then: half an hour on Friday, an hour and a half on Monday
    expect(await fired(id)).toEqual([new Date('2026-01-12T10:30:00+08:00').toISOString()]);
  });

  it("should count a boundary timer in its host activity's working time", async () => {
    // given: Monday 11:00 Shanghai; the lunch hour does not count
    const { engine, clock, fired } = await setup(boundaryProcess('timeDuration', 'PT2H', true, 'sop:calendar="office"'), { at: '2026-01-05T11:00:00+08:00' });
    const { id } = await engine.start('p');
    // when
    await clock.advance('PT6H');
    // then
    expect(await fired(id)).toEqual([new Date('2026-01-05T14:00:00+08:00').toISOString()]);
    expect((await engine.instance(id)).status).toBe('completed');
  });

  it('should fire a wall-clock duration without a calendar through nights and weekends', async () => {
    // given
    const { engine, clock, fired } = await setup(catchProcess('timeDuration', 'PT2H'), { at: '2026-01-09T17:30:00+08:00' });
    const { id } = await engine.start('p');
    // when
    await clock.advance('PT2H');
    // then
    expect(await fired(id)).toEqual([new Date('2026-01-09T19:30:00+08:00').toISOString()]);
  });
});
