import { createEngine, VirtualClock } from '@sopflow/engine';
const NS = 'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"';
function level(i: number, depth: number): string {
  if (i === depth) return `<bpmn:userTask id="T"/>`;
  return `<bpmn:subProcess id="S${i}"><bpmn:startEvent id="s${i}"/><bpmn:sequenceFlow id="a${i}" sourceRef="s${i}" targetRef="${i + 1 === depth ? 'T' : `S${i + 1}`}"/>${level(i + 1, depth)}<bpmn:sequenceFlow id="b${i}" sourceRef="${i + 1 === depth ? 'T' : `S${i + 1}`}" targetRef="e${i}"/><bpmn:endEvent id="e${i}"/></bpmn:subProcess>`;
}
// iterative build to avoid our own recursion limits
function doc(depth: number): string {
  let inner = `<bpmn:userTask id="T"/>`;
  for (let i = depth - 1; i >= 0; i--) {
    const child = i + 1 === depth ? 'T' : `S${i + 1}`;
    inner = `<bpmn:subProcess id="S${i}"><bpmn:startEvent id="s${i}"/><bpmn:sequenceFlow id="a${i}" sourceRef="s${i}" targetRef="${child}"/>${inner}<bpmn:sequenceFlow id="b${i}" sourceRef="${child}" targetRef="e${i}"/><bpmn:endEvent id="e${i}"/></bpmn:subProcess>`;
  }
  return `<bpmn:definitions ${NS} id="D"><bpmn:process id="P" isExecutable="true"><bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="S0"/>${inner}<bpmn:sequenceFlow id="f2" sourceRef="S0" targetRef="e"/><bpmn:endEvent id="e"/></bpmn:process></bpmn:definitions>`;
}
for (const d of [10, 300, 999]) {
  const e = createEngine({ clock: new VirtualClock(0) });
  const t = performance.now();
  try {
    await e.deploy(doc(d));
    const i = await e.start('P');
    const [task] = (await e.tasks({ instanceId: i.id })).items;
    await e.complete(task.id, { by: 'system' as never });
    console.log('deep sub', d, 'ok', (await e.instance(i.id)).status, Math.round(performance.now() - t), 'ms');
  } catch (err) { console.log('deep sub', d, (err as Error).constructor.name, (err as { code?: string }).code, String((err as Error).message).slice(0, 200)); }
}
