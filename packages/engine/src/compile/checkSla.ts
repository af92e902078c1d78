import type { Problem } from '../errors.js';
import { durationToMillis, parseDuration, parseTimer, type BusinessCalendar } from '../time/index.js';
import { describeNode, type NodeDef, type ProcessDefinition, type RuleDef } from './definition.js';

export interface SlaCheckOptions {
  /** The engine's calendars; a literal `sop:calendar` must name one of them. */
  calendar(name: string): BusinessCalendar | undefined;
  calendarNames: string[];
  locate?: (elementId: string) => { line: number; column: number } | undefined;
}

/**
 * Deploy-time checks of SLA rules and calendars that need more than one
 * element: unknown calendars (error), escalation codes nothing catches
 * (warning: uncaught escalations are legal and recorded), and rules that can
 * never fire because the activity's own interrupting timer ends it first
 * (warning). Pure.
 */
export function checkSla(definition: ProcessDefinition, options: SlaCheckOptions): Problem[] {
  const problems: Problem[] = [];
  const at = (node: { id: string; name?: string }, attribute?: string) => ({
    elementId: node.id,
    ...(node.name ? { elementName: node.name } : {}),
    ...(attribute ? { attribute } : {}),
    ...(options.locate?.(node.id) ?? {}),
  });
  const holders: Array<{ id: string; name?: string; sla?: NodeDef['sla']; node?: NodeDef }> = [
    { id: definition.id, ...(definition.name ? { name: definition.name } : {}), ...(definition.sla ? { sla: definition.sla } : {}) },
    ...Object.values(definition.nodes).map((n) => ({ id: n.id, ...(n.name ? { name: n.name } : {}), ...(n.sla ? { sla: n.sla } : {}), node: n })),
  ];

  for (const holder of holders) {
    const sla = holder.sla;
    if (!sla) continue;
    if (typeof sla.calendar === 'string' && !options.calendar(sla.calendar)) {
      problems.push({
        severity: 'error',
        code: 'sla.unknown-calendar',
        message: `Calendar '${sla.calendar}' is not registered with the engine (registered: ${options.calendarNames.length ? options.calendarNames.join(', ') : 'none'}).`,
        params: { calendar: sla.calendar, registered: options.calendarNames, count: options.calendarNames.length },
        ...at(holder, 'sop:calendar'),
      });
    }
    for (const [index, rule] of sla.rules.entries()) {
      if (rule.action === 'escalate' && rule.escalationCode && holder.node && !catches(definition, holder.node, rule.escalationCode)) {
        problems.push({
          severity: 'warning',
          code: 'sla.escalation-uncaught',
          message: `Escalation '${rule.escalationCode}' of sop:escalation[${index + 1}] is caught by no boundary event or event sub-process; it will only be recorded.`,
          params: { escalationCode: rule.escalationCode, index: index + 1 },
          ...at(holder, `sop:escalation[${index + 1}]`),
        });
      }
      if (holder.node) {
        const blocker = interruptedBefore(definition, holder.node, rule, options);
        if (blocker) {
          problems.push({
            severity: 'warning',
            code: 'sla.rule-after-timer',
            message: `sop:escalation[${index + 1}] can never fire: the interrupting timer ${describeNode(blocker)} ends the activity first.`,
          params: { index: index + 1, timer: describeNode(blocker) },
            ...at(holder, `sop:escalation[${index + 1}]`),
          });
        }
      }
    }
  }
  return problems;
}

/** Whether an escalation thrown from `node` has a catcher: its boundaries, enclosing sub-processes' boundaries, or event sub-processes on the way out. */
function catches(definition: ProcessDefinition, node: NodeDef, code: string): boolean {
  const matches = (n: NodeDef) => n.event?.kind === 'escalation' && (n.event.escalationCode === undefined || n.event.escalationCode === code);
  const boundaryCatches = (host: NodeDef) => (host.boundaries ?? []).some((id) => matches(definition.nodes[id]));
  if (boundaryCatches(node)) return true;
  for (let scopeId: string | undefined = node.scope; scopeId; scopeId = definition.scopes[scopeId]?.parent) {
    const scope = definition.scopes[scopeId];
    if (!scope) break;
    for (const sub of scope.eventSubProcesses) {
      const start = definition.scopes[sub]?.triggeredStarts[0];
      if (start && matches(definition.nodes[start])) return true;
    }
    const owner = definition.nodes[scopeId];
    if (owner && boundaryCatches(owner)) return true;
  }
  // Thrown out of a called process, a caller may still catch it: only a warning either way.
  return false;
}

/** The interrupting boundary timer that always fires before the rule, when both are literal and comparable. */
function interruptedBefore(definition: ProcessDefinition, node: NodeDef, rule: RuleDef, options: SlaCheckOptions): NodeDef | undefined {
  const sla = node.sla;
  const calendarName = typeof sla?.calendar === 'string' ? sla.calendar : typeof definition.sla?.calendar === 'string' ? definition.sla.calendar : undefined;
  const calendar = calendarName ? options.calendar(calendarName) : undefined;
  const toMs = (iso: string): number | undefined => {
    try {
      const d = parseDuration(iso);
      return calendar ? calendar.durationToWorkingMillis(d) : durationToMillis(d);
    } catch {
      return undefined;
    }
  };
  let ruleMs: number | undefined;
  if ('duration' in rule.at) ruleMs = toMs(rule.at.duration);
  else if (typeof sla?.sla === 'string') {
    const slaMs = toMs(sla.sla);
    ruleMs = slaMs === undefined ? undefined : slaMs * rule.at.fraction;
  }
  if (ruleMs === undefined) return undefined;
  for (const id of node.boundaries ?? []) {
    const boundary = definition.nodes[id];
    const timer = boundary.event?.timer;
    if (!timer || boundary.cancelActivity === false || typeof timer.value !== 'string' || timer.type !== 'timeDuration') continue;
    try {
      const spec = parseTimer('timeDuration', timer.value);
      if (spec.kind !== 'duration') continue;
      const timerMs = calendar ? calendar.durationToWorkingMillis(spec.duration) : durationToMillis(spec.duration);
      if (timerMs <= ruleMs) return boundary;
    } catch {
      // not comparable: say nothing
    }
  }
  return undefined;
}
