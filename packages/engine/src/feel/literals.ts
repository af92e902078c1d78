/**
 * FEEL literal values, read from their source text exactly as feelin 8.2
 * reads them (including its quirk that `1e3` is `1`: integers go through
 * `parseInt`). Pure.
 */

/** The value of a FEEL number literal such as `42`, `-1.5`, `.5`. */
export function numberLiteral(text: string): number {
  return text.includes('.') ? parseFloat(text) : parseInt(text);
}

const ESCAPE = /(\\")|(\\\\)|(\\n)|(\\r)|(\\t)|(\\u[a-fA-F0-9]{5,6})|((?:\\u[a-fA-F0-9]{1,4})+)/gi;
const UNICODE_ESCAPE = /\\u([a-fA-F0-9]+)/gi;

/** The value of a FEEL string literal, quotes included in `text`: `"a\"b"` → `a"b`. */
export function stringLiteral(text: string): string {
  let body = text;
  if (body.startsWith('"')) body = body.slice(1);
  if (body.endsWith('"')) body = body.slice(0, -1);
  return body.replace(ESCAPE, (match, quote, backslash, newline, carriageReturn, tab, codePoint) => {
    if (quote) return '"';
    if (newline) return '\n';
    if (carriageReturn) return '\r';
    if (tab) return '\t';
    if (backslash) return '\\';
    if (codePoint) return String.fromCodePoint(parseInt(codePoint.slice(2), 16));
    const units = Array.from(match.matchAll(UNICODE_ESCAPE), (unit) => parseInt(unit[1], 16));
    return String.fromCharCode(...units);
  });
}
