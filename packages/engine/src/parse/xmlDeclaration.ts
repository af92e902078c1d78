/** A pseudo-attribute of the XML declaration and where it sits. */
export interface DeclarationAttribute {
  value: string;
  /** Offset of the whitespace before the attribute name. */
  start: number;
  /** Offset just after the closing quote. */
  end: number;
}

/** The parts of `<?xml version="1.0" encoding="…"?>` sopflow cares about. */
export interface XmlDeclaration {
  /** Offset just after `?>`. */
  end: number;
  version?: DeclarationAttribute;
  encoding?: DeclarationAttribute;
}

/** A declaration longer than this is not one (real ones are under 100 characters). */
const MAX_DECLARATION_LENGTH = 1024;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function isNameChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
}

/**
 * Reads the XML declaration at the very start of `head` (a decoded text, or
 * the first bytes of a file seen as Latin-1, which is enough for the ASCII
 * declaration of any ASCII-compatible encoding). Looks at no more than the
 * first 1,024 characters. Pure.
 *
 * @returns the declaration, or `undefined` when the text does not start with
 *   a well-formed `<?xml …?>`.
 */
export function readXmlDeclaration(head: string): XmlDeclaration | undefined {
  if (!head.startsWith('<?xml') || !isSpace(head.charCodeAt(5))) return undefined;
  const limit = Math.min(head.length, MAX_DECLARATION_LENGTH);
  const declaration: XmlDeclaration = { end: -1 };
  let i = 5;
  while (i < limit) {
    const start = i;
    while (i < limit && isSpace(head.charCodeAt(i))) i++;
    if (head.startsWith('?>', i)) {
      declaration.end = i + 2;
      return declaration;
    }
    if (i === start) return undefined;
    const nameStart = i;
    while (i < limit && isNameChar(head.charCodeAt(i))) i++;
    const name = head.slice(nameStart, i);
    while (i < limit && isSpace(head.charCodeAt(i))) i++;
    if (!name || head[i] !== '=') return undefined;
    i++;
    while (i < limit && isSpace(head.charCodeAt(i))) i++;
    const quote = head[i];
    if (quote !== '"' && quote !== "'") return undefined;
    const close = head.indexOf(quote, i + 1);
    if (close === -1 || close >= limit) return undefined;
    const attribute = { value: head.slice(i + 1, close), start, end: close + 1 };
    if (name === 'version') declaration.version = attribute;
    else if (name === 'encoding') declaration.encoding = attribute;
    i = close + 1;
  }
  return undefined;
}

/**
 * Blanks the `encoding="…"` pseudo-attribute of the XML declaration with
 * spaces, so the text keeps its length (every line and column stays the same)
 * and bpmn-moddle no longer warns about an encoding the text was already
 * decoded from. A declared UTF-8 is left as it is. Pure.
 */
export function blankEncodingDeclaration(text: string): string {
  const encoding = readXmlDeclaration(text)?.encoding;
  if (!encoding || encoding.value.toLowerCase() === 'utf-8') return text;
  return text.slice(0, encoding.start) + ' '.repeat(encoding.end - encoding.start) + text.slice(encoding.end);
}
