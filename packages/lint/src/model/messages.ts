/**
 * Who throws and who catches messages in a document. Pure; the per-document
 * sets are cached per root.
 */
import { allFlowElements, is, rootOf } from './tree.js';
import type { ModdleElement } from '../types.js';

function messageDefinitionOf(event: ModdleElement): ModdleElement | undefined {
  return (event?.eventDefinitions ?? []).find((d: ModdleElement) => is(d, 'bpmn:MessageEventDefinition'));
}

/**
 * The message an element waits for, when it is a catcher the SOP depends on
 * another party for: a message catch event, a message boundary event, a
 * receive task, or the message start event of an event sub-process. A
 * process's own message start events are its entry points, not catchers.
 */
export function caughtMessageOf(node: ModdleElement): ModdleElement | undefined {
  if (is(node, 'bpmn:ReceiveTask')) return node.messageRef ?? undefined;
  const eventSubProcessStart = is(node, 'bpmn:StartEvent') && is(node.$parent, 'bpmn:SubProcess') && node.$parent.triggeredByEvent === true;
  if (is(node, 'bpmn:IntermediateCatchEvent') || is(node, 'bpmn:BoundaryEvent') || eventSubProcessStart) {
    return messageDefinitionOf(node)?.messageRef ?? undefined;
  }
  return undefined;
}

/** The message an element sends: a message throw or end event, or a send task. */
export function thrownMessageOf(node: ModdleElement): ModdleElement | undefined {
  if (is(node, 'bpmn:SendTask')) return node.messageRef ?? undefined;
  if (is(node, 'bpmn:IntermediateThrowEvent') || is(node, 'bpmn:EndEvent')) return messageDefinitionOf(node)?.messageRef ?? undefined;
  return undefined;
}

interface MessageIndex {
  /** Names of messages some element in the document sends. */
  thrown: Set<string>;
  /** Elements a message flow of a collaboration points at: they are drawn as receiving from another party. */
  messageFlowTargets: Set<object>;
}

const cache = new WeakMap<object, MessageIndex>();

function indexOf(node: ModdleElement): MessageIndex {
  const root = rootOf(node);
  let index = cache.get(root);
  if (!index) {
    const thrown = new Set<string>();
    for (const element of allFlowElements(root)) {
      const name = thrownMessageOf(element)?.name;
      if (typeof name === 'string') thrown.add(name);
    }
    const messageFlowTargets = new Set<object>();
    for (const element of root?.rootElements ?? []) {
      if (!is(element, 'bpmn:Collaboration')) continue;
      for (const flow of element.messageFlows ?? []) if (flow?.targetRef) messageFlowTargets.add(flow.targetRef);
    }
    index = { thrown, messageFlowTargets };
    cache.set(root, index);
  }
  return index;
}

/** Whether a message with this name is sent by some element of the same document. */
export function isThrownInDocument(node: ModdleElement, name: string): boolean {
  return indexOf(node).thrown.has(name);
}

/** Whether a collaboration's message flow points at this element (it is drawn as receiving from another party). */
export function hasIncomingMessageFlow(node: ModdleElement): boolean {
  return indexOf(node).messageFlowTargets.has(node);
}

/** Whether the message's documentation says it comes from outside: it contains the word `external` (any case). */
export function isDocumentedExternal(message: ModdleElement): boolean {
  return (message?.documentation ?? []).some((d: ModdleElement) => typeof d?.text === 'string' && /\bexternal\b/i.test(d.text));
}
