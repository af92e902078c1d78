import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { createEngine, VirtualClock } from '@sopflow/engine';

const NS = `xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"`;
const FILLER = 1_000_000;

// A small process in a large XML text (a long documentation): its ids, names and
// condition are views into that text. Every copy has ids and a condition of its own.
const diagram = (i: number) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${NS} id="d${i}">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:documentation>${'x'.repeat(FILLER)}</bpmn:documentation>
    <bpmn:startEvent id="start${i}"/>
    <bpmn:sequenceFlow id="f1_${i}" sourceRef="start${i}" targetRef="gate${i}"/>
    <bpmn:exclusiveGateway id="gate${i}" name="Large order ${i}?" default="f3_${i}"/>
    <bpmn:sequenceFlow id="f2_${i}" sourceRef="gate${i}" targetRef="check${i}"><bpmn:conditionExpression>=amount &gt; ${i}</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f3_${i}" sourceRef="gate${i}" targetRef="check${i}"/>
    <bpmn:userTask id="check${i}" name="Check order ${i}"/>
  </bpmn:process>
</bpmn:definitions>`;

function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

async function heapAfterGc(gc: () => void): Promise<number> {
  for (let i = 0; i < 2; i++) await new Promise((resolve) => setImmediate(resolve));
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

async function deployRunClose(i: number): Promise<void> {
  let n = 0;
  const engine = createEngine({ clock: new VirtualClock(0), ids: () => `i${i}_${++n}` });
  await engine.deploy(diagram(i));
  const view = await engine.start('p', { variables: { amount: 1000 } });
  expect(view.activities.map((a) => a.node)).toEqual([`check${i}`]);
  await engine.close();
}

// The engine's module-level caches (audit JSON texts, FEEL parses, patterns, constants) outlive
// engines; an id cached as a view into its XML would keep the whole XML alive (1.6 MB per closed
// engine of a 10,000-node diagram, before this was fixed).
describe('closed engines', () => {
  it('should leave nothing of their diagrams on the heap through module-level caches', async () => {
    // given
    const gc = exposeGc();
    for (let i = 0; i < 3; i++) await deployRunClose(i);
    const before = await heapAfterGc(gc);
    // when
    const engines = 12;
    for (let i = 3; i < 3 + engines; i++) await deployRunClose(i);
    const grown = (await heapAfterGc(gc)) - before;
    // then: keeping every diagram would add engines × FILLER bytes (12 MB); without, 0.5–0.7 MB was measured
    expect(grown).toBeLessThan((engines * FILLER) / 4);
  });
});
