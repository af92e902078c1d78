import { describe, expect, it } from 'vitest';
import { computeReport, reportToHtml, type ActivityRecord, type ReportWording } from '@sopflow/engine';

const H = 3_600_000;
const record: ActivityRecord = {
  id: '1', instanceId: 'i-1', processId: 'approval', version: 1, node: 'review', nodeName: '初审', nodeType: 'userTask',
  visit: 1, startedAt: 0, endedAt: 2 * H, durationMs: 2 * H, outcome: 'completed', department: '运营部',
  due: 8 * H, slaMet: true, reminders: 0, escalations: 0,
};
const report = computeReport([record], [{ id: 'i-1', processId: 'approval', status: 'completed', startedAt: 0, endedAt: 5 * H }]);

describe('the HTML report in another language', () => {
  it('should use the wording\'s texts, durations, dates and page language, escaping its values', () => {
    // given: a wording that marks every text it gives
    const asked: string[] = [];
    const wording: ReportWording = {
      lang: 'zh-CN',
      text: (id, params) => {
        asked.push(id);
        return id === 'instances' ? `发起 ${params.started} 个` : id === 'column.median' ? '中位时长' : id === 'steps' ? '步骤 <列表>' : undefined;
      },
      duration: (ms) => (ms === null ? '–' : `${ms / H} 小时`),
      dateTime: (ms) => `T${ms}`,
    };
    // when
    const page = reportToHtml({ ...report, query: { from: 0 } }, { generatedAt: 5, wording });
    // then
    expect(page).toContain('<html lang="zh-CN">');
    expect(page).toContain('<p>发起 1 个</p>');
    expect(page).toContain('<th>中位时长</th>');
    expect(page).toContain('<h2>步骤 &lt;列表&gt;</h2>');
    expect(page).toContain('2 小时');
    // texts the wording leaves out stay English
    expect(page).toContain('<h2>Departments</h2>');
    expect(asked).toEqual(expect.arrayContaining(['title', 'period', 'now', 'generated', 'instances', 'compliance', 'chart.compliance', 'chart.overdue', 'chart.cycle', 'steps', 'departments', 'column.step', 'column.executions']));
  });

  it('should write the same English page without a wording', () => {
    const page = reportToHtml(report, { generatedAt: 0 });
    expect(page).toContain('<html lang="en">');
    expect(page).toContain('<p class="muted">the beginning – now · generated 1970-01-01T00:00:00.000Z</p>');
    expect(page).toContain('1 started · 1 completed · 0 cancelled · 0 running');
    expect(page).toContain('<th>Step</th><th>executions</th><th>median</th>');
  });
});
