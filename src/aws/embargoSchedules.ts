// One EventBridge Scheduler one-time schedule per embargoed document: at its `publishAt` the
// release function runs with { publishAt, documentId }. Names derive from the document id, so a
// later publish updates the same schedule (a moved embargo moves it) instead of adding another;
// a schedule deletes itself after it ran.

import { createHash } from 'node:crypto';
import {
  ConflictException,
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  type SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import type { ContentSet } from '../content/model.ts';
import type { ReleasePayload } from './events.ts';

export interface EmbargoRelease {
  documentId: string;
  /** ISO 8601, as written in the front matter. */
  publishAt: string;
}

export interface ReleaseTarget {
  groupName: string;
  /** Role Scheduler assumes to invoke the function. */
  roleArn: string;
  functionArn: string;
  /** Where Scheduler puts an invocation that failed all its retries. */
  deadLetterArn: string;
}

/** Documents still under embargo at `now`, in time order. */
export function pendingReleases(content: Pick<ContentSet, 'documents'>, now: Date): EmbargoRelease[] {
  return content.documents
    .filter((doc) => !doc.draft && doc.publishAt !== undefined && Date.parse(doc.publishAt) > now.getTime())
    .map((doc) => ({ documentId: doc.id, publishAt: doc.publishAt as string }))
    .sort((a, b) => Date.parse(a.publishAt) - Date.parse(b.publishAt) || (a.documentId < b.documentId ? -1 : 1));
}

const NAME_LIMIT = 64;
const HASH_LENGTH = 10;

/**
 * Scheduler names: letters, digits, `-_.`, at most 64 characters, always starting `release-` (the
 * render role may create only those). A name that had to be cut or changed ends in a hash of the
 * whole id, so two long ids sharing a prefix get two schedules; other names stay as they always were.
 */
export function scheduleName(documentId: string): string {
  const name = `release-${documentId.replace(/[^0-9A-Za-z_.-]/g, '_')}`;
  if (name.length <= NAME_LIMIT && name === `release-${documentId}`) return name;
  const hash = createHash('sha256').update(documentId).digest('hex').slice(0, HASH_LENGTH);
  return `${name.slice(0, NAME_LIMIT - HASH_LENGTH - 1)}-${hash}`;
}

/** `at(yyyy-mm-ddThh:mm:ss)` in UTC, rounded up to the second. */
export function atExpression(publishAt: string): string {
  const seconds = Math.ceil(Date.parse(publishAt) / 1000);
  return `at(${new Date(seconds * 1000).toISOString().slice(0, 19)})`;
}

export async function scheduleReleases(
  client: SchedulerClient,
  target: ReleaseTarget,
  releases: readonly EmbargoRelease[],
): Promise<{ created: number; updated: number }> {
  let created = 0;
  let updated = 0;
  for (const release of releases) {
    const payload: ReleasePayload = { publishAt: release.publishAt, documentId: release.documentId };
    const input: CreateScheduleCommandInput = {
      Name: scheduleName(release.documentId),
      GroupName: target.groupName,
      ScheduleExpression: atExpression(release.publishAt),
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Description: `Gazette: release ${release.documentId} at ${release.publishAt}`,
      Target: {
        Arn: target.functionArn,
        RoleArn: target.roleArn,
        Input: JSON.stringify(payload),
        RetryPolicy: { MaximumRetryAttempts: 5, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: target.deadLetterArn },
      },
    };
    try {
      await client.send(new CreateScheduleCommand(input));
      created++;
    } catch (error) {
      if (!(error instanceof ConflictException)) throw error;
      await client.send(new UpdateScheduleCommand(input));
      updated++;
    }
  }
  return { created, updated };
}
