import type { ImportWarning } from 'bpmn-moddle';
import { describe, expect, it } from 'vitest';
import { classifyWarnings, type WarningContext } from '../../src/parse/classifyWarnings.js';
import { createModdle } from '../../src/parse/index.js';
import { extensionPackages } from '../../src/parse/extensionDescriptors.js';
import { LineIndex } from '../../src/parse/LineIndex.js';
import { scanXml } from '../../src/parse/scanXml.js';

const TEXT = '<a id="Flow_1">\n  <b id="Shape_1"/>\n  <c id="Group_1"/>\n</a>';

function context(): WarningContext {
  const lines = new LineIndex(TEXT);
  const scan = scanXml(TEXT, { maxDepth: 10, maxElements: 10 }, lines);
  return {
    lines,
    scan,
    locate: (id) => (scan.idOffsets.has(id) ? lines.position(scan.idOffsets.get(id)!) : undefined),
    untyped: extensionPackages().untyped,
  };
}

const moddle = createModdle();
const flow = moddle.create('bpmn:SequenceFlow', { id: 'Flow_1' });
const shape = moddle.create('bpmndi:BPMNShape', { id: 'Shape_1' });
const group = moddle.create('bpmn:Group', { id: 'Group_1' });
const userTask = moddle.create('bpmn:UserTask', { id: 'Flow_1' });

function unparsable(data: string, line: number, column: number, nested: string): ImportWarning {
  return { message: `unparsable content ${data} detected\n\tline: ${line}\n\tcolumn: ${column}\n\tnested error: ${nested}` };
}

describe('classifyWarnings', () => {
  it.each<[string, ImportWarning, Record<string, unknown>]>([
    ['duplicate id', unparsable('<b>', 1, 2, 'duplicate ID <Shape_1>'), { severity: 'error', code: 'bpmn.duplicate-id', elementId: 'Shape_1', line: 2, column: 3 }],
    ['illegal id', unparsable('<b>', 1, 2, 'illegal ID <1x>'), { severity: 'error', code: 'bpmn.invalid-id', elementId: '1x', line: 2, column: 3 }],
    ['unknown type', unparsable('<c>', 2, 2, 'unknown type <bpmn:C>'), { severity: 'error', code: 'bpmn.unknown-element', elementId: 'Group_1', line: 3, column: 3 }],
    ['unrecognized element', unparsable('<c>', 2, 2, 'unrecognized element <c>'), { severity: 'error', code: 'bpmn.unknown-element', line: 3 }],
    ['body text', unparsable('words', 0, 15, 'unexpected body text <words>'), { severity: 'error', code: 'bpmn.unparsable-content', line: 1, column: 16 }],
    [
      'dangling process reference',
      { message: 'unresolved reference <X>', element: flow, property: 'bpmn:sourceRef', value: 'X' },
      { severity: 'error', code: 'bpmn.unresolved-reference', elementId: 'Flow_1', attribute: 'sourceRef', line: 1, column: 8 },
    ],
    [
      'dangling diagram reference',
      { message: 'unresolved reference <X>', element: shape, property: 'bpmndi:bpmnElement', value: 'X' },
      { severity: 'warning', code: 'bpmn.unresolved-reference', elementId: 'Shape_1', attribute: 'bpmnElement', line: 2 },
    ],
    [
      'dangling category value',
      { message: 'unresolved reference <X>', element: group, property: 'bpmn:categoryValueRef', value: 'X' },
      { severity: 'warning', code: 'bpmn.unresolved-reference', elementId: 'Group_1', attribute: 'categoryValueRef', line: 3 },
    ],
    [
      'unknown attribute',
      { message: 'unknown attribute <bpmn:colour>', element: flow, property: 'bpmn:colour', value: 'red' },
      { severity: 'warning', code: 'bpmn.unknown-attribute', elementId: 'Flow_1', attribute: 'bpmn:colour', line: 1 },
    ],
    [
      'encoding declaration',
      { message: 'unsupported document encoding <ISO-8859-1>, falling back to UTF-8' },
      { severity: 'warning', code: 'xml.encoding-declaration', line: 1 },
    ],
    [
      'anything else',
      { message: 'something new in a later bpmn-moddle', element: flow },
      { severity: 'warning', code: 'bpmn.import-warning', elementId: 'Flow_1', line: 1 },
    ],
  ])('should classify %s', (_, warning, expected) => {
    // when
    const problems = classifyWarnings([warning], context());
    // then
    expect(problems).toEqual([expect.objectContaining(expected)]);
    expect(problems[0].message.length).toBeGreaterThan(10);
  });

  it('should leave out only "unknown attribute" for an extension attribute sopflow keeps untyped on that element', () => {
    // given
    const warnings: ImportWarning[] = [
      { message: 'unknown attribute <sop:assignee>', element: userTask, property: 'sop:assignee', value: 'alice' },
      { message: 'unknown attribute <sop:assignee>', element: flow, property: 'sop:assignee', value: 'alice' },
    ];
    // when
    const problems = classifyWarnings(warnings, context());
    // then
    expect(problems).toEqual([expect.objectContaining({ code: 'bpmn.unknown-attribute', attribute: 'sop:assignee', elementId: 'Flow_1' })]);
  });
});
