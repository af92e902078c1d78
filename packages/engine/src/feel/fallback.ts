/**
 * Evaluation by feelin itself, for expressions outside the fast subset and
 * for contexts the fast path hands over. feelin re-parses the expression and
 * copies the whole context on every call, so the context is first narrowed
 * to the entries the expression can read.
 */
import { evaluate } from 'feelin';
import { hasComplexKeyStartingAny } from './contextKeys.js';
import { hasEntry } from './feelValues.js';

/**
 * The part of `context` an expression can read: the entries named by one of
 * its `words` (every run of name characters in it, a superset of its
 * variables) and `?`. The whole context when it is not a plain object or has
 * a key with spaces or punctuation starting with one of the words (feelin's
 * parser then reads the key as one multi-part name). Pure.
 */
export function narrowContext(context: Readonly<Record<string, unknown>>, words: ReadonlySet<string>): Readonly<Record<string, unknown>> {
  if (Object.getPrototypeOf(context) !== Object.prototype || hasComplexKeyStartingAny(context, words)) return context;
  const entries: [string, unknown][] = [];
  for (const word of words) if (hasEntry(context, word)) entries.push([word, context[word]]);
  if (hasEntry(context, '?')) entries.push(['?', context['?']]);
  return Object.fromEntries(entries);
}

/**
 * Evaluate `source` with feelin on the narrowed context and return feelin's
 * raw result. Pure except for feelin's `now()` and `today()`, which read the
 * system clock.
 *
 * @throws whatever feelin throws (syntax errors, unsupported ranges).
 */
export function evaluateWithFeelin(source: string, words: ReadonlySet<string>, context: Readonly<Record<string, unknown>>): unknown {
  return evaluate(source, narrowContext(context, words) as Record<string, unknown>).value;
}
