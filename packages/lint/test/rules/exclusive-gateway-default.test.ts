import { testRule, type ExpectedReport } from '../support/ruleTester.js';

const MISSING: ExpectedReport = {
  id: 'Gateway_1',
  attribute: 'default',
  code: 'exclusive-gateway-default.missing',
  message:
    'Gateway has no default flow and the conditions of its outgoing flows may not cover all cases (a case matching none stops with an incident): expected a default flow, or conditions on one variable that cover every value (e.g. x < 10 and x >= 10).',
};

testRule('exclusive-gateway-default', {
  valid: [
    { file: 'valid-default-flow.bpmn' },
    { file: 'valid-booleans.bpmn' },
    { file: 'valid-boolean-variable.bpmn' },
    { file: 'valid-juel-booleans.bpmn' },
    { file: 'valid-numeric-split.bpmn' },
    { file: 'valid-numeric-ranges.bpmn' },
    { file: 'valid-string-complement.bpmn' },
    { file: 'valid-constant-true.bpmn' },
    { file: 'valid-flow-without-condition.bpmn' },
    { file: 'valid-overlapping-or.bpmn' },
  ],
  invalid: [
    { file: 'invalid-strings.bpmn', reports: [MISSING] },
    { file: 'invalid-numeric-gap.bpmn', reports: [MISSING] },
    { file: 'invalid-different-variables.bpmn', reports: [MISSING] },
    { file: 'invalid-inclusive.bpmn', reports: [MISSING] },
    { file: 'invalid-undecidable.bpmn', reports: [MISSING] },
    { file: 'invalid-mixed-types.bpmn', reports: [MISSING] },
  ],
});
