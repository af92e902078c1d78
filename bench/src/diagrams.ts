/**
 * The benchmark diagrams, generated in code so that both engines run the
 * very same XML. Pure string builders: no I/O.
 */

const HEADER =
  '<?xml version="1.0" encoding="UTF-8"?>\n' +
  '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"' +
  ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"' +
  ' xmlns:camunda="http://camunda.org/schema/1.0/bpmn"' +
  ' xmlns:sop="https://sopflow.dev/schema/bpmn/sop/1.0"' +
  ' id="bench" targetNamespace="https://sopflow.dev/bench">\n';
const FOOTER = '</bpmn:definitions>\n';

/** Process id of {@link sequenceDiagram}. */
export const SEQUENCE_PROCESS = 'sequence';
/** Process id of {@link reviewDiagram}. */
export const REVIEW_PROCESS = 'review';
/** Process id of {@link timerDiagram}. */
export const TIMER_PROCESS = 'timer';
/** Process id of {@link timerChainDiagram}. */
export const TIMER_CHAIN_PROCESS = 'timerChain';
/** Process id of {@link parallelDiagram}. */
export const PARALLEL_PROCESS = 'parallel';
/** Process id of {@link multiInstanceDiagram}. */
export const MULTI_PROCESS = 'multi';
/** Process id of {@link generatedDiagram}. */
export const GENERATED_PROCESS = 'generated';
/** Process id of {@link nestedDiagram}. */
export const NESTED_PROCESS = 'nested';
/** Process id of {@link userTasksDiagram}. */
export const USER_TASKS_PROCESS = 'userTasks';
/** Process id of {@link parallelBlocksDiagram}. */
export const BLOCKS_PROCESS = 'blocks';

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

/** The multi-instance collection, the variable `items`, in each engine's expression language. */
const ITEMS_COLLECTION: Record<ConditionDialect, string> = {
  feel: '=items',
  'bpmn-engine': '${environment.variables.items}',
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

/**
 * start → `timers` intermediate timer events in a row, each `duration` after
 * the previous one fired → end. Firing timer k arms timer k + 1 in the same
 * commit, so each round of firings leaves the same work for the next round.
 */
export function timerChainDiagram(timers: number, duration = 'PT1H'): string {
  if (!Number.isInteger(timers) || timers < 1) throw new RangeError(`timerChainDiagram: timers must be a positive integer, got ${timers}.`);
  const parts: string[] = [HEADER, `  <bpmn:process id="${TIMER_CHAIN_PROCESS}" isExecutable="true">\n`, '    <bpmn:startEvent id="start"/>\n'];
  let previous = 'start';
  for (let i = 1; i <= timers; i++) {
    parts.push(`    <bpmn:sequenceFlow id="toWait${i}" sourceRef="${previous}" targetRef="wait${i}"/>\n`);
    parts.push(
      `    <bpmn:intermediateCatchEvent id="wait${i}">\n      <bpmn:timerEventDefinition>\n        <bpmn:timeDuration xsi:type="bpmn:tFormalExpression">${duration}</bpmn:timeDuration>\n      </bpmn:timerEventDefinition>\n    </bpmn:intermediateCatchEvent>\n`,
    );
    previous = `wait${i}`;
  }
  parts.push(`    <bpmn:sequenceFlow id="toEnd" sourceRef="${previous}" targetRef="end"/>\n`, '    <bpmn:endEvent id="end"/>\n', '  </bpmn:process>\n', FOOTER);
  return parts.join('');
}

/**
 * start → parallel fork → `branches` plain tasks side by side → parallel
 * join → end. Both engines run it unchanged.
 */
export function parallelDiagram(branches: number): string {
  if (!Number.isInteger(branches) || branches < 2) throw new RangeError(`parallelDiagram: branches must be an integer ≥ 2, got ${branches}.`);
  const parts: string[] = [HEADER, `  <bpmn:process id="${PARALLEL_PROCESS}" isExecutable="true">\n`, '    <bpmn:startEvent id="start"/>\n'];
  parts.push('    <bpmn:sequenceFlow id="toFork" sourceRef="start" targetRef="fork"/>\n', '    <bpmn:parallelGateway id="fork"/>\n');
  for (let i = 1; i <= branches; i++) {
    parts.push(`    <bpmn:sequenceFlow id="in${i}" sourceRef="fork" targetRef="task${i}"/>\n`);
    parts.push(`    <bpmn:task id="task${i}" name="Branch ${i}"/>\n`);
    parts.push(`    <bpmn:sequenceFlow id="out${i}" sourceRef="task${i}" targetRef="join"/>\n`);
  }
  parts.push('    <bpmn:parallelGateway id="join"/>\n', '    <bpmn:sequenceFlow id="toEnd" sourceRef="join" targetRef="end"/>\n');
  parts.push('    <bpmn:endEvent id="end"/>\n', '  </bpmn:process>\n', FOOTER);
  return parts.join('');
}

/**
 * start → a parallel multi-instance user task `item` over the collection in
 * the variable `items` (element variable `item`) → end. The XML is the same
 * for both engines except the body of the collection expression
 * (`camunda:collection`, which both read).
 */
export function multiInstanceDiagram(dialect: ConditionDialect): string {
  return (
    HEADER +
    `  <bpmn:process id="${MULTI_PROCESS}" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="toItem" sourceRef="start" targetRef="item"/>
    <bpmn:userTask id="item" name="Check item">
      <bpmn:multiInstanceLoopCharacteristics isSequential="false" camunda:collection="${ITEMS_COLLECTION[dialect]}" camunda:elementVariable="item"/>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="toEnd" sourceRef="item" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
` +
    FOOTER
  );
}

/**
 * A generated SOP of exactly `nodes` flow nodes (≥ 10), for compile-time
 * scaling: start → user task `first` (where the first step waits) → blocks
 * of [task, exclusive split on `approved` into two tasks and merge,
 * parallel fork into two user tasks and join] repeated, topped up with plain
 * tasks → end. User tasks carry candidate groups and names, as SOPs do.
 */
export function generatedDiagram(nodes: number, dialect: ConditionDialect): string {
  if (!Number.isInteger(nodes) || nodes < 10) throw new RangeError(`generatedDiagram: nodes must be an integer ≥ 10, got ${nodes}.`);
  const parts: string[] = [HEADER, `  <bpmn:process id="${GENERATED_PROCESS}" isExecutable="true">\n`, '    <bpmn:startEvent id="start"/>\n'];
  let flows = 0;
  const flow = (from: string, to: string, condition?: string) => {
    flows += 1;
    parts.push(
      condition
        ? `    <bpmn:sequenceFlow id="f${flows}" sourceRef="${from}" targetRef="${to}"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${condition}</bpmn:conditionExpression></bpmn:sequenceFlow>\n`
        : `    <bpmn:sequenceFlow id="f${flows}" sourceRef="${from}" targetRef="${to}"/>\n`,
    );
  };
  parts.push('    <bpmn:userTask id="first" name="First step" sop:candidateGroups="operators"/>\n');
  flow('start', 'first');
  let count = 3; // start, first, end
  let previous = 'first';
  const BLOCK = 10; // nodes per block
  for (let b = 1; count + BLOCK <= nodes; b++, count += BLOCK) {
    parts.push(
      `    <bpmn:task id="t${b}" name="Prepare ${b}"/>\n`,
      `    <bpmn:exclusiveGateway id="x${b}" name="Approved ${b}?" default="f${flows + 4}"/>\n`,
      `    <bpmn:task id="a${b}" name="Approved path ${b}"/>\n`,
      `    <bpmn:task id="r${b}" name="Rejected path ${b}"/>\n`,
      `    <bpmn:exclusiveGateway id="m${b}"/>\n`,
      `    <bpmn:parallelGateway id="p${b}"/>\n`,
      `    <bpmn:userTask id="u${b}" name="Check ${b}" sop:candidateGroups="reviewers"/>\n`,
      `    <bpmn:userTask id="v${b}" name="Countersign ${b}" sop:candidateGroups="managers"/>\n`,
      `    <bpmn:parallelGateway id="j${b}"/>\n`,
      `    <bpmn:task id="d${b}" name="Record ${b}"/>\n`,
    );
    flow(previous, `t${b}`);
    flow(`t${b}`, `x${b}`);
    flow(`x${b}`, `a${b}`, APPROVED_CONDITION[dialect]);
    flow(`x${b}`, `r${b}`);
    flow(`a${b}`, `m${b}`);
    flow(`r${b}`, `m${b}`);
    flow(`m${b}`, `p${b}`);
    flow(`p${b}`, `u${b}`);
    flow(`p${b}`, `v${b}`);
    flow(`u${b}`, `j${b}`);
    flow(`v${b}`, `j${b}`);
    flow(`j${b}`, `d${b}`);
    previous = `d${b}`;
  }
  for (let i = 1; count < nodes; i++, count++) {
    parts.push(`    <bpmn:task id="e${i}" name="Extra ${i}"/>\n`);
    flow(previous, `e${i}`);
    previous = `e${i}`;
  }
  flow(previous, 'end');
  parts.push('    <bpmn:endEvent id="end"/>\n', '  </bpmn:process>\n', FOOTER);
  return parts.join('');
}

/**
 * The same diagram with every element id, reference and name inside the
 * process prefixed (the process id stays). Deployments of copies with
 * different prefixes share no id or name text, so each pays for its own
 * strings as the first deployment of a diagram does.
 */
export function withPrefixedIds(xml: string, prefix: string): string {
  return xml.replace(/ (id|sourceRef|targetRef|default|name)="([^"]*)"/g, (whole, attribute: string, value: string) =>
    value === GENERATED_PROCESS || value === 'bench' ? whole : ` ${attribute}="${prefix}${value}"`,
  );
}

/** The ids of the sub-processes of {@link nestedDiagram}, outermost first. */
export function nestedIds(depth: number): string[] {
  return Array.from({ length: depth }, (_, i) => `sub${i + 1}`);
}

/**
 * `depth` embedded sub-processes, each inside the one before: every level
 * is start → the next level's sub-process → end, and the innermost holds
 * start → user task `inner` → end. The XML nests about 2 × `depth` + 5
 * elements deep. Both engines run it unchanged.
 */
export function nestedDiagram(depth: number): string {
  if (!Number.isInteger(depth) || depth < 1) throw new RangeError(`nestedDiagram: depth must be a positive integer, got ${depth}.`);
  const open: string[] = [];
  const close: string[] = [];
  const level = (scope: string, inner: string) => [
    `<bpmn:startEvent id="${scope}_start"/>`,
    `<bpmn:sequenceFlow id="${scope}_in" sourceRef="${scope}_start" targetRef="${inner}"/>`,
    `<bpmn:sequenceFlow id="${scope}_out" sourceRef="${inner}" targetRef="${scope}_end"/>`,
    `<bpmn:endEvent id="${scope}_end"/>`,
  ];
  open.push(`  <bpmn:process id="${NESTED_PROCESS}" isExecutable="true">\n`, ...level('p', 'sub1').map((l) => `${l}\n`));
  close.unshift('  </bpmn:process>\n');
  for (let i = 1; i <= depth; i++) {
    const id = `sub${i}`;
    const inner = i === depth ? 'inner' : `sub${i + 1}`;
    open.push(`<bpmn:subProcess id="${id}">\n`, ...level(id, inner).map((l) => `${l}\n`));
    close.unshift('</bpmn:subProcess>\n');
  }
  open.push('<bpmn:userTask id="inner" name="Innermost task"/>\n');
  return HEADER + open.join('') + close.join('') + FOOTER;
}

/**
 * start → `tasks` user tasks in a row, each for the candidate group in the
 * variable `group` → end: the store benchmarks' case (one commit per step).
 */
export function userTasksDiagram(tasks: number): string {
  const parts: string[] = [HEADER, `  <bpmn:process id="${USER_TASKS_PROCESS}" isExecutable="true">\n`, '    <bpmn:startEvent id="start"/>\n'];
  let previous = 'start';
  for (let i = 1; i <= tasks; i++) {
    parts.push(`    <bpmn:sequenceFlow id="f${i}" sourceRef="${previous}" targetRef="task${i}"/>\n`);
    parts.push(`    <bpmn:userTask id="task${i}" name="Step ${i}" sop:candidateGroups="=group"/>\n`);
    previous = `task${i}`;
  }
  parts.push(`    <bpmn:sequenceFlow id="fEnd" sourceRef="${previous}" targetRef="end"/>\n`, '    <bpmn:endEvent id="end"/>\n', '  </bpmn:process>\n', FOOTER);
  return parts.join('');
}

/**
 * The soundness checker's reference shape: `blocks` times [`steps` user
 * tasks in a row, then a parallel fork into `branches` branches of
 * `tasksPerBranch` user tasks, and the join], between start and end. With
 * the defaults, 202 flow nodes (as the lint package's
 * `sound.ten-parallel-blocks.bpmn`).
 */
export function parallelBlocksDiagram(blocks = 10, branches = 3, tasksPerBranch = 5, steps = 3): string {
  const parts: string[] = [HEADER, `  <bpmn:process id="${BLOCKS_PROCESS}" isExecutable="true">\n`, '    <bpmn:startEvent id="start"/>\n'];
  let flows = 0;
  const flow = (from: string, to: string) => parts.push(`    <bpmn:sequenceFlow id="f${++flows}" sourceRef="${from}" targetRef="${to}"/>\n`);
  let previous = 'start';
  for (let b = 1; b <= blocks; b++) {
    for (let s = 1; s <= steps; s++) {
      parts.push(`    <bpmn:userTask id="step${b}_${s}" name="Step ${b}.${s}"/>\n`);
      flow(previous, `step${b}_${s}`);
      previous = `step${b}_${s}`;
    }
    parts.push(`    <bpmn:parallelGateway id="fork${b}"/>\n`, `    <bpmn:parallelGateway id="join${b}"/>\n`);
    flow(previous, `fork${b}`);
    for (let r = 1; r <= branches; r++) {
      let at = `fork${b}`;
      for (let t = 1; t <= tasksPerBranch; t++) {
        const id = `task${b}_${r}_${t}`;
        parts.push(`    <bpmn:userTask id="${id}" name="Task ${b}.${r}.${t}"/>\n`);
        flow(at, id);
        at = id;
      }
      flow(at, `join${b}`);
    }
    previous = `join${b}`;
  }
  flow(previous, 'end');
  parts.push('    <bpmn:endEvent id="end"/>\n', '  </bpmn:process>\n', FOOTER);
  return parts.join('');
}
