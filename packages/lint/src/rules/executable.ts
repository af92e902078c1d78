/**
 * Rule `executable`: the engine can deploy the diagram.
 */
import { BpmnValidationError, compile, UnsupportedElementError, type Problem } from '@sopflow/engine';
import { reportOn } from '../model/report.js';
import { elementsById, is } from '../model/tree.js';
import type { ModdleElement, Reporter, RuleFactory } from '../types.js';

/** Configuration of `executable`. */
export interface ExecutableConfig {
  /**
   * Leave out the problems other rules of this plugin report in full
   * (invalid FEEL and JUEL: `feel-valid`; SLA, calendar and escalation rule
   * attributes: `sla-valid`), so a finding is not shown twice. Set in the
   * `recommended` and `all` configs.
   */
  omitCovered?: boolean;
}

const SLA_DURATION_ATTRIBUTE = /^sop:sla$|^sop:escalation\[\d+\]\.(at|every)$/;

/** Whether `feel-valid` or `sla-valid` reports this compile problem themselves. Pure. */
export function isCoveredByOtherRules(problem: Problem): boolean {
  if (problem.code === 'expression.invalid' || problem.code === 'expression.juel') return true;
  if (problem.code === 'sla.rule' || problem.code === 'sla.missing') return true;
  return problem.code === 'time.invalid-duration' && SLA_DURATION_ATTRIBUTE.test(problem.attribute ?? '');
}

/** What `compile` refuses in the document: unsupported elements, else every validation problem. */
function compileProblems(definitions: ModdleElement): Problem[] {
  try {
    compile(definitions);
    return [];
  } catch (error) {
    if (error instanceof UnsupportedElementError) return error.elements;
    if (error instanceof BpmnValidationError) return error.problems;
    throw error;
  }
}

/**
 * Runs the engine's own `compile()` on the document — the check `deploy`
 * makes — and reports each element it cannot execute
 * (`UnsupportedElementError`) or, when there is none, each problem that
 * stops deployment (`BpmnValidationError`), with the engine's message, on
 * the element (on the definitions when the element has no id in the
 * document). As in `deploy`, unsupported elements are reported first: the
 * other problems show once they are gone. Compile warnings (listeners and
 * data associations that are not run) are not reported. Config:
 * `{ omitCovered?: boolean }`.
 */
const executable: RuleFactory<ExecutableConfig> = (config = {}) => ({
  check(node: ModdleElement, reporter: Reporter) {
    if (!is(node, 'bpmn:Definitions')) return;
    const byId = elementsById(node);
    const seen = new Set<string>();
    for (const problem of compileProblems(node)) {
      if (config.omitCovered && isCoveredByOtherRules(problem)) continue;
      const found = problem.elementId !== undefined && byId.has(problem.elementId);
      const id = found ? problem.elementId! : node.id;
      const message = !found && problem.elementId ? `<${problem.elementId}> ${problem.message}` : problem.message;
      const key = `${id}\u0000${problem.attribute ?? ''}\u0000${message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      // `prefix`: the element the message is about when it is not the one reported on (an element without an id in the document).
      reportOn(reporter, id, `executable.${problem.code}`, message, problem.attribute, {
        ...problem.params,
        prefix: !found && problem.elementId ? `<${problem.elementId}> ` : '',
      });
    }
    return false;
  },
});

export default executable;
