/**
 * compile: moddle model → normalised, JSON-serialisable process definitions.
 * Pure. Collects every problem before failing, so one deploy attempt shows
 * everything that is wrong.
 */

import {
  BpmnValidationError,
  ExpressionError,
  SopflowError,
  UnsupportedElementError,
  type MessageParams,
  type Problem,
} from '../errors.js';
import { compileFeel, translateJuel, type FeelLimits } from '../feel/index.js';
import { compilePattern } from '../feel/regex.js';
import { fieldsOfFormSchema } from '../forms/formJs.js';
import { parseDuration, parseTimer } from '../time/index.js';
import type {
  AssignmentDef,
  EventDef,
  EventKind,
  Expr,
  FieldDef,
  FlowDef,
  LoopDef,
  Mapping,
  NodeDef,
  NodeType,
  ProcessDefinition,
  RuleDef,
  ScopeDef,
  SlaDef,
  Value,
} from './definition.js';
import { attr, childElements, collectPrefixes, extensionElements, plainAttr, textOf, type Prefixes } from './extensions.js';
import { ignoredAttributes } from './ignoredAttributes.js';

/** Embedded form schemas are diagram content, not data: 256 KiB is generous for hundreds of fields. */
const MAX_FORM_SCHEMA = 256 * 1024;

export interface CompileOptions {
  /** Line/column of an element id in the source, for messages. */
  locate?: (elementId: string) => { line: number; column: number } | undefined;
  /** Bounds on every FEEL expression (length, items, nesting; see docs/expressions.md). */
  feelLimits?: FeelLimits;
}

export interface CompileResult {
  /** Executable processes, version 0 (the engine numbers them on deploy). */
  processes: ProcessDefinition[];
  /** Problems that do not stop deployment (e.g. data associations that are not executed). */
  warnings: Problem[];
}

const TASK_TYPES: Record<string, NodeType> = {
  'bpmn:Task': 'task',
  'bpmn:UserTask': 'userTask',
  'bpmn:ManualTask': 'manualTask',
  'bpmn:ServiceTask': 'serviceTask',
  'bpmn:ScriptTask': 'scriptTask',
  'bpmn:BusinessRuleTask': 'businessRuleTask',
  'bpmn:SendTask': 'sendTask',
  'bpmn:ReceiveTask': 'receiveTask',
};

const GATEWAY_TYPES: Record<string, NodeType> = {
  'bpmn:ExclusiveGateway': 'exclusiveGateway',
  'bpmn:ParallelGateway': 'parallelGateway',
  'bpmn:InclusiveGateway': 'inclusiveGateway',
  'bpmn:EventBasedGateway': 'eventBasedGateway',
};

const EVENT_TYPES: Record<string, NodeType> = {
  'bpmn:StartEvent': 'startEvent',
  'bpmn:EndEvent': 'endEvent',
  'bpmn:IntermediateCatchEvent': 'intermediateCatchEvent',
  'bpmn:IntermediateThrowEvent': 'intermediateThrowEvent',
  'bpmn:BoundaryEvent': 'boundaryEvent',
};

/** Not executed, by nature: documentation and layout. */
const DOCUMENTATION_ONLY = new Set([
  'bpmn:DataObject',
  'bpmn:DataObjectReference',
  'bpmn:DataStoreReference',
  'bpmn:TextAnnotation',
  'bpmn:Association',
  'bpmn:Group',
]);

const EVENT_DEFINITION_KINDS: Record<string, EventKind> = {
  'bpmn:MessageEventDefinition': 'message',
  'bpmn:TimerEventDefinition': 'timer',
  'bpmn:SignalEventDefinition': 'signal',
  'bpmn:ErrorEventDefinition': 'error',
  'bpmn:EscalationEventDefinition': 'escalation',
  'bpmn:TerminateEventDefinition': 'terminate',
  'bpmn:LinkEventDefinition': 'link',
};

/** Which event kinds each event type supports (BPMN 2.0 table 10.88 minus what we do not run). */
const ALLOWED_EVENTS: Record<string, EventKind[]> = {
  startEvent: ['none', 'message', 'timer', 'signal', 'error', 'escalation'],
  endEvent: ['none', 'terminate', 'error', 'escalation', 'message', 'signal'],
  intermediateCatchEvent: ['message', 'timer', 'signal', 'link'],
  intermediateThrowEvent: ['none', 'message', 'signal', 'escalation', 'link'],
  boundaryEvent: ['message', 'timer', 'signal', 'error', 'escalation'],
};

class Compiler {
  readonly problems: Problem[] = [];
  readonly unsupported: Problem[] = [];
  readonly warnings: Problem[] = [];
  private prefixes: Prefixes = new Map();

  constructor(private readonly options: CompileOptions) {}

  private where(element: any, attribute?: string): Pick<Problem, 'elementId' | 'elementName' | 'attribute' | 'line' | 'column'> {
    const id: string | undefined = element?.id;
    const location = id ? this.options.locate?.(id) : undefined;
    return {
      ...(id ? { elementId: id } : {}),
      ...(element?.name ? { elementName: String(element.name) } : {}),
      ...(attribute ? { attribute } : {}),
      ...(location ?? {}),
    };
  }

  /** Records a problem that stops deployment; `params` are the values the message is built from (for translation). */
  error(element: any, code: string, message: string, attribute?: string, params?: MessageParams): void {
    this.problems.push({ severity: 'error', code, message, ...(params ? { params } : {}), ...this.where(element, attribute) });
  }

  warn(element: any, code: string, message: string, attribute?: string, params?: MessageParams): void {
    this.warnings.push({ severity: 'warning', code, message, ...(params ? { params } : {}), ...this.where(element, attribute) });
  }

  /** Records an element sopflow cannot run; `variant` names which (for translation), `params` its values. */
  notSupported(element: any, what: string, variant: string, params: MessageParams = {}): void {
    this.unsupported.push({
      severity: 'error',
      code: 'bpmn.unsupported',
      message: `${what} is not supported by sopflow`,
      params: { variant, ...params },
      ...this.where(element),
    });
  }

  compile(definitions: any): ProcessDefinition[] {
    const rootElements: any[] = definitions?.rootElements ?? [];
    const processes = rootElements.filter((e) => e.$type === 'bpmn:Process');
    this.prefixes = collectPrefixes(definitions, ...processes);
    if (processes.length === 0) {
      this.error(definitions, 'bpmn.no-process', 'The document contains no bpmn:process to run.');
      return [];
    }
    const executable = processes.filter((p) => p.isExecutable !== false);
    if (executable.length === 0) {
      for (const p of processes) {
        this.error(p, 'bpmn.not-executable', `Process is marked isExecutable="false"; set it to true to run it.`, 'isExecutable', { variant: 'none-executable' });
      }
      return [];
    }
    for (const p of processes) {
      if (p.isExecutable === false) this.warn(p, 'bpmn.not-executable', 'Process is marked isExecutable="false" and was not deployed.', undefined, { variant: 'skipped' });
    }
    return executable.map((p) => this.compileProcess(p, definitions));
  }

  // ---------------------------------------------------------------- values

  /** A FEEL expression from an attribute or body; `${…}` JUEL is translated or refused. */
  expr(raw: string | undefined, element: any, attribute: string): Expr | undefined {
    if (raw === undefined) return undefined;
    let text = raw.trim();
    if (text === '') return undefined;
    if (/^[$#]\{/.test(text)) {
      const feel = translateJuel(text);
      if (feel === null) {
        this.error(element, 'expression.juel', `JUEL expression '${text}' cannot be run: sopflow evaluates FEEL only (write it as FEEL, e.g. '=approved = true').`, attribute, { variant: 'expression', text });
        return undefined;
      }
      text = feel;
    } else if (text.startsWith('=')) {
      text = text.slice(1).trim();
    }
    try {
      compileFeel(text, { elementId: element?.id, attribute }, this.options.feelLimits);
    } catch (error) {
      const message = error instanceof ExpressionError || error instanceof SopflowError ? error.message : String(error);
      this.error(element, 'expression.invalid', message, attribute, { detail: message });
      return undefined;
    }
    return { feel: text };
  }

  /** A literal, or FEEL when it starts with `=` (or is JUEL `${…}`). */
  value(raw: string | undefined, element: any, attribute: string): Value | undefined {
    if (raw === undefined) return undefined;
    const text = raw.trim();
    if (text === '') return undefined;
    if (text.startsWith('=') || /^[$#]\{/.test(text)) return this.expr(text, element, attribute);
    if (/[$#]\{/.test(text)) {
      this.juelTemplate(text, element, attribute);
      return undefined;
    }
    return text;
  }

  /** Text with `${…}` inside (a JUEL template, as Camunda 7 reads it) is refused, never taken literally. */
  private juelTemplate(text: string, element: any, attribute: string): void {
    this.error(element, 'expression.juel', `'${text}' mixes text with a JUEL expression, which sopflow cannot run: it evaluates FEEL only (write it as FEEL, e.g. '="order-" + string(id)').`, attribute, { variant: 'template', text });
  }

  duration(raw: string | undefined, element: any, attribute: string): string | undefined {
    if (raw === undefined || raw.trim() === '') return undefined;
    try {
      parseDuration(raw.trim());
      return raw.trim();
    } catch (error) {
      this.error(element, 'time.invalid-duration', (error as Error).message, attribute, { detail: (error as Error).message, value: raw.trim() });
      return undefined;
    }
  }

  /** Camunda 7 and Zeebe listeners run code sopflow does not have: say so rather than drop them silently. */
  private listeners(element: any): void {
    const p = this.prefixes;
    const found =
      extensionElements(element, 'camunda', 'executionListener', p).length +
      extensionElements(element, 'camunda', 'taskListener', p).length +
      extensionElements(element, 'zeebe', 'executionListeners', p).length +
      extensionElements(element, 'zeebe', 'taskListeners', p).length;
    if (found) this.warn(element, 'bpmn.not-executed', 'Execution and task listeners (camunda:/zeebe:) are not run by sopflow; do that work in a service task (job) or on engine events.', undefined, { variant: 'listeners' });
    for (const ignored of ignoredAttributes(element, p)) this.warn(element, ignored.code, ignored.message, ignored.attribute, ignored.params);
  }

  // ---------------------------------------------------------------- process

  private compileProcess(process: any, definitions: any): ProcessDefinition {
    const nodes: Record<string, NodeDef> = {};
    const flows: Record<string, FlowDef> = {};
    const scopes: Record<string, ScopeDef> = {};
    const boundaryElements: any[] = [];

    // Iterative walk: sub-processes nest without bound in real files.
    const stack: Array<{ container: any; scope: ScopeDef }> = [];
    const root: ScopeDef = { id: process.id, kind: 'process', nodes: [], triggeredStarts: [], eventSubProcesses: [] };
    scopes[root.id] = root;
    stack.push({ container: process, scope: root });

    this.listeners(process);
    if (process.ioSpecification || (process.properties?.length ?? 0) > 0) {
      this.warn(process, 'bpmn.not-executed', 'ioSpecification/properties are documentation only and are not executed.', undefined, { variant: 'io-specification' });
    }

    while (stack.length) {
      const { container, scope } = stack.pop()!;
      for (const element of container.flowElements ?? []) {
        const type: string = element.$type;
        if (!element.id && !DOCUMENTATION_ONLY.has(type)) {
          // Located at its nearest ancestor with an id, as the parse stage does.
          const message = `A ${type.replace(/^bpmn:/, '')}${element.name ? ` named '${element.name}'` : ''} in '${container.id}' has no id.`;
          const params = { type: type.replace(/^bpmn:/, ''), container: String(container.id ?? ''), variant: element.name ? 'named' : 'unnamed', name: String(element.name ?? '') };
          this.problems.push({ severity: 'error', code: 'bpmn.missing-id', message, params, ...this.where(element, 'id'), ...this.options.locate?.(container.id) });
          continue;
        }
        if (type === 'bpmn:SequenceFlow') {
          flows[element.id] = this.flow(element);
          continue;
        }
        if (DOCUMENTATION_ONLY.has(type)) continue;
        const node = this.node(element, scope.id);
        if (!node) continue;
        if (nodes[node.id]) {
          this.error(element, 'bpmn.duplicate-id', `Duplicate element id '${node.id}'.`, undefined, { id: node.id });
          continue;
        }
        nodes[node.id] = node;
        scope.nodes.push(node.id);
        if (type === 'bpmn:BoundaryEvent') boundaryElements.push(element);
        if (node.type === 'subProcess') {
          const child: ScopeDef = {
            id: node.id,
            kind: node.triggeredByEvent ? 'eventSubProcess' : 'subProcess',
            parent: scope.id,
            nodes: [],
            triggeredStarts: [],
            eventSubProcesses: [],
          };
          scopes[child.id] = child;
          if (node.triggeredByEvent) scope.eventSubProcesses.push(node.id);
          stack.push({ container: element, scope: child });
        }
      }
    }

    for (const element of boundaryElements) {
      const node = nodes[element.id];
      const hostId: string | undefined = element.attachedToRef?.id;
      const host = hostId ? nodes[hostId] : undefined;
      if (!host) {
        this.error(element, 'bpmn.boundary-host', 'Boundary event is not attached to an activity (attachedToRef).', 'attachedToRef', { variant: 'none' });
        continue;
      }
      if (!isActivity(host.type)) {
        this.error(element, 'bpmn.boundary-host', `Boundary event is attached to ${host.type} '${host.id}'; only activities can carry boundary events.`, 'attachedToRef', { variant: 'not-activity', type: host.type, host: host.id });
        continue;
      }
      if (node.scope !== host.scope) {
        this.error(element, 'bpmn.boundary-host', `Boundary event is drawn in '${node.scope}' but the activity it is attached to, '${host.id}', is in '${host.scope}'.`, 'attachedToRef', { variant: 'scope', scope: node.scope, host: host.id, hostScope: host.scope });
        continue;
      }
      node.attachedTo = host.id;
      (host.boundaries ??= []).push(node.id);
    }

    this.wireFlows(nodes, flows);
    this.checkScopes(scopes, nodes, flows);

    const sla = this.sla(process);
    const sensitive = (attr(process, 'sop', 'sensitive', this.prefixes) ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const versionTag = attr(process, 'sop', 'versionTag', this.prefixes) ?? attr(process, 'camunda', 'versionTag', this.prefixes);
    void definitions;
    return {
      format: 1,
      id: process.id,
      ...(process.name ? { name: process.name } : {}),
      version: 0,
      key: `${process.id}:0`,
      ...(versionTag ? { versionTag } : {}),
      sensitive,
      ...(sla ? { sla } : {}),
      nodes,
      flows,
      scopes,
    };
  }

  private flow(element: any): FlowDef {
    const flow: FlowDef = {
      id: element.id,
      source: element.sourceRef?.id,
      target: element.targetRef?.id,
      ...(element.name ? { name: element.name } : {}),
    };
    this.listeners(element);
    if (!flow.source) this.error(element, 'bpmn.flow-source', 'Sequence flow has no source (sourceRef).', 'sourceRef', { variant: 'missing' });
    if (!flow.target) this.error(element, 'bpmn.flow-target', 'Sequence flow has no target (targetRef).', 'targetRef', { variant: 'missing' });
    const condition = element.conditionExpression;
    if (condition) {
      const language: string | undefined = condition.language;
      if (language && !/^(feel|http:\/\/www\.omg\.org\/spec\/FEEL\/.*)$/i.test(language)) {
        this.error(element, 'expression.language', `Condition language '${language}' is not supported; write the condition in FEEL.`, 'conditionExpression', { language });
      } else {
        const expr = this.expr(textOf(condition), element, 'conditionExpression');
        if (expr) flow.condition = expr;
      }
    }
    return flow;
  }

  private wireFlows(nodes: Record<string, NodeDef>, flows: Record<string, FlowDef>): void {
    for (const flow of Object.values(flows)) {
      const source = nodes[flow.source];
      const target = nodes[flow.target];
      const element = { id: flow.id, name: flow.name };
      if (flow.source && !source) this.error(element, 'bpmn.flow-source', `Sequence flow source '${flow.source}' is not a flow node of this process.`, 'sourceRef', { variant: 'unknown', source: flow.source });
      if (flow.target && !target) this.error(element, 'bpmn.flow-target', `Sequence flow target '${flow.target}' is not a flow node of this process.`, 'targetRef', { variant: 'unknown', target: flow.target });
      if (!source || !target) continue;
      if (source.scope !== target.scope) {
        this.error(element, 'bpmn.flow-scope', `Sequence flow crosses a sub-process boundary (from '${source.id}' in '${source.scope}' to '${target.id}' in '${target.scope}').`, undefined, { source: source.id, sourceScope: source.scope, target: target.id, targetScope: target.scope });
        continue;
      }
      if (target.type === 'startEvent') this.error(element, 'bpmn.flow-into-start', `Sequence flow ends at start event '${target.id}'.`, 'targetRef', { target: target.id });
      if (target.type === 'boundaryEvent') this.error(element, 'bpmn.flow-into-boundary', `Sequence flow ends at boundary event '${target.id}'.`, 'targetRef', { variant: 'flow', target: target.id });
      if (source.type === 'endEvent') this.error(element, 'bpmn.flow-from-end', `Sequence flow starts at end event '${source.id}'.`, 'sourceRef', { source: source.id });
      source.outgoing.push(flow.id);
      target.incoming.push(flow.id);
    }
    for (const node of Object.values(nodes)) {
      if (node.default) {
        const flow = flows[node.default];
        if (!flow || flow.source !== node.id) {
          this.error(node, 'bpmn.default-flow', `Default flow '${node.default}' is not an outgoing flow of this element.`, 'default', { flow: node.default });
          delete node.default;
        } else if (flow.condition) {
          this.warn({ id: flow.id }, 'bpmn.default-condition', 'The default flow has a condition; it is ignored (a default flow is taken when no other flow is).');
          delete flow.condition;
        }
      }
      if (node.type === 'eventBasedGateway') {
        for (const id of node.outgoing) {
          const target = nodes[flows[id].target];
          const ok =
            target.type === 'receiveTask' ||
            (target.type === 'intermediateCatchEvent' && ['message', 'timer', 'signal'].includes(target.event?.kind ?? ''));
          if (!ok) this.error(node, 'bpmn.event-gateway-target', `Event-based gateway leads to '${target.id}'; it must lead to message/timer/signal catch events or receive tasks.`, undefined, { variant: 'target', target: target.id });
          if (target.incoming.length > 1) this.error(target, 'bpmn.event-gateway-target', `'${target.id}' follows an event-based gateway and must have no other incoming flow.`, undefined, { variant: 'incoming', target: target.id });
        }
      }
    }
  }

  private checkScopes(scopes: Record<string, ScopeDef>, nodes: Record<string, NodeDef>, _flows: Record<string, FlowDef>): void {
    for (const scope of Object.values(scopes)) {
      const starts = scope.nodes.map((id) => nodes[id]).filter((n) => n.type === 'startEvent');
      const noneStarts = starts.filter((n) => n.event?.kind === 'none');
      const triggered = starts.filter((n) => n.event?.kind !== 'none');
      const element = nodes[scope.id] ?? { id: scope.id };
      if (scope.kind === 'process') {
        if (noneStarts.length > 1) this.error(element, 'bpmn.start-events', `Process has ${noneStarts.length} none start events (${noneStarts.map((n) => n.id).join(', ')}); at most one is allowed.`, undefined, { variant: 'process', count: noneStarts.length, starts: noneStarts.map((n) => n.id) });
        for (const s of triggered) {
          if (s.event?.kind === 'error' || s.event?.kind === 'escalation') {
            this.error(s, 'bpmn.start-event-kind', `An ${s.event.kind} start event is only allowed in an event sub-process.`, undefined, { variant: 'process', kind: s.event.kind });
          }
          // Scheduled at deploy time, when no variable exists to evaluate an expression against.
          if (s.event?.timer && typeof s.event.timer.value !== 'string') {
            this.error(s, 'timer.start-expression', `A timer start event of a process is scheduled when the process is deployed, before any variable exists: write its ${s.event.timer.type} as a literal (ISO 8601 or cron), not an expression.`, s.event.timer.type, { timerType: s.event.timer.type });
          }
        }
        if (starts.length === 0) this.error(element, 'bpmn.no-start', 'Process has no start event.');
        scope.triggeredStarts = triggered.map((n) => n.id);
        if (noneStarts[0]) scope.noneStart = noneStarts[0].id;
      } else if (scope.kind === 'subProcess') {
        if (triggered.length) this.error(triggered[0], 'bpmn.start-event-kind', 'A sub-process must start with a none start event.', undefined, { variant: 'sub-process' });
        if (noneStarts.length !== 1) this.error(element, 'bpmn.start-events', `Sub-process must have exactly one none start event (has ${noneStarts.length}).`, undefined, { variant: 'sub-process', count: noneStarts.length });
        if (noneStarts[0]) scope.noneStart = noneStarts[0].id;
      } else {
        if (starts.length !== 1 || triggered.length !== 1) {
          this.error(element, 'bpmn.start-events', 'Event sub-process must have exactly one start event with a trigger (message, timer, signal, error or escalation).', undefined, { variant: 'event-sub-process' });
        } else {
          const start = triggered[0];
          scope.triggeredStarts = [start.id];
          if (start.event?.kind === 'error' && start.interrupting === false) {
            this.error(start, 'bpmn.error-interrupting', 'An error start event always interrupts (isInterrupting must not be false).', 'isInterrupting', { variant: 'start' });
          }
        }
        if (nodes[scope.id].incoming.length || nodes[scope.id].outgoing.length) {
          this.error(element, 'bpmn.event-subprocess-flow', 'An event sub-process has no incoming or outgoing sequence flows.');
        }
      }
      // link events: every throw needs a catch with the same name in this scope
      const catches = new Map<string, string>();
      for (const id of scope.nodes) {
        const n = nodes[id];
        if (n.type === 'intermediateCatchEvent' && n.event?.kind === 'link') {
          const name = n.event.linkName ?? '';
          if (catches.has(name)) this.error(n, 'bpmn.link-duplicate', `Two link catch events named '${name}' in one scope.`, undefined, { name });
          catches.set(name, id);
        }
      }
      for (const id of scope.nodes) {
        const n = nodes[id];
        if (n.type === 'intermediateThrowEvent' && n.event?.kind === 'link' && !catches.has(n.event.linkName ?? '')) {
          this.error(n, 'bpmn.link-target', `No link catch event named '${n.event.linkName ?? ''}' in the same scope.`, undefined, { name: n.event.linkName ?? '' });
        }
      }
    }
  }

  // ---------------------------------------------------------------- nodes

  private node(element: any, scope: string): NodeDef | undefined {
    const $type: string = element.$type;
    let type: NodeType | undefined = TASK_TYPES[$type] ?? GATEWAY_TYPES[$type] ?? EVENT_TYPES[$type];
    if ($type === 'bpmn:SubProcess') type = 'subProcess';
    if ($type === 'bpmn:CallActivity') type = 'callActivity';
    if (!type) {
      const label = $type.replace(/^bpmn:/, '');
      this.notSupported(
        element,
        label === 'Transaction' ? 'Transaction sub-process' : label === 'AdHocSubProcess' ? 'Ad-hoc sub-process' : label === 'ComplexGateway' ? 'Complex gateway' : `Element ${$type}`,
        label === 'Transaction' ? 'transaction' : label === 'AdHocSubProcess' ? 'ad-hoc' : label === 'ComplexGateway' ? 'complex-gateway' : 'element',
        { type: $type },
      );
      return undefined;
    }
    const node: NodeDef = {
      id: element.id,
      type,
      scope,
      incoming: [],
      outgoing: [],
      ...(element.name ? { name: String(element.name) } : {}),
    };
    if (element.default?.id) node.default = element.default.id;
    this.listeners(element);
    if (element.isForCompensation) this.notSupported(element, 'Compensation (isForCompensation)', 'compensation');
    if (element.instantiate === true) this.notSupported(element, `An instantiating ${type} (instantiate="true"; start the process with a message start event)`, 'instantiate', { type });
    if (element.eventGatewayType === 'Parallel') this.notSupported(element, 'A parallel event-based gateway (eventGatewayType="Parallel")', 'parallel-event-gateway');
    if ((element.dataInputAssociations?.length ?? 0) + (element.dataOutputAssociations?.length ?? 0) > 0) {
      this.warn(element, 'bpmn.not-executed', 'Data associations are documentation only and are not executed; use sop:input/sop:output mappings.', undefined, { variant: 'data-associations' });
    }
    if (EVENT_TYPES[$type]) this.event(element, node);
    if (isActivity(type)) this.activity(element, node);
    // Matched as text at run time: an expression here would silently never match.
    const name = node.event?.messageName ?? node.event?.signalName;
    if (name !== undefined && /^\s*(=|[$#]\{)/.test(name)) {
      this.notSupported(element, `A ${node.event?.messageName !== undefined ? 'message' : 'signal'} name given as an expression ('${name}')`, 'name-expression', { kind: node.event?.messageName !== undefined ? 'message' : 'signal', name });
    }
    if (node.jobType !== undefined && /^\s*=/.test(node.jobType)) this.notSupported(element, `A job type given as an expression ('${node.jobType}')`, 'job-type-expression', { name: node.jobType });
    if (type === 'subProcess' && element.triggeredByEvent) node.triggeredByEvent = true;
    return node;
  }

  private event(element: any, node: NodeDef): void {
    const definitions: any[] = element.eventDefinitions ?? [];
    if (definitions.length > 1) {
      this.notSupported(element, `Multiple/parallel-multiple ${node.type} (${definitions.length} event definitions)`, 'multiple-events', { type: node.type, count: definitions.length });
      return;
    }
    const definition = definitions[0];
    let kind: EventKind = 'none';
    if (definition) {
      const k = EVENT_DEFINITION_KINDS[definition.$type];
      if (!k) {
        this.notSupported(element, `${definition.$type.replace(/^bpmn:/, '')} on ${node.type}`, 'event-definition', { definition: definition.$type.replace(/^bpmn:/, ''), type: node.type });
        return;
      }
      kind = k;
    }
    if (!ALLOWED_EVENTS[node.type].includes(kind)) {
      if (kind === 'none' && node.type === 'boundaryEvent') this.error(element, 'bpmn.event-kind', 'Boundary event has no event definition.', undefined, { variant: 'boundary' });
      else if (kind === 'none' && node.type === 'intermediateCatchEvent') this.error(element, 'bpmn.event-kind', 'Intermediate catch event has no event definition.', undefined, { variant: 'catch' });
      else this.notSupported(element, `${/^[aeiou]/.test(kind) ? 'An' : 'A'} ${kind} ${node.type}`, 'event-kind', { kind, type: node.type });
      return;
    }
    const event: EventDef = { kind };
    switch (kind) {
      case 'message': {
        const message = definition.messageRef;
        if (!message?.name) {
          this.error(element, 'bpmn.message-ref', message ? `Message '${message.id}' has no name.` : 'Message event has no message (messageRef).', 'messageRef', message ? { variant: 'no-name', message: message.id } : { variant: 'none' });
        } else {
          event.messageName = message.name;
          const key = attr(message, 'sop', 'correlationKey', this.prefixes) ?? this.zeebeCorrelationKey(message);
          const expr = key !== undefined ? this.expr(key.startsWith('=') ? key : `=${key}`, message, 'correlationKey') : undefined;
          if (expr) event.correlationKey = expr;
        }
        break;
      }
      case 'signal': {
        const signal = definition.signalRef;
        if (!signal?.name) this.error(element, 'bpmn.signal-ref', 'Signal event has no signal name (signalRef).', 'signalRef');
        else event.signalName = signal.name;
        break;
      }
      case 'error': {
        // A catch whose error has no code catches every error (BPMN 2.0, ErrorEventDefinition).
        const error = definition.errorRef;
        const code = error?.errorCode ?? error?.name;
        if (code) {
          event.errorCode = String(code);
        } else if (error && node.type === 'endEvent') {
          this.error(element, 'bpmn.error-ref', `Error '${error.id}' has no errorCode.`, 'errorRef', { variant: 'no-code', error: error.id });
        } else if (node.type === 'endEvent') {
          this.error(element, 'bpmn.error-ref', 'Error end event must reference an error (errorRef) with an errorCode.', 'errorRef', { variant: 'none' });
        }
        break;
      }
      case 'escalation': {
        // As with errors, a catch whose escalation has no code catches every escalation.
        const escalation = definition.escalationRef;
        const code = escalation?.escalationCode ?? escalation?.name;
        const isThrow = node.type !== 'boundaryEvent' && node.type !== 'startEvent';
        if (code) {
          event.escalationCode = String(code);
        } else if (escalation && isThrow) {
          this.error(element, 'bpmn.escalation-ref', `Escalation '${escalation.id}' has no escalationCode.`, 'escalationRef', { variant: 'no-code', escalation: escalation.id });
        } else if (isThrow) {
          this.error(element, 'bpmn.escalation-ref', 'Escalation throw must reference an escalation (escalationRef) with an escalationCode.', 'escalationRef', { variant: 'none' });
        }
        break;
      }
      case 'link':
        event.linkName = definition.name ?? '';
        break;
      case 'timer':
        this.timer(element, definition, event);
        break;
      default:
        break;
    }
    node.event = event;
    if (node.type === 'boundaryEvent') {
      node.cancelActivity = element.cancelActivity !== false;
      if (kind === 'error' && !node.cancelActivity) {
        this.error(element, 'bpmn.error-interrupting', 'An error boundary event always interrupts (cancelActivity must not be false).', 'cancelActivity', { variant: 'boundary' });
      }
      if ((element.incoming?.length ?? 0) > 0) this.error(element, 'bpmn.flow-into-boundary', 'A boundary event has no incoming flows.', undefined, { variant: 'boundary' });
    }
    if (node.type === 'startEvent') node.interrupting = element.isInterrupting !== false;
    // A message start's form is compiled for whoever sends the message (the workbench renders and checks it); the engine checks none starts only.
    if (node.type === 'startEvent' && (!element.eventDefinitions?.length || kind === 'message')) this.form(element, node);
    if (node.type === 'intermediateThrowEvent' || node.type === 'endEvent') {
      if (kind === 'message') {
        const type = this.jobType(element, false);
        if (type) node.jobType = type;
      }
      const outputs = this.mappings(element, 'input');
      if (outputs.length) node.inputs = outputs;
    }
    if (node.type === 'intermediateCatchEvent' || node.type === 'boundaryEvent' || node.type === 'startEvent') {
      const outputs = this.mappings(element, 'output');
      if (outputs.length) node.outputs = outputs;
    }
  }

  private zeebeCorrelationKey(message: any): string | undefined {
    const subscription = extensionElements(message, 'zeebe', 'subscription', this.prefixes)[0];
    return plainAttr(subscription, 'correlationKey');
  }

  private timer(element: any, definition: any, event: EventDef): void {
    const kinds = (['timeDuration', 'timeDate', 'timeCycle'] as const).filter((k) => definition[k]);
    if (kinds.length !== 1) {
      this.error(element, 'timer.definition', kinds.length ? `Timer has ${kinds.join(' and ')}; exactly one is allowed.` : 'Timer has no timeDuration, timeDate or timeCycle.', undefined, kinds.length ? { variant: 'several', kinds } : { variant: 'none' });
      return;
    }
    const type = kinds[0];
    const raw = textOf(definition[type])?.trim() ?? '';
    if (raw === '') {
      this.error(element, 'timer.definition', `Timer ${type} is empty.`, type, { variant: 'empty', timerType: type });
      return;
    }
    const value = this.value(raw, element, type);
    if (value === undefined) return;
    if (typeof value === 'string') {
      try {
        parseTimer(type, value);
      } catch (error) {
        this.error(element, 'timer.invalid', (error as Error).message, type, { detail: (error as Error).message, timerType: type, value });
        return;
      }
    }
    event.timer = { type, value };
  }

  private activity(element: any, node: NodeDef): void {
    const p = this.prefixes;
    switch (node.type) {
      case 'userTask': {
        const assignment = this.assignment(element);
        if (assignment) node.assignment = assignment;
        const formKey = attr(element, 'sop', 'formKey', p) ?? attr(element, 'camunda', 'formKey', p);
        if (formKey) node.formKey = formKey;
        this.form(element, node);
        break;
      }
      case 'serviceTask':
      case 'sendTask': {
        const type = this.jobType(element, node.type === 'serviceTask');
        if (type) this.jobSettings(element, node, type);
        if (node.type === 'sendTask' && element.messageRef?.name) node.event = { kind: 'message', messageName: element.messageRef.name };
        if (node.type === 'sendTask' && !type && !element.messageRef?.name) {
          this.warn(element, 'bpmn.send-task', 'Send task has no job type and no message; it completes at once and only emits message.sent.');
        }
        break;
      }
      case 'scriptTask':
      case 'businessRuleTask':
        this.expressionTask(element, node);
        break;
      case 'receiveTask': {
        const message = element.messageRef;
        if (!message?.name) {
          this.error(element, 'bpmn.message-ref', 'Receive task has no message (messageRef with a name).', 'messageRef', { variant: 'receive-task' });
        } else {
          const key = attr(message, 'sop', 'correlationKey', p) ?? this.zeebeCorrelationKey(message);
          const expr = key !== undefined ? this.expr(key.startsWith('=') ? key : `=${key}`, message, 'correlationKey') : undefined;
          node.event = { kind: 'message', messageName: message.name, ...(expr ? { correlationKey: expr } : {}) };
        }
        break;
      }
      case 'callActivity': {
        const zeebeCalled = extensionElements(element, 'zeebe', 'calledElement', p)[0];
        const called = element.calledElement ?? plainAttr(zeebeCalled, 'processId');
        const value = this.value(called, element, 'calledElement');
        if (value !== undefined) node.calledElement = value;
        else if (attr(element, 'camunda', 'caseRef', p) !== undefined) this.notSupported(element, 'Call of a CMMN case (camunda:caseRef)', 'case-ref');
        else if (called === undefined || called.trim() === '') this.error(element, 'bpmn.called-element', 'Call activity has no calledElement (the id of the process to call).', 'calledElement');
        break;
      }
      default:
        break;
    }
    const inputs = this.mappings(element, 'input');
    const outputs = this.mappings(element, 'output');
    if (inputs.length) node.inputs = inputs;
    if (outputs.length) node.outputs = outputs;
    const loop = this.loop(element);
    if (loop) node.loop = loop;
    const sla = this.sla(element);
    if (sla) node.sla = sla;
  }

  private assignment(element: any): AssignmentDef | undefined {
    const p = this.prefixes;
    const zeebe = extensionElements(element, 'zeebe', 'assignmentDefinition', p)[0];
    const pick = (name: 'assignee' | 'candidateUsers' | 'candidateGroups'): Value | undefined => {
      const raw = attr(element, 'sop', name, p) ?? attr(element, 'camunda', name, p) ?? plainAttr(zeebe, name);
      return this.value(raw, element, name);
    };
    const assignment: AssignmentDef = {};
    const assignee = pick('assignee');
    const candidateUsers = pick('candidateUsers');
    const candidateGroups = pick('candidateGroups');
    if (assignee !== undefined) assignment.assignee = assignee;
    if (candidateUsers !== undefined) assignment.candidateUsers = candidateUsers;
    if (candidateGroups !== undefined) assignment.candidateGroups = candidateGroups;
    return Object.keys(assignment).length ? assignment : undefined;
  }

  private fields(element: any): FieldDef[] {
    const out: FieldDef[] = [];
    const types = ['string', 'text', 'number', 'boolean', 'date', 'enum', 'list'];
    for (const field of extensionElements(element, 'sop', 'field', this.prefixes)) {
      const name = plainAttr(field, 'name');
      if (!name) {
        this.error(element, 'sop.field', '<sop:field> has no name.', 'sop:field', { variant: 'no-name' });
        continue;
      }
      const type = plainAttr(field, 'type') ?? 'string';
      if (!types.includes(type)) {
        this.error(element, 'sop.field', `<sop:field name="${name}"> type '${type}' is not one of ${types.join(', ')}.`, 'sop:field', { variant: 'type', name, type, types });
        continue;
      }
      const def: FieldDef = { name, type: type as FieldDef['type'] };
      const label = plainAttr(field, 'label');
      if (label) def.label = label;
      if (plainAttr(field, 'required') === 'true') def.required = true;
      const pattern = plainAttr(field, 'pattern');
      if (pattern && this.pattern(pattern, element, `sop:field[${name}].pattern`)) def.pattern = pattern;
      const minLength = plainAttr(field, 'minLength');
      if (minLength !== undefined) {
        if (/^\d+$/.test(minLength.trim())) def.minLength = Number(minLength);
        else this.error(element, 'sop.field', `<sop:field name="${name}"> minLength '${minLength}' must be a whole number ≥ 0.`, `sop:field[${name}].minLength`, { variant: 'min-length', name, minLength });
      }
      const values = plainAttr(field, 'values');
      if (values) def.values = values.split(',').map((v) => v.trim()).filter(Boolean);
      const requiredWhen = this.expr(plainAttr(field, 'requiredWhen'), element, `sop:field[${name}].requiredWhen`);
      if (requiredWhen) def.requiredWhen = requiredWhen;
      out.push(def);
    }
    return out;
  }

  /** Whether a form's pattern is one the engine can check (linear-time RE2 syntax); reports it if not. */
  private pattern(pattern: string, element: any, attribute: string): boolean {
    try {
      compilePattern(pattern, '');
      return true;
    } catch (error) {
      this.error(element, 'form.pattern', `${(error as Error).message}: the form cannot check it (RE2 syntax: no look-around, no back-references).`, attribute, { detail: (error as Error).message });
      return false;
    }
  }

  /**
   * A user task's or none start event's form: an embedded form-js schema
   * (`<sop:form>`, or Camunda 8's `zeebe:formDefinition formKey="camunda-forms:bpmn:…"`
   * pointing at a `zeebe:userTaskForm` of the process), or `<sop:field>`s. One of them.
   */
  private form(element: any, node: NodeDef): void {
    const p = this.prefixes;
    const declared = this.fields(element);
    const sopForm = extensionElements(element, 'sop', 'form', p)[0];
    const zeebeForm = extensionElements(element, 'zeebe', 'formDefinition', p)[0];
    let schemaText: string | undefined;
    let source: 'sop:form' | 'zeebe:userTaskForm' | undefined;
    if (sopForm) {
      schemaText = textOf(sopForm) ?? '';
      source = 'sop:form';
    } else if (zeebeForm) {
      const formKey = plainAttr(zeebeForm, 'formKey');
      const formId = plainAttr(zeebeForm, 'formId');
      const embedded = formKey?.match(/^camunda-forms:bpmn:(.+)$/)?.[1];
      if (embedded) {
        let process = element.$parent;
        while (process && process.$type !== 'bpmn:Process') process = process.$parent;
        const holder = extensionElements(process, 'zeebe', 'userTaskForm', p).find((f: any) => plainAttr(f, 'id') === embedded);
        if (!holder) {
          this.error(element, 'form.missing', `zeebe:formDefinition formKey '${formKey}' names no zeebe:userTaskForm with id '${embedded}' in the process.`, 'zeebe:formDefinition', { formKey, form: embedded });
          return;
        }
        schemaText = textOf(holder) ?? '';
        source = 'zeebe:userTaskForm';
      } else {
        this.warn(element, 'form.linked', `The form ${formId ? `linked by id '${formId}'` : `'${formKey ?? ''}'`} is not in the diagram, so sopflow can neither show nor check it; embed it (sop:form) to have submissions checked.`, 'zeebe:formDefinition', { form: formId ?? formKey ?? '' });
      }
    }
    if (schemaText === undefined || !source) {
      if (declared.length) {
        node.fields = declared;
        node.form = { source: 'sop:field' };
      }
      return;
    }
    if (declared.length) this.error(element, 'form.twice', `The task declares both ${source} and <sop:field>s: keep one form.`, source, { source });
    if (schemaText.length > MAX_FORM_SCHEMA) {
      this.error(element, 'form.too-large', `The form schema is ${schemaText.length} characters; at most ${MAX_FORM_SCHEMA} are accepted.`, source, { length: schemaText.length, max: MAX_FORM_SCHEMA });
      return;
    }
    let schema: unknown;
    try {
      schema = JSON.parse(schemaText);
    } catch (error) {
      this.error(element, 'form.json', `The ${source} is not a JSON form-js schema: ${(error as Error).message}.`, source, { source, detail: (error as Error).message });
      return;
    }
    const { fields, problems } = fieldsOfFormSchema(schema);
    for (const problem of problems) this.error(element, 'form.schema', `${source} ${problem.path || 'schema'}: ${problem.message}.`, source, { source, path: problem.path || 'schema', detail: problem.message });
    for (const field of fields) {
      for (const [what, expr] of [['conditional.hide', field.hiddenWhen], ...(['minLength', 'maxLength', 'min', 'max'] as const).map((b) => [`validate.${b}`, field[b]] as const)] as const) {
        if (expr && typeof expr === 'object' && !this.expr(`=${expr.feel}`, element, `${source} ${field.name} ${what}`)) return;
      }
      if (field.pattern && !this.pattern(field.pattern, element, `${source} ${field.name} validate.pattern`)) return;
    }
    if (problems.length) return;
    node.form = { source, schema };
    if (fields.length) node.fields = fields;
  }

  /** Job type from sop:, Zeebe or Camunda 7 attributes; the element id when `fallbackToId`. */
  private jobType(element: any, fallbackToId: boolean): string | undefined {
    const p = this.prefixes;
    const zeebe = extensionElements(element, 'zeebe', 'taskDefinition', p)[0];
    const camundaType = attr(element, 'camunda', 'type', p);
    const type =
      attr(element, 'sop', 'type', p) ??
      plainAttr(zeebe, 'type') ??
      (camundaType === 'external' ? attr(element, 'camunda', 'topic', p) : undefined) ??
      attr(element, 'camunda', 'class', p) ??
      attr(element, 'camunda', 'delegateExpression', p) ??
      attr(element, 'camunda', 'expression', p);
    if (type) return type.trim();
    return fallbackToId ? element.id : undefined;
  }

  private jobSettings(element: any, node: NodeDef, type: string): void {
    const p = this.prefixes;
    const zeebe = extensionElements(element, 'zeebe', 'taskDefinition', p)[0];
    node.jobType = type;
    const retriesText = attr(element, 'sop', 'retries', p) ?? plainAttr(zeebe, 'retries');
    if (retriesText !== undefined) {
      const retries = Number(retriesText);
      if (!Number.isInteger(retries) || retries < 0) this.error(element, 'job.retries', `Retries '${retriesText}' must be a whole number ≥ 0.`, 'retries', { retries: retriesText });
      else node.retries = retries;
    }
    const backoff = this.duration(attr(element, 'sop', 'retryBackoff', p), element, 'sop:retryBackoff');
    if (backoff) node.retryBackoff = backoff;
    const timeout = this.duration(attr(element, 'sop', 'timeout', p), element, 'sop:timeout');
    if (timeout) node.jobTimeout = timeout;
  }

  private expressionTask(element: any, node: NodeDef): void {
    const p = this.prefixes;
    const zeebeScript = extensionElements(element, 'zeebe', 'script', p)[0];
    let expression = attr(element, 'sop', 'expression', p) ?? plainAttr(zeebeScript, 'expression');
    let resultVariable = attr(element, 'sop', 'resultVariable', p) ?? plainAttr(zeebeScript, 'resultVariable') ?? attr(element, 'camunda', 'resultVariable', p);
    const resource = node.type === 'scriptTask' ? attr(element, 'camunda', 'resource', p) : undefined;
    if (expression === undefined && node.type === 'scriptTask' && (element.script !== undefined || resource !== undefined)) {
      const format = String(element.scriptFormat ?? '').toLowerCase();
      if (format !== 'feel') {
        this.notSupported(element, `Script in '${element.scriptFormat ?? 'an unspecified language'}' (sopflow runs FEEL scripts only: scriptFormat="feel")`, 'script-format', { format: element.scriptFormat ?? '' });
        return;
      }
      if (element.script === undefined) {
        this.notSupported(element, `Script loaded from camunda:resource '${resource}' (write the FEEL script in the diagram)`, 'script-resource', { resource: resource ?? '' });
        return;
      }
      expression = element.script;
    }
    if (node.type === 'businessRuleTask') {
      const decision = attr(element, 'camunda', 'decisionRef', p) ?? extensionElements(element, 'zeebe', 'calledDecision', p)[0];
      if (decision && expression === undefined) {
        this.notSupported(element, 'DMN decision (use sop:expression with FEEL, or a job type)', 'dmn');
        return;
      }
    }
    if (expression !== undefined) {
      const expr = this.expr(expression.trim().startsWith('=') ? expression : `=${expression}`, element, 'sop:expression');
      if (expr) node.expression = expr;
      if (resultVariable) node.resultVariable = resultVariable.trim();
      else this.warn(element, 'sop.result-variable', 'The expression result is not stored: set sop:resultVariable.', 'sop:resultVariable');
      return;
    }
    const type = this.jobType(element, false);
    if (type) {
      this.jobSettings(element, node, type);
      return;
    }
    void resultVariable;
    this.error(element, 'sop.expression', `${node.type === 'scriptTask' ? 'Script' : 'Business rule'} task has neither a FEEL expression (sop:expression) nor a job type (sop:type).`, 'sop:expression', { type: node.type });
  }

  private mappings(element: any, direction: 'input' | 'output'): Mapping[] {
    const p = this.prefixes;
    const out: Mapping[] = [];
    const add = (source: string | undefined, target: string | undefined, where: string) => {
      if (!target) {
        this.error(element, 'mapping.target', `A ${direction} mapping has no target variable.`, where, { direction });
        return;
      }
      const src = source === undefined || source.trim() === '' ? target : source;
      const expr = this.expr(/^\s*[=$#]/.test(src) ? src : `=${src}`, element, `${where}[${target}]`);
      if (expr) out.push({ source: expr, target });
    };
    for (const m of extensionElements(element, 'sop', direction, p)) add(plainAttr(m, 'source'), plainAttr(m, 'target'), `sop:${direction}`);
    for (const io of extensionElements(element, 'zeebe', 'ioMapping', p)) {
      for (const m of childElements(io, direction, p)) {
        const source = plainAttr(m, 'source');
        const target = plainAttr(m, 'target');
        // Zeebe: an input source without `=` is a static string; an output source must be an expression.
        if (source === undefined || source.trim() === '' || /^\s*=/.test(source)) add(source, target, `zeebe:${direction}`);
        else if (direction === 'input') add(JSON.stringify(source), target, 'zeebe:input');
        else this.error(element, 'mapping.source', `zeebe:output source '${source}' is not an expression: Zeebe output mappings start with '=' (e.g. '=${source.trim()}').`, `zeebe:output[${target ?? ''}]`, { source, suggestion: `=${source.trim()}` });
      }
    }
    if (element.$type === 'bpmn:CallActivity') {
      for (const m of extensionElements(element, 'camunda', direction === 'input' ? 'in' : 'out', p)) {
        if (plainAttr(m, 'variables') === 'all') {
          out.push({ source: { feel: '__all__' }, target: '*' });
          continue;
        }
        if (plainAttr(m, 'businessKey') !== undefined) continue;
        const source = plainAttr(m, 'sourceExpression') ?? plainAttr(m, 'source');
        add(source, plainAttr(m, 'target'), `camunda:${direction === 'input' ? 'in' : 'out'}`);
      }
    }
    const camundaIo = extensionElements(element, 'camunda', 'inputOutput', p)[0];
    if (camundaIo) {
      for (const param of childElements(camundaIo, direction === 'input' ? 'inputParameter' : 'outputParameter', p)) {
        const name = plainAttr(param, 'name');
        const body = textOf(param)?.trim();
        const nested = (param.definition ?? param.$children?.[0]) !== undefined;
        if (nested) {
          this.notSupported(element, `camunda:${direction}Parameter '${name}' with a script, list or map`, 'camunda-parameter', { direction, name: name ?? '' });
          continue;
        }
        if (body === undefined || body === '') add('null', name, `camunda:${direction}Parameter`);
        else if (/^[$#]\{/.test(body)) add(body, name, `camunda:${direction}Parameter`);
        else if (/[$#]\{/.test(body)) this.juelTemplate(body, element, `camunda:${direction}Parameter[${name}]`);
        else add(JSON.stringify(body), name, `camunda:${direction}Parameter`);
      }
    }
    return out;
  }

  private loop(element: any): LoopDef | undefined {
    const lc = element.loopCharacteristics;
    if (!lc) return undefined;
    const p = this.prefixes;
    if (lc.$type === 'bpmn:StandardLoopCharacteristics') {
      const loop: LoopDef = { kind: 'standard', testBefore: lc.testBefore === true };
      const condition = this.expr(textOf(lc.loopCondition) ?? attr(lc, 'camunda', 'loopCondition', p), element, 'loopCondition');
      if (condition) loop.loopCondition = condition;
      else this.error(element, 'loop.condition', 'Standard loop has no loopCondition.', 'loopCondition');
      if (lc.loopMaximum !== undefined) loop.loopMaximum = Number(lc.loopMaximum);
      return loop;
    }
    const zeebe = extensionElements(lc, 'zeebe', 'loopCharacteristics', p)[0];
    const loop: LoopDef = { kind: lc.isSequential ? 'sequential' : 'parallel' };
    const cardinality = this.expr(textOf(lc.loopCardinality), element, 'loopCardinality');
    if (cardinality) loop.cardinality = cardinality;
    let collection = attr(lc, 'sop', 'collection', p) ?? plainAttr(zeebe, 'inputCollection') ?? attr(lc, 'camunda', 'collection', p);
    if (collection !== undefined && !/^\s*[=$#]/.test(collection)) collection = `=${collection}`;
    const collectionExpr = this.expr(collection, element, 'collection');
    if (collectionExpr) loop.collection = collectionExpr;
    const elementVariable = attr(lc, 'sop', 'elementVariable', p) ?? plainAttr(zeebe, 'inputElement') ?? attr(lc, 'camunda', 'elementVariable', p);
    if (elementVariable) loop.elementVariable = elementVariable;
    const outputCollection = attr(lc, 'sop', 'outputCollection', p) ?? plainAttr(zeebe, 'outputCollection');
    if (outputCollection) loop.outputCollection = outputCollection;
    let outputElement = attr(lc, 'sop', 'outputElement', p) ?? plainAttr(zeebe, 'outputElement');
    if (outputElement !== undefined && !/^\s*=/.test(outputElement)) outputElement = `=${outputElement}`;
    const outputElementExpr = this.expr(outputElement, element, 'outputElement');
    if (outputElementExpr) loop.outputElement = outputElementExpr;
    const completion = this.expr(textOf(lc.completionCondition), element, 'completionCondition');
    if (completion) loop.completionCondition = completion;
    if (!loop.cardinality && !loop.collection) {
      if (lc.loopDataInputRef) this.notSupported(element, 'Multi-instance over loopDataInputRef (use sop:collection)', 'loop-data-input');
      else this.error(element, 'loop.input', 'Multi-instance has neither loopCardinality nor a collection (sop:collection).', 'loopCharacteristics');
    }
    if (loop.outputCollection && !loop.outputElement) {
      this.error(element, 'loop.output', 'sop:outputCollection needs sop:outputElement (what each instance contributes).', 'outputElement');
    }
    return loop;
  }

  private sla(element: any): SlaDef | undefined {
    const p = this.prefixes;
    const slaRaw = attr(element, 'sop', 'sla', p);
    const calendarRaw = attr(element, 'sop', 'calendar', p);
    const departmentRaw = attr(element, 'sop', 'department', p);
    const ruleElements = extensionElements(element, 'sop', 'escalation', p);
    if (slaRaw === undefined && calendarRaw === undefined && departmentRaw === undefined && ruleElements.length === 0) return undefined;
    const sla: SlaDef = { rules: [] };
    const slaValue = this.value(slaRaw, element, 'sop:sla');
    if (typeof slaValue === 'string') {
      if (this.duration(slaValue, element, 'sop:sla')) sla.sla = slaValue;
    } else if (slaValue) sla.sla = slaValue;
    const calendar = this.value(calendarRaw, element, 'sop:calendar');
    if (calendar !== undefined) sla.calendar = calendar;
    const department = this.value(departmentRaw, element, 'sop:department');
    if (department !== undefined) sla.department = department;
    ruleElements.forEach((r, index) => {
      const rule = this.rule(element, r, index);
      if (rule) sla.rules.push(rule);
    });
    if (sla.rules.some((r) => 'fraction' in r.at) && sla.sla === undefined && slaRaw === undefined) {
      this.error(element, 'sla.missing', 'An escalation rule fires at a share of the SLA, but the element has no sop:sla.', 'sop:sla');
    }
    return sla;
  }

  private rule(element: any, r: any, index: number): RuleDef | undefined {
    const where = `sop:escalation[${index + 1}]`;
    const atText = plainAttr(r, 'at')?.trim();
    const action = plainAttr(r, 'action')?.trim();
    let at: RuleDef['at'] | undefined;
    if (!atText) {
      this.error(element, 'sla.rule', `${where} has no 'at' (e.g. at="75%" or at="PT4H").`, where, { variant: 'no-at', rule: where });
    } else if (/^\d+(\.\d+)?%$/.test(atText)) {
      at = { fraction: Number(atText.slice(0, -1)) / 100 };
    } else {
      const d = this.duration(atText, element, `${where}.at`);
      if (d) at = { duration: d };
    }
    const actions = ['remind', 'escalate', 'reassign', 'notify'];
    if (!action || !actions.includes(action)) {
      this.error(element, 'sla.rule', `${where} action '${action ?? ''}' must be one of ${actions.join(', ')}.`, where, { variant: 'action', rule: where, action: action ?? '', actions });
      return undefined;
    }
    if (!at) return undefined;
    const rule: RuleDef = { at, action: action as RuleDef['action'] };
    const every = plainAttr(r, 'every');
    if (every) {
      const d = this.duration(every, element, `${where}.every`);
      if (d) rule.every = d;
    }
    const times = plainAttr(r, 'times');
    if (times !== undefined) {
      const n = Number(times);
      if (!Number.isInteger(n) || n < 1) this.error(element, 'sla.rule', `${where} times '${times}' must be a whole number ≥ 1.`, where, { variant: 'times', rule: where, times });
      else rule.times = n;
    }
    const code = plainAttr(r, 'escalationCode');
    if (action === 'escalate') {
      if (!code) this.error(element, 'sla.rule', `${where} with action="escalate" needs an escalationCode.`, where, { variant: 'escalation-code', rule: where });
      else rule.escalationCode = code;
    }
    const target = this.value(plainAttr(r, 'target'), element, `${where}.target`);
    if (action === 'reassign' || action === 'notify') {
      if (target === undefined) this.error(element, 'sla.rule', `${where} with action="${action}" needs a target (group:<id> or user:<id>).`, where, { variant: 'no-target', rule: where, action });
      else if (typeof target === 'string' && !target.split(',').every((t) => /^(group|user):\S+$/.test(t.trim()))) {
        this.error(element, 'sla.rule', `${where} target '${target}' must be a comma list of group:<id> / user:<id>.`, where, { variant: 'target', rule: where, target });
      } else if (typeof target !== 'string' && refusedLiteralTarget(target.feel)) {
        // A FEEL string (or list of strings) is known at deploy: check it as a literal target.
        this.error(element, 'sla.rule', `${where} target '=${target.feel}' must give group:<id> / user:<id> entries.`, where, { variant: 'target', rule: where, target: `=${target.feel}` });
      } else rule.target = target;
    }
    const message = plainAttr(r, 'message');
    if (message) rule.message = message;
    return rule;
  }
}

/**
 * The entries of a FEEL target that is only string literals (`"user:ann"`,
 * `["group:a", "user:b"]`), split on commas as at run time; `undefined` when
 * the expression computes anything. Pure.
 */
function literalTargets(feel: string): string[] | undefined {
  const text = feel.trim();
  const string = /^"([^"\\]*)"$/;
  const one = string.exec(text);
  if (one) return one[1].split(',').map((t) => t.trim()).filter(Boolean);
  const list = /^\[(.*)\]$/s.exec(text);
  if (!list) return undefined;
  const items = list[1].trim() === '' ? [] : list[1].split(',').map((item) => string.exec(item.trim()));
  if (items.some((item) => !item)) return undefined;
  return items.map((item) => item![1]);
}

/** Whether a FEEL target known at deploy (see {@link literalTargets}) names nobody or holds an entry without `group:`/`user:`. Pure. */
function refusedLiteralTarget(feel: string): boolean {
  const targets = literalTargets(feel);
  return targets !== undefined && (targets.length === 0 || targets.some((t) => !/^(group|user):\S+$/.test(t.trim())));
}

/** True for tasks, sub-processes and call activities. */
export function isActivity(type: NodeType): boolean {
  return (
    type === 'task' ||
    type === 'userTask' ||
    type === 'manualTask' ||
    type === 'serviceTask' ||
    type === 'scriptTask' ||
    type === 'businessRuleTask' ||
    type === 'sendTask' ||
    type === 'receiveTask' ||
    type === 'subProcess' ||
    type === 'callActivity'
  );
}

/**
 * Compiles the executable processes of a parsed BPMN document. Pure.
 * @throws UnsupportedElementError listing every element sopflow cannot run
 * @throws BpmnValidationError listing every other problem (element, attribute, expectation)
 */
export function compile(definitions: any, options: CompileOptions = {}): CompileResult {
  const compiler = new Compiler(options);
  const processes = compiler.compile(definitions);
  if (compiler.unsupported.length) throw new UnsupportedElementError(compiler.unsupported);
  if (compiler.problems.length) throw new BpmnValidationError(compiler.problems);
  return { processes, warnings: compiler.warnings };
}
