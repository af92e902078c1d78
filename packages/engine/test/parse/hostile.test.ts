import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from '../../src/parse/index.js';
import { MAX_UNPARSABLE_CONTENT } from '../../src/parse/importDefinitions.js';
import { bpmn, errorsOf, fixture, FIXTURES, NS, rejection } from './helpers.js';

const MARKER = readFileSync(FIXTURES + 'doctype.xxe-secret.txt', 'utf8').trim();

function nested(depth: number): string {
  return `<bpmn:definitions ${NS} id="D"><bpmn:process id="P"><bpmn:extensionElements>${'<x:a xmlns:x="urn:x">'.repeat(1)}${'<x:a>'.repeat(depth)}${'</x:a>'.repeat(depth + 1)}</bpmn:extensionElements></bpmn:process></bpmn:definitions>`;
}

describe('parse: hostile input', () => {
  it('should refuse a billion laughs document as xml.doctype without expanding anything', async () => {
    // given
    const input = fixture('doctype.billion-laughs.bpmn');
    // when
    const error = await rejection(parse(input));
    // then
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatchObject({ severity: 'error', code: 'xml.doctype', line: 2, column: 1 });
    expect(error.problems[0].message).toMatch(/never expands entities and never reads external entities/);
    expect(error.message.length).toBeLessThan(2_000);
  });

  it('should refuse an external entity (XXE) as xml.doctype and never read the file it names', async () => {
    // given: the fixture names its neighbour by a relative path; a variant names it by absolute file URL
    const relative = fixture('doctype.xxe.bpmn');
    const absolute = new TextDecoder()
      .decode(relative)
      .replace('"doctype.xxe-secret.txt"', `"file://${FIXTURES}doctype.xxe-secret.txt"`);
    expect(absolute).toContain(`file://${FIXTURES}`);
    for (const input of [relative, absolute]) {
      // when
      const error = await rejection(parse(input));
      // then
      expect(error.problems.map((p) => p.code)).toEqual(['xml.doctype']);
      const everything = JSON.stringify({ message: error.message, problems: error.problems, details: error.details });
      expect(everything).not.toContain(MARKER);
    }
  });

  it('should refuse a bare <!ENTITY declaration outside a DOCTYPE too', async () => {
    // given
    const input = `<!ENTITY x SYSTEM "file:///etc/passwd">${bpmn('<bpmn:task id="T"/>')}`;
    // when
    const error = await rejection(parse(input));
    // then
    expect(error.problems[0]).toMatchObject({ code: 'xml.doctype', line: 1, column: 1 });
  });

  it('should refuse 100,000-deep nesting cleanly, without a stack overflow', async () => {
    // given
    const input = nested(100_000);
    // when
    const error = await rejection(parse(input));
    // then
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatchObject({ code: 'xml.too-deep', line: 1 });
    expect(error.problems[0].message).toMatch(/2000 levels/);
  });

  it('should accept nesting up to maxDepth and refuse one level more', async () => {
    // given: definitions, process, extensionElements, the x:a wrapper = 4 levels around the chain
    const limit = 50;
    // when
    const atLimit = parse(nested(limit - 4), { maxDepth: limit });
    const overLimit = parse(nested(limit - 3), { maxDepth: limit });
    // then
    await expect(atLimit).resolves.toBeDefined();
    expect((await rejection(overLimit)).problems[0].code).toBe('xml.too-deep');
  });

  it('should refuse more elements than maxElements', async () => {
    // given
    const input = bpmn(Array.from({ length: 20 }, (_, i) => `<bpmn:task id="T${i}"/>`).join(''));
    // when
    const error = await rejection(parse(input, { maxElements: 10 }));
    // then
    expect(error.problems[0]).toMatchObject({ code: 'xml.too-many-elements', line: 4 });
  });

  it('should refuse an oversized input before any XML work, in far less time than parsing it would take', async () => {
    // given: 11 MiB of text that would be slow to parse (and a DOCTYPE that would be refused later)
    const big = new Uint8Array(11 * 1024 * 1024).fill(0x3c);
    const bigString = '<!DOCTYPE x>' + ' '.repeat(11 * 1024 * 1024);
    // when
    const started = performance.now();
    const fromBytes = await rejection(parse(big));
    const fromString = await rejection(parse(bigString));
    const elapsed = performance.now() - started;
    // then
    expect(fromBytes.problems.map((p) => p.code)).toEqual(['xml.too-large']);
    expect(fromString.problems.map((p) => p.code)).toEqual(['xml.too-large']);
    expect(elapsed).toBeLessThan(50);
  });

  it('should count a string in UTF-8 bytes against maxBytes', async () => {
    // given: 400 three-byte characters are 1,200 bytes but 400 UTF-16 units
    const input = bpmn(`<bpmn:task id="T" name="${'検'.repeat(400)}"/>`);
    // when
    const error = await rejection(parse(input, { maxBytes: input.length + 500 }));
    // then
    expect(error.problems[0].code).toBe('xml.too-large');
  });

  it('should refuse invalid UTF-8 bytes with the byte offset and position of the first bad byte', async () => {
    // given
    const input = fixture('encoding.invalid-utf8.bpmn');
    const bad = input.indexOf(0xe9);
    // when
    const error = await rejection(parse(input));
    // then
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatchObject({ code: 'xml.encoding', line: 4, column: 35 });
    expect(error.problems[0].message).toContain(`offset ${bad} `);
  });

  it('should refuse duplicate ids, naming the id and the line of the second one', async () => {
    // given
    const input = fixture('ids.duplicate.bpmn');
    // when
    const error = await rejection(parse(input));
    // then
    expect(errorsOf(error)).toEqual([
      expect.objectContaining({ code: 'bpmn.duplicate-id', elementId: 'Task_1', line: 5, column: 5 }),
    ]);
  });

  it('should refuse an id holding markup instead of letting moddle drop the element', async () => {
    // given
    const input = fixture('ids.markup.bpmn');
    // when
    const error = await rejection(parse(input));
    // then
    expect(errorsOf(error)).toEqual([
      expect.objectContaining({ code: 'bpmn.invalid-id', elementId: '<img src=x onerror=alert(1)>', line: 4, column: 5 }),
    ]);
  });

  it('should refuse a dangling sourceRef, naming the element, the attribute and the missing id', async () => {
    // given
    const input = fixture('references.dangling-source.bpmn');
    // when
    const error = await rejection(parse(input));
    // then
    expect(errorsOf(error)).toEqual([
      expect.objectContaining({ code: 'bpmn.unresolved-reference', elementId: 'Flow_1', attribute: 'sourceRef', line: 5 }),
    ]);
    expect(errorsOf(error)[0].message).toContain("'Task_Missing'");
  });

  it('should refuse an unknown element inside bpmn:process', async () => {
    // given
    const input = fixture('elements.unknown-in-process.bpmn');
    // when
    const error = await rejection(parse(input));
    // then
    expect(errorsOf(error)).toEqual([
      expect.objectContaining({ code: 'bpmn.unknown-element', elementId: 'Approve', line: 5, column: 5 }),
    ]);
    expect(errorsOf(error)[0].message).toContain('bpmn:approvalStep');
  });

  it('should refuse a well-formed XML document that is not BPMN', async () => {
    // given
    const input = fixture('definitions.not-bpmn.bpmn');
    // when
    const error = await rejection(parse(input));
    // then
    expect(error.problems).toEqual([expect.objectContaining({ code: 'bpmn.not-bpmn', line: 2, column: 1 })]);
  });

  it('should refuse plain garbage as malformed XML', async () => {
    // given
    const input = fixture('definitions.garbage.bpmn');
    // when
    const error = await rejection(parse(input));
    // then
    expect(error.problems).toEqual([expect.objectContaining({ code: 'xml.malformed', line: 1 })]);
  });

  it('should refuse an empty document', async () => {
    // when
    const error = await rejection(parse(''));
    // then
    expect(error.problems.map((p) => p.code)).toEqual(['xml.malformed']);
  });

  it('should refuse a non-string, non-bytes input', async () => {
    // when
    const error = await rejection(parse(42 as unknown as string));
    // then
    expect(error.problems.map((p) => p.code)).toEqual(['input.invalid']);
  });

  it(`should stop after ${MAX_UNPARSABLE_CONTENT} pieces of unreadable content instead of taking quadratic time`, async () => {
    // given: 20,000 unknown elements after 20,000 valid tasks
    const tasks = Array.from({ length: 20_000 }, (_, i) => `<bpmn:task id="Task_${i}" name="A task with a name"/>`);
    const junk = Array.from({ length: 20_000 }, (_, i) => `<bpmn:junk id="Junk_${i}"/>`);
    const input = bpmn([...tasks, ...junk].join('\n'));
    // when
    const started = performance.now();
    const error = await rejection(parse(input));
    const elapsed = performance.now() - started;
    // then
    const codes = error.problems.map((p) => p.code);
    expect(codes.filter((c) => c === 'bpmn.unknown-element')).toHaveLength(MAX_UNPARSABLE_CONTENT);
    expect(codes.at(-1)).toBe('bpmn.too-many-problems');
    expect(error.problems[0]).toMatchObject({ elementId: 'Junk_0', line: 20_004 });
    expect(elapsed).toBeLessThan(10_000);
  });
});
