/**
 * The page's language: `?lang=` of the URL, else the choice saved by the
 * language switch (localStorage), else the browser's languages
 * (`navigator.languages`), else English. Read once when the page loads —
 * changing it reloads the page (see languageSwitch.ts) — and shared by every
 * feature through {@link t} and {@link tr}.
 */
import { humanDuration } from '@sopflow/engine';
import { chooseLanguage, LANGUAGE_STORAGE_KEY, translator, type Language, type MessageId, type Params, type Translator } from '@sopflow/i18n';
import { formatInZone } from '../features/simulation/time.js';

function savedLanguage(): string | null {
  try {
    return globalThis.localStorage?.getItem(LANGUAGE_STORAGE_KEY) ?? null;
  } catch {
    return null; // storage refused (privacy settings): the browser's language decides
  }
}

/** Reads the page's language from the URL, the saved choice and the browser. Effect: reads location, localStorage, navigator. */
export function detectLanguage(): Language {
  const location = globalThis.location as Location | undefined;
  const navigator = globalThis.navigator as Navigator | undefined;
  return chooseLanguage({
    query: location ? new URLSearchParams(location.search).get('lang') : null,
    saved: savedLanguage(),
    browser: navigator ? (navigator.languages?.length ? navigator.languages : [navigator.language]) : [],
  });
}

/** The language of this page (English where there is no browser, as in Node tests). */
export const lang: Language = detectLanguage();

/** The translator of the page's language. */
export const tr: Translator = translator(lang);

/** The page's text of UI message `id` (see packages/i18n/src/catalogs/modeler.ts and workbench.ts). Pure. */
export function t(id: MessageId | (string & {}), params?: Params): string {
  return tr.t(id, params);
}

/** Saves `next` as the page's language (the switch's choice). Effect: localStorage. */
export function saveLanguage(next: Language): void {
  try {
    globalThis.localStorage?.setItem(LANGUAGE_STORAGE_KEY, next);
  } catch {
    // Not remembered: the URL still carries it for this reload (see languageSwitch.ts).
  }
}

/**
 * An instant in time zone `zone`, as the modeler and the workbench show it:
 * in English `Mon 2026-11-23 10:30` (as the CLI and the simulation write
 * it), in Chinese `2026年11月23日 星期一 10:30` (the translator's date-time
 * style). Pure.
 */
export function formatTime(ms: number, zone: string): string {
  return lang === 'en' ? formatInZone(ms, zone) : tr.dateTime(ms, { zone, style: 'date-time' });
}

/**
 * A duration in milliseconds for the report and the case view: in English
 * as `sopflow report` writes it (`2 h 30 min`), in Chinese with the
 * translator (`2 小时 30 分钟`); `–` for none. Pure.
 */
export function formatDuration(ms: number | null): string {
  if (ms === null) return '–';
  return lang === 'en' ? humanDuration(ms) : tr.duration(ms);
}
