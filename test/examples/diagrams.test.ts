/**
 * The three standard SOP diagrams in `examples/`: they must import cleanly
 * with the `sop:` extension, be complete and readable when a process owner
 * opens them in bpmn-js (full DI, no overlaps, edges attached to their
 * shapes), and carry the policy's owners, SLAs and decisions as attributes.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BpmnModdle } from 'bpmn-moddle';
import { sopDescriptor } from '@sopflow/moddle';
import { evaluate, FeelDuration, SyntaxError as FeelSyntaxError } from 'feelin';
import { beforeAll, describe, expect, it } from 'vitest';

// bpmn-moddle's root export carries no type declarations; the test only needs
// this loose view of the model.
type El = any;
type Box = { x: number; y: number; width: number; height: number };
type Point = { x: number; y: number };

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));
const DIAGRAMS = ['order-handling', 'complaint-escalation', 'cross-department-approval'] as const;

/** Tolerance (px) for an edge end "touching" its shape. */
const TOUCH = 3;
const ISO_DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;
const FLOW_NODE_TYPES = [
  'bpmn:StartEvent', 'bpmn:EndEvent', 'bpmn:BoundaryEvent', 'bpmn:IntermediateCatchEvent',
  'bpmn:IntermediateThrowEvent', 'bpmn:ExclusiveGateway', 'bpmn:InclusiveGateway',
  'bpmn:ParallelGateway', 'bpmn:EventBasedGateway', 'bpmn:UserTask', 'bpmn:ServiceTask',
  'bpmn:SendTask', 'bpmn:ReceiveTask', 'bpmn:ScriptTask', 'bpmn:BusinessRuleTask',
  'bpmn:ManualTask', 'bpmn:Task', 'bpmn:SubProcess', 'bpmn:CallActivity',
];

interface Loaded {
  xml: string;
  definitions: El;
  warnings: { message: string }[];
  process: El;
  flowElements: El[];
  nodes: El[];
  flows: El[];
  byId: Map<string, El>;
  shapes: Map<string, El>;
  edges: Map<string, El>;
}

async function load(name: string): Promise<Loaded> {
  const xml = readFileSync(`${EXAMPLES}${name}/${name}.bpmn`, 'utf8');
  const moddle = new BpmnModdle({ sop: sopDescriptor });
  const { rootElement: definitions, warnings } = await moddle.fromXML(xml);
  const processes = definitions.rootElements.filter((e: El) => e.$type === 'bpmn:Process');
  const process = processes[0];
  const flowElements: El[] = process?.flowElements ?? [];
  const nodes = flowElements.filter((e) => FLOW_NODE_TYPES.includes(e.$type));
  const flows = flowElements.filter((e) => e.$type === 'bpmn:SequenceFlow');
  const byId = new Map<string, El>();
  const visit = (e: El) => {
    if (!e || typeof e !== 'object' || !e.$type) return;
    if (e.id) byId.set(e.id, e);
  };
  visit(definitions);
  definitions.rootElements.forEach(visit);
  flowElements.forEach(visit);
  const shapes = new Map<string, El>();
  const edges = new Map<string, El>();
  for (const diagram of definitions.diagrams ?? []) {
    for (const di of diagram.plane?.planeElement ?? []) {
      if (di.$type === 'bpmndi:BPMNShape') shapes.set(di.bpmnElement?.id, di);
      if (di.$type === 'bpmndi:BPMNEdge') edges.set(di.bpmnElement?.id, di);
    }
  }
  return { xml, definitions, warnings, process, flowElements, nodes, flows, byId, shapes, edges };
}

const sop = (e: El, name: string): string | undefined => e.get(`sop:${name}`);
const extensions = (e: El, type: string): El[] =>
  (e.extensionElements?.values ?? []).filter((v: El) => v.$type === type);

const overlaps = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** The point lies on the border of the box, give or take `tol` pixels. */
function touches(p: Point, b: Box, tol = TOUCH): boolean {
  const inOuter = p.x >= b.x - tol && p.x <= b.x + b.width + tol && p.y >= b.y - tol && p.y <= b.y + b.height + tol;
  const inInner = p.x > b.x + tol && p.x < b.x + b.width - tol && p.y > b.y + tol && p.y < b.y + b.height - tol;
  return inOuter && !inInner;
}

/** The axis-parallel segment passes through the inside of the box. */
function segmentEntersBox(p: Point, q: Point, b: Box): boolean {
  const inset = 2;
  const minX = Math.min(p.x, q.x), maxX = Math.max(p.x, q.x);
  const minY = Math.min(p.y, q.y), maxY = Math.max(p.y, q.y);
  return maxX > b.x + inset && minX < b.x + b.width - inset && maxY > b.y + inset && minY < b.y + b.height - inset;
}

/** Two axis-parallel segments, one horizontal and one vertical, cross at an inner point of both. */
function segmentsCross(a1: Point, a2: Point, b1: Point, b2: Point): boolean {
  const aH = a1.y === a2.y, bH = b1.y === b2.y;
  if (aH === bH) return false;
  const [h1, h2, v1, v2] = aH ? [a1, a2, b1, b2] : [b1, b2, a1, a2];
  const x = v1.x, y = h1.y;
  const strictly = (v: number, e1: number, e2: number) => v > Math.min(e1, e2) && v < Math.max(e1, e2);
  return strictly(x, h1.x, h2.x) && strictly(y, v1.y, v2.y);
}

const segments = (edge: El): [Point, Point][] =>
  edge.waypoint.slice(1).map((q: Point, i: number) => [edge.waypoint[i], q] as [Point, Point]);

/** Every FEEL expression of the diagram: conditions and `=`-prefixed attributes, with where they are. */
function feelExpressions(d: Loaded): { where: string; expression: string }[] {
  const found: { where: string; expression: string }[] = [];
  const fromAttrs = (owner: string, e: El) => {
    for (const [key, value] of Object.entries(e)) {
      if (key.startsWith('$') || typeof value !== 'string') continue;
      if (value.startsWith('=')) found.push({ where: `${owner} ${key}`, expression: value });
    }
  };
  for (const e of [...d.flowElements, ...d.definitions.rootElements]) {
    fromAttrs(e.id, e);
    if (e.loopCharacteristics) fromAttrs(`${e.id} loop`, e.loopCharacteristics);
    for (const x of e.extensionElements?.values ?? []) fromAttrs(`${e.id} ${x.$type}`, x);
    if (e.conditionExpression) found.push({ where: `${e.id} condition`, expression: e.conditionExpression.body });
  }
  return found;
}

/** The flow an exclusive gateway takes for the given variables (conditions in order, then the default). */
function route(d: Loaded, gatewayId: string, variables: Record<string, unknown>): string {
  const gateway = d.byId.get(gatewayId);
  for (const flow of gateway.outgoing) {
    if (flow === gateway.default || !flow.conditionExpression) continue;
    if (evaluate(flow.conditionExpression.body.slice(1), variables).value === true) return flow.targetRef.id;
  }
  if (!gateway.default) throw new Error(`${gatewayId}: no condition true and no default flow`);
  return gateway.default.targetRef.id;
}

const feel = (expression: string, variables: Record<string, unknown>): El =>
  evaluate(expression.slice(1), variables).value;

/** A FEEL days-and-time duration in hours. */
function hours(duration: El): number {
  expect(duration, `${duration} is a duration`).toBeInstanceOf(FeelDuration);
  return duration.days * 24 + duration.hours + duration.minutes / 60 + duration.seconds / 3600;
}

const calendars: { calendars: { name: string; zone: string; hours: Record<string, string[]>; holidays: string[]; workdays?: string[] }[] } =
  JSON.parse(readFileSync(`${EXAMPLES}calendars.json`, 'utf8'));

describe('examples/calendars.json', () => {
  it('should define the office calendar on Shanghai time, Monday to Friday 09:00-12:00 and 13:00-18:00', () => {
    const office = calendars.calendars.find((c) => c.name === 'office');
    expect(office).toBeDefined();
    expect(office!.zone).toBe('Asia/Shanghai');
    expect(Object.keys(office!.hours).sort()).toEqual(['fri', 'mon', 'thu', 'tue', 'wed']);
    for (const day of Object.values(office!.hours)) expect(day).toEqual(['09:00-12:00', '13:00-18:00']);
  });

  it('should list holidays as ISO dates or date ranges, including the 2026 National Day week', () => {
    for (const c of calendars.calendars) {
      for (const h of [...c.holidays, ...(c.workdays ?? [])]) expect(h).toMatch(/^\d{4}-\d{2}-\d{2}(\.\.\d{4}-\d{2}-\d{2})?$/);
    }
    expect(calendars.calendars.find((c) => c.name === 'office')!.holidays).toContain('2026-10-01..2026-10-07');
  });
});

describe.each(DIAGRAMS)('examples/%s', (name) => {
  let d: Loaded;
  beforeAll(async () => {
    d = await load(name);
  });

  describe('model', () => {
    it('should import with zero warnings', () => {
      expect(d.warnings.map((w) => w.message)).toEqual([]);
    });

    it('should hold one executable process named after the file, in the sopflow examples namespace', () => {
      const processes = d.definitions.rootElements.filter((e: El) => e.$type === 'bpmn:Process');
      expect(processes).toHaveLength(1);
      expect(d.process.id).toBe(name);
      expect(d.process.isExecutable).toBe(true);
      expect(d.process.name).toMatch(/^[A-Z][a-z -]+$/);
      expect(d.definitions.targetNamespace).toBe('https://sopflow.dev/examples');
      expect(d.xml).toContain('xmlns:sop="https://sopflow.dev/schema/bpmn/sop/1.0"');
    });

    it('should name every flow node and give it a readable id', () => {
      for (const n of d.nodes) {
        expect(n.name, n.id).toBeTruthy();
        expect(n.id).toMatch(/^(StartEvent|EndEvent|BoundaryEvent|Gateway|Task)_[A-Z][A-Za-z]+$/);
      }
      for (const f of d.flows) expect(f.id).toMatch(/^Flow_[A-Z][A-Za-z]+$/);
    });

    it('should resolve every referenced id', () => {
      for (const f of d.flows) {
        expect(d.byId.get(f.sourceRef?.id), `${f.id} source`).toBe(f.sourceRef);
        expect(d.byId.get(f.targetRef?.id), `${f.id} target`).toBe(f.targetRef);
        expect(f.sourceRef.outgoing, `${f.id} in outgoing of its source`).toContain(f);
        expect(f.targetRef.incoming, `${f.id} in incoming of its target`).toContain(f);
      }
      for (const n of d.nodes) {
        for (const f of [...(n.incoming ?? []), ...(n.outgoing ?? [])]) expect(d.flows, `${n.id} → ${f?.id}`).toContain(f);
        if (n.default) expect(n.outgoing, `${n.id} default`).toContain(n.default);
        if (n.$type === 'bpmn:BoundaryEvent') expect(d.nodes, `${n.id} host`).toContain(n.attachedToRef);
        if (n.messageRef) expect(d.byId.get(n.messageRef.id), `${n.id} message`).toBe(n.messageRef);
        for (const def of n.eventDefinitions ?? []) {
          const ref = def.messageRef ?? def.escalationRef ?? def.errorRef;
          if (def.$type !== 'bpmn:TimerEventDefinition') expect(ref && d.byId.get(ref.id), `${n.id} ${def.$type}`).toBe(ref);
        }
      }
      for (const [id, di] of [...d.shapes, ...d.edges]) expect(d.byId.get(id), `DI for ${id}`).toBe(di.bpmnElement);
    });

    it('should throw only escalation codes that a bpmn:escalation declares', () => {
      const declared = d.definitions.rootElements
        .filter((e: El) => e.$type === 'bpmn:Escalation')
        .map((e: El) => e.escalationCode);
      for (const n of d.nodes) {
        for (const rule of extensions(n, 'sop:Escalation')) {
          expect(['remind', 'escalate', 'reassign', 'notify'], `${n.id} action`).toContain(rule.action);
          expect(rule.at, `${n.id} at`).toMatch(/^(\d+%|P.+)$/);
          if (rule.every) expect(rule.every, `${n.id} every`).toMatch(ISO_DURATION);
          if (rule.action === 'escalate') expect(declared, `${n.id} escalationCode`).toContain(rule.escalationCode);
        }
      }
    });

    it('should catch every SLA escalation with a boundary event on the same task', () => {
      for (const n of d.nodes) {
        for (const rule of extensions(n, 'sop:Escalation').filter((r: El) => r.action === 'escalate')) {
          const catchers = d.nodes.filter(
            (b) =>
              b.attachedToRef === n &&
              b.eventDefinitions?.some((e: El) => e.escalationRef?.escalationCode === rule.escalationCode),
          );
          expect(catchers, `${n.id} ${rule.escalationCode}`).toHaveLength(1);
        }
      }
    });

    it('should give every user task an owner', () => {
      for (const t of d.nodes.filter((n) => n.$type === 'bpmn:UserTask')) {
        expect(sop(t, 'assignee') ?? sop(t, 'candidateGroups'), t.id).toBeTruthy();
      }
    });

    it('should give every job a type and every script or rule task an expression and result variable', () => {
      for (const t of d.nodes) {
        if (t.$type === 'bpmn:ServiceTask' || t.$type === 'bpmn:SendTask') expect(sop(t, 'type'), t.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
        if (t.$type === 'bpmn:ScriptTask' || t.$type === 'bpmn:BusinessRuleTask') {
          expect(sop(t, 'expression'), t.id).toMatch(/^=/);
          expect(sop(t, 'resultVariable'), t.id).toMatch(/^[a-z][A-Za-z]*$/);
        }
      }
    });

    it('should write every sop:sla as an ISO 8601 duration or a FEEL expression', () => {
      const holders = [d.process, ...d.nodes].filter((e) => sop(e, 'sla') !== undefined);
      expect(holders.length).toBeGreaterThan(0);
      for (const e of holders) {
        const sla = sop(e, 'sla')!;
        expect(sla.startsWith('=') || ISO_DURATION.test(sla), `${e.id} sop:sla="${sla}"`).toBe(true);
      }
    });

    it('should only name calendars that examples/calendars.json defines', () => {
      const names = calendars.calendars.map((c) => c.name);
      for (const e of [d.process, ...d.nodes]) {
        const calendar = sop(e, 'calendar');
        if (calendar === undefined) continue;
        // A FEEL calendar names its calendars as the string results of its branches.
        const literals = calendar.startsWith('=')
          ? [...calendar.matchAll(/(?:^=|then|else)\s*"([^"]*)"/g)].map((m) => m[1])
          : [calendar];
        expect(literals.length, e.id).toBeGreaterThan(0);
        for (const l of literals) expect(names, `${e.id} sop:calendar`).toContain(l);
      }
    });

    it('should write conditions and expressions as FEEL with a leading "=" that parses', () => {
      for (const f of d.flows.filter((f) => f.conditionExpression)) {
        expect(f.conditionExpression.body, f.id).toMatch(/^=/);
      }
      const expressions = feelExpressions(d);
      expect(expressions.length).toBeGreaterThan(0);
      for (const { where, expression } of expressions) {
        expect(() => evaluate(expression.slice(1), {}), `${where}: ${expression}`).not.toThrow(FeelSyntaxError);
      }
    });

    it('should put a condition on every flow out of a deciding gateway except its default', () => {
      for (const g of d.nodes.filter((n) => n.$type === 'bpmn:ExclusiveGateway' || n.$type === 'bpmn:InclusiveGateway')) {
        if (g.outgoing.length < 2) continue;
        for (const f of g.outgoing) {
          if (f === g.default) expect(f.conditionExpression, `${f.id} is a default flow`).toBeUndefined();
          else expect(f.conditionExpression, `${f.id} condition`).toBeDefined();
        }
      }
    });

    it('should not let a task split or join implicitly', () => {
      for (const n of d.nodes.filter((n) => !n.$type.endsWith('Gateway'))) {
        expect((n.incoming ?? []).length, `${n.id} incoming`).toBeLessThanOrEqual(1);
        expect((n.outgoing ?? []).length, `${n.id} outgoing`).toBeLessThanOrEqual(1);
      }
    });
  });

  describe('layout', () => {
    it('should give every flow node a DI shape and every sequence flow a DI edge', () => {
      for (const n of d.nodes) expect(d.shapes.has(n.id), `shape for ${n.id}`).toBe(true);
      for (const f of d.flows) expect(d.edges.has(f.id), `edge for ${f.id}`).toBe(true);
      expect(d.definitions.diagrams).toHaveLength(1);
      expect(d.definitions.diagrams[0].plane.bpmnElement).toBe(d.process);
    });

    it('should use bpmn.io sizes: tasks 100×80, gateways 50×50, events 36×36', () => {
      for (const n of d.nodes) {
        const { width, height } = d.shapes.get(n.id).bounds;
        const size = n.$type.endsWith('Gateway') ? [50, 50] : n.$type.endsWith('Event') ? [36, 36] : [100, 80];
        expect([width, height], n.id).toEqual(size);
      }
    });

    it('should keep the diagram within 2,200 px wide', () => {
      const right = Math.max(...[...d.shapes.values()].map((s) => s.bounds.x + s.bounds.width));
      expect(right).toBeLessThanOrEqual(2200);
      for (const s of d.shapes.values()) expect(s.bounds.x, s.bpmnElement.id).toBeGreaterThanOrEqual(0);
      for (const s of d.shapes.values()) expect(s.bounds.y, s.bpmnElement.id).toBeGreaterThanOrEqual(0);
    });

    it('should not overlap shapes', () => {
      const all = [...d.shapes.values()];
      for (let i = 0; i < all.length; i++) {
        for (let j = i + 1; j < all.length; j++) {
          const [a, b] = [all[i].bpmnElement, all[j].bpmnElement];
          if (a.attachedToRef === b || b.attachedToRef === a) continue;
          expect(overlaps(all[i].bounds, all[j].bounds), `${a.id} overlaps ${b.id}`).toBe(false);
        }
      }
    });

    it('should sit boundary events on the bottom edge of their host', () => {
      for (const b of d.nodes.filter((n) => n.$type === 'bpmn:BoundaryEvent')) {
        const e = d.shapes.get(b.id).bounds;
        const h = d.shapes.get(b.attachedToRef.id).bounds;
        expect(e.y + e.height / 2, b.id).toBe(h.y + h.height);
        expect(e.x, b.id).toBeGreaterThanOrEqual(h.x);
        expect(e.x + e.width, b.id).toBeLessThanOrEqual(h.x + h.width);
      }
    });

    it("should start and end every edge on its source and target shape's bounds", () => {
      for (const f of d.flows) {
        const w = d.edges.get(f.id).waypoint;
        expect(w.length, f.id).toBeGreaterThanOrEqual(2);
        expect(touches(w[0], d.shapes.get(f.sourceRef.id).bounds), `${f.id} starts on ${f.sourceRef.id}`).toBe(true);
        expect(touches(w[w.length - 1], d.shapes.get(f.targetRef.id).bounds), `${f.id} ends on ${f.targetRef.id}`).toBe(true);
      }
    });

    it('should route edges orthogonally', () => {
      for (const f of d.flows) {
        for (const [p, q] of segments(d.edges.get(f.id))) expect(p.x === q.x || p.y === q.y, f.id).toBe(true);
      }
    });

    it('should not route an edge through a shape other than its own ends', () => {
      for (const f of d.flows) {
        for (const [p, q] of segments(d.edges.get(f.id))) {
          for (const s of d.shapes.values()) {
            const e = s.bpmnElement;
            if (e === f.sourceRef || e === f.targetRef || e === f.sourceRef.attachedToRef) continue;
            expect(segmentEntersBox(p, q, s.bounds), `${f.id} runs through ${e.id}`).toBe(false);
          }
        }
      }
    });

    it('should not cross edges', () => {
      const all = d.flows.map((f) => [f.id, segments(d.edges.get(f.id))] as const);
      for (let i = 0; i < all.length; i++) {
        for (let j = i + 1; j < all.length; j++) {
          for (const [a1, a2] of all[i][1]) {
            for (const [b1, b2] of all[j][1]) {
              expect(segmentsCross(a1, a2, b1, b2), `${all[i][0]} crosses ${all[j][0]}`).toBe(false);
            }
          }
        }
      }
    });

    it('should label every event, gateway and named flow', () => {
      for (const n of d.nodes.filter((n) => !/Task$/.test(n.$type))) {
        const label = d.shapes.get(n.id).label;
        expect(label?.bounds, `label of ${n.id}`).toBeDefined();
        expect(label.bounds.width * label.bounds.height, n.id).toBeGreaterThan(0);
      }
      for (const f of d.flows.filter((f) => f.name)) expect(d.edges.get(f.id).label?.bounds, `label of ${f.id}`).toBeDefined();
    });

    it('should not let labels cover shapes or each other', () => {
      const labels = [...d.shapes.values(), ...d.edges.values()]
        .filter((di) => di.label?.bounds)
        .map((di) => ({ id: di.bpmnElement.id, bounds: di.label.bounds as Box }));
      for (const l of labels) {
        for (const s of d.shapes.values()) {
          expect(overlaps(l.bounds, s.bounds), `label of ${l.id} covers ${s.bpmnElement.id}`).toBe(false);
        }
      }
      for (let i = 0; i < labels.length; i++) {
        for (let j = i + 1; j < labels.length; j++) {
          expect(overlaps(labels[i].bounds, labels[j].bounds), `labels of ${labels[i].id} and ${labels[j].id}`).toBe(false);
        }
      }
    });

    it("should not put a label on another element's edge", () => {
      const labelled = [...d.shapes.values(), ...d.edges.values()].filter((di) => di.label?.bounds);
      for (const l of labelled) {
        for (const f of d.flows) {
          if (f === l.bpmnElement) continue;
          for (const [p, q] of segments(d.edges.get(f.id))) {
            expect(segmentEntersBox(p, q, l.label.bounds), `label of ${l.bpmnElement.id} lies on ${f.id}`).toBe(false);
          }
        }
      }
    });
  });
});

/**
 * The policy's numbers and decisions, read from the diagrams and evaluated
 * with FEEL as the engine will: who gets which task, which branch a case
 * takes, how long each step may take.
 */
describe('policy encoded in the diagrams', () => {
  const diagrams = new Map<string, Loaded>();
  beforeAll(async () => {
    for (const name of DIAGRAMS) diagrams.set(name, await load(name));
  });
  const rules = (e: El) =>
    extensions(e, 'sop:Escalation').map((r: El) => [r.at, r.every, r.action, r.escalationCode].filter(Boolean).join(' '));
  const timer = (e: El) => {
    const def = e.eventDefinitions[0];
    return def.timeCycle ? `cycle ${def.timeCycle.body}` : `duration ${def.timeDuration.body}`;
  };

  describe('order-handling', () => {
    let d: Loaded;
    let node: (id: string) => El;
    beforeAll(() => {
      d = diagrams.get('order-handling')!;
      node = (id) => d.byId.get(id);
    });

    it('should start on the order-received message and wait for parcel-delivered correlated by order number', () => {
      expect(node('StartEvent_OrderReceived').eventDefinitions[0].messageRef.name).toBe('order-received');
      const delivered = node('Task_TrackDelivery').messageRef;
      expect(delivered.name).toBe('parcel-delivered');
      expect(delivered.get('sop:correlationKey')).toBe('=orderNumber');
    });

    it('should send valid orders to picking and abnormal ones to the order desk', () => {
      expect(route(d, 'Gateway_OrderOk', { orderValid: true })).toBe('Gateway_PickAndPackMerge');
      expect(route(d, 'Gateway_OrderOk', { orderValid: false })).toBe('Task_ReviewAbnormalOrder');
      expect(route(d, 'Gateway_OrderOk', {})).toBe('Task_ReviewAbnormalOrder');
      expect(route(d, 'Gateway_ReviewDecision', { decision: 'cancel' })).toBe('EndEvent_OrderCancelled');
      expect(route(d, 'Gateway_ReviewDecision', { decision: 'continue' })).toBe('Gateway_PickAndPackMerge');
    });

    it('should allow two re-checks and raise an incident on the third mismatch', () => {
      const count = sop(node('Task_CountMismatch'), 'expression')!;
      let mismatches: unknown = undefined;
      const outcomes: string[] = [];
      for (let i = 0; i < 3; i++) {
        mismatches = feel(count, mismatches === undefined ? {} : { mismatches });
        outcomes.push(route(d, 'Gateway_RecheckAllowed', { mismatches }));
      }
      expect(outcomes).toEqual(['Task_Recheck', 'Task_Recheck', 'Task_HandlePackingIncident']);
      expect(sop(node('Task_HandlePackingIncident'), 'candidateGroups')).toBe('warehouse-lead');
      expect(route(d, 'Gateway_CheckResult', { checkResult: 'match' })).toBe('Task_Ship');
    });

    it('should carry the SLAs: 5 min wall clock, 2 and 4 working hours, 24 h after delivery', () => {
      const sla = (id: string) => [sop(node(id), 'sla'), sop(node(id), 'calendar')];
      expect(sla('Task_ValidateOrder')).toEqual(['PT5M', undefined]);
      expect(sla('Task_ReviewAbnormalOrder')).toEqual(['PT2H', 'office']);
      expect(sla('Task_PickAndPack')).toEqual(['PT4H', 'office']);
      expect(sla('Task_AfterSalesFeedback')).toEqual(['PT24H', undefined]);
      expect(sop(d.process, 'calendar')).toBeUndefined();
      expect(rules(node('Task_ReviewAbnormalOrder'))).toEqual(['75% remind', '100% escalate ABNORMAL_REVIEW_OVERDUE']);
    });

    it('should keep the abnormal review and the delivery wait open when their boundary events fire', () => {
      const overdue = node('BoundaryEvent_AbnormalReviewOverdue');
      expect(overdue.cancelActivity).toBe(false);
      expect(overdue.outgoing[0].targetRef.get('sop:candidateGroups')).toBe('order-desk-lead');
      const hourly = node('BoundaryEvent_TrackingCheckDue');
      const delayed = node('BoundaryEvent_DeliveryDelayed');
      expect([hourly.cancelActivity, timer(hourly)]).toEqual([false, 'cycle R/PT1H']);
      expect([delayed.cancelActivity, timer(delayed)]).toEqual([false, 'duration PT72H']);
      expect(hourly.outgoing[0].targetRef.get('sop:type')).toBe('check-tracking');
      expect(delayed.outgoing[0].targetRef.get('sop:candidateGroups')).toBe('customer-service');
    });
  });

  describe('complaint-escalation', () => {
    let d: Loaded;
    let node: (id: string) => El;
    beforeAll(() => {
      d = diagrams.get('complaint-escalation')!;
      node = (id) => d.byId.get(id);
    });

    it('should give urgent complaints 30 wall-clock minutes and normal ones 2 working hours for the first response', () => {
      const ack = node('Task_AcknowledgeAndApologise');
      expect(hours(feel(sop(ack, 'sla')!, { severity: 'urgent' }))).toBe(0.5);
      expect(feel(sop(ack, 'calendar')!, { severity: 'urgent' })).toBeNull();
      expect(hours(feel(sop(ack, 'sla')!, { severity: 'normal' }))).toBe(2);
      expect(feel(sop(ack, 'calendar')!, { severity: 'normal' })).toBe('office');
      expect(rules(ack)).toEqual(['75% remind', '100% escalate FIRST_RESPONSE_OVERDUE']);
      const overdue = node('BoundaryEvent_FirstResponseOverdue');
      expect(overdue.cancelActivity).toBe(false);
      expect(overdue.outgoing[0].targetRef.get('sop:candidateGroups')).toBe('supervisors');
    });

    it('should route by category and copy the department head on urgent complaints only', () => {
      const rule = sop(node('Task_RecordAndRoute'), 'expression')!;
      const department = (category?: string) => feel(rule, category === undefined ? {} : { category });
      expect(['billing', 'delivery', 'product', 'other', undefined].map(department)).toEqual([
        'finance', 'logistics', 'quality', 'customer-care', 'customer-care',
      ]);
      const taken = (severity: string) =>
        node('Gateway_RouteComplaint')
          .outgoing.filter((f: El) => feel(f.conditionExpression.body, { severity }) === true)
          .map((f: El) => f.targetRef.id);
      expect(taken('urgent')).toEqual(['Gateway_InvestigateMerge', 'Task_NotifyDepartmentHead']);
      expect(taken('normal')).toEqual(['Gateway_InvestigateMerge']);
    });

    it("should give the department 24 or 72 working hours, then hand the case to the department's heads", () => {
      const investigate = node('Task_InvestigateAndResolve');
      expect(feel(sop(investigate, 'candidateGroups')!, { department: 'finance' })).toBe('finance');
      // FEEL normalises days-and-time durations (duration("PT24H") is P1D), so compare amounts of time.
      expect(hours(feel(sop(investigate, 'sla')!, { severity: 'urgent' }))).toBe(24);
      expect(hours(feel(sop(investigate, 'sla')!, { severity: 'normal' }))).toBe(72);
      expect(sop(investigate, 'calendar')).toBe('office');
      expect(rules(investigate)).toEqual(['100% escalate RESOLUTION_OVERDUE']);
      const overdue = node('BoundaryEvent_ResolutionOverdue');
      expect(overdue.cancelActivity).toBe(true);
      const head = overdue.outgoing[0].targetRef;
      expect(feel(sop(head, 'candidateGroups')!, { department: 'finance' })).toBe('finance-heads');
      expect(head.outgoing[0].targetRef.outgoing[0].targetRef.id).toBe('Task_CustomerFollowUp');
    });

    it('should re-open twice and escalate to quality on the third dissatisfaction', () => {
      const follow = node('Task_CustomerFollowUp');
      expect([sop(follow, 'sla'), sop(follow, 'calendar')]).toEqual(['PT24H', undefined]);
      expect(route(d, 'Gateway_Satisfied', { satisfied: true })).toBe('EndEvent_ComplaintClosed');
      expect(route(d, 'Gateway_Satisfied', { satisfied: false })).toBe('Task_CountReopen');
      const count = sop(node('Task_CountReopen'), 'expression')!;
      let reopens: unknown = undefined;
      const outcomes: string[] = [];
      for (let i = 0; i < 3; i++) {
        reopens = feel(count, reopens === undefined ? {} : { reopens });
        outcomes.push(route(d, 'Gateway_ReopenAllowed', { reopens }));
      }
      expect(outcomes).toEqual(['Gateway_InvestigateMerge', 'Gateway_InvestigateMerge', 'Task_HandOverToQualityManagers']);
      const end = node('EndEvent_EscalatedToQuality');
      expect(end.eventDefinitions[0].escalationRef.escalationCode).toBe('ESCALATED_TO_QUALITY');
    });
  });

  describe('cross-department-approval', () => {
    let d: Loaded;
    let node: (id: string) => El;
    beforeAll(() => {
      d = diagrams.get('cross-department-approval')!;
      node = (id) => d.byId.get(id);
    });

    it('should ask for goal, deadline, amount, departments and urgency when the request is submitted', () => {
      const fields = extensions(node('StartEvent_SubmitRequest'), 'sop:Field').map((f: El) => [f.name, f.type, !!f.required]);
      expect(fields).toEqual([
        ['goal', 'text', true],
        ['deadline', 'date', true],
        ['amount', 'number', true],
        ['departments', 'list', true],
        ['urgent', 'boolean', false],
      ]);
    });

    it('should send urgent requests down the green channel: risk control copied, initial review skipped', () => {
      expect(route(d, 'Gateway_Urgent', { urgent: true })).toBe('Gateway_GreenChannel');
      expect(route(d, 'Gateway_Urgent', { urgent: false })).toBe('Gateway_InitialReviewMerge');
      expect(route(d, 'Gateway_Urgent', {})).toBe('Gateway_InitialReviewMerge');
      const targets = node('Gateway_GreenChannel').outgoing.map((f: El) => f.targetRef.id);
      expect(targets).toEqual(['Task_NotifyRiskControl', 'Gateway_CountersignMerge']);
      expect(sop(node('Task_NotifyRiskControl'), 'type')).toBe('notify-risk-control');
    });

    it("should give the applicant's manager one working day, remind after 4 h and every 4 h once overdue", () => {
      const review = node('Task_InitialReview');
      expect(feel(sop(review, 'assignee')!, { applicantManager: 'li.wei' })).toBe('li.wei');
      expect(feel(sop(review, 'department')!, { managerDepartment: 'sales' })).toBe('sales');
      expect([sop(review, 'sla'), sop(review, 'calendar')]).toEqual(['P1D', 'office']);
      expect(rules(review)).toEqual(['PT4H remind', '100% PT4H remind']);
      expect(route(d, 'Gateway_InitialReviewDecision', { decision: 'approve' })).toBe('Gateway_CountersignMerge');
      expect(route(d, 'Gateway_InitialReviewDecision', { decision: 'reject' })).toBe('Gateway_ReviseMerge');
      expect(route(d, 'Gateway_Withdraw', { withdraw: true })).toBe('EndEvent_RequestWithdrawn');
      expect(route(d, 'Gateway_Withdraw', { withdraw: false })).toBe('Gateway_InitialReviewMerge');
    });

    it('should ask every listed department head to countersign, a rejection needing a written reason', () => {
      const countersign = node('Task_Countersign');
      const loop = countersign.loopCharacteristics;
      expect(loop.$type).toBe('bpmn:MultiInstanceLoopCharacteristics');
      expect(loop.isSequential).toBe(false);
      expect(feel(loop.get('sop:collection'), { departments: ['finance', 'legal'] })).toEqual(['finance', 'legal']);
      expect(loop.get('sop:elementVariable')).toBe('department');
      expect(loop.get('sop:outputCollection')).toBe('countersigns');
      expect(feel(loop.get('sop:outputElement'), { department: 'legal', approved: false, reason: 'budget not planned' })).toEqual({
        department: 'legal', approved: false, reason: 'budget not planned',
      });
      expect(feel(sop(countersign, 'candidateGroups')!, { department: 'legal' })).toBe('legal-heads');
      expect([sop(countersign, 'sla'), sop(countersign, 'calendar')]).toEqual(['P2D', 'office']);
      const reason = extensions(countersign, 'sop:Field').find((f: El) => f.name === 'reason');
      expect([reason.type, reason.minLength]).toEqual(['text', 10]);
      expect(feel(reason.requiredWhen, { approved: false })).toBe(true);
      expect(feel(reason.requiredWhen, { approved: true })).toBe(false);
      const signed = (...approved: boolean[]) => ({ countersigns: approved.map((a) => ({ approved: a })) });
      expect(route(d, 'Gateway_AllCountersigned', signed(true, true))).toBe('Gateway_AuthorityByAmount');
      expect(route(d, 'Gateway_AllCountersigned', signed(true, false))).toBe('Gateway_ReviseMerge');
    });

    it('should pick the final approver by amount: director to 50,000, vice president to 500,000, then CEO', () => {
      const approver = (amount: number) => route(d, 'Gateway_AuthorityByAmount', { amount });
      expect([1, 50000, 50000.01, 120000, 500000, 500001].map(approver)).toEqual([
        'Task_FinalApprovalDirector', 'Task_FinalApprovalDirector', 'Task_FinalApprovalVicePresident',
        'Task_FinalApprovalVicePresident', 'Task_FinalApprovalVicePresident', 'Task_FinalApprovalCeo',
      ]);
      const groups = ['Director', 'VicePresident', 'Ceo'].map((r) => node(`Task_FinalApproval${r}`)).map((t) => [
        sop(t, 'candidateGroups'), sop(t, 'sla'), sop(t, 'calendar'),
      ]);
      expect(groups).toEqual([['directors', 'P2D', 'office'], ['vice-presidents', 'P2D', 'office'], ['ceo', 'P2D', 'office']]);
    });

    it('should archive approved requests within one working day', () => {
      expect(route(d, 'Gateway_FinalDecision', { approved: true })).toBe('Task_Archive');
      expect(route(d, 'Gateway_FinalDecision', { approved: false })).toBe('EndEvent_RequestRejected');
      const archive = node('Task_Archive');
      expect([sop(archive, 'type'), sop(archive, 'sla'), sop(archive, 'calendar')]).toEqual(['archive-request', 'P1D', 'office']);
      expect(archive.outgoing[0].targetRef.id).toBe('EndEvent_RequestApproved');
    });
  });
});
