import { extensions, util, type Context, type NONERequest } from '@aws-appsync/utils';
import { callerOwnerId } from './lib/owner.ts';

export function request(): NONERequest {
  return { payload: null };
}

// A subscriber hears of its own owner's people only, whoever publishes.
export function response(ctx: Context): null {
  const filter = util.transform.toSubscriptionFilter({ ownerId: { eq: callerOwnerId(ctx) } });
  extensions.setSubscriptionFilter(filter);
  return null;
}
