import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BpmnParseError } from '../../src/errors.js';
import { LineIndex } from '../../src/parse/LineIndex.js';
import { scanXml } from '../../src/parse/scanXml.js';

const LIMITS = { maxDepth: 2_000, maxElements: 500_000 };

function scan(text: string, limits = LIMITS) {
  return scanXml(text, limits, new LineIndex(text));
}

function refusal(text: string, limits = LIMITS): BpmnParseError {
  try {
    scan(text, limits);
  } catch (error) {
    expect(error).toBeInstanceOf(BpmnParseError);
    return error as BpmnParseError;
  }
  throw new Error('expected the scan to refuse the text');
}

describe('scanXml', () => {
  it('should record each id value, decoding entities, and the tag it belongs to', () => {
    // given
    const text = '<a id="root">\n  <b  id = \'x&amp;y\' other="id=&quot;fake&quot;"/>\n</a>';
    // when
    const result = scan(text);
    // then
    expect([...result.idOffsets.keys()]).toEqual(['root', 'x&y']);
    expect(result.idOffsets.get('x&y')).toBe(text.indexOf('x&amp;y'));
    expect(result.idByTagOffset.get(text.indexOf('<b'))).toBe('x&y');
    expect(result.rootName).toBe('a');
    expect(result.elementCount).toBe(2);
    expect(result.deepest).toBe(2);
  });

  it('should not mistake markup inside comments, CDATA, processing instructions or attribute values for elements', () => {
    // given
    const text = [
      '<?xml version="1.0"?>',
      '<!-- <b id="c1"/> <!DOCTYPE x> -->',
      '<a id="a" title="<b id=&quot;v&quot;> > />">',
      '<![CDATA[ <b id="cd"/> <!ENTITY x "y"> ]]>',
      '<?pi <b id="pi"/> ?>',
      '</a>',
    ].join('\n');
    // when
    const result = scan(text);
    // then
    expect([...result.idOffsets.keys()]).toEqual(['a']);
    expect(result.elementCount).toBe(1);
  });

  it('should refuse a DOCTYPE wherever it is, with its position', () => {
    // when
    const error = refusal('<a>\n  <b/>\n  <!DOCTYPE a></a>');
    // then
    expect(error.problems).toEqual([expect.objectContaining({ code: 'xml.doctype', line: 3, column: 3 })]);
  });

  it.each([
    ['<a><!-- open', 'comment'],
    ['<a><![CDATA[ open', 'CDATA'],
    ['<a><?pi open', 'processing instruction'],
    ['<a id="open', 'attribute'],
    ['<a b="1" c>', "'c'"],
    ['<a b=1>', 'quoted'],
    ['<a/ >', "'/>'"],
    ['<a>< b/></a>', "'<'"],
  ])('should refuse %s as xml.malformed', (text, words) => {
    // when
    const error = refusal(text);
    // then
    expect(error.problems[0].code).toBe('xml.malformed');
    expect(error.problems[0].message).toContain(words);
  });

  it('should count depth across self-closing and end tags', () => {
    // given
    const text = '<a><b/><b><c/></b><b><c><d/></c></b></a>';
    // when
    const result = scan(text);
    // then
    expect(result.deepest).toBe(4);
    expect(refusal(text, { maxDepth: 3, maxElements: 100 }).problems[0]).toMatchObject({ code: 'xml.too-deep', column: 25 });
  });

  it('should scan 1,000,000 nested elements with the limits off without overflowing the stack', () => {
    // given
    const text = '<a>'.repeat(1_000_000) + '</a>'.repeat(1_000_000);
    // when
    const result = scan(text, { maxDepth: Infinity, maxElements: Infinity });
    // then
    expect(result.deepest).toBe(1_000_000);
  });

  it('should either scan or refuse with a BpmnParseError, for any text', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('<', '>', '/', '!', '?', '-', '[', ']', '"', "'", '=', ' ', '\n', 'a', 'id', 'CDATA', 'DOCTYPE', '&amp;')),
        (parts) => {
          const text = parts.join('');
          try {
            scan(text);
          } catch (error) {
            if (!(error instanceof BpmnParseError)) throw error;
            expect(error.problems[0].line).toBeGreaterThanOrEqual(1);
          }
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('should locate generated ids exactly where they are written', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ id: fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,12}$/), pad: fc.stringMatching(/^[ \n\r\t]{0,3}$/) }),
          { maxLength: 30 },
        ),
        (elements) => {
          const text = `<root>${elements.map((e) => `${e.pad}<el ${e.pad}id="${e.id}"/>`).join('')}</root>`;
          const result = scan(text);
          for (const { id } of elements) {
            const offset = result.idOffsets.get(id)!;
            expect(text.slice(offset, offset + id.length)).toBe(id);
            expect(text[offset - 1]).toBe('"');
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('LineIndex', () => {
  it('should agree with line starts found by a regular expression, for any mix of line endings', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', '\n', '\r', '\r\n')), fc.nat(), (parts, pick) => {
        // given
        const text = parts.join('');
        const offset = pick % (text.length + 1);
        const starts = [0, ...[...text.matchAll(/\r\n|\r|\n/g)].map((m) => m.index + m[0].length)];
        const line = starts.filter((start) => start <= offset).length;
        // when
        const position = new LineIndex(text).position(offset);
        // then
        expect(position).toEqual({ line, column: offset - starts[line - 1] + 1 });
      }),
      { numRuns: 1_000 },
    );
  });

  it('should round-trip 0-based positions as saxen reports them', () => {
    // given
    const index = new LineIndex('ab\ncd\r\nef\rg');
    // then
    expect(index.offsetOfZeroBased(0, 1)).toBe(1);
    expect(index.offsetOfZeroBased(1, 0)).toBe(3);
    expect(index.offsetOfZeroBased(2, 1)).toBe(8);
    expect(index.offsetOfZeroBased(3, 0)).toBe(10);
    expect(index.offsetOfZeroBased(4, 0)).toBeUndefined();
    expect(index.position(8)).toEqual({ line: 3, column: 2 });
  });
});
