/**
 * @sopflow/i18n — sopflow in English and Simplified Chinese: catalogs keyed
 * by message id, a small ICU-style formatter, language negotiation, dates
 * and durations. Pure and browser-safe. See docs/i18n.md.
 */
export { CATALOGS, PROBLEM_MESSAGE_IDS, UI_MESSAGE_IDS, type Catalog, type MessageId } from './catalogs/index.js';
export { split, type Pair } from './catalogs/define.js';
export { formatTemplate, parseTemplate, placeholders, renderValue, TemplateSyntaxError, type FormatContext, type MessageRef, type Params, type ParamValue } from './format.js';
export {
  chooseLanguage,
  DEFAULT_LANGUAGE,
  LANGUAGE_NAMES,
  LANGUAGE_STORAGE_KEY,
  LANGUAGES,
  matchLanguage,
  parseAcceptLanguage,
  parseLanguage,
  pickLanguage,
  type Language,
  type LanguageSources,
} from './language.js';
export { Translator, type DateStyle, type DurationValue } from './Translator.js';
export { errorRef, fieldProblemRef, problemRef, type CodedError, type CodedMessage, type FieldProblemLike } from './refs.js';

import type { Language } from './language.js';
import { Translator } from './Translator.js';

const translators = new Map<Language, Translator>();

/** The (shared) translator of `lang`. Pure. */
export function translator(lang: Language): Translator {
  let t = translators.get(lang);
  if (!t) translators.set(lang, (t = new Translator(lang)));
  return t;
}
