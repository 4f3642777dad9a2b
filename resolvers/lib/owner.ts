import { util, type AppSyncIdentityCognito, type Context } from '@aws-appsync/utils';

/**
 * The caller's owner id: the `sub` of its Cognito identity (the local runtime maps its API-key
 * callers to one). A caller without one is refused, whatever its arguments say.
 */
export function callerOwnerId(ctx: Context): string {
  const identity = ctx.identity as AppSyncIdentityCognito | null | undefined;
  const sub = identity?.sub;
  if (!sub) util.unauthorized();
  return sub;
}
