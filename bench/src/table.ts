/**
 * Formatting: numbers for people, and the results as an aligned text table
 * (stdout) or a Markdown table (docs). Pure.
 */

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** `12,345` */
export function formatCount(n: number): string {
  return integer.format(n);
}

/** `12,345/s` */
export function formatRate(perSecond: number): string {
  return `${integer.format(perSecond)}/s`;
}

/** Bytes as `812 B`, `5.6 KB` or `1.2 MB` (1 KB = 1024 B). */
export function formatBytes(bytes: number): string {
  if (Math.abs(bytes) < 1024) return `${integer.format(bytes)} B`;
  if (Math.abs(bytes) < 1024 * 1024) return `${oneDecimal.format(bytes / 1024)} KB`;
  return `${oneDecimal.format(bytes / 1024 / 1024)} MB`;
}

/** Milliseconds as `4 µs`, `2.5 ms`, `850 ms` or `3.2 s`. */
export function formatMs(ms: number): string {
  if (ms < 1) return `${integer.format(ms * 1000)} µs`;
  if (ms < 1000) return `${ms < 10 ? oneDecimal.format(ms) : integer.format(ms)} ms`;
  return `${oneDecimal.format(ms / 1000)} s`;
}

/** A ratio as `27.4×` (or `0.05×`). */
export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return '—';
  if (ratio >= 10) return `${integer.format(ratio)}×`;
  if (ratio >= 0.1) return `${oneDecimal.format(ratio)}×`;
  return `${ratio.toPrecision(2)}×`;
}

/** One row of the results table. */
export interface Row {
  case: string;
  sopflow: string;
  bpmnEngine: string;
  xstate: string;
  vsBpmnEngine: string;
  vsXstate: string;
}

export const HEADER: Row = {
  case: 'Case',
  sopflow: 'sopflow',
  bpmnEngine: 'bpmn-engine 25',
  xstate: 'xstate floor',
  vsBpmnEngine: 'sopflow vs bpmn-engine',
  vsXstate: 'sopflow vs xstate',
};

const COLUMNS: Array<keyof Row> = ['case', 'sopflow', 'bpmnEngine', 'xstate', 'vsBpmnEngine', 'vsXstate'];

/** Cells may hold several lines (`\n`); each becomes a line of its own in the text table. */
export function textTable(rows: Row[]): string {
  const all = [HEADER, ...rows];
  const widths = COLUMNS.map((c) => Math.max(...all.flatMap((r) => r[c].split('\n').map((line) => line.length))));
  const rule = widths.map((w) => '─'.repeat(w)).join('─┼─');
  const lines: string[] = [];
  for (const [index, row] of all.entries()) {
    const cells = COLUMNS.map((c) => row[c].split('\n'));
    const height = Math.max(...cells.map((c) => c.length));
    for (let line = 0; line < height; line++) lines.push(cells.map((c, i) => (c[line] ?? '').padEnd(widths[i])).join(' │ ').trimEnd());
    if (index < all.length - 1) lines.push(rule);
  }
  return lines.join('\n');
}

/** The same rows as a GitHub Markdown table (multi-line cells joined with `<br>`). */
export function markdownTable(rows: Row[]): string {
  const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', '<br>');
  const line = (row: Row) => `| ${COLUMNS.map((c) => cell(row[c])).join(' | ')} |`;
  return [line(HEADER), `|${COLUMNS.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n');
}
