import { describe, expect, it } from 'vitest';
import { chooseLanguage, parseAcceptLanguage, parseLanguage, pickLanguage } from '../src/index.js';

describe('choosing the language', () => {
  it('should take the first of the browser\'s languages sopflow speaks', () => {
    expect(pickLanguage(['fr-FR', 'zh-CN', 'en'])).toBe('zh-CN');
    expect(pickLanguage(['de', 'en-GB', 'zh'])).toBe('en');
    expect(pickLanguage(['zh-Hans-CN'])).toBe('zh-CN');
    expect(pickLanguage(['zh_TW'])).toBe('zh-CN');
    expect(pickLanguage(['fr', 'de'])).toBe('en');
    expect(pickLanguage([])).toBe('en');
  });

  it('should read Accept-Language by quality, then by position, leaving out q=0 and *', () => {
    expect(parseAcceptLanguage('en;q=0.8, zh-CN, fr;q=0.9')).toEqual(['zh-CN', 'fr', 'en']);
    expect(parseAcceptLanguage('zh;q=0, *;q=0.5, en-US')).toEqual(['en-US']);
    expect(pickLanguage(parseAcceptLanguage('fr-CH, fr;q=0.9, zh-CN;q=0.8, en;q=0.7'))).toBe('zh-CN');
    expect(parseAcceptLanguage(undefined)).toEqual([]);
  });

  it('should prefer ?lang= over the saved choice over the browser', () => {
    expect(chooseLanguage({ query: 'en', saved: 'zh-CN', browser: ['zh-CN'] })).toBe('en');
    expect(chooseLanguage({ query: null, saved: 'zh-CN', browser: ['en'] })).toBe('zh-CN');
    expect(chooseLanguage({ saved: 'xx', browser: ['zh-CN'] })).toBe('zh-CN');
    expect(chooseLanguage({})).toBe('en');
  });

  it('should accept exactly the languages it has as --lang', () => {
    expect(parseLanguage('zh-CN')).toBe('zh-CN');
    expect(parseLanguage('zh_cn')).toBe('zh-CN');
    expect(parseLanguage('zh')).toBe('zh-CN');
    expect(parseLanguage('EN')).toBe('en');
    expect(parseLanguage('fr')).toBeUndefined();
    expect(parseLanguage('en-US')).toBeUndefined();
  });
});
