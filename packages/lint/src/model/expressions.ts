/**
 * Checking one expression the way `compile` reads it: FEEL compiled with
 * the engine's `compileFeel`, JUEL `${…}` translated with `translateJuel`.
 * Pure: returns the problem instead of throwing.
 */
import { compileFeel, translateJuel, type MessageParams } from '@sopflow/engine';

/** Why an expression cannot run: a stable code and a message naming the element, attribute and position. */
export interface ExpressionProblem {
  code: 'feel.invalid' | 'feel.juel' | 'feel.juel-template';
  message: string;
  /** The values the message is built from, for translation. */
  params: MessageParams;
}

/** Where the expression is, for messages. */
export interface ExpressionWhere {
  elementId?: string;
  attribute: string;
}

const JUEL_START = /^[$#]\{/;
const JUEL_INSIDE = /[$#]\{/;

function place(where: ExpressionWhere): string {
  return `${where.elementId ? `<${where.elementId}> ` : ''}${where.attribute}`;
}

/**
 * An expression (a condition, a mapping source, a script): `=` and FEEL,
 * bare FEEL, or one whole JUEL `${…}` / `#{…}` (translated to FEEL or
 * refused). Blank text is no expression. Pure.
 */
export function checkExpression(raw: string | undefined, where: ExpressionWhere): ExpressionProblem | undefined {
  if (raw === undefined) return undefined;
  let text = raw.trim();
  if (text === '') return undefined;
  if (JUEL_START.test(text)) {
    const feel = translateJuel(text);
    if (feel === null) {
      return {
        code: 'feel.juel',
        message: `JUEL expression '${text}' in ${place(where)} cannot be run: sopflow evaluates FEEL and translates only plain JUEL (variables, property paths, literals, comparisons, !/not, &&/||, empty); expected FEEL, e.g. '=approved = true'.`,
        params: { text, place: place(where) },
      };
    }
    text = feel;
  } else if (text.startsWith('=')) {
    text = text.slice(1).trim();
  }
  try {
    compileFeel(text, { ...(where.elementId ? { elementId: where.elementId } : {}), attribute: where.attribute });
    return undefined;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { code: 'feel.invalid', message, params: { detail: message, place: place(where) } };
  }
}

/**
 * A value that is a literal unless it starts with `=` (FEEL) or is a whole
 * JUEL `${…}`; text with a JUEL `${…}` inside is refused (Camunda 7 would
 * read it as a template). Pure.
 */
export function checkValue(raw: string | undefined, where: ExpressionWhere): ExpressionProblem | undefined {
  if (raw === undefined) return undefined;
  const text = raw.trim();
  if (text === '') return undefined;
  if (isExpressionValue(text)) return checkExpression(text, where);
  return checkTemplate(text, where);
}

/**
 * Literal text, which must not hold a JUEL `${…}` (Camunda 7 would read it
 * as a template; sopflow refuses it rather than take it literally). Pure.
 */
export function checkTemplate(raw: string | undefined, where: ExpressionWhere): ExpressionProblem | undefined {
  const text = raw?.trim() ?? '';
  if (!JUEL_INSIDE.test(text)) return undefined;
  return {
    code: 'feel.juel-template',
    message: `'${text}' in ${place(where)} mixes text with a JUEL expression, which sopflow cannot run; expected a literal, or FEEL starting with '=' (e.g. '="order-" + string(id)').`,
    params: { text, place: place(where) },
  };
}

/** Whether a value is an expression (`=…` or a whole JUEL `${…}`) rather than a literal. Pure. */
export function isExpressionValue(raw: string): boolean {
  const text = raw.trim();
  return text.startsWith('=') || JUEL_START.test(text);
}
