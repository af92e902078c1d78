/**
 * The events an instance machine accepts, and what starts one. Every event
 * carries its time (`at`, from the engine's clock) and its actor: the core
 * never reads a clock.
 */

import type { Variables } from './state.js';

export interface StartInput {
  id: string;
  at: number;
  actor: string;
  variables: Variables;
  businessKey?: string;
  /** Start event to start from; default: the process's none start event. */
  startNode?: string;
  /** Set for a called instance. */
  parent?: { instance: string; exec: string };
  depth?: number;
  /** Names the caller holds sensitive: a called instance redacts them too. */
  sensitive?: string[];
}

export interface Actor {
  /** `system` or a user id. */
  id: string;
  /** Groups of the user, for candidate-group checks. */
  groups?: string[];
}

export type InstanceEvent =
  | { type: 'task.complete'; at: number; actor: Actor; taskId: string; variables?: Variables }
  | { type: 'task.claim'; at: number; actor: Actor; taskId: string; user: string | null }
  | {
      type: 'task.assign';
      at: number;
      actor: Actor;
      taskId: string;
      assignee?: string | null;
      candidateUsers?: string[];
      candidateGroups?: string[];
    }
  | { type: 'message'; at: number; actor: Actor; subscriptionId: string; name: string; variables?: Variables }
  | { type: 'signal'; at: number; actor: Actor; name: string; variables?: Variables; sensitive?: string[] }
  | { type: 'timer'; at: number; timerId: string }
  | { type: 'job.complete'; at: number; jobId: string; variables?: Variables }
  | { type: 'job.fail'; at: number; jobId: string; error: string; retries?: number; retryAt?: number }
  | { type: 'job.error'; at: number; jobId: string; code: string; message?: string; variables?: Variables }
  | { type: 'child.complete'; at: number; exec: string; variables: Variables; sensitive?: string[] }
  | { type: 'child.error'; at: number; exec: string; code: string; message?: string; variables?: Variables; sensitive?: string[] }
  | { type: 'child.escalation'; at: number; exec: string; code: string; variables?: Variables; sensitive?: string[] }
  | { type: 'child.cancelled'; at: number; exec: string; message?: string }
  | { type: 'incident.resolve'; at: number; actor: Actor; incidentId: string; variables?: Variables }
  | { type: 'variables.set'; at: number; actor: Actor; variables: Variables }
  | { type: 'cancel'; at: number; actor: Actor; reason?: string };
