/**
 * bpmn-js in Chinese: every text the palette, the context pad and the
 * replace menu of the installed bpmn-js ask `translate` for has a Chinese
 * text (so a bpmn-js upgrade that adds one fails here, not in front of an
 * owner), and the translate function fills `{placeholders}` as bpmn-js's
 * own does. Our UI catalogs say the same in both languages.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { CATALOGS, placeholders } from '@sopflow/i18n';
import { describe, expect, it } from 'vitest';
import { BPMN_ZH_CN } from '../src/i18n/bpmnZhCN.js';
import { bpmnTranslate } from '../src/i18n/translateModule.js';
import { modeler } from '../../i18n/src/catalogs/modeler.js';
import { workbench } from '../../i18n/src/catalogs/workbench.js';

const BPMN_JS = join(dirname(createRequire(import.meta.url).resolve('bpmn-js/package.json')), 'lib/features');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : name.endsWith('.js') ? [path] : [];
  });
}

/** The texts bpmn-js's palette, context pad and popup (replace) menu translate: `translate('…')` and the menu entries' `label: '…'`. */
function bpmnJsTexts(): string[] {
  const texts = new Set<string>();
  for (const feature of ['palette', 'context-pad', 'popup-menu', 'replace']) {
    for (const file of files(join(BPMN_JS, feature))) {
      const source = readFileSync(file, 'utf8').replace(/^\s*\/\/.*$/gm, '');
      for (const m of source.matchAll(/translate\(\s*(['"])((?:(?!\1).)+)\1/g)) texts.add(m[2]);
      for (const m of source.matchAll(/\blabel: (['"])((?:(?!\1).)+)\1/g)) texts.add(m[2]);
    }
  }
  return [...texts];
}

describe('bpmn-js in Chinese', () => {
  it('should have a Chinese text for everything the palette, the context pad and the replace menu show', () => {
    // given
    const texts = bpmnJsTexts();
    expect(texts.length, 'texts found in bpmn-js').toBeGreaterThan(100);

    // when
    const missing = texts.filter((text) => !Object.prototype.hasOwnProperty.call(BPMN_ZH_CN, text));

    // then
    expect(missing).toEqual([]);
  });

  it('should translate with placeholders in Chinese and pass English through', () => {
    // given
    const zh = bpmnTranslate('zh-CN');
    const en = bpmnTranslate('en');

    // then
    expect(zh('Create start event')).toBe('创建开始事件');
    expect(zh('{errors} Errors, {warnings} Warnings', { errors: 2, warnings: 0 })).toBe('2 个错误，0 个警告');
    expect(zh('User Task')).toBe('用户任务');
    expect(zh('Timer Boundary Event (Non Interrupting)')).toBe('定时边界事件（非中断）');
    expect(zh('No such text {x}', { x: 1 })).toBe('No such text 1');
    expect(en('Create start event')).toBe('Create start event');
    expect(en('{errors} Errors, {warnings} Warnings', { errors: '1', warnings: '0' })).toBe('1 error, 0 warnings');
    expect(zh('{errors} Errors, {warnings} Warnings', { errors: '1', warnings: '2' })).toBe('1 个错误，2 个警告');
  });
});

describe('the modeler and workbench catalogs', () => {
  it('should use the same placeholders in English and Chinese', () => {
    // given
    const ids = Object.keys({ ...modeler, ...workbench });

    // when
    const different = ids.filter((id) => placeholders(CATALOGS.en[id]).sort().join() !== placeholders(CATALOGS['zh-CN'][id]).sort().join());

    // then
    expect(ids.length).toBeGreaterThan(300);
    // The field checks show the engine's English detail as it is, and in Chinese say what is expected.
    expect(different).toEqual(['sop.error.duration']);
  });
});
