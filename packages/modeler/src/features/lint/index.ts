import lintModule from 'bpmn-js-bpmnlint';
import calendarsModule from '../calendars/index.js';
import SopLinting from './SopLinting.js';

/**
 * bpmn-js module: live lint with bpmn-js-bpmnlint and the rules and
 * configuration of `sopflow validate` (enable with `linting: { active: true }`).
 */
export default {
  __depends__: [lintModule, calendarsModule],
  __init__: ['sopLinting'],
  sopLinting: ['type', SopLinting],
};

export type { LintIssue } from './SopLinting.js';
