/**
 * Faults raised while a FEEL expression is evaluated that must reach the
 * caller as a precise {@link ExpressionError} (with its own code) rather
 * than be hidden: feelin turns an exception into `null` nowhere, so these
 * pass through it, and the fast path never hands them to the fallback.
 */

/** A failure with a stable code; `compileFeel` turns it into an `ExpressionError` naming the expression. */
export class FeelFault extends Error {
  constructor(
    readonly code: string,
    reason: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(reason);
    this.name = 'FeelFault';
  }
}
