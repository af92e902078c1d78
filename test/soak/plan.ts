/**
 * What happens to each case of the soak: which SOP, which scenario (after
 * the acceptance scenarios in examples/*\/scenarios), what the people answer
 * at each task, how long they take, and where the case must end. Pure and
 * deterministic by case number, so the worker processes (who act) and the
 * test (who checks) agree without talking.
 */
import type { Variables } from '@sopflow/engine';

export type Sop = 'order-handling' | 'complaint-escalation' | 'cross-department-approval';

export type Variant =
  | 'order.valid'
  | 'order.abnormal'
  | 'order.cancelled'
  | 'order.recheck'
  | 'order.delayed'
  | 'complaint.normal'
  | 'complaint.urgent'
  | 'complaint.quality'
  | 'approval.normal'
  | 'approval.rejected'
  | 'approval.urgent'
  | 'approval.idle';

/** Where a case must be when the soak ends. */
export interface Expected {
  status: 'completed' | 'running';
  /** End events it must have reached. */
  reached: string[];
  /** End events it must not have reached. */
  notReached: string[];
  /** Exactly these nodes entered this often (audit `node.entered`). */
  entered: Record<string, number>;
  /** For a case left waiting: the open tasks it waits at. */
  waitingAt?: string[];
}

export interface CasePlan {
  index: number;
  sop: Sop;
  variant: Variant;
  /** Business key (the correlation key of order and complaint). */
  key: string;
  /** Engine ms the people take before completing a task of this case. */
  thinkMs: number;
  /** Order: engine ms from the outbound check to `parcel-delivered`. */
  deliveryMs?: number;
  expected: Expected;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;

/** Case `index` of the soak. Pure. */
export function planOf(index: number): CasePlan {
  const kind = index % 10;
  const bucket = Math.floor(index / 10) % 20;
  // One order in a hundred is the delayed parcel of scenario 3: it waits 80 engine hours with its hourly tracking check.
  const delayed = kind === 0 && Math.floor(index / 10) % 25 === 0;
  const thinkMs = (15 + ((index * 7) % 31)) * MINUTE;
  if (kind < 4) {
    const variant: Variant = delayed ? 'order.delayed' : bucket <= 2 ? 'order.abnormal' : bucket === 3 ? 'order.cancelled' : bucket === 4 ? 'order.recheck' : 'order.valid';
    const cancelled = variant === 'order.cancelled';
    return {
      index,
      sop: 'order-handling',
      variant,
      key: `SO-${index}`,
      thinkMs,
      deliveryMs: variant === 'order.delayed' ? 80 * HOUR : (1 + (index % 2)) * HOUR + 5 * MINUTE,
      expected: {
        status: 'completed',
        reached: [cancelled ? 'EndEvent_OrderCancelled' : 'EndEvent_OrderCompleted'],
        notReached: [cancelled ? 'EndEvent_OrderCompleted' : 'EndEvent_OrderCancelled', 'EndEvent_PackingIncident'],
        entered: {
          Task_ReviewAbnormalOrder: variant === 'order.abnormal' || cancelled ? 1 : 0,
          Task_PickAndPack: cancelled ? 0 : 1,
          Task_OutboundCheck: cancelled ? 0 : variant === 'order.recheck' ? 2 : 1,
          Task_Recheck: variant === 'order.recheck' ? 1 : 0,
          Task_HandleDelayedParcel: variant === 'order.delayed' ? 1 : 0,
          Task_AfterSalesFeedback: cancelled ? 0 : 1,
        },
      },
    };
  }
  if (kind < 7) {
    const variant: Variant = bucket <= 3 ? 'complaint.urgent' : bucket <= 5 ? 'complaint.quality' : 'complaint.normal';
    const quality = variant === 'complaint.quality';
    return {
      index,
      sop: 'complaint-escalation',
      variant,
      key: `C-${index}`,
      // An urgent complaint is acknowledged after 40 minutes: its 30-minute first response is missed.
      thinkMs: variant === 'complaint.urgent' ? 40 * MINUTE : thinkMs,
      expected: {
        status: 'completed',
        reached: [quality ? 'EndEvent_EscalatedToQuality' : 'EndEvent_ComplaintClosed'],
        notReached: [quality ? 'EndEvent_ComplaintClosed' : 'EndEvent_EscalatedToQuality'],
        entered: { Task_AcknowledgeAndApologise: 1, Task_InvestigateAndResolve: quality ? 3 : 1, Task_CustomerFollowUp: quality ? 3 : 1 },
      },
    };
  }
  const variant: Variant = bucket === 0 ? 'approval.idle' : bucket <= 3 ? 'approval.urgent' : bucket <= 6 ? 'approval.rejected' : 'approval.normal';
  return {
    index,
    sop: 'cross-department-approval',
    variant,
    key: `R-${index}`,
    thinkMs,
    expected:
      variant === 'approval.idle'
        ? { status: 'running', reached: [], notReached: ['EndEvent_RequestApproved', 'EndEvent_RequestWithdrawn'], entered: { Task_InitialReview: 1, Task_Countersign: 0 }, waitingAt: ['Task_InitialReview'] }
        : {
            status: 'completed',
            reached: ['EndEvent_RequestApproved', ...(variant === 'approval.urgent' ? ['EndEvent_RiskControlInformed'] : [])],
            notReached: ['EndEvent_RequestWithdrawn'],
            entered: {
              Task_InitialReview: variant === 'approval.urgent' ? 0 : variant === 'approval.rejected' ? 2 : 1,
              Task_ReviseRequest: variant === 'approval.rejected' ? 1 : 0,
              // The multi-instance countersign is entered once as a whole and once per department (two): three per round.
              Task_Countersign: variant === 'approval.rejected' ? 6 : 3,
            },
          },
  };
}

const DEPARTMENTS = ['finance', 'it', 'legal', 'facilities'];
const CATEGORIES = ['delivery', 'billing', 'product', 'service'];

/** How the case starts: a message (order, complaint) or a start with form data (approval). Pure. */
export function startOf(plan: CasePlan): { message: string; key: string; variables: Variables } | { processId: Sop; variables: Variables } {
  const i = plan.index;
  switch (plan.sop) {
    case 'order-handling': {
      const abnormal = plan.variant === 'order.abnormal' || plan.variant === 'order.cancelled';
      return {
        message: 'order-received',
        key: plan.key,
        variables: { orderNumber: plan.key, customer: { name: `Customer ${i}` }, items: abnormal ? [] : [{ sku: `A-${i % 97}`, qty: 1 + (i % 3) }] },
      };
    }
    case 'complaint-escalation':
      return {
        message: 'complaint-received',
        key: plan.key,
        variables: { severity: plan.variant === 'complaint.urgent' ? 'urgent' : 'normal', channel: 'app', customerTier: i % 2 ? 'gold' : 'standard', category: CATEGORIES[i % 4] },
      };
    case 'cross-department-approval':
      return {
        processId: plan.sop,
        variables: {
          goal: `Request ${i}`,
          deadline: '2027-06-30',
          amount: (i * 7919) % 700_000,
          departments: [DEPARTMENTS[i % 4], DEPARTMENTS[(i + 1) % 4]],
          urgent: plan.variant === 'approval.urgent',
          applicant: `applicant-${i}`,
          applicantManager: plan.variant === 'approval.idle' ? 'idle-reviewer' : `manager-${i}`,
          managerDepartment: 'operations',
        },
      };
  }
}

/**
 * What the people answer at a task of this case; `nth` counts earlier
 * completions of the same node in this case (0 for the first). `undefined`:
 * nobody works on it (the idle reviewer). Pure.
 */
export function answerOf(plan: CasePlan, node: string, nth: number, task: { candidateGroups: string[] }): Variables | undefined {
  switch (node) {
    case 'Task_ReviewAbnormalOrder':
      return { decision: plan.variant === 'order.cancelled' ? 'cancel' : 'continue' };
    case 'Task_OutboundCheck':
      return { checkResult: plan.variant === 'order.recheck' && nth === 0 ? 'mismatch' : 'match' };
    case 'Task_AfterSalesFeedback':
      return { rating: 1 + (plan.index % 5) };
    case 'Task_InvestigateAndResolve':
    case 'Task_HeadResolvesComplaint':
      return { resolution: `resolution ${nth + 1}` };
    case 'Task_CustomerFollowUp':
      return { satisfied: plan.variant !== 'complaint.quality' };
    case 'Task_InitialReview':
      return plan.variant === 'approval.idle' ? undefined : { decision: 'approve' };
    case 'Task_Countersign': {
      // The rejected variant: the second department's head rejects the first round, with a reason.
      const second = `${DEPARTMENTS[(plan.index + 1) % 4]}-heads`;
      const reject = plan.variant === 'approval.rejected' && nth < 2 && task.candidateGroups.includes(second);
      return reject ? { approved: false, reason: 'Integration plan with the WMS is missing' } : { approved: true, reason: '' };
    }
    case 'Task_ReviseRequest':
      return { withdraw: false, goal: `Request ${plan.index}, revised` };
    case 'Task_FinalApprovalDirector':
    case 'Task_FinalApprovalVicePresident':
    case 'Task_FinalApprovalCeo':
      return { approved: true };
    default:
      // Lead review, re-check, delayed parcel, supervisor intervention, packing incident: done, nothing to add.
      return {};
  }
}
