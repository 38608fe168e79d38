// The event a deploy sends the render and feeds functions (an EventBridge rule on the stack's own
// status change, infra/gazetteStack.ts): publish the sources as they are, and write the feeds,
// with the deployed code.

export const DEPLOY_REBUILD_EVENT = { source: 'gazette.deploy', action: 'rebuild' } as const;

export function isDeployRebuild(event: unknown): event is typeof DEPLOY_REBUILD_EVENT {
  const value = event as Partial<typeof DEPLOY_REBUILD_EVENT> | null;
  return typeof value === 'object' && value !== null && value.source === DEPLOY_REBUILD_EVENT.source && value.action === DEPLOY_REBUILD_EVENT.action;
}
