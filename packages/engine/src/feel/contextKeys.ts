/**
 * Context keys that are not simple names (`order total`, `order-id`,
 * ` amount`) change what feelin does: its parser joins words into one name
 * when the context has such a key (`order-id` is then a variable, not
 * `order - id`), and its lookup matches keys after normalising spaces. The
 * fast path does neither; it checks, cheaply, that no such key could matter
 * and otherwise hands the evaluation to feelin. All functions are pure.
 */
import { delegate } from './delegate.js';
import { hasEntry } from './feelValues.js';

// Whitespace and ASCII punctuation except `_`, `?` and `$`, which FEEL names may contain.
const ASCII_SEPARATORS = ' \t\n\v\f\r!"#%&\'()*+,-./:;<=>@[\\]^`{|}~';
const IS_ASCII_SEPARATOR = new Uint8Array(128).map((_, code) => (ASCII_SEPARATORS.includes(String.fromCharCode(code)) ? 1 : 0));
const WIDE_SPACE = /\s/;
const SEPARATORS = /[\s!"#%&'()*+,\-./:;<=>@[\\\]^`{|}~]+/;
const WORD = /[^\s!"#%&'()*+,\-./:;<=>@[\\\]^`{|}~]+/gu;
// After a word, these cannot continue a name, so no key can join the word with what follows.
const ENDS_NAME = new Set(['', '(', ')', '[', ']', '{', '}', ',', '=', '<', '>', '!', ':', ';', '"', '|', '&', '%']);

/** Whether a key contains whitespace or punctuation, so feelin may normalise or join it. */
export function isComplexKey(key: string): boolean {
  // a character loop: this runs for every key of the context on many evaluations
  for (let i = 0; i < key.length; i++) {
    const code = key.charCodeAt(i);
    if (code < 128 ? IS_ASCII_SEPARATOR[code] === 1 : WIDE_SPACE.test(key[i])) return true;
  }
  return false;
}

/** The first run of name characters in `text` (`order` for `order-id`), if any. */
export function firstWord(text: string): string | undefined {
  for (const word of text.split(SEPARATORS)) if (word) return word;
  return undefined;
}

/** Every run of name characters in an expression (a superset of the names it uses). */
export function wordsOf(source: string): Set<string> {
  return new Set(source.split(SEPARATORS).filter(Boolean));
}

/**
 * Words of an expression that are followed by something that could continue
 * a multi-part name (another word, `.`, `-`, `+`, `*`, `/`, `'`): a context key
 * starting with one of them may change how feelin parses the expression.
 */
export function joinableWords(source: string): Set<string> {
  const words = new Set<string>();
  for (const match of source.matchAll(WORD)) {
    if (isJoinableAt(source, match.index + match[0].length)) words.add(match[0]);
  }
  return words;
}

/** Whether what follows `index` in `source` (after spaces) could continue a name. */
export function isJoinableAt(source: string, index: number): boolean {
  let i = index;
  while (i < source.length && /\s/.test(source[i])) i++;
  return !ENDS_NAME.has(source.charAt(i));
}

/** Whether `context` has a complex key whose first word is `word`. */
export function hasComplexKeyStarting(context: object, word: string): boolean {
  for (const key in context) {
    // `includes` first: most keys do not contain the word at all
    if (key !== word && key.includes(word) && isComplexKey(key) && firstWord(key) === word && hasEntry(context, key)) return true;
  }
  return false;
}

/** Whether `context` has a complex key whose first word is in `words`. */
export function hasComplexKeyStartingAny(context: object, words: ReadonlySet<string>): boolean {
  for (const key in context) {
    if (isComplexKey(key) && hasEntry(context, key)) {
      const word = firstWord(key);
      if (word !== undefined && words.has(word)) return true;
    }
  }
  return false;
}

/**
 * Read `name` from a context as feelin does: an own entry, else `undefined`.
 *
 * @param joinable the name is followed by something a key could join it
 * with, so a key like `name-x` would make feelin parse differently.
 * @throws {@link DELEGATE} when a complex key could match or join `name`.
 */
export function readEntry(context: object, name: string, joinable: boolean): unknown {
  if (joinable && hasComplexKeyStarting(context, name)) delegate();
  if (hasEntry(context, name)) return (context as Record<string, unknown>)[name];
  if (!joinable && hasComplexKeyStarting(context, name)) delegate();
  return undefined;
}
