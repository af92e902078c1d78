import { describe, expect, it } from 'vitest';
import { BpmnParseError, SopflowError } from '../../src/errors.js';
import { DEFAULT_PARSE_LIMITS, parse } from '../../src/parse/index.js';
import { bpmn, errorsOf, fixture, rejection } from './helpers.js';

describe('parse', () => {
  it('should return the bpmn:Definitions element of a valid diagram, with no warnings', async () => {
    // given
    const input = fixture('definitions.valid.bpmn');
    // when
    const result = await parse(input);
    // then
    expect(result.definitions.$type).toBe('bpmn:Definitions');
    expect(result.definitions.id).toBe('Definitions_1');
    const process = result.definitions.rootElements?.[0];
    expect(process?.$type).toBe('bpmn:Process');
    expect(result.warnings).toEqual([]);
  });

  it('should read sop: attributes and escalation rules', async () => {
    // when
    const { definitions } = await parse(fixture('definitions.valid.bpmn'));
    // then
    const process = definitions.rootElements?.[0] as unknown as { get(name: string): unknown; flowElements: any[] };
    const task = process.flowElements.find((e) => e.id === 'Acknowledge');
    expect(process.get('sop:sla')).toBe('P2D');
    expect(task.get('sop:candidateGroups')).toBe('support-agents');
    expect(task.extensionElements.values.map((v: any) => [v.$type, v.at, v.action])).toEqual([
      ['sop:Escalation', '75%', 'remind'],
      ['sop:Escalation', '100%', 'escalate'],
    ]);
  });

  it('should give the same result for a string and for its UTF-8 bytes', async () => {
    // given
    const bytes = fixture('definitions.valid.bpmn');
    const text = new TextDecoder().decode(bytes);
    // when
    const fromBytes = await parse(bytes);
    const fromString = await parse(text);
    // then
    expect(fromString.xml).toBe(fromBytes.xml);
    expect(fromString.xml).toBe(text);
    expect(fromString.locate('Done')).toEqual(fromBytes.locate('Done'));
  });

  it('should locate every element by id at its id="…" value, 1-based', async () => {
    // when
    const result = await parse(fixture('definitions.valid.bpmn'));
    // then
    expect(result.locate('Definitions_1')).toEqual({ line: 7, column: 23 });
    expect(result.locate('Received')).toEqual({ line: 9, column: 26 });
    expect(result.locate('Flow_2_di')).toEqual({ line: 41, column: 28 });
    expect(result.locate('Nope')).toBeUndefined();
    const lines = result.xml.split('\n');
    const { line, column } = result.locate('Acknowledge')!;
    expect(lines[line - 1].slice(column - 1, column - 1 + 'Acknowledge'.length)).toBe('Acknowledge');
  });

  it('should count lines ending in \\r\\n and \\r like \\n', async () => {
    // given
    const input = bpmn('<bpmn:task id="A"/>\r\n<bpmn:task id="B"/>\r<bpmn:task id="C"/>');
    // when
    const result = await parse(input);
    // then
    expect(result.locate('A')).toEqual({ line: 4, column: 16 });
    expect(result.locate('B')).toEqual({ line: 5, column: 16 });
    expect(result.locate('C')).toEqual({ line: 6, column: 16 });
  });

  it('should return warnings, never dropping one, when nothing is an error', async () => {
    // given
    const input = fixture('references.dangling-di.bpmn');
    // when
    const result = await parse(input);
    // then
    expect(result.warnings).toEqual([
      expect.objectContaining({
        severity: 'warning',
        code: 'bpmn.unresolved-reference',
        elementId: 'Shape_Gone',
        attribute: 'bpmnElement',
        line: 11,
        column: 29,
      }),
    ]);
    expect(result.warnings[0].message).toContain("'Task_Deleted_Long_Ago'");
  });

  it('should refuse a document of black-box pools only as bpmn.no-process', async () => {
    // when
    const error = await rejection(parse(fixture('definitions.no-process.bpmn')));
    // then
    expect(errorsOf(error)).toEqual([
      expect.objectContaining({ code: 'bpmn.no-process', elementId: 'Definitions_pools', line: 2 }),
    ]);
  });

  it('should report every problem of a document at once, errors and warnings', async () => {
    // given
    const input = bpmn(
      [
        '<bpmn:task id="A"/>',
        '<bpmn:task id="A"/>',
        '<bpmn:mystery id="M"/>',
        '<bpmn:sequenceFlow id="F" sourceRef="A" targetRef="Z"/>',
        '<bpmn:task id="U" unknownThing="1"/>',
      ].join('\n'),
      '<bpmndi:BPMNDiagram id="D"><bpmndi:BPMNPlane id="PL" bpmnElement="Gone"/></bpmndi:BPMNDiagram>',
    );
    // when
    const error = await rejection(parse(input));
    // then
    expect(error.problems.map((p) => [p.severity, p.code, p.elementId, p.line])).toEqual([
      ['error', 'bpmn.duplicate-id', 'A', 5],
      ['error', 'bpmn.unknown-element', 'M', 6],
      ['warning', 'bpmn.unknown-attribute', 'U', 8],
      ['error', 'bpmn.unresolved-reference', 'F', 7],
      ['warning', 'bpmn.unresolved-reference', 'PL', 9],
    ]);
    expect(error.message).toMatch(/^The BPMN document cannot be read: 3 error\(s\), 2 warning\(s\)\./);
  });

  it('should report malformed XML with its line and column', async () => {
    // given
    const input = bpmn('<bpmn:task id="A">\n  </bpmn:subProcess>');
    // when
    const error = await rejection(parse(input));
    // then
    expect(error.problems).toEqual([expect.objectContaining({ code: 'xml.malformed', line: 5, column: 3 })]);
  });

  it('should report an unterminated comment found by the pre-scan as xml.malformed', async () => {
    // given
    const input = bpmn('<bpmn:task id="A"/>\n<!-- never closed');
    // when
    const error = await rejection(parse(input));
    // then
    expect(error.problems).toEqual([expect.objectContaining({ code: 'xml.malformed', line: 5, column: 1 })]);
  });

  it('should report text after the root element', async () => {
    // given
    const input = bpmn('<bpmn:task id="A"/>') + 'trailing words';
    // when
    const error = await rejection(parse(input));
    // then
    expect(errorsOf(error).map((p) => p.code)).toEqual(['bpmn.unparsable-content']);
  });

  it('should refuse a misspelt sop: element inside extensionElements, but keep foreign extension elements', async () => {
    // given
    const typo = bpmn(
      '<bpmn:task id="T"><bpmn:extensionElements><sop:escalaton at="75%" action="remind"/></bpmn:extensionElements></bpmn:task>',
    ).replace('id="Definitions_1"', 'xmlns:sop="https://sopflow.dev/schema/bpmn/sop/1.0" id="Definitions_1"');
    const foreign = bpmn('<bpmn:task id="T"><bpmn:extensionElements><acme:note xmlns:acme="urn:acme">hi</acme:note></bpmn:extensionElements></bpmn:task>');
    // when
    const error = await rejection(parse(typo));
    const result = await parse(foreign);
    // then
    expect(errorsOf(error)).toEqual([expect.objectContaining({ code: 'bpmn.unknown-element', line: 4 })]);
    expect(errorsOf(error)[0].message).toContain('sop:escalaton');
    expect(result.warnings).toEqual([]);
    const task = (result.definitions.rootElements?.[0] as any).flowElements[0];
    expect(task.extensionElements.values[0]).toMatchObject({ $type: 'acme:note', $body: 'hi' });
  });

  it('should refuse a non-ASCII id, which bpmn-moddle would drop, as bpmn.invalid-id', async () => {
    // given
    const input = bpmn('<bpmn:task id="Prüfen"/>');
    // when
    const error = await rejection(parse(input));
    // then
    expect(errorsOf(error)).toEqual([expect.objectContaining({ code: 'bpmn.invalid-id', elementId: 'Prüfen', line: 4, column: 1 })]);
  });

  it('should throw BpmnParseError whose class code is bpmn.parse and whose problems are plain data', async () => {
    // when
    const error = await rejection(parse(fixture('ids.duplicate.bpmn')));
    // then
    expect(error).toBeInstanceOf(SopflowError);
    expect(error.code).toBe('bpmn.parse');
    expect(JSON.parse(JSON.stringify(error.problems))).toEqual(error.problems);
    expect(error.details).toEqual({ problems: error.problems });
  });

  it('should refuse invalid options with a SopflowError, not a parse error', async () => {
    // when
    const error = await parse('<x/>', { maxDepth: -1 }).catch((e: unknown) => e);
    // then
    expect(error).toBeInstanceOf(SopflowError);
    expect(error).not.toBeInstanceOf(BpmnParseError);
    expect((error as SopflowError).code).toBe('parse.invalid-options');
  });

  it('should apply raised limits and Infinity', async () => {
    // given
    const input = bpmn('<bpmn:task id="A"/>');
    // when
    const refused = await rejection(parse(input, { maxBytes: 100 }));
    const accepted = await parse(input, { maxBytes: Infinity, maxDepth: Infinity, maxElements: Infinity });
    // then
    expect(refused.problems[0].code).toBe('xml.too-large');
    expect(accepted.definitions.$type).toBe('bpmn:Definitions');
  });

  it('should publish its default limits', () => {
    // then
    expect(DEFAULT_PARSE_LIMITS).toEqual({ maxBytes: 10 * 1024 * 1024, maxDepth: 2000, maxElements: 500_000 });
    expect(Object.isFrozen(DEFAULT_PARSE_LIMITS)).toBe(true);
  });
});
