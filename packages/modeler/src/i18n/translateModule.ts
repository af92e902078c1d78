/**
 * bpmn-js's `translate` service in the page's language: palette, context
 * pad, replace menu, search, lint overlays and the properties panel ask it
 * for every text. English passes through (bpmn-js's own texts); Chinese
 * comes from {@link BPMN_ZH_CN}. A text it has no translation for stays
 * English.
 */
import type { Language } from '@sopflow/i18n';
import { BPMN_ZH_CN } from './bpmnZhCN.js';
import { lang } from './language.js';

/** A bpmn-js translate function: the template in `language`, `{name}` replaced. Pure. */
export function bpmnTranslate(language: Language): (template: string, replacements?: Record<string, unknown>) => string {
  const table: Readonly<Record<string, string>> = language === 'zh-CN' ? BPMN_ZH_CN : {};
  return (template, replacements = {}) =>
    (Object.prototype.hasOwnProperty.call(table, template) ? table[template] : template).replace(/{([^}]+)}/g, (whole, key: string) =>
      Object.prototype.hasOwnProperty.call(replacements, key) ? String(replacements[key]) : whole,
    );
}

/** The bpmn-js module replacing `translate` (pass it after the other modules). */
export default {
  translate: ['value', bpmnTranslate(lang)],
};
