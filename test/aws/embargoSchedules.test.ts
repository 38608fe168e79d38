// One-time release schedules, against a fake Scheduler endpoint that keeps schedules by name as
// EventBridge Scheduler does (a second CreateSchedule of a name is a ConflictException).

import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleName, scheduleReleases } from '../../src/aws/embargoSchedules.ts';
import { idPattern } from '../../src/content/ids.ts';
import { type FakeScheduler, startFakeScheduler } from '../functions/harness.ts';

let fake: FakeScheduler;
let client: SchedulerClient;
const target = {
  groupName: 'Gazette-embargo',
  roleArn: 'arn:aws:iam::123456789012:role/scheduler',
  functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:release',
  deadLetterArn: 'arn:aws:sqs:us-east-1:123456789012:release-failures',
};

beforeAll(async () => {
  fake = await startFakeScheduler();
  client = new SchedulerClient({ region: 'us-east-1', endpoint: fake.url, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
});

afterAll(async () => {
  client.destroy();
  await fake.close();
});

// Two permanent ids of the longest kind allowed, equal in their first 60 characters.
const prefix = 'press-2010-huainan-municipal-government-information-office-q';
const longA = `${prefix}and1`;
const longB = `${prefix}and2`;

describe('release schedule names', () => {
  it('keeps the name of a short id as it always was, so existing schedules are still updated in place', () => {
    expect(scheduleName('press-2010-embargoed')).toBe('release-press-2010-embargoed');
  });

  it('gives two long ids that share their first 56 characters two different names', async () => {
    expect(idPattern.test(longA) && idPattern.test(longB)).toBe(true);
    await scheduleReleases(client, target, [
      { documentId: longA, publishAt: '2010-06-30T10:00:00+08:00' },
      { documentId: longB, publishAt: '2010-07-01T10:00:00+08:00' },
    ]);
    const names = [scheduleName(longA), scheduleName(longB)];
    expect(new Set(names).size).toBe(2);
    for (const name of names) {
      const schedule = fake.schedules.get(name);
      expect(schedule?.method).toBe('POST');
      // Scheduler's limits, and the render role's resource pattern `…/<group>/release-*`.
      expect(name).toMatch(/^release-[0-9A-Za-z_.-]+$/);
      expect(name.length).toBeLessThanOrEqual(64);
    }
    const input = (fake.schedules.get(scheduleName(longB))?.body['Target'] as { Input?: string } | undefined)?.Input;
    expect(JSON.parse(input ?? 'null')).toEqual({ publishAt: '2010-07-01T10:00:00+08:00', documentId: longB });
  });

  it('names a long id the same way on every publish, so a moved embargo moves its one schedule', async () => {
    const id = `${prefix}and3`;
    await scheduleReleases(client, target, [{ documentId: id, publishAt: '2010-06-30T10:00:00+08:00' }]);
    const moved = await scheduleReleases(client, target, [{ documentId: id, publishAt: '2010-06-30T11:00:00+08:00' }]);
    expect(moved).toEqual({ created: 0, updated: 1 });
    expect(fake.schedules.get(scheduleName(id))?.body['ScheduleExpression']).toBe('at(2010-06-30T03:00:00)');
  });
});
