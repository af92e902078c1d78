import { describe, expect, it } from 'vitest';
import { Translator, translator } from '../src/index.js';

const MONDAY_0230_UTC = Date.UTC(2026, 10, 23, 2, 30); // Monday 23 November 2026, 10:30 in Shanghai

describe('Translator', () => {
  it('should show durations in working time in both languages', () => {
    expect(translator('en').duration('PT2H', { working: true })).toBe('2 working hours');
    expect(translator('zh-CN').duration('PT2H', { working: true })).toBe('2 个工作小时');
    expect(translator('en').duration('P1D', { working: true })).toBe('1 working day');
    expect(translator('zh-CN').duration('P1D', { working: true })).toBe('1 个工作日');
    expect(translator('en').duration('PT1H30M', { working: true })).toBe('1 hour 30 minutes of working time');
    expect(translator('zh-CN').duration('PT1H30M', { working: true })).toBe('工作时间 1 小时 30 分钟');
  });

  it('should show elapsed milliseconds in days, hours and minutes', () => {
    expect(translator('en').duration(26 * 3_600_000 + 5 * 60_000)).toBe('1 day 2 hours 5 minutes');
    expect(translator('zh-CN').duration(26 * 3_600_000 + 5 * 60_000)).toBe('1 天 2 小时 5 分钟');
    expect(translator('en').duration(45_000)).toBe('45 seconds');
    expect(translator('en').duration(60_000)).toBe('1 minute');
    expect(translator('zh-CN').duration(0)).toBe('0 分钟');
  });

  it('should show an instant in the calendar\'s time zone and the owner\'s language', () => {
    expect(translator('en').dateTime(MONDAY_0230_UTC, { zone: 'Asia/Shanghai', style: 'weekday-time' })).toBe('Monday 10:30');
    expect(translator('zh-CN').dateTime(MONDAY_0230_UTC, { zone: 'Asia/Shanghai', style: 'weekday-time' })).toBe('星期一 10:30');
    expect(translator('zh-CN').dateTime(MONDAY_0230_UTC, { zone: 'Asia/Shanghai' })).toBe('2026年11月23日 星期一 10:30');
    expect(translator('en').dateTime(MONDAY_0230_UTC, { zone: 'Europe/Berlin' })).toBe('Mon 23 Nov 2026, 03:30');
  });

  it('should translate a coded message in Chinese and keep the producer\'s English otherwise', () => {
    // given
    const catalogs = { en: { 'ui.hello': 'Hello {name}' }, 'zh-CN': { 'ui.hello': '你好，{name}', 'rule.x': '规则 {at} 有误' } };
    const zh = new Translator('zh-CN', catalogs);
    const en = new Translator('en', catalogs);
    const ref = { code: 'rule.x', params: { at: 'soon' }, message: "Rule at 'soon' is wrong" };
    // when / then
    expect(zh.message(ref)).toBe('规则 soon 有误');
    expect(en.message(ref)).toBe("Rule at 'soon' is wrong");
    expect(zh.message({ code: 'rule.unknown', message: 'English only' })).toBe('English only');
    expect(zh.t('ui.hello', { name: '王' })).toBe('你好，王');
    expect(new Translator('zh-CN', { en: catalogs.en, 'zh-CN': {} }).t('ui.hello', { name: 'Wang' })).toBe('Hello Wang');
    expect(en.t('ui.nothing')).toBe('ui.nothing');
  });
});
