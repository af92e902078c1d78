import { parse as parseYaml } from 'yaml';
import { BusinessCalendar } from './BusinessCalendar.js';
import { CalendarError } from './CalendarError.js';
import type { CalendarSpec } from './calendarSpec.js';

/**
 * Reads a calendars file — JSON or YAML, `{ calendars: [...] }` or a bare
 * list — and validates every calendar (the CLI, the modeler and the
 * workbench load the same file). Pure: takes the text, not a path.
 * @throws CalendarError naming the file, the calendar and the field
 */
export function parseCalendarFile(text: string, fileName = 'calendars'): BusinessCalendar[] {
  let data: unknown;
  try {
    data = /\.json$/i.test(fileName) ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100 });
  } catch (error) {
    throw new CalendarError('invalid', `${fileName}: not valid ${/\.json$/i.test(fileName) ? 'JSON' : 'YAML'}: ${(error as Error).message}`, { calendar: fileName });
  }
  const list = Array.isArray(data) ? data : (data as { calendars?: unknown } | null)?.calendars;
  if (!Array.isArray(list)) {
    throw new CalendarError('invalid', `${fileName}: expected { calendars: [ … ] } or a list of calendars.`, { calendar: fileName });
  }
  const seen = new Set<string>();
  return list.map((spec, index) => {
    let calendar: BusinessCalendar;
    try {
      calendar = BusinessCalendar.from(spec as CalendarSpec);
    } catch (error) {
      if (error instanceof CalendarError) {
        throw new CalendarError(error.reason, `${fileName}: calendars[${index}]: ${error.message}`, { ...(error.details as { calendar: string }), file: fileName, index });
      }
      throw error;
    }
    if (seen.has(calendar.name)) throw new CalendarError('invalid', `${fileName}: calendar '${calendar.name}' is defined twice.`, { calendar: calendar.name, file: fileName });
    seen.add(calendar.name);
    return calendar;
  });
}
