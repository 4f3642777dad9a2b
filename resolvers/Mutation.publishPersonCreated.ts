import type { Context, NONERequest } from '@aws-appsync/utils';
import type { MutationPublishPersonCreatedArgs, PersonCreatedEvent } from '../generated/graphql.ts';

// Only the ingestion (IAM) may call this; AppSync hands its result to the subscriptions.
export function request(ctx: Context<MutationPublishPersonCreatedArgs>): NONERequest {
  return { payload: ctx.args.input };
}

export function response(ctx: Context<MutationPublishPersonCreatedArgs>): PersonCreatedEvent {
  return ctx.result;
}
