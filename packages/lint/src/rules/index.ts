/**
 * The rules of bpmnlint-plugin-sopflow, by id. Each id is also the name of
 * its module here, its test and its page in docs/rules.
 */
import type { RuleFactory } from '../types.js';
import escalationCaught from './escalation-caught.js';
import exclusiveGatewayDefault from './exclusive-gateway-default.js';
import executable from './executable.js';
import feelValid from './feel-valid.js';
import messageThrownOrExternal from './message-thrown-or-external.js';
import slaValid from './sla-valid.js';
import userTaskOwner from './user-task-owner.js';

/** Rule id → rule factory, as bpmnlint resolves rules of a plugin. */
export const rules = {
  'user-task-owner': userTaskOwner,
  'sla-valid': slaValid,
  'escalation-caught': escalationCaught,
  'feel-valid': feelValid,
  'exclusive-gateway-default': exclusiveGatewayDefault,
  'message-thrown-or-external': messageThrownOrExternal,
  executable,
} as const satisfies Record<string, RuleFactory>;

/** The id of a rule of this plugin. */
export type RuleId = keyof typeof rules;
