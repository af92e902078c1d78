import { testRule, type ExpectedReport } from '../support/ruleTester.js';

const EXPECTED =
  'expected an escalation boundary event (with this code, or none) on the thrower or an enclosing sub-process, or an escalation event sub-process on the way out.';

function ruleUncaught(id: string): ExpectedReport {
  return {
    id,
    attribute: 'sop:escalation[1].escalationCode',
    code: 'escalation-caught.sla-rule',
    message: `Escalation 'LATE' of sop:escalation[1] is caught by nothing, so it will only be recorded: ${EXPECTED}`,
  };
}

function throwUncaught(id: string): ExpectedReport {
  return {
    id,
    attribute: 'escalationRef',
    code: 'escalation-caught.throw-event',
    message: `Escalation 'LATE' thrown by this event is caught by nothing, so it will only be recorded: ${EXPECTED}`,
  };
}

testRule('escalation-caught', {
  valid: [
    { file: 'valid-boundary.bpmn' },
    { file: 'valid-boundary-catching-all.bpmn' },
    { file: 'valid-enclosing-sub-process.bpmn' },
    { file: 'valid-throw-event-in-sub-process.bpmn' },
    { file: 'valid-event-sub-process.bpmn' },
    { file: 'valid-process-rule.bpmn' },
  ],
  invalid: [
    { file: 'invalid-sla-rule.bpmn', reports: [ruleUncaught('Task_Review')] },
    { file: 'invalid-boundary-on-other-task.bpmn', reports: [ruleUncaught('Task_Review')] },
    { file: 'invalid-process-rule.bpmn', reports: [ruleUncaught('Process_1')] },
    { file: 'invalid-end-event.bpmn', reports: [throwUncaught('EndEvent_Late')] },
    { file: 'invalid-event-sub-process-other-code.bpmn', reports: [throwUncaught('Throw_Late')] },
  ],
});
