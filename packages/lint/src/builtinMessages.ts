/**
 * Message ids for bpmnlint's own rules. Their messages are fixed English
 * written by bpmnlint (no code, no parameters), so they are recognised by
 * rule name and text and given an id `bpmnlint.<rule>` with the values read
 * from the text — enough for a translation. Pure.
 */
import type { MessageParams } from '@sopflow/engine';

type Match = { pattern: RegExp; params?: (m: RegExpExecArray) => MessageParams };

const m = (pattern: RegExp, params?: (m: RegExpExecArray) => MessageParams): Match => ({ pattern, ...(params ? { params } : {}) });
const variant = (pattern: RegExp, name: string): Match => m(pattern, () => ({ variant: name }));
const scope = (text: string) => ({ scope: text === 'Sub process' ? 'subProcess' : 'process' });

/** bpmnlint 11's rules and their messages. */
const BUILTIN: Readonly<Record<string, readonly Match[]>> = {
  'ad-hoc-sub-process': [variant(/^A <Start Event> is not allowed in <Ad Hoc Sub Process>$/, 'start'), variant(/^An <End Event> is not allowed in <Ad Hoc Sub Process>$/, 'end')],
  'conditional-event': [m(/^Conditional event is missing a condition$/)],
  'conditional-flows': [m(/^Sequence flow is missing condition$/)],
  'end-event-required': [m(/^(Sub process|Process) is missing end event$/, (x) => scope(x[1]))],
  'event-based-gateway': [variant(/^An <Event-based Gateway> must have at least 2 outgoing <Sequence Flows>$/, 'outgoing'), variant(/must not be conditional$/, 'conditional')],
  'event-sub-process-typed-start-event': [m(/^Start event is missing event definition$/)],
  'fake-join': [m(/^Incoming flows do not join$/)],
  global: [variant(/^Element is missing name$/, 'name'), variant(/^Element is unused$/, 'unused'), variant(/^Element name is not unique$/, 'unique')],
  'label-required': [m(/^Element is missing label\/name$/)],
  'link-event': [
    variant(/^Link event is missing link name$/, 'name'),
    m(/^Duplicate link catch event with link name <(.*)> in scope$/s, (x) => ({ variant: 'duplicate', name: x[1] })),
    m(/^Link (catch|throw) event with link name <(.*)> missing in scope$/s, (x) => ({ variant: x[1], name: x[2] })),
  ],
  'no-bpmndi': [m(/^Element is missing bpmndi$/)],
  'no-disconnected': [m(/^Element is not connected$/)],
  'no-duplicate-sequence-flows': [variant(/^SequenceFlow is a duplicate$/, 'flow'), variant(/^Duplicate outgoing sequence flows$/, 'outgoing'), variant(/^Duplicate incoming sequence flows$/, 'incoming')],
  'no-gateway-join-fork': [m(/^Gateway forks and joins$/)],
  'no-implicit-end': [m(/^Element is an implicit end$/)],
  'no-implicit-split': [m(/^Flow splits implicitly$/)],
  'no-implicit-start': [m(/^Element is an implicit start$/)],
  'no-overlapping-elements': [variant(/^Element overlaps with other element$/, 'overlap'), variant(/^Element is outside of parent boundary$/, 'outside')],
  'single-blank-start-event': [m(/^(Sub process|Process) has multiple blank start events$/, (x) => scope(x[1]))],
  'single-event-definition': [m(/^Event has multiple event definitions$/)],
  'standard-size': [
    m(/^Element has a non-standard width; expected width of (\d+)$/, (x) => ({ variant: 'width', width: Number(x[1]) })),
    m(/^Element has a non-standard height; expected height of (\d+)$/, (x) => ({ variant: 'height', height: Number(x[1]) })),
    m(/^Element has a non-standard size; expected (\d+)x(\d+)$/, (x) => ({ variant: 'size', width: Number(x[1]), height: Number(x[2]) })),
  ],
  'start-event-required': [m(/^(Sub process|Process) is missing start event$/, (x) => scope(x[1]))],
  'sub-process-blank-start-event': [m(/^Start event must be blank$/)],
  'superfluous-gateway': [m(/^Gateway is superfluous\. It only has one source and target\.$/)],
  'superfluous-label': [m(/^Sequence flow has superfluous label$/)],
  'superfluous-termination': [m(/^Termination is superfluous\.$/)],
};
const DISCOURAGED = /^Element type <(.+)> is discouraged$/;

/** The rule names of bpmnlint whose messages {@link builtinMessage} knows. */
export const BUILTIN_RULES: readonly string[] = [...Object.keys(BUILTIN), 'no-complex-gateway', 'no-inclusive-gateway'];

/**
 * The message id (`bpmnlint.<rule>`) and parameters of a finding of one of
 * bpmnlint's own rules (`label-required` or `bpmnlint/label-required`), or
 * undefined for a rule or text it does not know. Pure.
 */
export function builtinMessage(rule: string, message: string): { code: string; params?: MessageParams } | undefined {
  const name = rule.replace(/^bpmnlint\//, '');
  const discouraged = DISCOURAGED.exec(message);
  if (discouraged && name.startsWith('no-')) return { code: 'bpmnlint.discouraged-type', params: { type: discouraged[1] } };
  for (const match of BUILTIN[name] ?? []) {
    const found = match.pattern.exec(message);
    if (found) return { code: `bpmnlint.${name}`, ...(match.params ? { params: match.params(found) } : {}) };
  }
  return undefined;
}
