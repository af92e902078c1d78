/**
 * Bounds on the text of an expression, checked in one linear pass before
 * feelin's parser sees it: that parser needs time and memory quadratic in
 * the number of items of a list or context literal, and aborts the whole
 * process (a fatal out-of-memory error no `try` catches) on a list literal
 * of about 40,000 items (80 KB).
 */
import { ExpressionError } from '../errors.js';
import type { ExpressionLocation } from './expressionErrors.js';
import type { FeelLimits } from './limits.js';

/** Names sopflow gives its own helpers in the context feelin evaluates with. */
export const RESERVED_PREFIX = '__sopflow';

const OPENERS = new Set(['(', '[', '{']);
const CLOSERS = new Set([')', ']', '}']);

function place(where: ExpressionLocation | undefined): string {
  const parts: string[] = [];
  if (where?.elementId) parts.push(`<${where.elementId}>`);
  if (where?.attribute) parts.push(where.attribute);
  return parts.length ? ` in ${parts.join(' ')}` : '';
}

function shown(source: string): string {
  return source.length > 60 ? `'${source.slice(0, 60)}…' (${source.length} characters)` : `'${source}'`;
}

/** An {@link ExpressionError} for a broken limit, naming the option that raises it. */
export function limitError(
  code: string,
  source: string,
  reason: string,
  where: ExpressionLocation | undefined,
  extra: Record<string, unknown> = {},
): ExpressionError {
  return new ExpressionError(`FEEL expression${place(where)} refused: ${shown(source)} — ${reason}`, {
    expression: source.length > 200 ? `${source.slice(0, 200)}…` : source,
    ...(where?.elementId !== undefined && { elementId: where.elementId }),
    ...(where?.attribute !== undefined && { attribute: where.attribute }),
    ...extra,
  }, code);
}

/**
 * Checks the length of `source`, the number of items at each level of
 * brackets (commas + 1: list and context literals, arguments, `for`
 * headers), the nesting of brackets, and that no name uses the reserved
 * prefix `__sopflow`. Skips string literals, backquoted names and comments.
 * Linear in the length, no recursion, no regular expression. Pure.
 *
 * @throws ExpressionError with code `feel.too-long`, `feel.too-many-items`,
 *   `feel.too-deep` or `feel.reserved-name`.
 */
export function checkSource(source: string, limits: Required<FeelLimits>, where?: ExpressionLocation): void {
  if (source.length > limits.maxLength) {
    throw limitError(
      'feel.too-long',
      source,
      `it has ${source.length} characters, more than the limit of ${limits.maxLength} (raise the FEEL limit maxLength if this is intended).`,
      where,
      { limit: limits.maxLength, actual: source.length },
    );
  }
  const reserved = (position: number): never => {
    throw limitError('feel.reserved-name', source, `names holding '${RESERVED_PREFIX}' are reserved for sopflow (offset ${position}).`, where, { position });
  };
  // items[k] counts the commas at bracket level k; level 0 is the top.
  const items: number[] = [0];
  const n = source.length;
  for (let i = 0; i < n; i++) {
    const c = source[i];
    if (c === '"' || c === '`') {
      // a string literal or a backquoted name: up to the unescaped closing quote
      const start = i;
      for (i++; i < n && source[i] !== c; i++) if (source[i] === '\\') i++;
      if (c === '`' && source.slice(start, i).includes(RESERVED_PREFIX)) reserved(start);
      continue;
    }
    if (c === '/' && source[i + 1] === '/') {
      while (i < n && source[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && source[i + 1] === '*') {
      const end = source.indexOf('*/', i + 2);
      i = end === -1 ? n : end + 1;
      continue;
    }
    if (OPENERS.has(c)) {
      items.push(0);
      if (items.length - 1 > limits.maxDepth) {
        throw limitError(
          'feel.too-deep',
          source,
          `brackets are nested more than ${limits.maxDepth} levels deep at offset ${i} (raise the FEEL limit maxDepth if this is intended).`,
          where,
          { limit: limits.maxDepth, position: i },
        );
      }
    } else if (CLOSERS.has(c)) {
      if (items.length > 1) items.pop();
    } else if (c === ',') {
      const count = ++items[items.length - 1] + 1;
      if (count > limits.maxItems) {
        throw limitError(
          'feel.too-many-items',
          source,
          `more than ${limits.maxItems} items in one list, context or argument list (at offset ${i}); raise the FEEL limit maxItems if this is intended, or pass the data as a variable.`,
          where,
          { limit: limits.maxItems, position: i },
        );
      }
    } else if (c === '_' && source.startsWith(RESERVED_PREFIX, i)) {
      reserved(i);
    }
  }
}
