import { describe, expect, it } from 'vitest';
import { formatTemplate, placeholders, TemplateSyntaxError, type FormatContext } from '../src/index.js';

const en: FormatContext = { lang: 'en', renderRef: (ref) => `[${ref.code}]` };
const zh: FormatContext = { lang: 'zh-CN', renderRef: (ref) => `[${ref.code}]` };

describe('formatTemplate', () => {
  it('should fill placeholders and keep quotes as text', () => {
    expect(formatTemplate("Escalation '{code}' of sop:escalation[{index}]", { code: 'LATE', index: 2 }, en)).toBe("Escalation 'LATE' of sop:escalation[2]");
  });

  it('should choose English plural cases with Intl.PluralRules, exact cases first', () => {
    // given
    const template = '{n, plural, =0 {no hours} one {# hour} other {# hours}}';
    // when / then
    expect(formatTemplate(template, { n: 0 }, en)).toBe('no hours');
    expect(formatTemplate(template, { n: 1 }, en)).toBe('1 hour');
    expect(formatTemplate(template, { n: 2 }, en)).toBe('2 hours');
    expect(formatTemplate(template, { n: 1234 }, en)).toBe('1,234 hours');
    // Chinese has one plural form: 'one' is never chosen
    expect(formatTemplate('{n, plural, one {一} other {# 个}}', { n: 1 }, zh)).toBe('1 个');
  });

  it('should choose select cases and fall back to other', () => {
    const template = '{kind, select, process {流程} subProcess {子流程} other {元素}}';
    expect(formatTemplate(template, { kind: 'process' }, zh)).toBe('流程');
    expect(formatTemplate(template, { kind: 'task' }, zh)).toBe('元素');
  });

  it('should join lists the language\'s way and render nested messages', () => {
    expect(formatTemplate('{items}', { items: ['a', 'b', 'c'] }, en)).toBe('a, b, and c');
    expect(formatTemplate('{items}', { items: ['a', 'b', 'c'] }, zh)).toBe('a、b和c');
    expect(formatTemplate('{why}', { why: { code: 'x.y' } }, zh)).toBe('[x.y]');
  });

  it('should report a missing parameter and leave its placeholder', () => {
    // given
    const missing: string[] = [];
    // when
    const text = formatTemplate('{a} and {b}', { a: 'A' }, { ...en, onMissing: (name) => missing.push(name) });
    // then
    expect(text).toBe('A and {b}');
    expect(missing).toEqual(['b']);
  });

  it('should refuse a template it cannot read, saying why', () => {
    expect(() => formatTemplate('{n, plural, one {x}}', { n: 1 }, en)).toThrow(/'n' has no 'other' case/);
    expect(() => formatTemplate('open {brace', {}, en)).toThrow(TemplateSyntaxError);
    expect(() => formatTemplate('a } b', {}, en)).toThrow(/unexpected '}'/);
    expect(() => formatTemplate('{n, number}', {}, en)).toThrow(/unknown argument type 'number'/);
  });
});

describe('placeholders', () => {
  it('should list every parameter a template reads, inside plural and select cases too', () => {
    expect(placeholders('{a} {n, plural, one {# {b}} other {# {c}}} {k, select, x {{d}} other {}}').sort()).toEqual(['a', 'b', 'c', 'd', 'k', 'n']);
  });
});
