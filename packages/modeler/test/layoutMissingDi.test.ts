import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BpmnModdle } from 'bpmn-moddle';
import { describe, expect, it } from 'vitest';
import { layoutMissingDi } from '../src/features/layout/layoutMissingDi.js';

import { CORPUS, corpusAvailable } from '../../../test/support/corpus.js';

const TICKET_BOOKING = join(CORPUS, 'camunda/camunda-8-tutorials/solutions/ticket-booking/Ticket Booking.bpmn');

/** The corpus has no DI-less diagram with content, so take real ones and drop their diagram interchange. */
function withoutDi(xml: string): string {
  return xml.replace(/<(\w+:)?BPMNDiagram\b[\s\S]*<\/(\w+:)?BPMNDiagram>/g, '');
}

interface Bounds { id: string; x: number; y: number; width: number; height: number }

async function shapes(xml: string): Promise<{ bounds: Bounds[]; edges: string[]; nodes: string[]; flows: string[] }> {
  const { rootElement } = (await new BpmnModdle().fromXML(xml)) as any;
  const bounds: Bounds[] = [];
  const edges: string[] = [];
  for (const diagram of rootElement.diagrams ?? []) {
    for (const el of diagram.plane.planeElement ?? []) {
      if (el.$type === 'bpmndi:BPMNShape') bounds.push({ id: el.bpmnElement.id, ...el.bounds });
      else edges.push(el.bpmnElement.id);
    }
  }
  const nodes: string[] = [];
  const flows: string[] = [];
  for (const root of rootElement.rootElements) {
    for (const el of root.flowElements ?? []) (el.$type === 'bpmn:SequenceFlow' ? flows : nodes).push(el.id);
  }
  return { bounds, edges, nodes, flows };
}

const overlap = (a: Bounds, b: Bounds) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe('layout of diagrams without DI', () => {
  it.runIf(corpusAvailable)('should lay out a corpus diagram whose DI was removed: every node and flow drawn, no shapes on top of each other', async () => {
    // given
    const xml = withoutDi(readFileSync(TICKET_BOOKING, 'utf8'));
    expect((await shapes(xml)).bounds).toEqual([]);
    // when
    const outcome = await layoutMissingDi(xml);
    // then
    expect(outcome).toMatchObject({ laidOut: true, unplaced: [] });
    const { bounds, edges, nodes, flows } = await shapes(outcome.xml);
    expect(bounds.map((b) => b.id).sort()).toEqual([...nodes].sort());
    expect(edges.sort()).toEqual([...flows].sort());
    // A boundary event sits on its host's border by design; anything else overlapping is a layout fault.
    const attached = new Map([...xml.matchAll(/<bpmn:boundaryEvent id="([^"]+)"[^>]*attachedToRef="([^"]+)"/g)].map((m) => [m[1], m[2]]));
    const clashes = bounds.flatMap((a, i) =>
      bounds
        .slice(i + 1)
        .filter((b) => overlap(a, b) && attached.get(a.id) !== b.id && attached.get(b.id) !== a.id)
        .map((b) => `${a.id}/${b.id}`),
    );
    expect(clashes).toEqual([]);
    expect(attached.size).toBeGreaterThan(0);
    // left to right: the start event is the leftmost shape
    const start = xml.match(/<bpmn:startEvent id="([^"]+)"/)![1];
    expect(Math.min(...bounds.map((b) => b.x))).toBe(bounds.find((b) => b.id === start)!.x);
  });

  it.runIf(corpusAvailable)('should keep the diagram content, sop: and zeebe: extensions included', async () => {
    // given
    const xml = withoutDi(readFileSync(TICKET_BOOKING, 'utf8'));
    // when
    const { xml: laid } = await layoutMissingDi(xml);
    // then
    for (const fragment of xml.match(/zeebe:taskDefinition type="[^"]+"/g) ?? []) expect(laid).toContain(fragment);
    expect((laid.match(/zeebe:/g) ?? []).length).toBeGreaterThanOrEqual((xml.match(/zeebe:/g) ?? []).length - 1);
  });

  it.runIf(corpusAvailable)('should leave a diagram that has a layout exactly as it is', async () => {
    // given
    const xml = readFileSync(TICKET_BOOKING, 'utf8');
    // when
    const outcome = await layoutMissingDi(xml);
    // then
    expect(outcome).toEqual({ xml, laidOut: false, unplaced: [] });
  });

  it('should lay out generated XML that has only sourceRef/targetRef (no incoming/outgoing)', async () => {
    // given
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:sop="https://sopflow.dev/schema/bpmn/sop/1.0" id="d">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="s" name="提交"/><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="g"/>
    <bpmn:exclusiveGateway id="g" default="f3"/>
    <bpmn:sequenceFlow id="f2" sourceRef="g" targetRef="a"><bpmn:conditionExpression>=x &gt; 1</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f3" sourceRef="g" targetRef="b"/>
    <bpmn:userTask id="a" name="审核" sop:candidateGroups="审核组" sop:sla="PT2H"/><bpmn:userTask id="b" name="归档"/>
    <bpmn:sequenceFlow id="f4" sourceRef="a" targetRef="e"/><bpmn:sequenceFlow id="f5" sourceRef="b" targetRef="e"/>
    <bpmn:endEvent id="e"/>
  </bpmn:process>
</bpmn:definitions>`;
    // when
    const outcome = await layoutMissingDi(xml);
    // then
    const { bounds, edges } = await shapes(outcome.xml);
    expect(bounds.map((b) => b.id).sort()).toEqual(['a', 'b', 'e', 'g', 's']);
    expect(edges.sort()).toEqual(['f1', 'f2', 'f3', 'f4', 'f5']);
    const x = Object.fromEntries(bounds.map((b) => [b.id, b.x]));
    expect(x.s).toBeLessThan(x.g);
    expect(x.g).toBeLessThan(Math.min(x.a, x.b));
    expect(Math.max(x.a, x.b)).toBeLessThan(x.e);
    expect(outcome.xml).toContain('sop:candidateGroups="审核组"');
    expect(outcome.xml).toContain('sop:sla="PT2H"');
  });

  it.runIf(corpusAvailable)('should lay out every single-process corpus diagram once its DI is removed, and name what it could not place', async () => {
    // given
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (name.endsWith('.bpmn')) files.push(path);
      }
    };
    walk(CORPUS);
    let laidOut = 0;
    const incomplete: string[] = [];
    // when
    for (const file of files) {
      const xml = readFileSync(file, 'utf8');
      if (/<(\w+:)?collaboration\b/.test(xml) || (xml.match(/<(\w+:)?process\b/g) ?? []).length !== 1) continue;
      let outcome;
      try {
        outcome = await layoutMissingDi(withoutDi(xml));
      } catch {
        continue; // not a readable BPMN document (the corpus keeps broken fixtures)
      }
      if (!outcome.laidOut) continue;
      laidOut += 1;
      const { bounds, nodes } = await shapes(outcome.xml);
      const top = new Set(bounds.map((b) => b.id));
      if (nodes.some((id) => !top.has(id))) incomplete.push(file.slice(CORPUS.length + 1));
    }
    // then: the top level of every single-process diagram is placed
    expect(laidOut).toBeGreaterThan(250);
    expect(incomplete).toEqual([]);
  }, 120_000);
});
