import { BpmnParseError, type Problem } from '../errors.js';
import { decodeXmlEntities } from './decodeXmlEntities.js';
import type { LineIndex } from './LineIndex.js';
import type { ParseOptions } from './limits.js';

/** What one pass over the text learnt before any XML library saw it. */
export interface ScanResult {
  /** Each `id` attribute value → offset of its first character (first occurrence wins). */
  idOffsets: Map<string, number>;
  /** Offset of the `<` of each start tag that has an `id` → that id. */
  idByTagOffset: Map<number, string>;
  /** Name of the first element, as written (`bpmn:definitions`), if any. */
  rootName?: string;
  /** Offset of the `<` of the first element. */
  rootOffset?: number;
  elementCount: number;
  deepest: number;
}

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const EQUALS = 0x3d;
const BANG = 0x21;
const QUESTION = 0x3f;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/**
 * One linear, iterative pass over the document text (no recursion, no
 * backtracking regular expressions), run before bpmn-moddle sees it. It
 * understands comments, CDATA sections, processing instructions and quoted
 * attribute values, and:
 *
 * - refuses any `<!DOCTYPE`, `<!ENTITY` or other markup declaration, so no
 *   entity is ever expanded and no external entity ever read;
 * - refuses nesting deeper than `maxDepth` and more than `maxElements`
 *   elements, before a parser builds anything;
 * - records where every `id="…"` value is, for line/column in problems.
 *
 * Pure.
 *
 * @throws {BpmnParseError} codes `xml.doctype`, `xml.too-deep`,
 *   `xml.too-many-elements`, `xml.malformed` (unterminated comment, CDATA,
 *   processing instruction, tag or attribute value), each with line/column.
 */
export function scanXml(
  text: string,
  limits: Required<Pick<ParseOptions, 'maxDepth' | 'maxElements'>>,
  lines: LineIndex,
): ScanResult {
  const idOffsets = new Map<string, number>();
  const idByTagOffset = new Map<number, string>();
  const n = text.length;
  let rootName: string | undefined;
  let rootOffset: number | undefined;
  let depth = 0;
  let deepest = 0;
  let elementCount = 0;
  let i = 0;

  const fail = (code: string, message: string, offset: number, extra: Partial<Problem> = {}): never => {
    const problem: Problem = { severity: 'error', code, message, params: { detail: message }, ...lines.position(offset), ...extra };
    throw new BpmnParseError(
      code === 'xml.malformed' ? 'The document is not well-formed XML.' : 'The document was refused before parsing.',
      [problem],
    );
  };
  const skipTo = (marker: string, from: number, what: string, start: number): number => {
    const end = text.indexOf(marker, from);
    if (end === -1) fail('xml.malformed', `Unterminated ${what}: '${marker}' never follows.`, start);
    return end + marker.length;
  };

  while (i < n) {
    const lt = text.indexOf('<', i);
    if (lt === -1) break;
    const next = text.charCodeAt(lt + 1);

    if (next === BANG) {
      if (text.startsWith('<!--', lt)) {
        i = skipTo('-->', lt + 4, 'comment', lt);
      } else if (text.startsWith('<![CDATA[', lt)) {
        i = skipTo(']]>', lt + 9, 'CDATA section', lt);
      } else {
        let k = lt + 2;
        while (k < n && k < lt + 20 && /[A-Za-z]/.test(text[k])) k++;
        const keyword = text.slice(lt + 2, k) || '…';
        fail(
          'xml.doctype',
          `<!${keyword}> declarations are refused: sopflow never expands entities and never reads external entities, so no file or URL named in a document is ever opened. Remove the DOCTYPE.`,
          lt,
          { params: { keyword } },
        );
      }
      continue;
    }
    if (next === QUESTION) {
      i = skipTo('?>', lt + 2, 'processing instruction', lt);
      continue;
    }
    if (next === SLASH) {
      i = skipTo('>', lt + 2, 'end tag', lt);
      if (depth > 0) depth--;
      continue;
    }

    // A start tag: its name, then attributes until `>` or `/>`.
    let j = lt + 1;
    while (j < n) {
      const c = text.charCodeAt(j);
      if (isSpace(c) || c === GT || c === SLASH || c === LT) break;
      j++;
    }
    if (j === lt + 1) fail('xml.malformed', "A '<' that starts no tag (write &lt; for a literal '<').", lt);
    const name = text.slice(lt + 1, j);
    if (rootName === undefined) {
      rootName = name;
      rootOffset = lt;
    }
    elementCount++;
    if (elementCount > limits.maxElements) {
      fail(
        'xml.too-many-elements',
        `The document has more than ${limits.maxElements} elements (raise the maxElements option if this is intended).`,
        lt,
        { params: { max: limits.maxElements } },
      );
    }

    let selfClosing = false;
    for (;;) {
      while (j < n && isSpace(text.charCodeAt(j))) j++;
      if (j >= n) fail('xml.malformed', `Unterminated start tag <${name}>.`, lt);
      const c = text.charCodeAt(j);
      if (c === GT) {
        j++;
        break;
      }
      if (c === SLASH) {
        if (text.charCodeAt(j + 1) !== GT) fail('xml.malformed', `Expected '/>' to close <${name}>.`, j);
        selfClosing = true;
        j += 2;
        break;
      }
      const attrStart = j;
      while (j < n) {
        const a = text.charCodeAt(j);
        if (isSpace(a) || a === EQUALS || a === GT || a === SLASH || a === LT) break;
        j++;
      }
      if (j === attrStart) fail('xml.malformed', `Unexpected character '${text[j]}' in start tag <${name}>.`, j);
      const attr = text.slice(attrStart, j);
      while (j < n && isSpace(text.charCodeAt(j))) j++;
      if (text.charCodeAt(j) !== EQUALS) fail('xml.malformed', `Attribute '${attr}' of <${name}> has no value.`, attrStart);
      j++;
      while (j < n && isSpace(text.charCodeAt(j))) j++;
      const quote = text[j];
      if (quote !== '"' && quote !== "'") {
        fail('xml.malformed', `The value of attribute '${attr}' of <${name}> must be quoted.`, j);
      }
      const close = text.indexOf(quote, j + 1);
      if (close === -1) fail('xml.malformed', `Unterminated value of attribute '${attr}' of <${name}>.`, j);
      if (attr === 'id') {
        const id = decodeXmlEntities(text.slice(j + 1, close));
        if (!idOffsets.has(id)) idOffsets.set(id, j + 1);
        idByTagOffset.set(lt, id);
      }
      j = close + 1;
    }

    const level = depth + 1;
    if (level > limits.maxDepth) {
      fail(
        'xml.too-deep',
        `Elements are nested more than ${limits.maxDepth} levels deep (raise the maxDepth option if this is intended).`,
        lt,
        { params: { max: limits.maxDepth }, ...(idByTagOffset.has(lt) ? { elementId: idByTagOffset.get(lt) } : {}) },
      );
    }
    if (level > deepest) deepest = level;
    if (!selfClosing) depth = level;
    i = j;
  }

  return { idOffsets, idByTagOffset, rootName, rootOffset, elementCount, deepest };
}
