import { TimeFormatError } from '../errors.js';
import { DAY_MS, civilDateOf, daysInMonth, epochDayOf, pad2 } from './civilDate.js';
import { assertInstant } from './duration.js';
import { ZoneClock, assertZone, isValidZone } from './ZoneClock.js';

const EXPECTED = 'e.g. 2026-01-05T09:00+08:00, 2026-01-05T01:00Z, 2026-01-05T09:00[Asia/Shanghai] or 2026-01-05T09:00';
const DATE_TIME_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?(?:\[([^\]\s]+)\])?$/;

function invalid(text: string, reason?: string): TimeFormatError {
  return new TimeFormatError(`Invalid ISO 8601 date-time '${text}': ${reason ? `${reason}; ` : ''}expected ${EXPECTED}`, {
    value: text,
    expected: `ISO 8601 date-time, ${EXPECTED}`,
  });
}

/**
 * Reads an ISO 8601 date-time (extended format) into epoch milliseconds:
 *
 * - with an offset: `2026-01-05T09:00+08:00`, `2026-01-05T09:00:00.250+0800`;
 * - in UTC: `2026-01-05T01:00Z`;
 * - with an IANA zone suffix (RFC 9557): `2026-01-05T09:00[Asia/Shanghai]`,
 *   optionally with the offset too, which must then match the zone
 *   (`2026-10-25T02:30+01:00[Europe/Berlin]` picks the second 02:30);
 * - local, read in `defaultZone`: `2026-01-05T09:00`;
 * - a date alone is the start of that day: `2026-10-01`, `2026-10-01[Asia/Shanghai]`.
 *
 * A local time is resolved by the module's one rule: the first instant at
 * which the zone's clock shows that time or later (a repeated time is its first
 * occurrence; a skipped time is the instant of the jump). Fractions beyond
 * milliseconds are truncated. Surrounding whitespace is ignored. Pure.
 * @throws TimeFormatError naming the text when it is not such a date-time,
 *   names a day or time that does not exist (2026-02-30, 24:00, 09:60), has an
 *   unknown zone, or an offset that contradicts its zone.
 */
export function parseDateTime(text: string, defaultZone = 'UTC'): number {
  const source = typeof text === 'string' ? text.trim() : String(text);
  assertZone(defaultZone);
  const m = DATE_TIME_RE.exec(source);
  if (!m) throw invalid(source);
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  const millis = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  const [offsetText, zoneText] = [m[8], m[9]];
  if (month < 1 || month > 12) throw invalid(source, `month ${m[2]} does not exist`);
  if (day < 1 || day > daysInMonth(year, month)) throw invalid(source, `day ${m[3]} does not exist in ${m[1]}-${m[2]}`);
  if (hour > 23) throw invalid(source, `hour ${m[4]} does not exist (use 00:00 of the next day instead of 24:00)`);
  if (minute > 59 || second > 59) throw invalid(source, 'minutes and seconds run from 00 to 59');
  if (zoneText !== undefined && !isValidZone(zoneText)) {
    throw invalid(source, `unknown time zone '${zoneText}' (expected an IANA zone such as Asia/Shanghai)`);
  }
  const local = epochDayOf(year, month, day) * DAY_MS + ((hour * 60 + minute) * 60 + second) * 1000 + millis;
  if (offsetText === undefined) return ZoneClock.for(zoneText ?? defaultZone).resolve(local);

  const offset = parseOffset(offsetText);
  if (offset === null) throw invalid(source, `offset '${offsetText}' is out of range (at most ±23:59)`);
  const instant = local - offset * 60_000;
  if (zoneText !== undefined && offsetText !== 'Z') {
    const actual = ZoneClock.for(zoneText).offsetMinutes(instant);
    if (actual !== offset) {
      throw invalid(source, `offset ${offsetText} does not match ${zoneText} at that time (${formatOffset(actual, false)})`);
    }
  }
  return instant;
}

/**
 * Writes an instant as ISO 8601 with the zone's offset at that instant:
 * `2026-11-23T10:30:00+08:00`; `Z` when the offset is zero; milliseconds only
 * when not zero (a fraction of a millisecond is dropped). `parseDateTime(formatDateTime(t, z))` is `t`. Pure.
 * @throws TimeFormatError for an invalid instant or zone.
 */
export function formatDateTime(instantMs: number, zone = 'UTC'): string {
  assertInstant(instantMs);
  const clock = ZoneClock.for(zone);
  const instant = Math.floor(instantMs);
  const offset = clock.offsetMinutes(instant);
  const local = instant + offset * 60_000;
  const epochDay = Math.floor(local / DAY_MS);
  const { year, month, day } = civilDateOf(epochDay);
  const msOfDay = local - epochDay * DAY_MS;
  const seconds = Math.floor(msOfDay / 1000);
  const ms = msOfDay % 1000;
  const time = `${pad2(Math.floor(seconds / 3600))}:${pad2(Math.floor(seconds / 60) % 60)}:${pad2(seconds % 60)}${ms ? `.${String(ms).padStart(3, '0')}` : ''}`;
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}T${time}${formatOffset(offset, true)}`;
}

function parseOffset(text: string): number | null {
  if (text === 'Z') return 0;
  const sign = text[0] === '-' ? -1 : 1;
  const digits = text.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (hours > 23 || minutes > 59) return null;
  return sign * (hours * 60 + minutes);
}

function formatOffset(offset: number, zulu: boolean): string {
  if (offset === 0 && zulu) return 'Z';
  const abs = Math.abs(offset);
  return `${offset < 0 ? '-' : '+'}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
}
