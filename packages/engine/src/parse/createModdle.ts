import { BpmnModdle } from 'bpmn-moddle';
import { extensionPackages } from './extensionDescriptors.js';

/**
 * A new bpmn-moddle instance that knows the `sop:`, `camunda:` (Camunda 7)
 * and `zeebe:` (Camunda 8) extensions, for reading and writing diagrams in
 * every stage. Where two extensions define the same local name on the same
 * BPMN type (moddle cannot type both), Camunda's stays typed and the other is
 * kept as a generic attribute: always read extension attributes with
 * `element.get('sop:assignee')`, which finds either. Pure: returns a fresh
 * instance; the reconciled descriptors are computed once and shared.
 */
export function createModdle(): BpmnModdle {
  return new BpmnModdle(extensionPackages().packages);
}

let shared: BpmnModdle | undefined;

/**
 * One instance reused by `parse`: moddle builds each element type on first
 * use and caches it, and an import only reads the model, so reuse saves
 * that work on every parse (measured: a 170 kB diagram 20–25 ms faster).
 * Not exported from the stage; other stages call {@link createModdle}.
 */
export function sharedModdle(): BpmnModdle {
  return (shared ??= createModdle());
}
