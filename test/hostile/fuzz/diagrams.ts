/**
 * fast-check generators of random BPMN diagrams the engine should run: a
 * process is a tree of blocks (sequences, exclusive / parallel / inclusive
 * splits and joins, loops, event-based races, sub-processes) over the
 * activities sopflow supports (user, service, script tasks, timer, message
 * and signal catches, signal throws, error ends, call activities of a
 * second generated process), with boundary events.
 * Blocks keep the graph structured enough to deploy; a few generated
 * diagrams are then broken on purpose ({@link Corruption}) to check that a
 * refused deploy is a typed error. Pure: the XML is a function of the value.
 */
import fc from 'fast-check';

export const MESSAGES = ['m1', 'm2'] as const;
export const SIGNALS = ['s1', 's2'] as const;
export const ERROR_CODES = ['E', 'F'] as const;
export const GROUPS = ['g1', 'g2'] as const;

export type MessageName = (typeof MESSAGES)[number];
export type SignalName = (typeof SIGNALS)[number];

/** What follows a boundary event: an end at once, or a user task first. */
export type After = 'end' | 'task';

export type Boundary =
  | { on: 'timer'; duration: string; interrupting: boolean; then: After }
  | { on: 'message'; name: MessageName; interrupting: boolean; then: After }
  | { on: 'signal'; name: SignalName; interrupting: boolean; then: After }
  | { on: 'error'; code: string | null; then: After };

export type Activity =
  | { kind: 'user'; groups: string[]; assignee: string | null; sla: string | null; multi: { sequential: boolean; n: number } | null; boundaries: Boundary[] }
  | { kind: 'service'; type: 'auto' | 'ext'; retries: number; boundaries: Boundary[] }
  | { kind: 'script'; expression: string; result: string }
  | { kind: 'timer'; duration: string }
  | { kind: 'message'; name: MessageName }
  | { kind: 'signalCatch'; name: SignalName }
  | { kind: 'signalThrow'; name: SignalName }
  | { kind: 'call'; boundaries: Boundary[] }
  | { kind: 'none' };

/** A catch event of an event-based gateway. */
export type RaceArm = { kind: 'timer'; duration: string } | { kind: 'message'; name: MessageName } | { kind: 'signalCatch'; name: SignalName };

export type Block =
  | { kind: 'act'; act: Activity }
  | { kind: 'seq'; items: Block[] }
  /** Exclusive split and merge; a branch may end in an error end event instead of reaching the merge. */
  | { kind: 'xor'; branches: Array<{ cond: string; body: Block | 'fail' }>; withDefault: boolean; failCode: string }
  | { kind: 'and'; branches: Block[] }
  | { kind: 'or'; branches: Array<{ cond: string; body: Block }>; withDefault: boolean }
  | { kind: 'sub'; body: Block; boundaries: Boundary[] }
  /** Body, then a counter; an exclusive gateway goes back while the counter is below `times`. */
  | { kind: 'loop'; body: Block; times: number }
  | { kind: 'race'; arms: RaceArm[] };

/** A deliberate defect, for the invariant "a refused deploy is a typed error". */
export type Corruption =
  | { kind: 'none' }
  | { kind: 'dangling-flow' }
  | { kind: 'bad-feel' }
  | { kind: 'unsupported-element' }
  | { kind: 'duplicate-id' }
  | { kind: 'bad-duration' }
  | { kind: 'truncated'; at: number }
  | { kind: 'no-start' };

export interface Diagram {
  body: Block;
  /** The process `fz-child` that call activities call. */
  child: Block;
  /** An interrupting or not event sub-process at process level. */
  eventSub: { on: 'message'; name: MessageName; interrupting: boolean } | { on: 'error'; code: string } | null;
  corruption: Corruption;
}

// ---------------------------------------------------------------- generators

const duration = fc.constantFrom('PT5M', 'PT30M', 'PT1H', 'PT4H', 'P1D');
const message = fc.constantFrom(...MESSAGES);
const signal = fc.constantFrom(...SIGNALS);
const after = fc.constantFrom<After>('end', 'task');

/** Conditions over the variables commands set (x: integer, flag: boolean, name: string), some null-safe, some not. */
export const condition = fc.constantFrom(
  '=x > 5',
  '=x <= 5',
  '=x = 3',
  '=flag',
  '=flag = false',
  '=not(flag)',
  '=x = null',
  '=missing > 1',
  '=string length(name) > 3',
  '=x > 0 and flag',
  '=x mod 2 = 0',
  '=true',
  '=false',
);

const scriptExpression = fc.constantFrom(
  { expression: '=x + 1', result: 'x' },
  { expression: '=if flag then x * 2 else 0', result: 'x' },
  { expression: '=not(flag)', result: 'flag' },
  { expression: '=upper case(name)', result: 'name' },
  { expression: '=count([1, 2, x])', result: 'n' },
  { expression: '=x / 0', result: 'q' },
  { expression: '=date("2026-13-45")', result: 'd' },
  { expression: '={a: x, b: [flag, name]}', result: 'obj' },
  { expression: '=sum(for i in 1..x return i)', result: 'total' },
);

const boundary: fc.Arbitrary<Boundary> = fc.oneof(
  fc.record({ on: fc.constant('timer' as const), duration, interrupting: fc.boolean(), then: after }),
  fc.record({ on: fc.constant('message' as const), name: message, interrupting: fc.boolean(), then: after }),
  fc.record({ on: fc.constant('signal' as const), name: signal, interrupting: fc.boolean(), then: after }),
  fc.record({ on: fc.constant('error' as const), code: fc.constantFrom<string | null>('E', 'F', null), then: after }),
);
const boundaries = fc.array(boundary, { maxLength: 2 });
/** Tasks and activities without error boundaries (nothing inside them throws one). */
const nonErrorBoundaries = fc.array(boundary.filter((b) => b.on !== 'error'), { maxLength: 2 });

const activity: fc.Arbitrary<Activity> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('user' as const),
      groups: fc.subarray([...GROUPS], { minLength: 1 }),
      assignee: fc.constantFrom<string | null>(null, null, 'alice', '=owner'),
      sla: fc.constantFrom<string | null>(null, 'PT2H'),
      multi: fc.option(fc.record({ sequential: fc.boolean(), n: fc.integer({ min: 1, max: 3 }) }), { freq: 5 }),
      boundaries: nonErrorBoundaries,
    }),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('service' as const), type: fc.constantFrom<'auto' | 'ext'>('auto', 'ext'), retries: fc.integer({ min: 1, max: 3 }), boundaries }) },
  { weight: 2, arbitrary: scriptExpression.map(({ expression, result }) => ({ kind: 'script' as const, expression, result })) },
  { weight: 2, arbitrary: duration.map((d) => ({ kind: 'timer' as const, duration: d })) },
  { weight: 2, arbitrary: message.map((name) => ({ kind: 'message' as const, name })) },
  { weight: 1, arbitrary: signal.map((name) => ({ kind: 'signalCatch' as const, name })) },
  { weight: 1, arbitrary: signal.map((name) => ({ kind: 'signalThrow' as const, name })) },
  { weight: 1, arbitrary: boundaries.map((b) => ({ kind: 'call' as const, boundaries: b })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
);

const raceArm: fc.Arbitrary<RaceArm> = fc.oneof(
  duration.map((d) => ({ kind: 'timer' as const, duration: d })),
  message.map((name) => ({ kind: 'message' as const, name })),
  signal.map((name) => ({ kind: 'signalCatch' as const, name })),
);

const { block } = fc.letrec<{ block: Block; compound: Block }>((tie) => ({
  block: fc.oneof({ maxDepth: 3, depthIdentifier: 'block', withCrossShrink: true }, { weight: 3, arbitrary: activity.map((act) => ({ kind: 'act' as const, act })) }, { weight: 2, arbitrary: tie('compound') }),
  compound: fc.oneof(
    { weight: 3, arbitrary: fc.array(tie('block'), { minLength: 2, maxLength: 3 }).map((items) => ({ kind: 'seq' as const, items })) },
    {
      weight: 2,
      arbitrary: fc
        .record({
          branches: fc.array(fc.record({ cond: condition, body: fc.oneof({ weight: 5, arbitrary: tie('block') }, { weight: 1, arbitrary: fc.constant('fail' as const) }) }), { minLength: 1, maxLength: 3 }),
          withDefault: fc.boolean(),
          failCode: fc.constantFrom(...ERROR_CODES),
        })
        // At least one branch reaches the merge.
        .filter((x) => x.branches.some((b) => b.body !== 'fail'))
        .map((x) => ({ kind: 'xor' as const, ...x })),
    },
    { weight: 2, arbitrary: fc.array(tie('block'), { minLength: 2, maxLength: 3 }).map((branches) => ({ kind: 'and' as const, branches })) },
    {
      weight: 1,
      arbitrary: fc
        .record({ branches: fc.array(fc.record({ cond: condition, body: tie('block') }), { minLength: 1, maxLength: 3 }), withDefault: fc.boolean() })
        .map((x) => ({ kind: 'or' as const, ...x })),
    },
    { weight: 1, arbitrary: fc.record({ body: tie('block'), boundaries }).map((x) => ({ kind: 'sub' as const, ...x })) },
    { weight: 1, arbitrary: fc.record({ body: tie('block'), times: fc.integer({ min: 1, max: 3 }) }).map((x) => ({ kind: 'loop' as const, ...x })) },
    { weight: 1, arbitrary: fc.array(raceArm, { minLength: 2, maxLength: 3 }).map((arms) => ({ kind: 'race' as const, arms })) },
  ),
}));

const corruption: fc.Arbitrary<Corruption> = fc.oneof(
  { weight: 24, arbitrary: fc.constant({ kind: 'none' as const }) },
  {
    weight: 4,
    arbitrary: fc.oneof(
      fc.constantFrom<Corruption>(
        { kind: 'dangling-flow' },
        { kind: 'bad-feel' },
        { kind: 'unsupported-element' },
        { kind: 'duplicate-id' },
        { kind: 'bad-duration' },
        { kind: 'no-start' },
      ),
      fc.double({ min: 0, max: 1, noNaN: true }).map((at) => ({ kind: 'truncated' as const, at })),
    ),
  },
);

/** The called process: activities only, so a call never calls again. */
const childBlock: fc.Arbitrary<Block> = fc
  .array(activity.filter((a) => a.kind !== 'call'), { minLength: 1, maxLength: 3 })
  .map((acts) => (acts.length === 1 ? { kind: 'act' as const, act: acts[0] } : { kind: 'seq' as const, items: acts.map((act) => ({ kind: 'act' as const, act })) }));

/** A random diagram (most of them valid). */
export const diagram: fc.Arbitrary<Diagram> = fc.record({
  body: block,
  child: childBlock,
  eventSub: fc.option(
    fc.oneof(
      fc.record({ on: fc.constant('message' as const), name: message, interrupting: fc.boolean() }),
      fc.record({ on: fc.constant('error' as const), code: fc.constantFrom(...ERROR_CODES) }),
    ),
    { freq: 4 },
  ),
  corruption,
});

// ---------------------------------------------------------------- XML

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** One process or sub-process body being written. */
class Scope {
  readonly lines: string[] = [];
}

class Writer {
  private n = 0;
  private f = 0;

  id(prefix = 'n'): string {
    return `${prefix}${++this.n}`;
  }

  flow(scope: Scope, from: string, to: string, cond?: string): string {
    const id = `f${++this.f}`;
    scope.lines.push(
      cond === undefined
        ? `<bpmn:sequenceFlow id="${id}" sourceRef="${from}" targetRef="${to}"/>`
        : `<bpmn:sequenceFlow id="${id}" sourceRef="${from}" targetRef="${to}"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${escape(cond)}</bpmn:conditionExpression></bpmn:sequenceFlow>`,
    );
    return id;
  }

  /** A flow id written later (a gateway's `default` must name it). */
  reserveFlow(): string {
    return `f${++this.f}`;
  }

  timer(d: string): string {
    return `<bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">${d}</bpmn:timeDuration></bpmn:timerEventDefinition>`;
  }

  boundary(scope: Scope, host: string, b: Boundary): void {
    const id = this.id('b');
    const cancel = b.on === 'error' ? '' : ` cancelActivity="${b.interrupting}"`;
    const definition =
      b.on === 'timer'
        ? this.timer(b.duration)
        : b.on === 'message'
          ? `<bpmn:messageEventDefinition messageRef="Msg_${b.name}"/>`
          : b.on === 'signal'
            ? `<bpmn:signalEventDefinition signalRef="Sig_${b.name}"/>`
            : b.code === null
              ? '<bpmn:errorEventDefinition/>'
              : `<bpmn:errorEventDefinition errorRef="Err_${b.code}"/>`;
    scope.lines.push(`<bpmn:boundaryEvent id="${id}" attachedToRef="${host}"${cancel}>${definition}</bpmn:boundaryEvent>`);
    const end = this.id('end');
    scope.lines.push(`<bpmn:endEvent id="${end}"/>`);
    if (b.then === 'task') {
      const task = this.id('t');
      scope.lines.push(`<bpmn:userTask id="${task}" sop:candidateGroups="g1"/>`);
      this.flow(scope, id, task);
      this.flow(scope, task, end);
    } else {
      this.flow(scope, id, end);
    }
  }

  activity(scope: Scope, act: Activity): string {
    const id = this.id(act.kind === 'user' || act.kind === 'service' || act.kind === 'script' || act.kind === 'none' || act.kind === 'call' ? 't' : 'e');
    switch (act.kind) {
      case 'user': {
        const attrs = [`sop:candidateGroups="${act.groups.join(',')}"`];
        if (act.assignee) attrs.push(`sop:assignee="${escape(act.assignee)}"`);
        if (act.sla) attrs.push(`sop:sla="${act.sla}"`);
        const multi = act.multi
          ? `<bpmn:multiInstanceLoopCharacteristics isSequential="${act.multi.sequential}"><bpmn:loopCardinality xsi:type="bpmn:tFormalExpression">=${act.multi.n}</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics>`
          : '';
        scope.lines.push(`<bpmn:userTask id="${id}" ${attrs.join(' ')}>${multi}</bpmn:userTask>`);
        for (const b of act.boundaries) this.boundary(scope, id, b);
        return id;
      }
      case 'service':
        scope.lines.push(`<bpmn:serviceTask id="${id}" sop:type="${act.type}" sop:retries="${act.retries}" sop:retryBackoff="PT1M"/>`);
        for (const b of act.boundaries) this.boundary(scope, id, b);
        return id;
      case 'script':
        scope.lines.push(`<bpmn:scriptTask id="${id}" sop:expression="${escape(act.expression)}" sop:resultVariable="${act.result}"/>`);
        return id;
      case 'timer':
        scope.lines.push(`<bpmn:intermediateCatchEvent id="${id}">${this.timer(act.duration)}</bpmn:intermediateCatchEvent>`);
        return id;
      case 'message':
        scope.lines.push(`<bpmn:intermediateCatchEvent id="${id}"><bpmn:messageEventDefinition messageRef="Msg_${act.name}"/></bpmn:intermediateCatchEvent>`);
        return id;
      case 'signalCatch':
        scope.lines.push(`<bpmn:intermediateCatchEvent id="${id}"><bpmn:signalEventDefinition signalRef="Sig_${act.name}"/></bpmn:intermediateCatchEvent>`);
        return id;
      case 'signalThrow':
        scope.lines.push(`<bpmn:intermediateThrowEvent id="${id}"><bpmn:signalEventDefinition signalRef="Sig_${act.name}"/></bpmn:intermediateThrowEvent>`);
        return id;
      case 'call':
        // The child sees the parent's variables it needs (key for its message catches) and hands x back.
        scope.lines.push(
          `<bpmn:callActivity id="${id}" calledElement="fz-child"><bpmn:extensionElements><sop:input source="=key" target="key"/><sop:input source="=x" target="x"/><sop:output source="=x" target="x"/></bpmn:extensionElements></bpmn:callActivity>`,
        );
        for (const b of act.boundaries) this.boundary(scope, id, b);
        return id;
      case 'none':
        scope.lines.push(`<bpmn:task id="${id}"/>`);
        return id;
    }
  }

  /** Writes a block; returns its entry and exit node. */
  block(scope: Scope, block: Block): { entry: string; exit: string } {
    switch (block.kind) {
      case 'act': {
        const id = this.activity(scope, block.act);
        return { entry: id, exit: id };
      }
      case 'seq': {
        const parts = block.items.map((item) => this.block(scope, item));
        for (let i = 1; i < parts.length; i++) this.flow(scope, parts[i - 1].exit, parts[i].entry);
        return { entry: parts[0].entry, exit: parts[parts.length - 1].exit };
      }
      case 'xor':
      case 'or': {
        const type = block.kind === 'xor' ? 'exclusiveGateway' : 'inclusiveGateway';
        const split = this.id('gs');
        const merge = this.id('gm');
        const defaultFlow = block.withDefault ? this.reserveFlow() : undefined;
        scope.lines.push(`<bpmn:${type} id="${split}"${defaultFlow ? ` default="${defaultFlow}"` : ''}/>`, `<bpmn:${type} id="${merge}"/>`);
        for (const branch of block.branches) {
          if (branch.body === 'fail') {
            const end = this.id('err');
            scope.lines.push(`<bpmn:endEvent id="${end}"><bpmn:errorEventDefinition errorRef="Err_${block.kind === 'xor' ? block.failCode : 'E'}"/></bpmn:endEvent>`);
            this.flow(scope, split, end, branch.cond);
            continue;
          }
          const part = this.block(scope, branch.body);
          this.flow(scope, split, part.entry, branch.cond);
          this.flow(scope, part.exit, merge);
        }
        if (defaultFlow) {
          // The default branch goes straight to the merge.
          scope.lines.push(`<bpmn:sequenceFlow id="${defaultFlow}" sourceRef="${split}" targetRef="${merge}"/>`);
        }
        return { entry: split, exit: merge };
      }
      case 'and': {
        const split = this.id('gs');
        const join = this.id('gm');
        scope.lines.push(`<bpmn:parallelGateway id="${split}"/>`, `<bpmn:parallelGateway id="${join}"/>`);
        for (const branch of block.branches) {
          const part = this.block(scope, branch);
          this.flow(scope, split, part.entry);
          this.flow(scope, part.exit, join);
        }
        return { entry: split, exit: join };
      }
      case 'sub': {
        const id = this.id('sub');
        const inner = new Scope();
        const start = this.id('s');
        const end = this.id('end');
        inner.lines.push(`<bpmn:startEvent id="${start}"/>`, `<bpmn:endEvent id="${end}"/>`);
        const part = this.block(inner, block.body);
        this.flow(inner, start, part.entry);
        this.flow(inner, part.exit, end);
        scope.lines.push(`<bpmn:subProcess id="${id}">`, ...inner.lines.map((l) => `  ${l}`), '</bpmn:subProcess>');
        for (const b of block.boundaries) this.boundary(scope, id, b);
        return { entry: id, exit: id };
      }
      case 'loop': {
        const merge = this.id('gm');
        const split = this.id('gs');
        const counter = this.id('t');
        const variable = `loop_${counter}`;
        const onward = this.reserveFlow();
        const after = this.id('t');
        scope.lines.push(
          `<bpmn:exclusiveGateway id="${merge}"/>`,
          `<bpmn:scriptTask id="${counter}" sop:expression="=if ${variable} = null then 1 else ${variable} + 1" sop:resultVariable="${variable}"/>`,
          `<bpmn:exclusiveGateway id="${split}" default="${onward}"/>`,
          `<bpmn:task id="${after}"/>`,
        );
        const part = this.block(scope, block.body);
        this.flow(scope, merge, part.entry);
        this.flow(scope, part.exit, counter);
        this.flow(scope, counter, split);
        this.flow(scope, split, merge, `=${variable} < ${block.times}`);
        scope.lines.push(`<bpmn:sequenceFlow id="${onward}" sourceRef="${split}" targetRef="${after}"/>`);
        return { entry: merge, exit: after };
      }
      case 'race': {
        const gateway = this.id('gs');
        const merge = this.id('gm');
        scope.lines.push(`<bpmn:eventBasedGateway id="${gateway}"/>`, `<bpmn:exclusiveGateway id="${merge}"/>`);
        for (const arm of block.arms) {
          const id = this.activity(scope, arm);
          this.flow(scope, gateway, id);
          this.flow(scope, id, merge);
        }
        return { entry: gateway, exit: merge };
      }
    }
  }
}

/** The diagram as BPMN XML (process id `fz`), corrupted as it says. */
export function toXml(d: Diagram): string {
  const w = new Writer();
  const root = new Scope();
  root.lines.push('<bpmn:startEvent id="start"/>', '<bpmn:endEvent id="end"/>');
  const part = w.block(root, d.body);
  w.flow(root, 'start', part.entry);
  w.flow(root, part.exit, 'end');
  if (d.eventSub) {
    const inner = new Scope();
    const start = w.id('s');
    const task = w.id('t');
    const end = w.id('end');
    const definition = d.eventSub.on === 'message' ? `<bpmn:messageEventDefinition messageRef="Msg_${d.eventSub.name}"/>` : `<bpmn:errorEventDefinition errorRef="Err_${d.eventSub.code}"/>`;
    const interrupting = d.eventSub.on === 'message' && !d.eventSub.interrupting ? ' isInterrupting="false"' : '';
    inner.lines.push(`<bpmn:startEvent id="${start}"${interrupting}>${definition}</bpmn:startEvent>`, `<bpmn:userTask id="${task}" sop:candidateGroups="g2"/>`, `<bpmn:endEvent id="${end}"/>`);
    w.flow(inner, start, task);
    w.flow(inner, task, end);
    root.lines.push(`<bpmn:subProcess id="${w.id('evsub')}" triggeredByEvent="true">`, ...inner.lines.map((l) => `  ${l}`), '</bpmn:subProcess>');
  }
  const child = new Scope();
  child.lines.push('<bpmn:startEvent id="c_start"/>', '<bpmn:endEvent id="c_end"/>');
  const childPart = w.block(child, d.child);
  w.flow(child, 'c_start', childPart.entry);
  w.flow(child, childPart.exit, 'c_end');
  let body = root.lines.map((l) => `    ${l}`).join('\n');
  const c = d.corruption;
  if (c.kind === 'dangling-flow') body += '\n    <bpmn:sequenceFlow id="dangling" sourceRef="start" targetRef="nowhere"/>';
  if (c.kind === 'bad-feel') body += '\n    <bpmn:scriptTask id="badFeel" sop:expression="=x &gt;" sop:resultVariable="y"/>';
  if (c.kind === 'unsupported-element') body += '\n    <bpmn:complexGateway id="complex"/>';
  if (c.kind === 'duplicate-id') body += '\n    <bpmn:task id="start"/>';
  if (c.kind === 'bad-duration') body += '\n    <bpmn:intermediateCatchEvent id="badTimer"><bpmn:timerEventDefinition><bpmn:timeDuration>PT-banana</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>';
  if (c.kind === 'no-start') body = body.replace('<bpmn:startEvent id="start"/>', '<bpmn:task id="start"/>');
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:sop="https://sopflow.dev/schema/bpmn/sop/1.0" id="fuzz" targetNamespace="https://sopflow.dev/fuzz">
${MESSAGES.map((m) => `  <bpmn:message id="Msg_${m}" name="${m}" sop:correlationKey="=key"/>`).join('\n')}
${SIGNALS.map((s) => `  <bpmn:signal id="Sig_${s}" name="${s}"/>`).join('\n')}
${ERROR_CODES.map((e) => `  <bpmn:error id="Err_${e}" errorCode="${e}"/>`).join('\n')}
  <bpmn:process id="fz" isExecutable="true">
${body}
  </bpmn:process>
  <bpmn:process id="fz-child" isExecutable="true">
${child.lines.map((l) => `    ${l}`).join('\n')}
  </bpmn:process>
</bpmn:definitions>
`;
  return c.kind === 'truncated' ? xml.slice(0, Math.floor(c.at * xml.length)) : xml;
}
