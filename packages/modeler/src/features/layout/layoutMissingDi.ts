import { layoutProcess } from 'bpmn-auto-layout';
import { BpmnModdle } from 'bpmn-moddle';

/** What opening a diagram without layout did. */
export interface LayoutOutcome {
  /** The XML to import: the input unchanged, or with a generated diagram. */
  xml: string;
  /** True when a diagram was generated (the file on disk has none yet). */
  laidOut: boolean;
  /** Flow elements that still have no shape (e.g. in a second pool: the layouter places one process). */
  unplaced: string[];
}

type Element = { $type: string; id?: string; [key: string]: any };

const isFlowNode = (e: Element) => e.$type !== 'bpmn:SequenceFlow' && e.$type !== 'bpmn:DataObject' && e.$type !== 'bpmn:DataStoreReference' && !e.$type.startsWith('bpmn:Data');

/** Every flow node and sequence flow of the diagram's processes, sub-processes included. */
function flowElements(definitions: Element): Element[] {
  const out: Element[] = [];
  const visit = (container: Element) => {
    for (const element of (container.flowElements ?? []) as Element[]) {
      out.push(element);
      if (element.flowElements) visit(element);
    }
  };
  for (const root of (definitions.rootElements ?? []) as Element[]) if (root.$type === 'bpmn:Process') visit(root);
  return out;
}

function shapedIds(definitions: Element): Set<string> {
  const ids = new Set<string>();
  for (const diagram of (definitions.diagrams ?? []) as Element[]) {
    for (const shape of (diagram.plane?.planeElement ?? []) as Element[]) if (shape.bpmnElement?.id) ids.add(shape.bpmnElement.id);
  }
  return ids;
}

/**
 * Gives a diagram with no layout at all (generated, or exported by a tool
 * that omits BPMN DI) a left-to-right layout, so it opens readable instead of
 * empty or piled up at the origin. A diagram where any flow node already has
 * a shape is left as drawn: its owner's layout wins, and the missing shapes are
 * reported by the `no-bpmndi` lint rule.
 */
export async function layoutMissingDi(xml: string): Promise<LayoutOutcome> {
  const moddle = new BpmnModdle();
  const { rootElement: definitions } = (await moddle.fromXML(xml)) as unknown as { rootElement: Element };
  const elements = flowElements(definitions);
  const nodes = elements.filter(isFlowNode);
  const shaped = shapedIds(definitions);
  if (nodes.length === 0 || nodes.some((node) => shaped.has(node.id!))) return { xml, laidOut: false, unplaced: [] };

  // The layouter follows `outgoing`; many generators only write sourceRef/targetRef.
  for (const flow of elements.filter((e) => e.$type === 'bpmn:SequenceFlow')) {
    for (const [end, list] of [[flow.sourceRef, 'outgoing'], [flow.targetRef, 'incoming']] as const) {
      if (!end) continue;
      end[list] ??= [];
      if (!end[list].includes(flow)) end[list].push(flow);
    }
  }
  definitions.diagrams = [];
  const { xml: linked } = await moddle.toXML(definitions as never, { format: true });
  const laid = await layoutProcess(linked);

  const { rootElement: result } = (await moddle.fromXML(laid)) as unknown as { rootElement: Element };
  const placed = shapedIds(result);
  return { xml: laid, laidOut: true, unplaced: flowElements(result).filter((e) => !placed.has(e.id!)).map((e) => e.id!) };
}
