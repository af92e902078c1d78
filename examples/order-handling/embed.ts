/**
 * The order-handling SOP embedded in a program: the engine on a SQLite
 * file with real job handlers (validate, ship, check tracking), two orders
 * — one valid, taken to delivery and feedback with the parcel-delivered
 * message; one abnormal, left at the order desk until its reminder and the
 * escalation to the lead come — and the audit trails checked.
 *
 *   npm run example -- order
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine, formatDateTime, parseCalendarFile, VirtualClock, type EngineEvent } from '@sopflow/engine';
import { openSqliteStore } from '@sopflow/store-sqlite';

const ZONE = 'Asia/Shanghai';
const here = new URL('.', import.meta.url);

// The store: one SQLite file (./orders.db in a real application; a temp folder here).
const folder = mkdtempSync(join(tmpdir(), 'sopflow-order-'));
const store = openSqliteStore(join(folder, 'orders.db'));

// A virtual clock: hours pass in milliseconds, always the same way. In production: new WallClock().
const clock = new VirtualClock('2026-11-23T09:00+08:00'); // a Monday, 09:00 in Shanghai
const now = () => formatDateTime(clock.now(), ZONE).slice(0, 16).replace('T', ' ');
const say = (text: string) => console.log(`[${now()}] ${text}`);

interface Order {
  orderNumber: string;
  customer?: { name: string };
  items?: Array<{ sku: string; qty: number }>;
}

const engine = createEngine({
  store,
  clock,
  timeZone: ZONE,
  calendars: parseCalendarFile(readFileSync(new URL('../calendars.json', here), 'utf8'), 'calendars.json'),
  // The service tasks, by their sop:type. Delivery is at least once: a real handler uses job.idempotencyKey.
  handlers: {
    'validate-order': (job) => {
      const order = job.variables as unknown as Order;
      const orderValid = Boolean(order.customer?.name) && (order.items?.length ?? 0) > 0;
      say(`validate-order ${order.orderNumber}: ${orderValid ? 'valid' : 'missing customer or items'}`);
      return { orderValid };
    },
    'ship-parcel': (job) => {
      const trackingNumber = `SF${job.idempotencyKey.replace(/\W/g, '').slice(-8).toUpperCase()}`;
      say(`ship-parcel ${String(job.variables.orderNumber)}: handed to the carrier, tracking ${trackingNumber}`);
      return { trackingNumber };
    },
    'check-tracking': (job) => {
      say(`check-tracking ${String(job.variables.trackingNumber)}: in transit`);
      return {};
    },
  },
});

/** What the mail server would get. */
function email(to: string, subject: string): void {
  say(`E-mail to ${to}\n${' '.repeat(19)}Subject: ${subject}`);
}

function groupsOf(event: EngineEvent): string {
  const data = event.data as { candidateGroups?: string[]; task?: { candidateGroups?: string[] } };
  return (data.candidateGroups ?? data.task?.candidateGroups ?? []).map((g) => `group:${g}`).join(', ');
}

engine.on('task.created', (e) => email(groupsOf(e), `New task: ${e.nodeName} for order ${e.businessKey}`));
engine.on('sla.reminder', (e) => email(groupsOf(e), `Reminder: ${e.nodeName} for order ${e.businessKey} is due at ${formatDateTime(e.data.due as number, ZONE).slice(11, 16)}`));
engine.on('sla.breached', (e) => say(`SLA breached: ${e.nodeName} for order ${e.businessKey}`));
engine.on('escalation.thrown', (e) => say(`Escalated ${String(e.data.code)} from ${e.nodeName}`));
engine.on('instance.completed', (e) => say(`Order ${e.businessKey} finished`));

await engine.deploy(readFileSync(new URL('order-handling.bpmn', here)));

/** An order arrives: the message that starts the SOP, keyed by the order number. */
async function receive(order: Order): Promise<string> {
  const { started } = await engine.correlate('order-received', { key: order.orderNumber, variables: { ...order } });
  await engine.idle();
  return started[0];
}

/** Completes the open task at `node` of an order, as `by`. */
async function work(caseId: string, node: string, by: { id: string; groups: string[] }, variables: Record<string, unknown> = {}): Promise<void> {
  const [task] = (await engine.tasks({ instanceId: caseId, node })).items;
  say(`${by.id} completes ${task.name}${Object.keys(variables).length ? ` with ${JSON.stringify(variables)}` : ''}`);
  await engine.complete(task.id, { by, variables });
  await engine.idle();
}

const warehouse = { id: 'lin', groups: ['warehouse'] };
const valid = await receive({ orderNumber: 'SO-1001', customer: { name: 'Wang Fang' }, items: [{ sku: 'A-1', qty: 2 }] });
const abnormal = await receive({ orderNumber: 'SO-1002', items: [] });

await clock.advance('PT1H');
await work(valid, 'Task_PickAndPack', warehouse);
await work(valid, 'Task_OutboundCheck', warehouse, { checkResult: 'match' });

// The abnormal order waits at the order desk: reminder at 1.5 working hours, the lead's task at 2.
await clock.advance('PT2H30M');
await work(abnormal, 'Task_ReviewAbnormalOrder', { id: 'ma', groups: ['order-desk'] }, { decision: 'cancel' });
await work(abnormal, 'Task_LeadReviewAbnormalOrder', { id: 'gao', groups: ['order-desk-lead'] });

// The carrier reports the delivery: a message correlated by the order number ends the wait.
const delivered = await engine.correlate('parcel-delivered', { key: 'SO-1001', variables: { deliveredAt: now() } });
say(`parcel-delivered SO-1001: delivered to ${delivered.correlated.length} waiting order`);
await clock.advance('PT2H');
await work(valid, 'Task_AfterSalesFeedback', { id: 'zhou', groups: ['customer-service'] }, { rating: 5 });

for (const [key, id] of [['SO-1001', valid], ['SO-1002', abnormal]]) {
  const { status } = await engine.instance(id);
  const { ok } = await engine.audit.verify(id);
  say(`${key}: ${status}; audit trail ${ok ? 'verified' : 'BROKEN'}`);
}

await engine.close();
await store.close();
rmSync(folder, { recursive: true, force: true });
