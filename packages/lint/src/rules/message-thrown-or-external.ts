/**
 * Rule `message-thrown-or-external`: every message the SOP waits for comes
 * from somewhere.
 */
import { caughtMessageOf, hasIncomingMessageFlow, isDocumentedExternal, isThrownInDocument } from '../model/messages.js';
import { reportOn } from '../model/report.js';
import { isExecuted } from '../model/tree.js';
import type { ModdleElement, Reporter, RuleFactory } from '../types.js';

/** Configuration of `message-thrown-or-external`. */
export interface MessageThrownOrExternalConfig {
  /** Names (or ids) of messages sent by other systems or parties. */
  external?: readonly string[];
}

/**
 * Every message caught — by a message catch event, a receive task, a
 * message boundary event, or the message start event of an event
 * sub-process (not a process's message start events: those are the SOP's
 * entry points) — is thrown in the same file (a message throw or end event,
 * or a send task, with a message of that name), or is documented as
 * external: its `bpmn:message` has a `bpmn:documentation` containing the
 * word "external", the rule config lists it (`{ external: string[] }`, names
 * or ids), or a collaboration's message flow points at the catcher.
 * Elements of processes marked `isExecutable="false"` are not checked.
 */
const messageThrownOrExternal: RuleFactory<MessageThrownOrExternalConfig> = (config = {}) => ({
  check(node: ModdleElement, reporter: Reporter) {
    const message = caughtMessageOf(node);
    const name = message?.name;
    if (!node.id || typeof name !== 'string' || !isExecuted(node)) return;
    const listed = config.external?.includes(name) || (message.id && config.external?.includes(message.id));
    if (listed || isThrownInDocument(node, name) || isDocumentedExternal(message) || hasIncomingMessageFlow(node)) return;
    reportOn(
      reporter,
      node.id,
      'message-thrown-or-external.unknown-sender',
      `Message '${name}' is waited for here but nothing in this file sends it: expected a message throw/end event or send task with this message, or mark it external (a bpmn:documentation on message '${message.id}' containing "external", or the rule's external list).`,
      'messageRef',
      { message: name, messageId: message.id },
    );
  },
});

export default messageThrownOrExternal;
