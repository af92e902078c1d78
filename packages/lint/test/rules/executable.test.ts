import { testRule } from '../support/ruleTester.js';

testRule('executable', {
  valid: [
    { file: 'valid-executable.bpmn' },
    // `feel-valid` and `sla-valid` report these; with omitCovered (as in `recommended`) they are not repeated.
    { file: 'valid-covered-by-other-rules.bpmn', config: { omitCovered: true } },
  ],
  invalid: [
    {
      file: 'invalid-complex-gateway.bpmn',
      reports: [
        { id: 'Gateway_Complex', code: 'executable.bpmn.unsupported', message: 'Complex gateway is not supported by sopflow' },
        { id: 'EndEvent_1', code: 'executable.bpmn.unsupported', message: 'CompensateEventDefinition on endEvent is not supported by sopflow' },
      ],
    },
    {
      file: 'invalid-timer.bpmn',
      config: { omitCovered: true },
      reports: [
        { id: 'Wait_Timer', attribute: 'timeDuration', code: 'executable.timer.invalid', message: "Invalid ISO 8601 duration 'two hours': expected e.g. PT2H, P3DT4H, P1W" },
      ],
    },
    {
      file: 'invalid-covered-without-option.bpmn',
      reports: [
        { id: 'Task_Review', attribute: 'sop:sla', code: 'executable.time.invalid-duration', message: "Invalid ISO 8601 duration '2 hours': expected e.g. PT2H, P3DT4H, P1W" },
        {
          id: 'Task_Review',
          attribute: 'sop:department',
          code: 'executable.expression.invalid',
          message: "Invalid FEEL in <Task_Review> sop:department at 3: 'if' — unexpected end of expression",
        },
      ],
    },
    { file: 'invalid-no-start-event.bpmn', reports: [{ id: 'Process_1', code: 'executable.bpmn.no-start', message: 'Process has no start event.' }] },
    {
      file: 'invalid-not-executable.bpmn',
      reports: [
        {
          id: 'Process_1',
          attribute: 'isExecutable',
          code: 'executable.bpmn.not-executable',
          message: 'Process is marked isExecutable="false"; set it to true to run it.',
        },
      ],
    },
    {
      file: 'invalid-element-without-id.bpmn',
      reports: [{ id: 'Definitions_1', attribute: 'id', code: 'executable.bpmn.missing-id', message: "A UserTask named 'Orphan' in 'Process_1' has no id." }],
    },
  ],
});
