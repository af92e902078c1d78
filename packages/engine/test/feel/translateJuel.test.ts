import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { evaluate } from 'feelin';
import { describe, expect, it } from 'vitest';
import { compileFeel, isFeel, translateJuel } from '../../src/feel/index.js';

import { CORPUS as SHARED_CORPUS, corpusAvailable } from '../../../../test/support/corpus.js';

const CORPUS = join(SHARED_CORPUS, 'camunda');

describe('translateJuel', () => {
  it.each([
    ['${approved}', 'approved'],
    ['#{approved}', 'approved'],
    ['  ${ approved }  ', 'approved'],
    ['${order.total}', 'order.total'],
    ["${order['total'] > 100}", 'order.total > 100'],
    ['${!approved}', 'not(approved)'],
    ['${not approved}', 'not(approved)'],
    ['${!(a > 5)}', 'not(a > 5)'],
    ["${x == 'a'}", 'x = "a"'],
    ['${x == "a"}', 'x = "a"'],
    ["${x eq 'it\\'s'}", 'x = "it\'s"'],
    ['${x == \'say "hi" \\\\ bye\'}', 'x = "say \\"hi\\" \\\\ bye"'],
    ['${x != 5}', 'x != 5'],
    ['${x ne null}', 'x != null'],
    ['${x == true}', 'x = true'],
    ['${a > 5 && b}', 'a > 5 and b'],
    ['${a gt 5 and b lt 2.50}', 'a > 5 and b < 2.5'],
    ['${a le -1 || b ge .5}', 'a <= -1 or b >= 0.5'],
    ['${a || b && c}', 'a or b and c'],
    ['${(a || b) && c}', '(a or b) and c'],
    ['${审批 == \'通过\'}', '审批 = "通过"'],
    [
      '${empty x}',
      '(x = null or (x instance of string and x = "") or (x instance of list and count(x) = 0) or (x instance of context and x = {}))',
    ],
  ])('should translate %s to %s', (juel, feel) => {
    // given / when
    const translated = translateJuel(juel);

    // then
    expect(translated).toBe(feel);
    expect(() => compileFeel(translated as string)).not.toThrow();
  });

  it.each([
    ["${execution.getVariable('x')}", 'a method call'],
    ['${bean.method()}', 'a method call'],
    ['${dateTime().plusDays(1)}', 'a function call'],
    ['${execution.processBusinessKey}', 'a Camunda bean'],
    ['${authenticatedUserId == "demo"}', 'a Camunda bean'],
    ['${a + 1 > 2}', 'arithmetic'],
    ['${a ? b : c}', 'a conditional'],
    ['${x > null}', 'ordering with null'],
    ['${x < true}', 'ordering with a boolean'],
    ['${a > 5 == true}', 'a comparison of a comparison'],
    ['${1e3 > x}', 'an exponent (feelin reads 1e3 as 1)'],
    ['${list[0]}', 'an index'],
    ['${date > 1}', 'a FEEL keyword as a name'],
    ['${$x}', 'a name FEEL cannot spell'],
    ["${x == 'a\\nb'}", 'an escape EL does not have'],
    ['${a}${b}', 'two expressions'],
    ['total: ${a}', 'text around the expression'],
    ['${a', 'an unclosed expression'],
    ['${}', 'an empty expression'],
    ['approved', 'plain text'],
  ])('should refuse %s (%s)', (juel) => {
    // given / when / then
    expect(translateJuel(juel)).toBeNull();
  });

  it('should translate `empty` exactly as JUEL decides it for every kind of value', () => {
    // given JUEL: empty is true for null, "", an empty collection and an empty map
    const feel = translateJuel('${empty x}') as string;
    const cases: [unknown, boolean][] = [
      [null, true],
      [undefined, true],
      ['', true],
      [[], true],
      [{}, true],
      ['a', false],
      [[''], false],
      [[1], false],
      [{ a: 1 }, false],
      [0, false],
      [false, false],
    ];

    // when
    const results = cases.map(([x]) => compileFeel(feel).evaluate(x === undefined ? {} : { x }));

    // then
    expect(results).toEqual(cases.map(([, empty]) => empty));
  });

  it.runIf(corpusAvailable)('should translate the JUEL conditions of the Camunda corpus it can, and compile the FEEL ones', () => {
    // given every conditionExpression body in the corpus
    const bodies = listFiles(CORPUS)
      .filter((file) => /\.(bpmn|xml)$/.test(file))
      .flatMap((file) => conditionBodies(readFileSync(file, 'utf8')));
    const tally = { juel: 0, translated: 0, refused: 0, feel: 0, feelFast: 0, feelFallback: 0, feelInvalid: 0, other: 0 };
    const refused: string[] = [];

    // when
    for (const body of bodies) {
      const text = body.trim();
      if (text.startsWith('${') || text.startsWith('#{')) {
        tally.juel++;
        const translated = translateJuel(text);
        if (translated === null) {
          tally.refused++;
          refused.push(text);
        } else {
          tally.translated++;
          expect(compileFeel(translated).fast).toBe(true);
        }
      } else if (isFeel(text)) {
        tally.feel++;
        try {
          const compiled = compileFeel(text);
          if (compiled.fast) tally.feelFast++;
          else tally.feelFallback++;
        } catch {
          tally.feelInvalid++;
          expect(() => evaluate(text.replace(/^\s*=/, ''), {})).toThrow();
        }
      } else tally.other++;
    }
    console.log('JUEL/FEEL corpus tally', tally, '\nrefused JUEL:', refused);

    // then
    expect(tally.juel).toBeGreaterThanOrEqual(30);
    expect(tally.translated).toBeGreaterThanOrEqual(tally.juel - 4);
    for (const text of refused) expect(text).toMatch(/\.\w+\(/);
    expect(tally.feel).toBeGreaterThanOrEqual(50);
  });
});

function listFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

const CONDITION = /<(?:[\w-]+:)?conditionExpression\b[^>]*?(?:\/>|>([\s\S]*?)<\/(?:[\w-]+:)?conditionExpression>)/g;

/** The text of each conditionExpression element, CDATA and entities decoded. */
function conditionBodies(xml: string): string[] {
  return Array.from(xml.matchAll(CONDITION), (match) => decodeXmlText(match[1] ?? ''));
}

function decodeXmlText(text: string): string {
  return text.replace(/<!\[CDATA\[([\s\S]*?)\]\]>|&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-f]+);/gi, (_match, cdata, entity: string) => {
    if (cdata !== undefined) return cdata;
    const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
    if (entity in named) return named[entity];
    return String.fromCodePoint(entity.startsWith('#x') ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10));
  });
}
