/**
 * How catalogs are written: each message id with its English and its
 * Simplified Chinese text side by side, so a missing translation is a type
 * error and a reviewer reads both at once. Pure.
 */

/** A language's messages: id → template (see format.ts for the syntax). */
export type Catalog = Readonly<Record<string, string>>;

/** One message in both languages: `[English, 简体中文]`. */
export type Pair = readonly [en: string, zhCN: string];

/** Splits side-by-side pairs into one catalog per language. Pure. */
export function split<T extends Record<string, Pair>>(pairs: T): { en: Record<keyof T, string>; 'zh-CN': Record<keyof T, string> } {
  const en = {} as Record<keyof T, string>;
  const zh = {} as Record<keyof T, string>;
  for (const [id, [english, chinese]] of Object.entries(pairs) as Array<[keyof T, Pair]>) {
    en[id] = english;
    zh[id] = chinese;
  }
  return { en, 'zh-CN': zh };
}
