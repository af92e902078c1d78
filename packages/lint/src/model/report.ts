/**
 * Reporting a finding the same way in every rule: on the element id, with
 * the attribute and a stable code (`<rule>.<kind>`) for translation.
 */
import type { MessageParams } from '@sopflow/engine';
import type { Reporter, ReportContext } from '../types.js';

/**
 * Reports `message` on element `id`. The attribute, when given, goes into
 * the report (and bpmnlint's `path`); `code` is the stable id of the kind of
 * finding, `params` the values the message is built from (both for
 * translation). Effect: one report.
 */
export function reportOn(reporter: Reporter, id: string, code: string, message: string, attribute?: string, params?: MessageParams): void {
  const context: ReportContext = { code, ...(params ? { params } : {}) };
  if (attribute !== undefined) {
    context.attribute = attribute;
    context.path = [attribute];
  }
  reporter.report(id, message, context);
}
