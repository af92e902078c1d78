import { describe, expect, it } from 'vitest';
import { parse } from '../../src/parse/index.js';
import { bpmn, fixture, rejection } from './helpers.js';

function taskName(result: Awaited<ReturnType<typeof parse>>): unknown {
  const process = result.definitions.rootElements?.[0] as unknown as { flowElements: Array<{ name?: string }> };
  return process.flowElements[0].name;
}

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

describe('parse: encodings', () => {
  it('should decode ISO-8859-1 bytes as declared, with é intact and no encoding warning', async () => {
    // given
    const input = fixture('encoding.iso-8859-1.bpmn');
    expect(input.indexOf(0xe9)).toBeGreaterThan(0);
    // when
    const result = await parse(input);
    // then
    expect(taskName(result)).toBe('Vérifier la réclamation');
    expect(result.warnings).toEqual([]);
  });

  it('should blank the declared encoding in the returned text without moving any position', async () => {
    // given
    const input = fixture('encoding.iso-8859-1.bpmn');
    // when
    const result = await parse(input);
    // then
    expect(result.xml.split('\n')[0]).toBe('<?xml version="1.0"                      ?>');
    expect(result.xml.length).toBe(input.length);
    expect(result.locate('Task_1')).toEqual({ line: 4, column: 20 });
  });

  it('should decode GB18030 bytes as declared', async () => {
    // when
    const result = await parse(fixture('encoding.gb18030.bpmn'));
    // then
    expect(taskName(result)).toBe('审核投诉');
    expect(result.warnings).toEqual([]);
  });

  it.each(['encoding.utf-16le-bom.bpmn', 'encoding.utf-16be-bom.bpmn'])('should decode %s by its byte order mark', async (name) => {
    // when
    const result = await parse(fixture(name));
    // then
    expect(taskName(result)).toBe('Überprüfen – 检查');
    expect(result.xml.startsWith('<?xml')).toBe(true);
    expect(result.warnings).toEqual([]);
  });

  it('should decode UTF-16 without a byte order mark from its first bytes', async () => {
    // given
    const text = bpmn('<bpmn:task id="T" name="ohne BOM – ü"/>').replace('encoding="UTF-8"', 'encoding="UTF-16"');
    const bytes = new Uint8Array(text.length * 2);
    for (let i = 0; i < text.length; i++) {
      bytes[2 * i] = text.charCodeAt(i) & 0xff;
      bytes[2 * i + 1] = text.charCodeAt(i) >> 8;
    }
    // when
    const result = await parse(bytes);
    // then
    expect(taskName(result)).toBe('ohne BOM – ü');
  });

  it('should strip a UTF-8 byte order mark from bytes and from a string', async () => {
    // given
    const text = bpmn('<bpmn:task id="T" name="ü"/>');
    // when
    const fromBytes = await parse(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(text)]));
    const fromString = await parse('\ufeff' + text);
    // then
    expect(fromBytes.xml).toBe(text);
    expect(fromString.xml).toBe(text);
    expect(taskName(fromBytes)).toBe('ü');
  });

  it('should read bytes without a declaration as UTF-8', async () => {
    // given
    const text = bpmn('<bpmn:task id="T" name="naïve"/>').replace(/^<\?xml[^>]*>\n/, '');
    // when
    const result = await parse(utf8(text));
    // then
    expect(taskName(result)).toBe('naïve');
  });

  it('should refuse an unknown encoding label as xml.encoding', async () => {
    // given
    const input = utf8(bpmn('<bpmn:task id="T"/>').replace('UTF-8', 'x-klingon-8'));
    // when
    const error = await rejection(parse(input));
    // then
    expect(error.problems).toEqual([expect.objectContaining({ code: 'xml.encoding', attribute: 'encoding', line: 1 })]);
    expect(error.problems[0].message).toContain('x-klingon-8');
  });

  it('should refuse UTF-32 as xml.encoding', async () => {
    // when
    const error = await rejection(parse(new Uint8Array([0xff, 0xfe, 0, 0, 0x3c, 0, 0, 0])));
    // then
    expect(error.problems.map((p) => p.code)).toEqual(['xml.encoding']);
  });

  it('should refuse a document declaring UTF-16 whose bytes are single-byte', async () => {
    // given
    const input = utf8(bpmn('<bpmn:task id="T"/>').replace('UTF-8', 'UTF-16'));
    // when
    const error = await rejection(parse(input));
    // then
    expect(error.problems.map((p) => p.code)).toEqual(['xml.encoding']);
  });

  it('should refuse bytes that end inside a character, at the offset where that character starts', async () => {
    // given
    const text = utf8(bpmn('<bpmn:task id="T"/>'));
    const input = new Uint8Array([...text, 0xe2, 0x82]);
    // when
    const error = await rejection(parse(input));
    // then
    expect(error.problems[0].code).toBe('xml.encoding');
    expect(error.problems[0].message).toContain(`offset ${text.length} `);
  });

  it('should refuse invalid GBK bytes', async () => {
    // given
    const head = utf8(bpmn('<bpmn:task id="T" name="X"/>').replace('UTF-8', 'GBK'));
    const x = head.indexOf(0x58);
    const input = new Uint8Array([...head.subarray(0, x), 0x81, 0x20, ...head.subarray(x + 1)]);
    // when
    const error = await rejection(parse(input));
    // then
    expect(error.problems[0]).toMatchObject({ code: 'xml.encoding', line: 4 });
    expect(error.problems[0].message).toContain(`offset ${x} `);
  });

  it('should warn when the declaration contradicts the byte order mark, and follow the mark', async () => {
    // given
    const text = bpmn('<bpmn:task id="T" name="ü"/>').replace('UTF-8', 'ISO-8859-1');
    // when
    const result = await parse(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(text)]));
    // then
    expect(taskName(result)).toBe('ü');
    expect(result.warnings).toEqual([expect.objectContaining({ severity: 'warning', code: 'xml.encoding-mismatch' })]);
  });

  it('should not warn about the declared encoding of a string input', async () => {
    // given: the caller already decoded the text; moddle alone would warn "unsupported document encoding"
    const text = bpmn('<bpmn:task id="T" name="é"/>').replace('UTF-8', 'windows-1252');
    // when
    const result = await parse(text);
    // then
    expect(result.warnings).toEqual([]);
    expect(taskName(result)).toBe('é');
  });
});
