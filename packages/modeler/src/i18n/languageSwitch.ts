/**
 * The language switch in the top bar of the modeler and the workbench
 * views: a choice between English and 简体中文. Choosing saves the language
 * (localStorage) and reloads the page in it; `beforeReload` lets the page
 * keep what it must not lose (the modeler keeps the unsaved diagram).
 */
import { LANGUAGE_NAMES, LANGUAGE_STORAGE_KEY, LANGUAGES, type Language } from '@sopflow/i18n';
import { h } from '../app/dom.js';
import { lang, saveLanguage, t } from './language.js';

/** The switch (`#language-switch`), set to the page's language. */
export function languageSwitch(beforeReload: () => unknown = () => {}): HTMLElement {
  const select = h(
    'select',
    { class: 'language-switch', title: t('ui.language'), attrs: { id: 'language-switch', 'aria-label': t('ui.language') } },
    ...LANGUAGES.map((code) => h('option', { attrs: { value: code, lang: code, ...(code === lang ? { selected: '' } : {}) } }, LANGUAGE_NAMES[code])),
  );
  select.addEventListener('change', async () => {
    const next = select.value as Language;
    if (next === lang) return;
    saveLanguage(next);
    const url = new URL(window.location.href);
    // A `?lang=` would win over the saved choice: it follows the switch (and carries it where storage is refused).
    if (url.searchParams.has('lang') || storedLanguage() !== next) url.searchParams.set('lang', next);
    try {
      await beforeReload();
    } finally {
      // Replacing a URL that differs only in its #hash would not reload the page.
      if (url.href === window.location.href) window.location.reload();
      else window.location.replace(url.href);
    }
  });
  return select;
}

function storedLanguage(): string | null {
  try {
    return localStorage.getItem(LANGUAGE_STORAGE_KEY);
  } catch {
    return null;
  }
}

/** Marks the document with the page's language (`<html lang>`, for fonts and screen readers). Effect: DOM. */
export function markDocumentLanguage(): void {
  document.documentElement.lang = lang;
}
