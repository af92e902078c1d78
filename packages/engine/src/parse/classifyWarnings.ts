import type { AnyModdleElement, ModdleElement } from 'moddle';
import type { ImportWarning } from 'bpmn-moddle';
import type { Problem } from '../errors.js';
import type { UntypedAttribute } from './extensionDescriptors.js';
import type { LineColumn, LineIndex } from './LineIndex.js';
import type { ScanResult } from './scanXml.js';

/** What the classifier needs to know about the document. */
export interface WarningContext {
  lines: LineIndex;
  scan: ScanResult;
  /** Position of an element's `id` value, from the pre-scan. */
  locate(elementId: string): LineColumn | undefined;
  /** Extension attributes the reconciled moddle keeps untyped on purpose. */
  untyped: readonly UntypedAttribute[];
}

/**
 * Element types whose references are diagram interchange only: a dangling
 * one loses a shape or a label style, never process behaviour.
 */
const DI_PREFIXES = ['bpmndi:', 'di:', 'dc:'];

/**
 * References in the semantic model that only group or label things for the
 * reader; a dangling one changes no behaviour. Every other reference from a
 * `bpmn:` or extension element is process semantics and an error.
 */
const COSMETIC_REFERENCES = new Set(['bpmn:categoryValueRef']);

/** `nested error` texts of moddle, mapped to a stable code. */
const DROPPED_CONTENT: ReadonlyArray<readonly [RegExp, string]> = [
  [/^duplicate ID <(.*)>$/s, 'bpmn.duplicate-id'],
  [/^illegal ID <(.*)>$/s, 'bpmn.invalid-id'],
  [/^(?:unknown type|unrecognized element) <(.*)>$/s, 'bpmn.unknown-element'],
];

const UNPARSABLE = /^unparsable content (.*?) ?detected\n\tline: (\d+)\n\tcolumn: (\d+)\n\tnested error: (.*)$/s;

/** The content, 0-based line and column, and nested error of a moddle "unparsable content" message. */
export function readUnparsable(message: string): { data: string; line: number; column: number; nested: string } | undefined {
  const match = UNPARSABLE.exec(message);
  if (!match) return undefined;
  return { data: match[1], line: Number(match[2]), column: Number(match[3]), nested: match[4] };
}

function elementIdOf(element: ModdleElement | AnyModdleElement | undefined): string | undefined {
  const id = (element as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' && id ? id : undefined;
}

function located(context: WarningContext, elementId: string | undefined): Partial<LineColumn> {
  return (elementId && context.locate(elementId)) || {};
}

/**
 * Position of an element, or for one without an id (a `bpmndi:BPMNLabel`, a
 * data association…) of its nearest ancestor that has one.
 */
function nearest(context: WarningContext, element: ModdleElement | AnyModdleElement | undefined): Partial<LineColumn> {
  for (let current = element; current; current = current.$parent) {
    const position = located(context, elementIdOf(current));
    if (position.line !== undefined) return position;
  }
  return {};
}

function droppedMessage(code: string, data: string, nested: string, id: string | undefined): string {
  const tag = data.startsWith('<') ? data : 'this content';
  switch (code) {
    case 'bpmn.duplicate-id':
      return `The id '${id}' is used twice; bpmn-moddle keeps the first and would drop this ${tag} with everything inside it.`;
    case 'bpmn.invalid-id':
      return `The id '${id}' is not a valid id (ASCII letters, digits, '_', '-' and '.', not starting with a digit or '-'); bpmn-moddle would drop this ${tag} with everything inside it.`;
    case 'bpmn.unknown-element':
      return `${tag} is not an element bpmn-moddle knows in this place (${nested}); it would be dropped with everything inside it.`;
    default:
      return `${nested}: bpmn-moddle cannot read ${data.startsWith('<') ? data : data ? `'${data}'` : 'this content'} and would drop it.`;
  }
}

function unparsable(warning: ImportWarning, context: WarningContext): Problem | undefined {
  const parsed = readUnparsable(warning.message);
  if (!parsed) return undefined;
  const offset = context.lines.offsetOfZeroBased(parsed.line, parsed.column);
  const position = offset === undefined ? {} : context.lines.position(offset);
  let code = 'bpmn.unparsable-content';
  let elementId = offset === undefined ? undefined : context.scan.idByTagOffset.get(offset);
  for (const [pattern, mapped] of DROPPED_CONTENT) {
    const match = pattern.exec(parsed.nested);
    if (!match) continue;
    code = mapped;
    if (mapped !== 'bpmn.unknown-element') elementId = match[1];
    break;
  }
  return {
    severity: 'error',
    code,
    message: droppedMessage(code, parsed.data, parsed.nested, elementId),
    params: { variant: 'dropped', id: elementId ?? '', tag: parsed.data.startsWith('<') ? parsed.data : '', content: parsed.data, detail: parsed.nested },
    ...(elementId !== undefined ? { elementId } : {}),
    ...position,
  };
}

/** `bpmn:targetRef` on a `bpmn:` element is written `targetRef`; extension attributes keep their prefix. */
function attributeName(property: string, type: string): string {
  const colon = property.indexOf(':');
  return colon > 0 && type.startsWith(property.slice(0, colon + 1)) ? property.slice(colon + 1) : property;
}

function describe(type: string, elementId: string | undefined): string {
  return elementId === undefined ? type : `${type} '${elementId}'`;
}

function unresolved(warning: ImportWarning, context: WarningContext): Problem {
  const element = warning.element;
  const type = element?.$type ?? 'an element';
  const property = warning.property ?? 'unknown';
  const isDi = DI_PREFIXES.some((prefix) => type.startsWith(prefix));
  const cosmetic = isDi || COSMETIC_REFERENCES.has(property);
  const elementId = elementIdOf(element);
  const attribute = attributeName(property, type);
  return {
    severity: cosmetic ? 'warning' : 'error',
    code: 'bpmn.unresolved-reference',
    message: `${describe(type, elementId)} refers to '${String(warning.value)}' in ${attribute}, but no element has that id${
      isDi ? ' (diagram layout only: that shape, edge or label style is not drawn)' : cosmetic ? ' (no effect on execution)' : ''
    }.`,
    params: { subject: describe(type, elementId), value: String(warning.value), attribute, variant: isDi ? 'di' : cosmetic ? 'cosmetic' : 'execution' },
    ...(elementId !== undefined ? { elementId } : {}),
    attribute,
    ...nearest(context, element),
  };
}

function isUntypedOnPurpose(warning: ImportWarning, context: WarningContext): boolean {
  const element = warning.element;
  if (!element) return false;
  return context.untyped.some((u) => u.attribute === warning.property && element.$instanceOf(u.declaredBy));
}

/**
 * Sorts every bpmn-moddle import warning into a {@link Problem}; none is
 * dropped, except `unknown attribute` for an extension attribute sopflow
 * itself keeps untyped (see `createModdle`), whose value is intact.
 *
 * | moddle warning | severity | code |
 * |---|---|---|
 * | unparsable content: duplicate ID | error | `bpmn.duplicate-id` |
 * | unparsable content: illegal ID | error | `bpmn.invalid-id` |
 * | unparsable content: unknown type / unrecognized element | error | `bpmn.unknown-element` |
 * | unparsable content: anything else (body text, attribute syntax…) | error | `bpmn.unparsable-content` |
 * | unresolved reference from a `bpmndi:`/`di:`/`dc:` element | warning | `bpmn.unresolved-reference` |
 * | unresolved reference in `categoryValueRef` | warning | `bpmn.unresolved-reference` |
 * | any other unresolved reference | error | `bpmn.unresolved-reference` |
 * | unknown attribute in a known namespace | warning | `bpmn.unknown-attribute` |
 * | unsupported document encoding | warning | `xml.encoding-declaration` |
 * | anything else | warning | `bpmn.import-warning` |
 *
 * Pure.
 */
export function classifyWarnings(warnings: readonly ImportWarning[], context: WarningContext): Problem[] {
  const problems: Problem[] = [];
  for (const warning of warnings) {
    const message = String(warning.message ?? '');
    const dropped = unparsable(warning, context);
    if (dropped) {
      problems.push(dropped);
    } else if (message.startsWith('unresolved reference')) {
      problems.push(unresolved(warning, context));
    } else if (message.startsWith('unknown attribute')) {
      if (isUntypedOnPurpose(warning, context)) continue;
      const elementId = elementIdOf(warning.element);
      const attribute = String(warning.property);
      problems.push({
        severity: 'warning',
        code: 'bpmn.unknown-attribute',
        message: `${describe(warning.element?.$type ?? 'an element', elementId)} has an attribute ${attribute} that its namespace does not define there; it is kept but sopflow gives it no meaning.`,
        params: { subject: describe(warning.element?.$type ?? 'an element', elementId), attribute },
        ...(elementId !== undefined ? { elementId } : {}),
        attribute,
        ...nearest(context, warning.element),
      });
    } else if (message.startsWith('unsupported document encoding')) {
      problems.push({ severity: 'warning', code: 'xml.encoding-declaration', message, params: { detail: message }, attribute: 'encoding', line: 1 });
    } else {
      const elementId = elementIdOf(warning.element);
      problems.push({
        severity: 'warning',
        code: 'bpmn.import-warning',
        message,
        params: { detail: message },
        ...(elementId !== undefined ? { elementId } : {}),
        ...(warning.property ? { attribute: warning.property } : {}),
        ...nearest(context, warning.element),
      });
    }
  }
  return problems;
}
