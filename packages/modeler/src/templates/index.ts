/**
 * What a new diagram starts from: a blank SOP, or a copy of one of the
 * three standard SOPs (the repository's examples, bundled at build time).
 */
import approval from '../../../../examples/cross-department-approval/cross-department-approval.bpmn?raw';
import complaint from '../../../../examples/complaint-escalation/complaint-escalation.bpmn?raw';
import order from '../../../../examples/order-handling/order-handling.bpmn?raw';

/** A starting point for a new diagram. */
export interface Template {
  id: string;
  label: string;
  description: string;
  xml: string;
}

const BLANK = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:sop="https://sopflow.dev/schema/bpmn/sop/1.0" id="Definitions_1" targetNamespace="https://sopflow.dev/sops">
  <bpmn:process id="Process_1" name="New SOP" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1" name="Start" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="BPMNDiagram_1">
    <bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="Process_1">
      <bpmndi:BPMNShape id="StartEvent_1_di" bpmnElement="StartEvent_1">
        <dc:Bounds x="152" y="102" width="36" height="36" />
      </bpmndi:BPMNShape>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
`;

/** The templates, blank first. */
export const TEMPLATES: readonly Template[] = [
  { id: 'blank', label: 'Blank SOP', description: 'One start event; draw the rest.', xml: BLANK },
  { id: 'order-handling', label: 'Order handling', description: 'Validate, review abnormal orders, pick, check, ship, track delivery, feedback.', xml: order },
  { id: 'complaint-escalation', label: 'Complaint escalation', description: 'Acknowledge within 2 h, route, resolve, follow up; escalations to supervisors and quality.', xml: complaint },
  {
    id: 'cross-department-approval',
    label: 'Cross-department approval',
    description: 'Initial review, countersign per department, final approval by amount, archive.',
    xml: approval,
  },
];

/** A process id from a file name: `sub/My SOP.bpmn` → `My-SOP` (an XML name). Pure. */
export function processIdFor(path: string): string {
  const base = (path.split('/').pop() ?? '').replace(/\.bpmn$/i, '');
  const id = base.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[^A-Za-z_]+/, '').replace(/-+$/, '');
  return id || 'Process_1';
}

/** The XML of a new diagram at `path` from a template; the blank one gets a process id and name from the file name. Pure. */
export function newDiagramXml(template: Template, path: string): string {
  if (template.id !== 'blank') return template.xml;
  const id = processIdFor(path);
  const name = (path.split('/').pop() ?? '').replace(/\.bpmn$/i, '') || 'New SOP';
  const escaped = name.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return template.xml.replace('id="Process_1" name="New SOP"', `id="${id}" name="${escaped}"`).replace('bpmnElement="Process_1"', `bpmnElement="${id}"`);
}
