/** Literal text to emit, pushed on the work stack between values. */
class Token {
  constructor(readonly text: string) {}
}

/** Nesting up to which the fast recursive writer is used; deeper values take the iterative one. */
const RECURSION_LIMIT = 64;

/**
 * Canonical JSON: object keys sorted, no whitespace, `undefined` members
 * dropped — the same value always gives the same text, so it can be hashed.
 * Shallow values (all audit events) take a fast recursive path; anything
 * nested deeper than 64 levels is written iteratively, so hostile data cannot
 * overflow the stack. Pure.
 */
export function canonicalJson(value: unknown): string {
  const fast = write(value, 0);
  return fast ?? writeIteratively(value);
}

/** Returns undefined when the value nests deeper than RECURSION_LIMIT. */
function write(value: unknown, depth: number): string | undefined {
  if (value === null || value === undefined) return 'null';
  const type = typeof value;
  if (type === 'string' || type === 'number' || type === 'boolean') return JSON.stringify(value);
  if (type !== 'object') return 'null';
  if (depth > RECURSION_LIMIT) return undefined;
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      const item = write(value[i], depth + 1);
      if (item === undefined) return undefined;
      out += i ? `,${item}` : item;
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  // Audit data usually has its few keys in order already: sorting only when not saves V8's sort buffer per object.
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1] > keys[i]) {
      keys.sort();
      break;
    }
  }
  let out = '{';
  let first = true;
  for (const key of keys) {
    const v = record[key];
    if (v === undefined) continue;
    const item = write(v, depth + 1);
    if (item === undefined) return undefined;
    out += `${first ? '' : ','}${JSON.stringify(key)}:${item}`;
    first = false;
  }
  return `${out}}`;
}

function writeIteratively(value: unknown): string {
  const out: string[] = [];
  const stack: unknown[] = [value];
  while (stack.length) {
    const item = stack.pop();
    if (item instanceof Token) {
      out.push(item.text);
    } else if (item === null || item === undefined || typeof item !== 'object') {
      out.push(item === undefined || typeof item === 'function' || typeof item === 'symbol' ? 'null' : JSON.stringify(item));
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
