/**
 * Tokens of a JUEL (Java Unified Expression Language) expression body, as
 * Camunda 7 diagrams write conditions: `${amount > 5 && !approved}`.
 * Only what {@link translateJuel} may translate is recognised.
 */

/** One JUEL token. `text` is the source text, `value` the decoded string for strings. */
export type JuelToken =
  | { readonly kind: 'identifier'; readonly text: string }
  | { readonly kind: 'number'; readonly text: string }
  | { readonly kind: 'string'; readonly text: string; readonly value: string }
  | { readonly kind: 'operator'; readonly text: string }
  | { readonly kind: 'end'; readonly text: '}' };

const OPERATORS = ['==', '!=', '<=', '>=', '&&', '||', '<', '>', '!', '(', ')', '.', '[', ']', ',', '?', ':', '+', '-', '*', '/', '%'];
const IDENTIFIER = /^[\p{L}_$][\p{L}\p{N}_$]*/u;
const NUMBER = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/;

/**
 * Tokenize the body of `${…}` / `#{…}` starting at `start` in `text`, up to
 * and including the closing `}`. Pure.
 *
 * @returns the tokens and the index after the `}`, or `null` when the body
 * holds something that is not a JUEL token (or never closes).
 */
export function tokenizeJuel(text: string, start: number): { tokens: JuelToken[]; end: number } | null {
  const tokens: JuelToken[] = [];
  let i = start;
  while (i < text.length) {
    const rest = text.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    if (rest[0] === '}') {
      tokens.push({ kind: 'end', text: '}' });
      return { tokens, end: i + 1 };
    }
    if (rest[0] === "'" || rest[0] === '"') {
      const string = readString(rest);
      if (!string) return null;
      tokens.push({ kind: 'string', text: string.text, value: string.value });
      i += string.text.length;
      continue;
    }
    const number = NUMBER.exec(rest);
    if (number) {
      tokens.push({ kind: 'number', text: number[0] });
      i += number[0].length;
      continue;
    }
    const identifier = IDENTIFIER.exec(rest);
    if (identifier) {
      tokens.push({ kind: 'identifier', text: identifier[0] });
      i += identifier[0].length;
      continue;
    }
    const operator = OPERATORS.find((candidate) => rest.startsWith(candidate));
    if (!operator) return null;
    tokens.push({ kind: 'operator', text: operator });
    i += operator.length;
  }
  return null;
}

/** An EL string literal: `'…'` or `"…"`, where only `\'`, `\"` and `\\` are escapes. */
function readString(rest: string): { text: string; value: string } | null {
  const quote = rest[0];
  let value = '';
  for (let i = 1; i < rest.length; i++) {
    const char = rest[i];
    if (char === quote) return { text: rest.slice(0, i + 1), value };
    if (char === '\\') {
      const next = rest[i + 1];
      if (next !== "'" && next !== '"' && next !== '\\') return null;
      value += next;
      i++;
      continue;
    }
    value += char;
  }
  return null;
}
