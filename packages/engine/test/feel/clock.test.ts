import { describe, expect, it } from 'vitest';
import { createEngine, VirtualClock } from '@sopflow/engine';

describe('FEEL now() and today()', () => {
  it('should read the engine clock, not the system clock', async () => {
    // given
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:sop="https://sopflow.dev/schema/bpmn/sop/1.0" id="d">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="t"/>
    <bpmn:scriptTask id="t" sop:expression="=string(today()) + &quot; &quot; + string(now() + duration(&quot;PT1H&quot;))" sop:resultVariable="stamp"/>
    <bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="e"/><bpmn:endEvent id="e"/>
  </bpmn:process>
</bpmn:definitions>`;
    const engine = createEngine({ clock: new VirtualClock('2031-02-03T23:30:00Z'), timeZone: 'Asia/Shanghai', scheduler: false });
    await engine.deploy(xml);
    // when
    const instance = await engine.start('p');
    // then
    expect(instance.variables.stamp).toBe('2031-02-04 2031-02-04T08:30:00+08:00');
  });
});
