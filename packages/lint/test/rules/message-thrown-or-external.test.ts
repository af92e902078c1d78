import { testRule, type ExpectedReport } from '../support/ruleTester.js';

function unknownSender(id: string, name: string, messageId: string): ExpectedReport {
  return {
    id,
    attribute: 'messageRef',
    code: 'message-thrown-or-external.unknown-sender',
    message: `Message '${name}' is waited for here but nothing in this file sends it: expected a message throw/end event or send task with this message, or mark it external (a bpmn:documentation on message '${messageId}' containing "external", or the rule's external list).`,
  };
}

testRule('message-thrown-or-external', {
  valid: [
    { file: 'valid-documented-external.bpmn' },
    { file: 'valid-configured-external.bpmn', config: { external: ['parcel-delivered'] } },
    { file: 'valid-configured-external-by-id.bpmn', config: { external: ['Message_Parcel'] } },
    { file: 'valid-thrown-by-end-event.bpmn' },
    { file: 'valid-thrown-by-send-task.bpmn' },
    { file: 'valid-process-message-start.bpmn' },
    { file: 'valid-message-flow.bpmn' },
    { file: 'valid-not-executable.bpmn' },
  ],
  invalid: [
    { file: 'invalid-receive-task.bpmn', reports: [unknownSender('Task_Track', 'parcel-delivered', 'Message_Parcel')] },
    {
      file: 'invalid-documentation-without-the-word.bpmn',
      config: { external: ['another-message'] },
      reports: [unknownSender('Task_Track', 'parcel-delivered', 'Message_Parcel')],
    },
    { file: 'invalid-boundary.bpmn', reports: [unknownSender('Boundary_Cancel', 'cancel-requested', 'Message_Cancel')] },
    { file: 'invalid-event-sub-process-start.bpmn', reports: [unknownSender('StartEvent_Cancel', 'cancel-requested', 'Message_Cancel')] },
  ],
});
