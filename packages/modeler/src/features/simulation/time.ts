/**
 * Showing and reading virtual time in the simulation, in one zone (the
 * calendars file's, else the browser's). Pure.
 */
import { parseDateTime } from '@sopflow/engine';

/** `Mon 2026-11-23 10:30` in the zone. */
export function formatInZone(ms: number, zone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: zone, weekday: 'short', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.weekday} ${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/** `2026-11-23T10:30`: the local date-time in the zone, as a start-time field shows it. */
export function localInput(ms: number, zone: string): string {
  const [date, time] = formatInZone(ms, zone).split(' ').slice(1);
  return `${date}T${time}`;
}

/**
 * Reads a start time typed as a local date-time in the zone (`2026-11-23T09:00`,
 * or with a space) or with an offset.
 * @throws TimeFormatError naming the text
 */
export function readStartTime(text: string, zone: string): number {
  return parseDateTime(text.trim().replace(' ', 'T'), zone);
}
