// The delivery port: the outbox and log of push jobs, one partition per partner. Its DynamoDB
// adapter lives beside it (`dynamodb.ts`) on the site's table: `pk=PARTNER#<id>`.

import type { DocumentKind } from '../content/model.ts';
import type { EndpointCircuit } from './circuit.ts';

export type DeliveryEvent = 'document.published' | 'document.updated' | 'document.withdrawn' | 'document.embargoed';
export type DeliveryStatus = 'pending' | 'delivered' | 'dead';

export interface DeliveryAttempt {
  /** ISO time the attempt started. */
  at: string;
  status?: number;
  latencyMs: number;
  error?: string;
}

/** A job as the outbox records it, before it has a sequence number. */
export interface NewDeliveryJob {
  partnerId: string;
  /** `webhook-id`: one per partner and document version, the same on every retry. */
  messageId: string;
  event: DeliveryEvent;
  documentId: string;
  version: number;
  kind: DocumentKind;
  createdAt: string;
  /** For `document.embargoed`: the embargo, sent as the `gazette-embargo-until` header too. */
  embargoUntil?: string;
  /** Builds the exact body once the partner's sequence number is known; retries resend these bytes. */
  payload: (sequence: number) => string;
}

export interface DeliveryJob extends Omit<NewDeliveryJob, 'payload'> {
  /** Per-partner order of changes, from 1 without gaps. */
  sequence: number;
  payload: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string;
  deliveredAt?: string;
  lastStatus?: number;
  lastLatencyMs?: number;
  lastError?: string;
  /** The most recent attempts, oldest first. */
  history: DeliveryAttempt[];
}

export interface PartnerDeliveryState {
  partnerId: string;
  disabled: boolean;
  /** Why and when the endpoint was disabled (e.g. it answered 410 Gone). */
  reason?: string;
  changedAt?: string;
}

/** What a sender needs of one partner: its endpoint state, its circuit and its pending jobs, read together. */
export interface PartnerQueue {
  state: PartnerDeliveryState;
  circuit: EndpointCircuit;
  /** Pending jobs in sequence order. */
  pending: DeliveryJob[];
}

export interface DeliveryStore {
  /**
   * Record jobs whose message id is new; a job already recorded is left as it is. Returns the new
   * ones. Each partner's new jobs get the next sequence numbers, in input order, without gaps.
   */
  createJobs(jobs: NewDeliveryJob[]): Promise<DeliveryJob[]>;
  /** A partner's jobs in sequence order, optionally only those in one status. */
  listJobs(partnerId: string, status?: DeliveryStatus): Promise<DeliveryJob[]>;
  /** A partner's state and pending jobs in one read. */
  readQueue(partnerId: string): Promise<PartnerQueue>;
  /**
   * Claim a pending job for one sender until `leaseUntil`, on condition that nobody recorded an
   * attempt since it was read. False when another sender got there first. Concurrent claims may
   * share one request; each still succeeds or fails on its own.
   */
  claimJob(job: DeliveryJob, leaseUntil: string, now: string): Promise<boolean>;
  /**
   * Save a job after an attempt, on condition that its attempts are still `expectedAttempts`
   * (DeliveryConflictError otherwise). Concurrent saves may share one request.
   */
  saveJob(job: DeliveryJob, expectedAttempts: number): Promise<void>;
  getPartnerState(partnerId: string): Promise<PartnerDeliveryState>;
  putPartnerState(state: PartnerDeliveryState): Promise<void>;
  /** The partner's circuit breaker (closed, version 0, when never saved). */
  getCircuit(partnerId: string): Promise<EndpointCircuit>;
  /**
   * Save a circuit on condition that it is still at the version it was read with; returns it as
   * saved (version bumped), or undefined when another sender changed it first.
   */
  saveCircuit(circuit: EndpointCircuit): Promise<EndpointCircuit | undefined>;
}

/** How many attempts a job keeps in its history. */
export const HISTORY_LIMIT = 20;

export class DeliveryConflictError extends Error {
  override name = 'DeliveryConflictError';
}
