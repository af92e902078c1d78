/**
 * bpmn-js's `translate` service in the page's language: palette, context
 * pad, replace menu, search, lint overlays and the properties panel ask it
 * for every text. English passes through (bpmn-js's own texts); Chinese
 * comes from {@link BPMN_ZH_CN}. A text it has no translation for stays
 * English.
 */
import { translator, type Language } from '@sopflow/i18n';
import { BPMN_ZH_CN } from './bpmnZhCN.js';
import { lang } from './language.js';

/** bpmn-js texts said with our catalog's messages, in both languages (counts with plurals: `1 error`, not `1 Errors`). */
const OWN: Readonly<Record<string, string>> = {
  '{errors} Errors, {warnings} Warnings': 'modeler.lint.button',
  'No Issues': 'modeler.lint.no-issues',
};

/** A bpmn-js translate function: the template in `language`, `{name}` replaced. Pure. */
export function bpmnTranslate(language: Language): (template: string, replacements?: Record<string, unknown>) => string {
  const table: Readonly<Record<string, string>> = language === 'zh-CN' ? BPMN_ZH_CN : {};
  return (template, replacements = {}) => {
    if (Object.prototype.hasOwnProperty.call(OWN, template)) {
      const numbers = Object.fromEntries(Object.entries(replacements).map(([key, value]) => [key, typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : (value as string | number)]));
      return translator(language).t(OWN[template], numbers);
    }
    return (Object.prototype.hasOwnProperty.call(table, template) ? table[template] : template).replace(/{([^}]+)}/g, (whole, key: string) =>
      Object.prototype.hasOwnProperty.call(replacements, key) ? String(replacements[key]) : whole,
    );
  };
}

/** The bpmn-js module replacing `translate` (pass it after the other modules). */
export default {
  translate: ['value', bpmnTranslate(lang)],
};
