/**
 * Which attribute values are FEEL expressions, and the expression itself.
 * Zeebe-style diagrams mark expressions with a leading `=`; sopflow does too.
 */

const FEEL_MARKER = /^\s*=/;

/**
 * Whether an attribute value is a FEEL expression: it starts with `=`
 * (after optional whitespace, as XML element bodies often have). Pure.
 */
export function isFeel(attributeValue: string): boolean {
  return FEEL_MARKER.test(attributeValue);
}

/**
 * The expression without its one leading `=` and surrounding whitespace:
 * `= amount > 5` → `amount > 5`. Text without `=` is returned trimmed. Pure.
 */
export function stripFeelMarker(text: string): string {
  return text.replace(FEEL_MARKER, '').trim();
}
