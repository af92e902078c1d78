import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createEngine, VirtualClock, WallClock, type AuditEvent, type Clock, type Engine } from '@sopflow/engine';

const repo = new URL('../../', import.meta.url);
const APPROVAL_XML = readFileSync(new URL('examples/cross-department-approval/cross-department-approval.bpmn', repo));
const CALENDARS = JSON.parse(readFileSync(new URL('examples/calendars.json', repo), 'utf8')).calendars;
const REQUEST = { goal: 'Office chairs', deadline: '2026-12-15', amount: 8000, departments: ['finance'], urgent: false, applicant: 'chen', applicantManager: 'li', managerDepartment: 'operations' };
const at = (local: string) => Date.parse(`${local}+08:00`);
const MONDAY = at('2026-11-23T09:00:00');

/**
 * A clock whose time is set, not advanced: `jump(t)` puts it at `t` at once
 * — forwards or backwards, as a system clock stepped by NTP — and whatever
 * became due fires then, late; `flow(t)` lets time run to `t`, each timer
 * at its own instant. Like VirtualClock, it waits for what the timers start.
 */
class SteppedClock implements Clock {
  private pending: Array<{ at: number; seq: number; callback: () => void | Promise<void> }> = [];
  private seq = 0;
  private readonly waiters = new Set<() => Promise<void>>();

  constructor(private current: number) {}

  now(): number {
    return this.current;
  }

  setTimer(at: number, callback: () => void | Promise<void>): () => void {
    const entry = { at, seq: ++this.seq, callback };
    this.pending.push(entry);
    return () => {
      this.pending = this.pending.filter((p) => p !== entry);
    };
  }

  addIdleWaiter(waiter: () => Promise<void>): () => void {
    this.waiters.add(waiter);
    return () => this.waiters.delete(waiter);
  }

  async jump(to: number): Promise<void> {
    this.current = to;
    await this.flow(to);
  }

  async flow(to: number): Promise<void> {
    for (;;) {
      for (const waiter of [...this.waiters]) await waiter();
      const due = this.pending.filter((p) => p.at <= to).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.pending = this.pending.filter((p) => p !== due);
      if (due.at > this.current) this.current = due.at;
      await due.callback();
    }
    if (to > this.current) this.current = to;
    for (const waiter of [...this.waiters]) await waiter();
  }
}

function engineOn(clock: Clock): Engine {
  let n = 0;
  return createEngine({ clock, calendars: CALENDARS, ids: () => `case-${++n}`, timeZone: 'Asia/Shanghai' });
}

async function trail(engine: Engine, instanceId: string): Promise<AuditEvent[]> {
  return (await engine.audit.query({ instanceId, limit: 10_000 })).items.sort((a, b) => a.seq - b.seq);
}

/** The SLA events of a trail as `type node due` (what fired, for which due time), in the order they were recorded. */
function slaFirings(events: AuditEvent[]): string[] {
  return events.filter((e) => e.type === 'timer.fired').map((e) => `${e.node} ${e.data.rule ?? ''} due ${new Date(e.data.due as number).toISOString()}`);
}

function nonDecreasing(times: number[]): boolean {
  return times.every((t, i) => i === 0 || t >= times[i - 1]);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting until ${what}.`);
    await sleep(10);
  }
}

describe('clock jumps', () => {
  it('should fire every timer that became due in a forward jump once, in due order — the same firings as time flowing there', async () => {
    // given: the same case on a clock that flows and on one that jumps, Monday 09:00 → Wednesday 10:30
    const flowing = new VirtualClock(MONDAY);
    const smooth = engineOn(flowing);
    const jumping = new SteppedClock(MONDAY);
    const jumped = engineOn(jumping);
    const ids: string[] = [];
    for (const engine of [smooth, jumped]) {
      await engine.deploy(APPROVAL_XML);
      ids.push((await engine.start('cross-department-approval', { variables: REQUEST })).id);
    }
    const [smoothId, jumpedId] = ids;
    await jumping.flow(at('2026-11-23T09:30:00'));

    // when
    await flowing.advanceTo(at('2026-11-25T10:30:00'));
    await jumping.jump(at('2026-11-25T10:30:00'));

    // then: the same timers fired, each once, in due order; the escalations are in the order of their due times
    const expected = slaFirings(await trail(smooth, smoothId));
    expect(expected.length).toBeGreaterThanOrEqual(4);
    const events = await trail(jumped, jumpedId);
    expect(slaFirings(events)).toEqual(expected);
    const escalations = events.filter((e) => e.type === 'sla.reminder' || e.type === 'sla.breached');
    expect(escalations.map((e) => `${e.type} ${e.node}`)).toEqual((await trail(smooth, smoothId)).filter((e) => e.type === 'sla.reminder' || e.type === 'sla.breached').map((e) => `${e.type} ${e.node}`));
    // fired late, at the instant of the jump
    expect(escalations.every((e) => e.time === at('2026-11-25T10:30:00'))).toBe(true);

    // and nothing more fires when time goes on to the same point again
    await jumping.flow(at('2026-11-25T10:30:00'));
    expect(slaFirings(await trail(jumped, jumpedId))).toEqual(expected);
    await smooth.close();
    await jumped.close();
  });

  it('should fire nothing twice, lose nothing, and record no negative duration when the clock jumps backwards', async () => {
    // given: a case whose 14:00 reminder has fired, and a second case started at 14:20
    const clock = new SteppedClock(MONDAY);
    const engine = engineOn(clock);
    await engine.deploy(APPROVAL_XML);
    const first = await engine.start('cross-department-approval', { variables: REQUEST });
    await clock.flow(at('2026-11-23T14:20:00'));
    const second = await engine.start('cross-department-approval', { variables: REQUEST });
    await clock.flow(at('2026-11-23T14:30:00'));
    expect(slaFirings(await trail(engine, first.id))).toHaveLength(1);

    // when: the clock is stepped back five hours, the second case's review is done "at 09:40", and time flows on to 19:00
    await clock.jump(at('2026-11-23T09:30:00'));
    await clock.flow(at('2026-11-23T09:40:00'));
    const [review] = (await engine.tasks({ instanceId: second.id })).items;
    await engine.complete(review.id, { by: 'li', variables: { decision: 'approve' } });
    await clock.flow(at('2026-11-23T19:00:00'));

    // then: the 14:00 reminder fired once, the 18:00 breach once — the same firings as without the jump
    const reference = new VirtualClock(MONDAY);
    const straight = engineOn(reference);
    await straight.deploy(APPROVAL_XML);
    const straightId = (await straight.start('cross-department-approval', { variables: REQUEST })).id;
    await reference.advanceTo(at('2026-11-23T19:00:00'));
    expect(slaFirings(await trail(engine, first.id))).toEqual(slaFirings(await trail(straight, straightId)));
    // every trail's times go forward only
    for (const id of [first.id, second.id]) expect(nonDecreasing((await trail(engine, id)).map((e) => e.time)), id).toBe(true);
    // no execution ends before it starts, and the report has no negative cycle time
    const { items } = await engine.activities({ limit: 1000 });
    expect(items.filter((a) => a.endedAt !== undefined && a.endedAt < a.startedAt)).toEqual([]);
    const report = await engine.report({ processId: 'cross-department-approval' });
    for (const node of report.nodes) {
      for (const value of [node.cycle.medianMs, node.cycle.p90Ms, node.cycle.maxMs]) expect(value ?? 0, node.node).toBeGreaterThanOrEqual(0);
    }
    await engine.close();
    await straight.close();
  });

  it('should fire what a forward step of the system clock made due within maxWaitMs, once (WallClock)', async () => {
    // given: a real-time engine whose first reminder is five hours away
    let skew = 0;
    const clock = new WallClock({ start: at('2026-11-23T09:00:00'), systemTime: () => Date.now() + skew, maxWaitMs: 20 });
    const engine = engineOn(clock);
    await engine.deploy(APPROVAL_XML);
    const started = await engine.start('cross-department-approval', { variables: REQUEST });
    await sleep(50);
    expect(slaFirings(await trail(engine, started.id))).toEqual([]);

    // when: the system clock is stepped forward by a day
    skew += 24 * 3_600_000;

    // then: the 4-working-hour reminder (14:00) and, at one working day (Tuesday 09:00), the breach and the first repeat fire at once, each once
    await until('the reminder and the breach fired', async () => slaFirings(await trail(engine, started.id)).length >= 3, 5_000);
    await sleep(100);
    const firings = slaFirings(await trail(engine, started.id));
    expect(new Set(firings).size).toBe(firings.length);
    const hours = (h: number) => new Date(started.startedAt + h * 3_600_000).toISOString();
    expect(firings.map((f) => f.split(' due ')[1])).toEqual([hours(5), hours(24), hours(24)]);
    await engine.close();
  });

  it('should hold engine time still while the system clock was stepped back, so nothing fires twice and no duration is negative (WallClock)', async () => {
    // given: 36,000× time (ten engine hours a real second); a case past its 14:00 reminder
    let skew = 0;
    const clock = new WallClock({ speed: 36_000, start: MONDAY, systemTime: () => Date.now() + skew, maxWaitMs: 5 });
    const engine = engineOn(clock);
    await engine.deploy(APPROVAL_XML);
    const first = await engine.start('cross-department-approval', { variables: REQUEST });
    await until('the 14:00 reminder fired', async () => slaFirings(await trail(engine, first.id)).length >= 1, 5_000);
    const second = await engine.start('cross-department-approval', { variables: REQUEST });

    // when: the system clock is stepped back by half a second (five engine hours) and the second review is done right away
    skew -= 500;
    const [review] = (await engine.tasks({ instanceId: second.id })).items;
    await engine.complete(review.id, { by: 'li', variables: { decision: 'approve' } });
    // and time runs on past the breach (Tuesday 09:00)
    await until('the breach fired', async () => (await trail(engine, first.id)).some((e) => e.type === 'sla.breached'), 10_000);

    // then: no timer fired twice — each (rule, due time) appears once — and the 14:00 reminder is among them
    const firings = slaFirings(await trail(engine, first.id));
    expect(new Set(firings).size).toBe(firings.length);
    expect(firings.map((f) => f.split(' due ')[1])).toContain(new Date(first.startedAt + 5 * 3_600_000).toISOString());
    for (const id of [first.id, second.id]) expect(nonDecreasing((await trail(engine, id)).map((e) => e.time)), id).toBe(true);
    const { items } = await engine.activities({ limit: 1000 });
    expect(items.filter((a) => a.endedAt !== undefined && a.endedAt < a.startedAt)).toEqual([]);
    await engine.close();
  }, 30_000);
});
