/**
 * Navigating the moddle tree bpmnlint hands to rules: types, the document
 * root, the enclosing process, the namespace prefixes of the document. Pure;
 * results that depend on the whole document are cached per root.
 */
import type { ModdleElement } from '../types.js';
import { collectPrefixes, type Prefixes } from './extensions.js';

/** Whether the element is of the BPMN type (or a subtype), e.g. `is(node, 'bpmn:Activity')`. */
export function is(node: ModdleElement, type: string): boolean {
  return typeof node?.$instanceOf === 'function' && node.$instanceOf(type) === true;
}

/** The outermost element above `node` (the `bpmn:Definitions` of a parsed document), or `node` itself. */
export function rootOf(node: ModdleElement): ModdleElement {
  let current = node;
  while (current?.$parent) current = current.$parent;
  return current;
}

/** The nearest `bpmn:Process` containing `node` (or `node` itself), if any. */
export function processOf(node: ModdleElement): ModdleElement | undefined {
  for (let current = node; current; current = current.$parent) {
    if (is(current, 'bpmn:Process')) return current;
  }
  return undefined;
}

/**
 * Whether the engine runs this element: it is not inside a process marked
 * `isExecutable="false"` (such processes are not deployed). Elements outside
 * processes (messages, escalations) count as run.
 */
export function isExecuted(node: ModdleElement): boolean {
  return processOf(node)?.isExecutable !== false;
}

const prefixCache = new WeakMap<object, Prefixes>();

/** The namespace prefixes moddle uses in this document, as `compile` collects them (definitions and processes). */
export function prefixesOf(node: ModdleElement): Prefixes {
  const root = rootOf(node);
  if (!root || typeof root !== 'object') return collectPrefixes();
  let prefixes = prefixCache.get(root);
  if (!prefixes) {
    const processes = (root.rootElements ?? []).filter((e: ModdleElement) => is(e, 'bpmn:Process'));
    prefixes = collectPrefixes(root, ...processes);
    prefixCache.set(root, prefixes);
  }
  return prefixes;
}

/** Every element with an id in the document, by id (the first one wins on duplicates). */
export function elementsById(root: ModdleElement): Map<string, ModdleElement> {
  const byId = new Map<string, ModdleElement>();
  const seen = new Set<object>();
  const stack: ModdleElement[] = [root];
  while (stack.length) {
    const element = stack.pop();
    if (!element || typeof element !== 'object' || seen.has(element)) continue;
    seen.add(element);
    if (typeof element.id === 'string' && !byId.has(element.id)) byId.set(element.id, element);
    for (const key of Object.keys(element)) {
      if (key.startsWith('$')) continue;
      const value = element[key];
      if (Array.isArray(value)) {
        for (const item of value) if (item?.$type) stack.push(item);
      } else if (value?.$type && value.$parent === element) {
        stack.push(value);
      }
    }
  }
  return byId;
}

/** Every flow element of every process in the document, sub-processes included, in document order. */
export function allFlowElements(root: ModdleElement): ModdleElement[] {
  const out: ModdleElement[] = [];
  const visit = (container: ModdleElement) => {
    for (const element of container?.flowElements ?? []) {
      out.push(element);
      if (element?.flowElements) visit(element);
    }
  };
  for (const element of root?.rootElements ?? []) if (is(element, 'bpmn:Process')) visit(element);
  return out;
}
