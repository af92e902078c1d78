import { BpmnParseError, type Problem } from '../errors.js';
import { readXmlDeclaration } from './xmlDeclaration.js';

/** The text of a document and how it was obtained. */
export interface DecodedInput {
  /** The decoded text, without a byte order mark. */
  text: string;
  /** WHATWG name of the encoding used (`utf-8`, `windows-1252`, `gbk`…); `utf-16` for a string input. */
  encoding: string;
  /** Non-fatal findings, e.g. a declaration that contradicts the byte order mark. */
  warnings: Problem[];
}

const HEAD_BYTES = 1024;
const SEARCH_CHUNK = 64 * 1024;

function refuse(message: string, extra: Partial<Problem> = {}): never {
  throw new BpmnParseError('The document cannot be decoded.', [
    { severity: 'error', code: 'xml.encoding', message, params: { detail: message }, ...extra },
  ]);
}

/** UTF-8 length of a string, without allocating; stops counting once past `limit`. */
function utf8Length(text: string, limit: number): number {
  let bytes = 0;
  for (let i = 0; i < text.length && bytes <= limit; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

function tooLarge(size: string, maxBytes: number): never {
  throw new BpmnParseError('The document is too large.', [
    {
      severity: 'error',
      code: 'xml.too-large',
      message: `The document is ${size}, more than the limit of ${maxBytes} bytes (raise it with the maxBytes option).`,
      params: { size, max: maxBytes },
    },
  ]);
}

/**
 * Refuses input above `maxBytes` before anything else is done with it. A
 * string counts its UTF-8 length; the count stops as soon as the limit is
 * passed, so an oversized string costs at most `maxBytes` steps. Pure.
 *
 * @throws {BpmnParseError} code `xml.too-large`.
 */
export function assertWithinSize(input: string | Uint8Array, maxBytes: number): void {
  if (typeof input === 'string') {
    if (input.length > maxBytes) tooLarge(`at least ${input.length} bytes`, maxBytes);
    if (input.length * 3 <= maxBytes) return;
    const bytes = utf8Length(input, maxBytes);
    if (bytes > maxBytes) tooLarge(`more than ${maxBytes} bytes in UTF-8`, maxBytes);
  } else if (input.byteLength > maxBytes) {
    tooLarge(`${input.byteLength} bytes`, maxBytes);
  }
}

/** What the first bytes say about the encoding: a byte order mark, or 16-bit `<?`. */
function sniff(bytes: Uint8Array): string | undefined {
  const [b0, b1, b2, b3] = bytes;
  if ((b0 === 0xff && b1 === 0xfe && b2 === 0 && b3 === 0) || (b0 === 0 && b1 === 0 && b2 === 0xfe && b3 === 0xff)) {
    refuse('The document is UTF-32, which sopflow does not read; save it as UTF-8.', { line: 1, column: 1 });
  }
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return 'utf-8';
  if (b0 === 0xff && b1 === 0xfe) return 'utf-16le';
  if (b0 === 0xfe && b1 === 0xff) return 'utf-16be';
  if (b0 === 0x3c && b1 === 0 && b2 === 0x3f && b3 === 0) return 'utf-16le';
  if (b0 === 0 && b1 === 0x3c && b2 === 0 && b3 === 0x3f) return 'utf-16be';
  return undefined;
}

function latin1(bytes: Uint8Array): string {
  let head = '';
  for (let i = 0; i < bytes.length; i++) head += String.fromCharCode(bytes[i]);
  return head;
}

function createDecoder(label: string) {
  try {
    return new TextDecoder(label, { fatal: true });
  } catch {
    return refuse(
      `The document declares encoding="${label}", which is unknown or not supported; save it as UTF-8.`,
      { attribute: 'encoding', line: 1 },
    );
  }
}

/**
 * Finds where a fatal decoder first fails: chunk by chunk, then byte by byte
 * inside the failing chunk, streaming so that a character split across
 * chunks is not mistaken for an error. Returns the offset of the first byte
 * of the bad sequence and the text decoded before it. Only runs after a
 * failure, so its extra passes cost nothing on valid input.
 */
function locateInvalidBytes(bytes: Uint8Array, label: string): { offset: number; before: string } {
  let decoder = new TextDecoder(label, { fatal: true });
  let chunkStart = 0;
  for (; chunkStart < bytes.length; chunkStart += SEARCH_CHUNK) {
    try {
      decoder.decode(bytes.subarray(chunkStart, chunkStart + SEARCH_CHUNK), { stream: true });
    } catch {
      break;
    }
  }
  // No chunk failed: the input ends inside a character, so look at the last chunk.
  if (chunkStart >= bytes.length) chunkStart = Math.max(0, (Math.ceil(bytes.length / SEARCH_CHUNK) - 1) * SEARCH_CHUNK);
  decoder = new TextDecoder(label, { fatal: true });
  const before = [decoder.decode(bytes.subarray(0, chunkStart), { stream: true })];
  let sequenceStart = chunkStart;
  const end = Math.min(bytes.length, chunkStart + SEARCH_CHUNK);
  for (let k = chunkStart; k < end; k++) {
    let out: string;
    try {
      out = decoder.decode(bytes.subarray(k, k + 1), { stream: true });
    } catch {
      break;
    }
    if (out) {
      before.push(out);
      sequenceStart = k + 1;
    }
  }
  return { offset: sequenceStart, before: before.join('') };
}

function lineColumnAtEnd(text: string): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a || (c === 0x0d && text.charCodeAt(i + 1) !== 0x0a)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: text.length - lineStart + 1 };
}

function sameEncoding(declared: string, used: string): boolean {
  try {
    const name = new TextDecoder(declared).encoding;
    return name === used || (name === 'utf-16le' && used.startsWith('utf-16'));
  } catch {
    return false;
  }
}

// A lone surrogate (no UTF-8 form, so no XML character), or U+FFFD.
const SUSPECT = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|\uFFFD/;

/**
 * A string is taken as decoded already, so its decoding cannot be checked;
 * what can be seen is refused: a lone surrogate (text that is not Unicode,
 * which has no UTF-8 form) and U+FFFD, the replacement character a lax
 * decoder (`readFileSync(path, 'utf8')`, `Buffer.toString()`) puts where it
 * met invalid bytes — the text was damaged before sopflow saw it. Pass the
 * bytes instead: they are decoded strictly, and a U+FFFD correctly encoded
 * in them is accepted. Pure; one linear search.
 *
 * @throws {BpmnParseError} code `xml.encoding`, with line and column.
 */
function assertWellFormedText(text: string): void {
  const match = SUSPECT.exec(text);
  if (!match) return;
  const where = lineColumnAtEnd(text.slice(0, match.index));
  if (match[0] === '\uFFFD') {
    refuse(
      'The text holds U+FFFD, the replacement character a decoder writes in place of invalid bytes: it was damaged before sopflow read it (e.g. read with a lax UTF-8 decoder). Pass the file\'s bytes (a Uint8Array), which sopflow decodes strictly.',
      where,
    );
  }
  refuse(
    `The text holds a lone surrogate (U+${match[0].charCodeAt(0).toString(16).toUpperCase()}), which is not a Unicode character and has no UTF-8 form.`,
    where,
  );
}

/**
 * Turns the input into text. A string is taken as decoded already (a leading
 * BOM is dropped; a lone surrogate or U+FFFD is refused). Bytes are decoded
 * strictly: a byte order mark (UTF-8, UTF-16 LE/BE) wins; otherwise the `encoding` of the XML declaration is used
 * (any label `TextDecoder` knows: ISO-8859-1, GBK, GB18030, Shift_JIS…);
 * otherwise UTF-8. Invalid bytes are refused, never replaced by U+FFFD.
 * Pure (`TextDecoder` only).
 *
 * @throws {BpmnParseError} code `xml.encoding` for a string holding a lone
 *   surrogate or U+FFFD, an unknown or unsupported encoding, a mislabelled
 *   UTF-16 document, or bytes invalid in the encoding
 *   (with the byte offset, line and column of the first bad byte).
 */
export function decodeInput(input: string | Uint8Array): DecodedInput {
  if (typeof input === 'string') {
    const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
    assertWellFormedText(text);
    return { text, encoding: 'utf-16', warnings: [] };
  }
  const sniffed = sniff(input);
  const declared = sniffed ? undefined : readXmlDeclaration(latin1(input.subarray(0, HEAD_BYTES)))?.encoding?.value;
  const label = sniffed ?? declared ?? 'utf-8';
  const decoder = createDecoder(label);
  if (!sniffed && decoder.encoding.startsWith('utf-16')) {
    refuse(
      `The document declares encoding="${label}" but its bytes are not UTF-16 (no byte order mark, single-byte declaration); save it as UTF-8 or fix the declaration.`,
      { attribute: 'encoding', line: 1 },
    );
  }
  let text: string;
  try {
    text = decoder.decode(input);
  } catch {
    const { offset, before } = locateInvalidBytes(input, decoder.encoding);
    const where = lineColumnAtEnd(before.charCodeAt(0) === 0xfeff ? before.slice(1) : before);
    return refuse(
      `The bytes from offset ${offset} are not valid ${decoder.encoding}${declared ? ` (declared encoding="${declared}")` : sniffed ? '' : ' (no encoding declared, so UTF-8 is expected)'}; fix the file or declare its real encoding.`,
      where,
    );
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const warnings: Problem[] = [];
  const inner = readXmlDeclaration(text)?.encoding?.value;
  if (sniffed && inner && !sameEncoding(inner, decoder.encoding)) {
    warnings.push({
      severity: 'warning',
      code: 'xml.encoding-mismatch',
      attribute: 'encoding',
      line: 1,
      message: `The document declares encoding="${inner}" but starts with a ${decoder.encoding} byte order mark; it was read as ${decoder.encoding}.`,
      params: { declared: inner, encoding: decoder.encoding },
    });
  }
  return { text, encoding: decoder.encoding, warnings };
}
