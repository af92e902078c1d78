/**
 * The compiled, normalised process definition: plain JSON, stored with the
 * deployment and turned into a runtime (compiled FEEL, reachability tables,
 * xstate machine) once per deployment.
 *
 * Expressions are kept as FEEL source here (`Expr`); `Value` fields hold
 * either a literal or an expression, as the `sop:` attributes do.
 */

/** A FEEL expression, as written (without the leading `=`). */
export interface Expr {
  feel: string;
}

/** An attribute that is a literal unless it starts with `=`. */
export type Value = string | Expr;

export type NodeType =
  | 'startEvent'
  | 'endEvent'
  | 'intermediateCatchEvent'
  | 'intermediateThrowEvent'
  | 'boundaryEvent'
  | 'task'
  | 'userTask'
  | 'manualTask'
  | 'serviceTask'
  | 'scriptTask'
  | 'businessRuleTask'
  | 'sendTask'
  | 'receiveTask'
  | 'exclusiveGateway'
  | 'parallelGateway'
  | 'inclusiveGateway'
  | 'eventBasedGateway'
  | 'subProcess'
  | 'callActivity';

export type EventKind = 'none' | 'message' | 'timer' | 'signal' | 'error' | 'escalation' | 'terminate' | 'link';

export interface TimerDef {
  /** Which BPMN timer property was used. */
  type: 'timeDuration' | 'timeDate' | 'timeCycle';
  /** The literal ISO 8601 / cron text, or a FEEL expression yielding one. */
  value: Value;
}

export interface EventDef {
  kind: EventKind;
  messageName?: string;
  /** FEEL evaluated when the subscription opens; default: the business key. */
  correlationKey?: Expr;
  signalName?: string;
  /** Absent on a catch: catches every error / escalation. */
  errorCode?: string;
  escalationCode?: string;
  linkName?: string;
  timer?: TimerDef;
}

export interface Mapping {
  source: Expr;
  target: string;
}

export interface AssignmentDef {
  assignee?: Value;
  candidateUsers?: Value;
  candidateGroups?: Value;
}

export interface LoopDef {
  kind: 'parallel' | 'sequential' | 'standard';
  cardinality?: Expr;
  collection?: Expr;
  elementVariable?: string;
  completionCondition?: Expr;
  outputCollection?: string;
  outputElement?: Expr;
  /** Standard loop: repeat while this holds. */
  loopCondition?: Expr;
  testBefore?: boolean;
  loopMaximum?: number;
}

export type RuleAction = 'remind' | 'escalate' | 'reassign' | 'notify';

/** One `<sop:escalation>` SLA rule. */
export interface RuleDef {
  /** Share of the SLA (0.75) or an offset from the activity's start. */
  at: { fraction: number } | { duration: string };
  every?: string;
  times?: number;
  action: RuleAction;
  escalationCode?: string;
  target?: Value;
  message?: string;
}

export interface SlaDef {
  sla?: Value;
  calendar?: Value;
  department?: Value;
  rules: RuleDef[];
}

/**
 * One input of a task or start form: from a `<sop:field>`, or from a keyed
 * component of a form-js schema. The engine checks submitted data against
 * these before a task completes (see forms/checkForm.ts).
 */
export interface FieldDef {
  /** The variable; a form-js group's `path` prefixes it (`address.city`). */
  name: string;
  label?: string;
  type: 'string' | 'text' | 'number' | 'boolean' | 'date' | 'time' | 'datetime' | 'enum' | 'list';
  required?: boolean;
  /** A required checkbox must be ticked (form-js); a required yes/no field only answered. */
  checked?: boolean;
  requiredWhen?: Expr;
  /** Not shown, so neither required nor checked, while this holds (form-js `conditional.hide`). */
  hiddenWhen?: Expr;
  pattern?: string;
  /** The pattern may match anywhere (form-js); otherwise the whole value (`<sop:field>`). */
  patternSearch?: boolean;
  format?: 'email' | 'phone';
  minLength?: number | Expr;
  maxLength?: number | Expr;
  min?: number | Expr;
  max?: number | Expr;
  /** A form-js number field with `serializeToString`: the number arrives as text. */
  numberAsText?: boolean;
  values?: string[];
}

/** Where a form came from, and its form-js schema when the diagram has one. */
export interface FormDef {
  source: 'sop:form' | 'zeebe:userTaskForm' | 'sop:field';
  /** form-js schema from the diagram; absent for `<sop:field>` forms (render `formSchemaOfFields(node.fields)`). */
  schema?: unknown;
}

export interface NodeDef {
  id: string;
  name?: string;
  type: NodeType;
  /** Id of the scope (process or sub-process node) the node is drawn in. */
  scope: string;
  incoming: string[];
  outgoing: string[];
  /** Default flow of a gateway or activity. */
  default?: string;

  event?: EventDef;
  /** Boundary events: the activity they sit on and whether they interrupt it. */
  attachedTo?: string;
  cancelActivity?: boolean;
  /** Activities: ids of their boundary events, in document order. */
  boundaries?: string[];

  assignment?: AssignmentDef;
  formKey?: string;
  /**
   * User tasks and none or message start events with a form: its field
   * rules, checked before the task completes or the case starts (not for
   * a message start: its sender checks them, as the workbench does).
   */
  fields?: FieldDef[];
  form?: FormDef;
  jobType?: string;
  retries?: number;
  retryBackoff?: string;
  jobTimeout?: string;
  expression?: Expr;
  resultVariable?: string;
  inputs?: Mapping[];
  outputs?: Mapping[];
  loop?: LoopDef;
  calledElement?: Value;
  sla?: SlaDef;

  /** Sub-process: true when it is an event sub-process (triggeredByEvent). */
  triggeredByEvent?: boolean;
  /** Event sub-process start events: whether they interrupt the enclosing scope. */
  interrupting?: boolean;
}

export interface FlowDef {
  id: string;
  name?: string;
  source: string;
  target: string;
  condition?: Expr;
}

/** A process or a sub-process: the nodes drawn directly inside it. */
export interface ScopeDef {
  id: string;
  kind: 'process' | 'subProcess' | 'eventSubProcess';
  parent?: string;
  nodes: string[];
  /** The none start event a token enters by (sub-processes; the process's default start). */
  noneStart?: string;
  /** Start events with triggers (process level) or the single start of an event sub-process. */
  triggeredStarts: string[];
  /** Event sub-processes drawn directly in this scope. */
  eventSubProcesses: string[];
}

export interface ProcessDefinition {
  /** Format version of this JSON, for stores holding old deployments. */
  format: 1;
  id: string;
  name?: string;
  version: number;
  /** `${id}:${version}` — how instances refer to their definition. */
  key: string;
  versionTag?: string;
  sensitive: string[];
  sla?: SlaDef;
  nodes: Record<string, NodeDef>;
  flows: Record<string, FlowDef>;
  scopes: Record<string, ScopeDef>;
}

/** Human label of a node for messages: `'Review order' (Task_1)`. */
export function describeNode(node: Pick<NodeDef, 'id' | 'name'>): string {
  return node.name ? `'${node.name}' (${node.id})` : node.id;
}
