import { describe, expect, it } from 'vitest';
import { computeReport, formatReportTable, humanDuration, reportToCsv, reportToHtml, UTF8_BOM, type ActivityRecord } from '@sopflow/engine';

const H = 3_600_000;
function row(id: string, node: string, department: string, start: number, hours: number, dueHours: number, extra: Partial<ActivityRecord> = {}): ActivityRecord {
  return {
    id, instanceId: `i-${id}`, processId: 'approval', version: 1, node, nodeName: node === 'review' ? '初审 <review>' : 'Countersign', nodeType: 'userTask',
    visit: 1, startedAt: start, endedAt: start + hours * H, durationMs: hours * H, outcome: 'completed', department,
    due: start + dueHours * H, slaMet: hours <= dueHours, ...(hours > dueHours ? { overByMs: (hours - dueHours) * H } : {}), reminders: 1, escalations: 0, ...extra,
  };
}

const report = computeReport(
  [row('1', 'review', '运营部', 0, 2, 8), row('2', 'review', 'sales', 0, 10, 8), row('3', 'sign', 'sales', 0, 1, 16), row('4', 'review', 'sales', 0, 3, 8, { visit: 2 })],
  [{ id: 'i-1', processId: 'approval', status: 'completed', startedAt: 0, endedAt: 5 * H }],
);

describe('report formats', () => {
  it('should compute the figures the formats show', () => {
    const review = report.nodes.find((n) => n.node === 'review')!;
    expect(review).toMatchObject({ executions: 3, withSla: 3, slaMet: 2, overdue: 1, reopens: 1, reminders: 3 });
    expect(review.cycle).toEqual({ count: 3, medianMs: 3 * H, p90Ms: 8.6 * H, maxMs: 10 * H });
    expect(report.departments.map((d) => [d.department, d.executions, d.overdue])).toEqual([
      ['sales', 3, 1],
      ['运营部', 1, 0],
    ]);
  });

  it('should write durations for people', () => {
    expect([humanDuration(null), humanDuration(45_000), humanDuration(90 * 60_000), humanDuration(50 * H)]).toEqual(['–', '45 s', '1 h 30 min', '2 d 2 h']);
  });

  it('should print aligned tables, CJK counted as two columns', () => {
    const text = formatReportTable(report);
    expect(text).toContain('KPI report');
    const lines = text.split('\n');
    const cjk = lines.find((l) => l.startsWith('运营部'))!;
    // columns line up: the executions column ends at the same display width
    const displayEnd = (l: string, token: string) => [...l.slice(0, l.indexOf(token) + token.length)].reduce((w, ch) => w + (/[\u4e00-\u9fff]/.test(ch) ? 2 : 1), 0);
    expect(displayEnd(cjk, ' 1 ')).toBe(displayEnd(lines.find((l) => l.startsWith('sales'))!, ' 3 '));
  });

  it('should write CSV with a BOM and one row per scope', () => {
    const csv = reportToCsv(report);
    expect(csv.startsWith(UTF8_BOM)).toBe(true);
    const lines = csv.slice(1).trimEnd().split('\r\n');
    expect(lines[0]).toBe('scope,process,node,nodeName,department,executions,medianMs,p90Ms,maxMs,withSla,slaMet,compliance,reminders,escalations,reopens,overdue,openOverdue');
    expect(lines).toHaveLength(1 + 1 + 2 + 2);
    expect(lines).toContain(`node,approval,review,初审 <review>,,3,${3 * H},${8.6 * H},${10 * H},3,2,0.6666666666666666,3,0,1,1,0`);
  });

  it('should write a self-contained HTML page: charts, no scripts, everything escaped', () => {
    const page = reportToHtml(report, { generatedAt: 0 });
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).toContain('<svg');
    expect(page).toContain('SLA compliance per department');
    expect(page).toContain('初审 &lt;review&gt;');
    expect(page).not.toContain('<review>');
    expect(page).not.toMatch(/<script|src=|href=/);
  });
});
