import { util, type Context, type DynamoDBGetItemRequest } from '@aws-appsync/utils';
import type { QueryPersonArgs } from '../generated/graphql.ts';
import type { PersonRecord } from '../model/domain.ts';
import { fail, raiseDataSourceError } from './lib/errors.ts';
import { callerOwnerId } from './lib/owner.ts';

export function request(ctx: Context<QueryPersonArgs>): DynamoDBGetItemRequest {
  return {
    operation: 'GetItem',
    key: util.dynamodb.toMapValues({ ownerId: callerOwnerId(ctx), personId: ctx.args.personId }),
  };
}

export function response(ctx: Context<QueryPersonArgs>): PersonRecord {
  raiseDataSourceError(ctx);
  if (!ctx.result) fail('PERSON_NOT_FOUND', `No person ${ctx.args.personId}`);
  return ctx.result;
}
