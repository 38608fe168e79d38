// The other half of the IAM conformance check (policy.ts refuses what a role does not grant):
// which grants no recorded call needed. Each Allow statement's action is held against each of its
// resources: a pair that no call of any scenario matched is a grant to remove, or a code path to
// give a scenario.

import { actionMatches, type FunctionPolicy, type RecordedCall, resourceMatches } from './policy.ts';

/**
 * Used by Lambda's own poller of the table stream (the event source mapping), not by the function's
 * code: no proxy ever sees these calls, and the function cannot run without them.
 */
const EVENT_SOURCE_ACTIONS = new Set(['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams']);

/**
 * Grants a code path needs that no scenario reaches yet, each with that path: a role without them
 * would fail there on AWS. Keyed `<function>: <statement>: <action>`, for every resource of it.
 */
export const NEEDED_WITHOUT_SCENARIO: Readonly<Record<string, string>> = {
  'render: DeleteStagedRenders: s3:DeleteObject': 'an upload built after an embargo fell due releases it, and finalize deletes its staged render',
  'release: TakeDownWithdrawn: s3:DeleteObject': 'every finalize finishes the take-downs a failed build left (takeDowns.ts)',
  'finalize: TakeDownWithdrawn: s3:DeleteObject': 'a fanned-out build with a withdrawal takes its files down',
  'release: Records: dynamodb:BatchGetItem': 'a release that re-renders documents reads their page histories in batches (planJobs.ts)',
  'renderJob: ListSources: s3:ListBucket': 'a source file deleted since planning is a 404 (the job names it), not a 403',
  'renderJob: ListSite: s3:ListBucket': 'a HEAD of a file not uploaded yet answers 404 (attachments compared by sha256)',
  'renderJob: WriteDocuments: s3:GetObject': 'a new version archives the page it replaces (archive.ts), read back first',
  'notify: Deliveries: dynamodb:GetItem': 'a sender that lost a race to save the circuit reads it again (send.ts passGate, updateCircuit)',
};

/** `<statement>: <action> on <resource>` for every granted pair under `prefixes` that no call in `calls` matched. */
export function unusedGrants(policy: Pick<FunctionPolicy, 'statements'>, calls: readonly RecordedCall[], prefixes: readonly string[]): string[] {
  const unused: string[] = [];
  for (const statement of policy.statements) {
    if (statement.effect !== 'Allow') continue;
    for (const action of statement.actions) {
      if (!prefixes.some((prefix) => action.toLowerCase().startsWith(prefix)) || EVENT_SOURCE_ACTIONS.has(action)) continue;
      for (const resource of statement.resources) {
        const needed = calls.some((call) => call.allowed && actionMatches(action, call.action) && resourceMatches(resource, call.resource));
        if (!needed) unused.push(`${statement.sid}: ${action} on ${resource}`);
      }
    }
  }
  return unused;
}
