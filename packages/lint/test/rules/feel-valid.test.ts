import { testRule, type ExpectedReport } from '../support/ruleTester.js';

function invalidFeel(id: string, attribute: string, message: string): ExpectedReport {
  return { id, attribute, code: 'feel-valid.invalid', message };
}

testRule('feel-valid', {
  valid: [
    { file: 'valid-conditions.bpmn' },
    { file: 'valid-expressions.bpmn' },
    // Another condition language is refused by compile (rule `executable`), not parsed as FEEL here.
    { file: 'valid-other-language.bpmn' },
  ],
  invalid: [
    {
      file: 'invalid-condition.bpmn',
      reports: [invalidFeel('Flow_Yes', 'conditionExpression', "Invalid FEEL in <Flow_Yes> conditionExpression at 9: 'amount >' — unexpected end of expression")],
    },
    {
      file: 'invalid-juel-condition.bpmn',
      reports: [
        {
          id: 'Flow_Yes',
          attribute: 'conditionExpression',
          code: 'feel-valid.juel',
          message:
            'JUEL expression \'${execution.getVariable("approved")}\' in <Flow_Yes> conditionExpression cannot be run: sopflow evaluates FEEL and translates only plain JUEL (variables, property paths, literals, comparisons, !/not, &&/||, empty); expected FEEL, e.g. \'=approved = true\'.',
        },
      ],
    },
    {
      file: 'invalid-juel-template.bpmn',
      reports: [
        {
          id: 'Task_Review',
          attribute: 'camunda:assignee',
          code: 'feel-valid.juel-template',
          message:
            "'user-${id}' in <Task_Review> camunda:assignee mixes text with a JUEL expression, which sopflow cannot run; expected a literal, or FEEL starting with '=' (e.g. '=\"order-\" + string(id)').",
        },
      ],
    },
    {
      file: 'invalid-mappings.bpmn',
      reports: [
        invalidFeel('Task_Ship', 'sop:input[gross]', "Invalid FEEL in <Task_Ship> sop:input[gross] at 14: 'order.total *' — unexpected end of expression"),
        invalidFeel('Task_Ship', 'zeebe:output[tracking]', "Invalid FEEL in <Task_Ship> zeebe:output[tracking] at 17: 'tracking number(' — unexpected end of expression"),
      ],
    },
    {
      file: 'invalid-script.bpmn',
      reports: [invalidFeel('Task_Score', 'sop:expression', "Invalid FEEL in <Task_Score> sop:expression at 26: 'sum(for i in items return)' — unexpected ')'")],
    },
    {
      file: 'invalid-multi-instance.bpmn',
      reports: [
        invalidFeel('Task_Countersign', 'collection', "Invalid FEEL in <Task_Countersign> collection at 13: 'departments[' — unexpected end of expression"),
        invalidFeel('Task_Countersign', 'completionCondition', "Invalid FEEL in <Task_Countersign> completionCondition at 17: 'nrOfCompleted >=' — unexpected end of expression"),
      ],
    },
    {
      file: 'invalid-timer.bpmn',
      reports: [invalidFeel('Wait_Timer', 'timeDuration', `Invalid FEEL in <Wait_Timer> timeDuration at 16: 'duration("PT1H"' — unexpected end of expression`)],
    },
    {
      file: 'invalid-correlation-key.bpmn',
      reports: [invalidFeel('Message_Reply', 'correlationKey', "Invalid FEEL in <Message_Reply> correlationKey at 7: 'order.' — unexpected end of expression")],
    },
    {
      file: 'invalid-department.bpmn',
      reports: [invalidFeel('Task_Review', 'sop:department', "Invalid FEEL in <Task_Review> sop:department at 3: 'if' — unexpected end of expression")],
    },
  ],
});
