import { SopflowError } from '../errors.js';

/** Why a business calendar failed. */
export type CalendarErrorReason =
  /** The calendar spec is malformed (bad field, interval, date, zone…). */
  | 'invalid'
  /** No working time within the search horizon (10 years). */
  | 'no-working-time'
  /** A duration that working time cannot count (years, months) or a day without hoursPerDay. */
  | 'unsupported-duration'
  /** A bad argument: negative amount, instant out of range. */
  | 'invalid-argument';

/**
 * A business calendar is malformed or cannot answer a question. `code` is
 * `calendar.<reason>`; `details` names the calendar and, for a bad spec, the
 * field (`hours.mon[1]`) and its value.
 */
export class CalendarError extends SopflowError {
  readonly reason: CalendarErrorReason;

  constructor(
    reason: CalendarErrorReason,
    message: string,
    details: { calendar: string; field?: string; value?: unknown } & Record<string, unknown>,
  ) {
    super(`calendar.${reason}`, message, details);
    this.reason = reason;
  }
}
