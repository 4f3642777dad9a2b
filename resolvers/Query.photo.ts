import { util, type Context, type DynamoDBGetItemRequest } from '@aws-appsync/utils';
import type { QueryPhotoArgs } from '../generated/graphql.ts';
import type { PhotoRecord } from '../model/domain.ts';
import { fail, raiseDataSourceError } from './lib/errors.ts';
import { callerOwnerId } from './lib/owner.ts';

export function request(ctx: Context<QueryPhotoArgs>): DynamoDBGetItemRequest {
  return {
    operation: 'GetItem',
    key: util.dynamodb.toMapValues({ ownerId: callerOwnerId(ctx), photoId: ctx.args.photoId }),
  };
}

export function response(ctx: Context<QueryPhotoArgs>): PhotoRecord {
  raiseDataSourceError(ctx);
  if (!ctx.result) fail('PHOTO_NOT_FOUND', `No photo ${ctx.args.photoId}`);
  return ctx.result;
}
