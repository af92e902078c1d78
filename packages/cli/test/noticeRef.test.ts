/**
 * The live feed's lines as message ids: each line the feed shows has a
 * message id of the workbench catalog and the values it needs, and the
 * English template says what describeEvent writes (the page renders the
 * Chinese from them; see packages/modeler/src/workbench/feedText.ts).
 */
import type { EngineEvent } from '@sopflow/engine';
import { CATALOGS, placeholders, translator } from '@sopflow/i18n';
import { describe, expect, it } from 'vitest';
import { describeEvent, noticeRef } from '../src/workbench/describeEvent.js';

const event = (type: string, data: Record<string, unknown>): EngineEvent =>
  ({ type, instanceId: '0123456789abcdef', processId: 'complaint-escalation', businessKey: 'C-1', node: 'Task_Ack', nodeName: 'Acknowledge and apologise', time: 0, data }) as EngineEvent;

const EVENTS: Array<[string, Record<string, unknown>]> = [
  ['instance.started', {}],
  ['instance.completed', {}],
  ['instance.cancelled', { reason: 'duplicate' }],
  ['task.created', { task: { candidateUsers: [], candidateGroups: ['support-agents'], due: 60_000 } }],
  ['task.completed', {}],
  ['sla.reminder', { due: 5_400_000, candidateGroups: ['support-agents'], message: 'Call the customer' }],
  ['sla.notify', { due: 5_400_000, targets: ['group:quality'] }],
  ['sla.breached', { due: 0, department: 'support' }],
  ['escalation.thrown', { code: 'FIRST_RESPONSE_OVERDUE' }],
  ['escalation.uncaught', { code: 'LATE' }],
  ['incident.raised', { message: 'handler failed' }],
  ['incident.resolved', {}],
  ['message.sent', { message: 'parcel-delivered' }],
  ['engine.error', { message: 'disk full' }],
];

describe('the live feed as message ids', () => {
  const format = (ms: number) => new Date(ms).toISOString().slice(11, 16);

  it('should give every line the feed shows a message id that both languages have, with the values its templates name', () => {
    for (const [type, data] of EVENTS) {
      // when
      const notice = describeEvent(event(type, data), format);
      const ref = noticeRef(event(type, data));

      // then
      expect(notice, type).toBeDefined();
      expect(ref?.code).toBe(`feed.${type}`);
      for (const lang of ['en', 'zh-CN'] as const) {
        const template = CATALOGS[lang][ref!.code];
        expect(template, `${lang} ${ref!.code}`).toBeDefined();
        const missing = placeholders(template).filter((name) => !(name in ref!.params) && !['due', 'message', 'reason'].includes(name));
        expect(missing, `${lang} ${ref!.code}`).toEqual([]);
      }
    }
  });

  it('should say in English what describeEvent writes, the optional parts filled as the page fills them', () => {
    // given
    const ref = noticeRef(event('sla.reminder', { due: 5_400_000, candidateGroups: ['support-agents'], message: 'Call the customer' }))!;

    // when
    const en = translator('en');
    const text = en.t(ref.code, { ...ref.params, due: format(ref.params.due as number), message: en.t('feed.note', { note: ref.params.message }) });

    // then
    expect(text).toBe(describeEvent(event('sla.reminder', { due: 5_400_000, candidateGroups: ['support-agents'], message: 'Call the customer' }), format)!.text);
    expect(ref.params).toEqual({ step: 'Acknowledge and apologise', key: 'C-1', process: 'complaint-escalation', due: 5_400_000, message: 'Call the customer' });
  });

  it('should leave token moves out, as the feed does', () => {
    expect(noticeRef(event('node.entered', {}))).toBeUndefined();
    expect(noticeRef(event('job.created', {}))).toBeUndefined();
  });
});
