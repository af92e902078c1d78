/**
 * The benchmark diagrams, generated in code so that both engines run the
 * very same XML. Pure string builders: no I/O.
 */

const HEADER =
  '<?xml version="1.0" encoding="UTF-8"?>\n' +
  '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"' +
  ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"' +
  ' id="bench" targetNamespace="https://sopflow.dev/bench">\n';
const FOOTER = '</bpmn:definitions>\n';

/** Process id of {@link sequenceDiagram}. */
export const SEQUENCE_PROCESS = 'sequence';
/** Process id of {@link reviewDiagram}. */
export const REVIEW_PROCESS = 'review';
/** Process id of {@link timerDiagram}. */
export const TIMER_PROCESS = 'timer';

/**
 * start → `tasks` plain `bpmn:task` elements in a row → end. Both engines run
 * it unchanged.
 */
export function sequenceDiagram(tasks: number): string {
  if (!Number.isInteger(tasks) || tasks < 1) throw new RangeError(`sequenceDiagram: tasks must be a positive integer, got ${tasks}.`);
  const parts: string[] = [HEADER, `  <bpmn:process id="${SEQUENCE_PROCESS}" isExecutable="true">\n`, '    <bpmn:startEvent id="start"/>\n'];
  let previous = 'start';
  for (let i = 1; i <= tasks; i++) {
    parts.push(`    <bpmn:sequenceFlow id="flow${i}" sourceRef="${previous}" targetRef="task${i}"/>\n`);
    parts.push(`    <bpmn:task id="task${i}" name="Step ${i}"/>\n`);
    previous = `task${i}`;
  }
  parts.push(`    <bpmn:sequenceFlow id="flowEnd" sourceRef="${previous}" targetRef="end"/>\n`);
  parts.push('    <bpmn:endEvent id="end"/>\n', '  </bpmn:process>\n', FOOTER);
  return parts.join('');
}

/**
 * How a condition on the boolean variable `approved` is written. The two
 * engines share no expression language: sopflow reads FEEL (and refuses
 * JavaScript), bpmn-engine resolves `${…}` property paths against its
 * execution context (FEEL would be read as a constant, always-true string).
 */
export type ConditionDialect = 'feel' | 'bpmn-engine';

const APPROVED_CONDITION: Record<ConditionDialect, string> = {
  feel: '=approved',
  'bpmn-engine': '${environment.variables.approved}',
};

/**
 * start → user task `review` → exclusive gateway → `approved` end (condition
 * `approved`) or `rejected` end (the default flow). The XML is identical for
 * both engines except the body of the one condition expression.
 */
export function reviewDiagram(dialect: ConditionDialect): string {
  return (
    HEADER +
    `  <bpmn:process id="${REVIEW_PROCESS}" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="toReview" sourceRef="start" targetRef="reviewTask"/>
    <bpmn:userTask id="reviewTask" name="Review"/>
    <bpmn:sequenceFlow id="toDecide" sourceRef="reviewTask" targetRef="decide"/>
    <bpmn:exclusiveGateway id="decide" name="Approved?" default="toRejected"/>
    <bpmn:sequenceFlow id="toApproved" sourceRef="decide" targetRef="approved">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${APPROVED_CONDITION[dialect]}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="toRejected" sourceRef="decide" targetRef="rejected"/>
    <bpmn:endEvent id="approved"/>
    <bpmn:endEvent id="rejected"/>
  </bpmn:process>
` +
    FOOTER
  );
}

/** start → intermediate timer catch event (`duration`, ISO 8601) → end. */
export function timerDiagram(duration = 'PT1H'): string {
  return (
    HEADER +
    `  <bpmn:process id="${TIMER_PROCESS}" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="toWait" sourceRef="start" targetRef="wait"/>
    <bpmn:intermediateCatchEvent id="wait">
      <bpmn:timerEventDefinition>
        <bpmn:timeDuration xsi:type="bpmn:tFormalExpression">${duration}</bpmn:timeDuration>
      </bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="toEnd" sourceRef="wait" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
` +
    FOOTER
  );
}
