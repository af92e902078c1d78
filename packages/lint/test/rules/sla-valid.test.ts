import { testRule, type ExpectedReport } from '../support/ruleTester.js';

const CALENDARS = { calendars: ['office'] };

function onReview(attribute: string, code: string, message: string): ExpectedReport {
  return { id: 'Task_Review', attribute, code, message };
}

testRule('sla-valid', {
  valid: [
    { file: 'valid-literal-sla.bpmn', config: CALENDARS },
    { file: 'valid-feel.bpmn', config: CALENDARS },
    { file: 'valid-duration-rule-without-sla.bpmn', config: CALENDARS },
    { file: 'valid-process-sla.bpmn', config: CALENDARS },
    { file: 'valid-no-sla.bpmn' },
  ],
  invalid: [
    {
      file: 'invalid-sla-duration.bpmn',
      config: CALENDARS,
      reports: [onReview('sop:sla', 'sla-valid.sla', "sop:sla '2 hours' is neither an ISO 8601 duration nor FEEL: expected e.g. PT2H or P1D, or FEEL starting with '='.")],
    },
    {
      file: 'invalid-sla-feel.bpmn',
      config: CALENDARS,
      reports: [onReview('sop:sla', 'sla-valid.invalid', `Invalid FEEL in <Task_Review> sop:sla at 16: 'duration("PT2H"' — unexpected end of expression`)],
    },
    {
      file: 'invalid-sla-juel.bpmn',
      config: CALENDARS,
      reports: [
        onReview(
          'sop:sla',
          'sla-valid.juel',
          "JUEL expression '${slaService.slaFor(severity)}' in <Task_Review> sop:sla cannot be run: sopflow evaluates FEEL and translates only plain JUEL (variables, property paths, literals, comparisons, !/not, &&/||, empty); expected FEEL, e.g. '=approved = true'.",
        ),
      ],
    },
    {
      file: 'invalid-unknown-calendar.bpmn',
      config: CALENDARS,
      reports: [onReview('sop:calendar', 'sla-valid.unknown-calendar', "sop:calendar 'ofice' is not a known calendar: expected one of: office.")],
    },
    {
      file: 'invalid-calendar-without-calendars-file.bpmn',
      reports: [
        onReview(
          'sop:calendar',
          'sla-valid.unknown-calendar',
          "sop:calendar 'office' cannot be found: no calendars file was found; expected a calendars file defining 'office'.",
        ),
      ],
    },
    {
      file: 'invalid-process-calendar.bpmn',
      config: CALENDARS,
      reports: [
        { id: 'Process_1', attribute: 'sop:calendar', code: 'sla-valid.unknown-calendar', message: "sop:calendar 'head-office' is not a known calendar: expected one of: office." },
      ],
    },
    {
      file: 'invalid-rule-at.bpmn',
      reports: [
        onReview('sop:escalation[1].at', 'sla-valid.rule-at', `sop:escalation[1] has no 'at': expected a share of the SLA (at="75%") or an ISO 8601 duration (at="PT4H").`),
        onReview('sop:escalation[2].at', 'sla-valid.rule-at', "sop:escalation[2] at 'soon' is neither a share of the SLA nor an ISO 8601 duration: expected e.g. 75% or PT4H."),
      ],
    },
    {
      file: 'invalid-rule-action.bpmn',
      reports: [onReview('sop:escalation[1].action', 'sla-valid.rule-action', "sop:escalation[1] action 'escalte' is not one of remind, escalate, reassign, notify.")],
    },
    {
      file: 'invalid-escalate-without-code.bpmn',
      reports: [
        onReview(
          'sop:escalation[1].escalationCode',
          'sla-valid.rule-escalation-code',
          'sop:escalation[1] has action="escalate" but no escalationCode: expected the BPMN escalation code to throw.',
        ),
      ],
    },
    {
      file: 'invalid-rule-target.bpmn',
      reports: [
        onReview('sop:escalation[1].target', 'sla-valid.rule-target', 'sop:escalation[1] has action="reassign" but no target: expected group:<id> / user:<id>, comma separated, or FEEL.'),
        onReview('sop:escalation[2].target', 'sla-valid.rule-target', "sop:escalation[2] target 'alice' is not a comma list of group:<id> / user:<id>."),
        onReview('sop:escalation[3].target', 'sla-valid.invalid', `Invalid FEEL in <Task_Review> sop:escalation[3].target at 10: '"user:" +' — unexpected end of expression`),
      ],
    },
    {
      file: 'invalid-every-and-times.bpmn',
      reports: [
        onReview('sop:escalation[1].every', 'sla-valid.rule-every', "sop:escalation[1] every '4h' is not an ISO 8601 duration: expected e.g. PT4H or P1D."),
        onReview('sop:escalation[1].times', 'sla-valid.rule-times', "sop:escalation[1] times '0' is not a whole number ≥ 1."),
      ],
    },
    {
      file: 'invalid-share-without-sla.bpmn',
      reports: [
        onReview('sop:sla', 'sla-valid.share-without-sla', 'sop:escalation[2] fires at 75% of the SLA, but the element has no sop:sla: expected sop:sla (e.g. PT2H) on this element.'),
      ],
    },
  ],
});
