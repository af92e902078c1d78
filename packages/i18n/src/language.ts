/**
 * The languages sopflow speaks and how one is chosen: from the browser's
 * languages (`navigator.languages`), an `Accept-Language` header, a saved
 * choice, a `--lang` flag or `SOPFLOW_LANG`. Pure.
 */

/** The languages sopflow has catalogs for. */
export const LANGUAGES = ['en', 'zh-CN'] as const;

/** A language sopflow speaks: English or Simplified Chinese. */
export type Language = (typeof LANGUAGES)[number];

/** The language used when nothing else is asked for. */
export const DEFAULT_LANGUAGE: Language = 'en';

/** Each language's name in itself, for a language switch. */
export const LANGUAGE_NAMES: Readonly<Record<Language, string>> = { en: 'English', 'zh-CN': '简体中文' };

/**
 * The sopflow language a BCP 47 tag asks for, or undefined: `en`, `en-GB`… →
 * `en`; `zh`, `zh-CN`, `zh-Hans`, `zh-SG`, and also `zh-TW`/`zh-HK`/`zh-Hant`
 * (Simplified Chinese is the closest sopflow has) → `zh-CN`. Case and `_`
 * for `-` are forgiven. Pure.
 */
export function matchLanguage(tag: string | null | undefined): Language | undefined {
  const primary = tag?.trim().replace(/_/g, '-').toLowerCase().split('-')[0];
  if (primary === 'en') return 'en';
  if (primary === 'zh') return 'zh-CN';
  return undefined;
}

/** Whether `tag` is exactly one of {@link LANGUAGES} (as `--lang` accepts it, case aside). Pure. */
export function parseLanguage(tag: string): Language | undefined {
  return LANGUAGES.find((lang) => lang.toLowerCase() === tag.trim().replace(/_/g, '-').toLowerCase()) ?? (tag.trim().toLowerCase() === 'zh' ? 'zh-CN' : undefined);
}

/** The first of `tags` (in order of preference) sopflow speaks; {@link DEFAULT_LANGUAGE} when none. Pure. */
export function pickLanguage(tags: readonly (string | null | undefined)[]): Language {
  for (const tag of tags) {
    const lang = matchLanguage(tag);
    if (lang) return lang;
  }
  return DEFAULT_LANGUAGE;
}

/**
 * The tags of an `Accept-Language` header, most wanted first (by `q`, then
 * by position); `q=0` and `*` are left out. Pure.
 */
export function parseAcceptLanguage(header: string | null | undefined): string[] {
  if (!header) return [];
  return header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...rest] = part.trim().split(';');
      const q = rest.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.tag && entry.tag !== '*' && entry.q > 0 && !Number.isNaN(entry.q))
    .sort((a, b) => b.q - a.q || a.index - b.index)
    .map((entry) => entry.tag);
}

/** What a page knows to choose its language from (structural, so this stays free of DOM types). */
export interface LanguageSources {
  /** `?lang=` of the page URL. */
  query?: string | null;
  /** The choice saved by the page's language switch. */
  saved?: string | null;
  /** `navigator.languages` (or `[navigator.language]`). */
  browser?: readonly string[];
}

/** The page's language: `?lang=`, else the saved choice, else the browser's languages, else English. Pure. */
export function chooseLanguage(sources: LanguageSources): Language {
  return matchLanguage(sources.query) ?? matchLanguage(sources.saved) ?? pickLanguage(sources.browser ?? []);
}

/** The localStorage key the language switch saves the choice under. */
export const LANGUAGE_STORAGE_KEY = 'sopflow.lang';
