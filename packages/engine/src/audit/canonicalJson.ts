/** Literal text to emit, pushed on the work stack between values. */
class Token {
  constructor(readonly text: string) {}
}

/**
 * Canonical JSON: object keys sorted, no whitespace, `undefined` members
 * dropped — the same value always gives the same text, so it can be hashed.
 * Iterative, so deeply nested data cannot overflow the stack. Pure.
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  const stack: unknown[] = [value];
  while (stack.length) {
    const item = stack.pop();
    if (item instanceof Token) {
      out.push(item.text);
    } else if (item === null || item === undefined || typeof item !== 'object') {
      out.push(item === undefined ? 'null' : JSON.stringify(item));
    } else if (Array.isArray(item)) {
      out.push('[');
      stack.push(new Token(']'));
      for (let i = item.length - 1; i >= 0; i--) {
        stack.push(item[i]);
        if (i > 0) stack.push(new Token(','));
      }
    } else {
      const entries = Object.entries(item as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      out.push('{');
      stack.push(new Token('}'));
      for (let i = entries.length - 1; i >= 0; i--) {
        stack.push(entries[i][1]);
        stack.push(new Token(`${i > 0 ? ',' : ''}${JSON.stringify(entries[i][0])}:`));
      }
    }
  }
  return out.join('');
}
