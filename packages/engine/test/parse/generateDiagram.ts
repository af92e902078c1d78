/**
 * A valid, realistic BPMN document of about `targetBytes` (UTF-8): one
 * process of user tasks chained by sequence flows, with `sop:` attributes,
 * and full diagram interchange (a shape per task, an edge per flow).
 */
export function generateDiagram(targetBytes: number): string {
  const head = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:sop="https://sopflow.dev/schema/bpmn/sop/1.0" id="Definitions_gen" targetNamespace="http://sopflow.dev/bench">
  <bpmn:process id="Generated" isExecutable="true">
    <bpmn:startEvent id="Start"><bpmn:outgoing>Flow_0</bpmn:outgoing></bpmn:startEvent>
`;
  const task = (i: number) => `    <bpmn:userTask id="Task_${i}" name="Review step ${i}" sop:candidateGroups="team-${i % 7}" sop:sla="PT4H">
      <bpmn:incoming>Flow_${i}</bpmn:incoming>
      <bpmn:outgoing>Flow_${i + 1}</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="Flow_${i}" sourceRef="${i === 0 ? 'Start' : `Task_${i - 1}`}" targetRef="Task_${i}"/>
`;
  const shape = (i: number) => `      <bpmndi:BPMNShape id="Task_${i}_di" bpmnElement="Task_${i}"><dc:Bounds x="${200 + i * 150}" y="80" width="100" height="80"/></bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="Flow_${i}_di" bpmnElement="Flow_${i}"><di:waypoint x="${150 + i * 150}" y="120"/><di:waypoint x="${200 + i * 150}" y="120"/></bpmndi:BPMNEdge>
`;
  const tail = (n: number) => `    <bpmn:sequenceFlow id="Flow_${n}" sourceRef="Task_${n - 1}" targetRef="End"/>
    <bpmn:endEvent id="End"><bpmn:incoming>Flow_${n}</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
  <bpmndi:BPMNDiagram id="Diagram_gen">
    <bpmndi:BPMNPlane id="Plane_gen" bpmnElement="Generated">
`;
  const end = `    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
`;
  let n = 0;
  let size = head.length + end.length;
  while (n === 0 || size + task(n).length + shape(n).length + tail(n + 1).length <= targetBytes) {
    size += task(n).length + shape(n).length;
    n++;
  }
  const parts = [head];
  for (let i = 0; i < n; i++) parts.push(task(i));
  parts.push(tail(n));
  for (let i = 0; i < n; i++) parts.push(shape(i));
  parts.push(end);
  return parts.join('');
}
