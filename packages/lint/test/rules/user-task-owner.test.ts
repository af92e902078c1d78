import { testRule } from '../support/ruleTester.js';

const MISSING =
  'User task has no owner: expected sop:assignee, sop:candidateGroups or sop:candidateUsers (or camunda:assignee/candidateGroups/candidateUsers, or a zeebe:assignmentDefinition).';

testRule('user-task-owner', {
  valid: [
    { file: 'valid-sop-candidate-groups.bpmn' },
    { file: 'valid-sop-assignee-feel.bpmn' },
    { file: 'valid-sop-candidate-users.bpmn' },
    { file: 'valid-camunda-assignee.bpmn' },
    { file: 'valid-zeebe-assignment.bpmn' },
    { file: 'valid-other-prefix.bpmn' },
    { file: 'valid-not-executable.bpmn' },
  ],
  invalid: [
    { file: 'invalid-no-owner.bpmn', reports: [{ id: 'Task_Review', code: 'user-task-owner.missing', message: MISSING }] },
    { file: 'invalid-empty-assignee.bpmn', reports: [{ id: 'Task_Review', code: 'user-task-owner.missing', message: MISSING }] },
    { file: 'invalid-zeebe-empty-assignment.bpmn', reports: [{ id: 'Task_Review', code: 'user-task-owner.missing', message: MISSING }] },
    { file: 'invalid-in-sub-process.bpmn', reports: [{ id: 'Task_Nested', code: 'user-task-owner.missing', message: MISSING }] },
  ],
});
