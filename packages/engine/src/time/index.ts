/**
 * Time for sopflow: ISO 8601 durations and date-times, BPMN timers (duration,
 * date, cycle, cron) and business calendars with working time. Pure and
 * browser-safe: instants are epoch milliseconds passed in, never read from a
 * clock. See docs/time-formats.md and docs/calendars.md.
 */
export {
  type Duration,
  type DurationInput,
  type DurationUnit,
  DURATION_UNITS,
  MAX_INSTANT_MS,
  addDuration,
  assertDuration,
  assertInstant,
  durationToMillis,
  formatDuration,
  isZeroDuration,
  parseDuration,
  scaleDuration,
  toDuration,
} from './duration.js';
export { formatDateTime, parseDateTime } from './dateTime.js';
export { type CronExpression, looksLikeCron, nextCronTime, parseCron } from './cron.js';
export {
  type CycleTimerSpec,
  type DateTimerSpec,
  type DueOptions,
  type DurationTimerSpec,
  type TimerKind,
  type TimerSpec,
  assertTimerSpec,
  firstDue,
  formatTimer,
  nextDue,
  parseTimer,
} from './timerSpec.js';
export { BusinessCalendar, type WorkingInterval } from './BusinessCalendar.js';
export { type CalendarSpec, type Weekday, type WorkdaySpec, WEEKDAYS } from './calendarSpec.js';
export { CalendarError, type CalendarErrorReason } from './CalendarError.js';
export { ZoneClock, assertZone, isValidZone } from './ZoneClock.js';
export { parseCalendarFile } from './calendarFile.js';
