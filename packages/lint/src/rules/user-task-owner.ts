/**
 * Rule `user-task-owner`: every user task names who may work on it.
 */
import { attr, extensionElements, plainAttr } from '../model/extensions.js';
import { reportOn } from '../model/report.js';
import { is, isExecuted, prefixesOf } from '../model/tree.js';
import type { ModdleElement, Reporter, RuleFactory } from '../types.js';

const OWNER_ATTRIBUTES = ['assignee', 'candidateGroups', 'candidateUsers'] as const;

/** Whether the user task has a non-empty owner attribute in `sop:`, Camunda 7 or Zeebe form. Pure. */
export function hasOwner(task: ModdleElement): boolean {
  const prefixes = prefixesOf(task);
  const zeebe = extensionElements(task, 'zeebe', 'assignmentDefinition', prefixes)[0];
  return OWNER_ATTRIBUTES.some((name) =>
    [attr(task, 'sop', name, prefixes), attr(task, 'camunda', name, prefixes), plainAttr(zeebe, name)].some(
      (value) => value !== undefined && value.trim() !== '',
    ),
  );
}

/**
 * A user task must have an owner: `sop:assignee`, `sop:candidateGroups` or
 * `sop:candidateUsers`, or their Camunda 7 (`camunda:assignee`…) or Zeebe
 * (`zeebe:assignmentDefinition`) equivalents. Without one, nobody is
 * offered the task. Tasks of processes marked `isExecutable="false"` are
 * not checked (they are not deployed).
 */
const userTaskOwner: RuleFactory = () => ({
  check(node: ModdleElement, reporter: Reporter) {
    if (!is(node, 'bpmn:UserTask') || !isExecuted(node) || hasOwner(node)) return;
    reportOn(
      reporter,
      node.id,
      'user-task-owner.missing',
      'User task has no owner: expected sop:assignee, sop:candidateGroups or sop:candidateUsers (or camunda:assignee/candidateGroups/candidateUsers, or a zeebe:assignmentDefinition).',
    );
  },
});

export default userTaskOwner;
