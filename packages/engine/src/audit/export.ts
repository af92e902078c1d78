/**
 * Getting the audit trail out: JSON Lines and CSV of audit events, XES
 * (IEEE 1849-2016) of activity executions for process-mining tools. Pure
 * formatters over plain records; the engine pages through the store and
 * streams their output.
 */

import type { ActivityRecord } from '../machine/effects.js';
import type { AuditEvent } from '../store/Store.js';

/** One audit event as a JSON line (no trailing newline). */
export function jsonLine(event: AuditEvent): string {
  return JSON.stringify(event);
}

export const CSV_COLUMNS = [
  'instanceId',
  'seq',
  'time',
  'type',
  'actor',
  'processId',
  'version',
  'businessKey',
  'node',
  'nodeName',
  'data',
  'prevHash',
  'hash',
] as const;

/** A UTF-8 byte order mark: spreadsheet tools need it to read non-ASCII CSV (Chinese names) correctly. */
export const UTF8_BOM = '\uFEFF';

function csvField(value: unknown): string {
  const text = value === undefined || value === null ? '' : typeof value === 'string' ? value : String(value);
  // Quote when needed; neutralise leading = + - @ so a spreadsheet never runs a cell as a formula.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) || safe !== text ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The CSV header line (RFC 4180). */
export function csvHeader(): string {
  return CSV_COLUMNS.join(',');
}

/** One audit event as a CSV line: ISO time, data as JSON. */
export function csvLine(event: AuditEvent): string {
  return CSV_COLUMNS.map((column) => {
    if (column === 'time') return csvField(new Date(event.time).toISOString());
    if (column === 'data') return csvField(JSON.stringify(event.data));
    return csvField(event[column]);
  }).join(',');
}

function xml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** Characters XML 1.0 does not allow at all, even escaped. */
function xmlText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return xml(text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '\uFFFD'));
}

const XES_HEAD = `<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1849.2016" xes.features="" xmlns="http://www.xes-standard.org/">
  <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
  <extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
  <extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>
  <extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>
  <global scope="trace">
    <string key="concept:name" value="__INVALID__"/>
  </global>
  <global scope="event">
    <string key="concept:name" value="__INVALID__"/>
    <date key="time:timestamp" value="1970-01-01T00:00:00.000Z"/>
    <string key="lifecycle:transition" value="complete"/>
  </global>
  <classifier name="Activity" keys="concept:name"/>
  <classifier name="ActivityLifecycle" keys="concept:name lifecycle:transition"/>
  <string key="concept:name" value="sopflow"/>
`;

/** The opening of an XES log (extensions, globals, classifiers). */
export function xesHead(): string {
  return XES_HEAD;
}

export function xesTail(): string {
  return '</log>\n';
}

function xesEvent(record: ActivityRecord, transition: 'start' | 'complete' | 'ate_abort', time: number, resource: string | undefined): string {
  const lines = [
    '    <event>',
    `      <string key="concept:name" value="${xmlText(record.nodeName ?? record.node)}"/>`,
    `      <string key="concept:instance" value="${xmlText(record.id)}"/>`,
    `      <string key="lifecycle:transition" value="${transition}"/>`,
    `      <date key="time:timestamp" value="${new Date(time).toISOString()}"/>`,
    `      <string key="sopflow:node" value="${xmlText(record.node)}"/>`,
  ];
  if (resource) lines.push(`      <string key="org:resource" value="${xmlText(resource)}"/>`);
  if (record.department) lines.push(`      <string key="org:group" value="${xmlText(record.department)}"/>`);
  if (transition === 'complete' && record.slaMet !== undefined) lines.push(`      <boolean key="sopflow:slaMet" value="${record.slaMet}"/>`);
  lines.push('    </event>');
  return lines.join('\n');
}

/**
 * One XES trace: a process instance (case) with a start and a complete (or
 * abort) event per activity execution, in time order. Multi-instance
 * containers are left out; their instances are the executions.
 */
export function xesTrace(instanceId: string, processId: string, businessKey: string | undefined, records: ActivityRecord[]): string {
  const events: Array<{ time: number; order: number; text: string }> = [];
  for (const record of records) {
    if (record.multi === 'container') continue;
    events.push({ time: record.startedAt, order: 0, text: xesEvent(record, 'start', record.startedAt, record.assignee) });
    if (record.endedAt !== undefined) {
      events.push({
        time: record.endedAt,
        order: 1,
        text: xesEvent(record, record.outcome === 'cancelled' ? 'ate_abort' : 'complete', record.endedAt, record.completedBy ?? record.assignee),
      });
    }
  }
  events.sort((a, b) => a.time - b.time || a.order - b.order);
  return [
    '  <trace>',
    `    <string key="concept:name" value="${xmlText(instanceId)}"/>`,
    `    <string key="sopflow:process" value="${xmlText(processId)}"/>`,
    ...(businessKey !== undefined ? [`    <string key="sopflow:businessKey" value="${xmlText(businessKey)}"/>`] : []),
    ...events.map((e) => e.text),
    '  </trace>',
    '',
  ].join('\n');
}
