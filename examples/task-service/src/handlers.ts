/**
 * The service tasks of the three standard SOPs, by their `sop:type`. Each
 * returns the variables the process reads next. Delivery is at least once:
 * a handler with an outside effect uses `job.idempotencyKey` so that a
 * repeat does nothing twice. Here they only log (swap in your systems).
 */
import type { JobHandler } from '@sopflow/engine';

/** Handlers for order handling, complaint escalation and cross-department approval. */
export function sopHandlers(log: (line: string) => void = () => {}): Record<string, JobHandler> {
  return {
    'validate-order': (job) => {
      const { customer, items } = job.variables as { customer?: { name?: string }; items?: unknown[] };
      return { orderValid: Boolean(customer?.name) && Array.isArray(items) && items.length > 0 };
    },
    'ship-parcel': (job) => {
      log(`ship-parcel ${String(job.variables.orderNumber)} (${job.idempotencyKey})`);
      return { trackingNumber: `SF-${String(job.variables.orderNumber)}` };
    },
    'check-tracking': () => ({}),
    'notify-department-head': (job) => {
      log(`notify ${String(job.variables.department)}-heads of complaint ${job.instanceId}`);
      return {};
    },
    'notify-quality': (job) => {
      log(`notify quality-managers of complaint ${job.instanceId}`);
      return {};
    },
    'notify-risk-control': (job) => {
      log(`notify risk control of request ${job.instanceId}`);
      return {};
    },
    'archive-request': (job) => {
      log(`archive request ${job.instanceId}`);
      return {};
    },
  };
}
