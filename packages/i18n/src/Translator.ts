/**
 * One language's messages: UI texts by id, coded messages (lint findings,
 * engine problems, server errors) rendered from their id and parameters,
 * dates in a calendar's time zone and durations, with luxon. Pure.
 */
import { DateTime, Duration } from 'luxon';
import { CATALOGS, type Catalog, type MessageId } from './catalogs/index.js';
import { formatTemplate, renderValue, type FormatContext, type MessageRef, type ParamValue, type Params } from './format.js';
import { DEFAULT_LANGUAGE, type Language } from './language.js';

/** How a date is shown: `Monday 10:30`, `Mon 23 Nov 2026, 10:30`, `23 Nov 2026`, `10:30`. */
export type DateStyle = 'weekday-time' | 'date-time' | 'date' | 'time';

/** A duration to show: ISO 8601 text (`PT2H`), luxon-style units, or milliseconds. */
export type DurationValue = string | number | Partial<Record<DurationUnit, number>>;

const UNITS = ['years', 'months', 'weeks', 'days', 'hours', 'minutes', 'seconds'] as const;
type DurationUnit = (typeof UNITS)[number];

/**
 * The messages of one language. UI texts fall back to English, then to the
 * id; a coded message without a translation keeps the English text its
 * producer wrote.
 */
export class Translator {
  private readonly catalog: Catalog;

  constructor(
    readonly lang: Language = DEFAULT_LANGUAGE,
    catalogs: Readonly<Record<Language, Catalog>> = CATALOGS,
  ) {
    this.catalog = catalogs[lang];
    this.fallback = catalogs[DEFAULT_LANGUAGE];
  }

  private readonly fallback: Catalog;

  /** Whether this language has its own text for `id`. Pure. */
  has(id: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.catalog, id);
  }

  /** The raw template of `id` in this language (English, then undefined, when missing). Pure. */
  template(id: string): string | undefined {
    return this.has(id) ? this.catalog[id] : Object.prototype.hasOwnProperty.call(this.fallback, id) ? this.fallback[id] : undefined;
  }

  /** The text of UI message `id` with `params` filled in; the id itself when no language has it. Pure. */
  t(id: MessageId | (string & {}), params?: Params): string {
    const template = this.template(id);
    return template === undefined ? id : formatTemplate(template, params, this.context());
  }

  /**
   * A coded message in this language: its translation filled with its
   * parameters when this language has one, else the English text it
   * carries (else the English catalog's, else its id). Pure.
   */
  message(ref: MessageRef): string {
    if (this.lang !== DEFAULT_LANGUAGE && this.has(ref.code)) return formatTemplate(this.catalog[ref.code], ref.params, this.context());
    if (ref.message !== undefined) return ref.message;
    const english = Object.prototype.hasOwnProperty.call(this.fallback, ref.code) ? this.fallback[ref.code] : undefined;
    return english === undefined ? ref.code : formatTemplate(english, ref.params, this.context());
  }

  /** A parameter value as text: lists joined the language's way, nested messages rendered. Pure. */
  value(value: ParamValue): string {
    return renderValue(value, this.context());
  }

  /** `items` joined as a list: `a, b, and c` / `a、b和c`. Pure. */
  list(items: readonly string[]): string {
    return this.value(items);
  }

  /** A number in this language's format (`1,234.5`). Pure. */
  number(value: number, options?: Intl.NumberFormatOptions): string {
    return new Intl.NumberFormat(this.lang, options).format(value);
  }

  /**
   * A duration for people: `2 working hours` / `2 个工作小时`, `1 day 4 hours`
   * / `1 天 4 小时`. Milliseconds are shown in days, hours and minutes (seconds
   * under a minute); ISO text and units as written. `working` says it is
   * counted in a calendar's working time. Pure.
   */
  duration(value: DurationValue, options: { working?: boolean } = {}): string {
    const parts = durationParts(value);
    if (!parts.length) return this.t('time.unit.minutes', { n: 0 });
    if (options.working && parts.length === 1) return this.t(`time.working.${parts[0][0]}`, { n: parts[0][1] });
    const text = parts.map(([unit, n]) => this.t(`time.unit.${unit}`, { n })).join(this.t('time.unit.separator'));
    return options.working ? this.t('time.working', { duration: text }) : text;
  }

  /**
   * An instant in time zone `zone` (a calendar's, or the owner's; default
   * UTC) in this language: `Monday 10:30` / `星期一 10:30` and other styles.
   * Pure.
   */
  dateTime(epochMs: number, options: { zone?: string; style?: DateStyle } = {}): string {
    const at = DateTime.fromMillis(epochMs, { zone: options.zone ?? 'UTC' }).setLocale(this.lang);
    const format = this.template(`time.format.${options.style ?? 'date-time'}`) ?? 'yyyy-MM-dd HH:mm';
    return at.toFormat(format);
  }

  private context(): FormatContext {
    return { lang: this.lang, renderRef: (ref) => this.message(ref) };
  }
}

function durationParts(value: DurationValue): Array<[DurationUnit, number]> {
  if (typeof value === 'number') {
    const ms = Math.max(0, Math.round(value));
    if (ms < 60_000) return [['seconds', Math.round(ms / 1000)]].filter(([, n]) => n) as Array<[DurationUnit, number]>;
    const shifted = Duration.fromMillis(Math.round(ms / 60_000) * 60_000).shiftTo('days', 'hours', 'minutes').toObject();
    return UNITS.filter((unit) => shifted[unit]).map((unit) => [unit, shifted[unit]!]);
  }
  const units = typeof value === 'string' ? Duration.fromISO(value.trim()).toObject() : value;
  return UNITS.filter((unit) => units[unit]).map((unit) => [unit, units[unit]!]);
}
