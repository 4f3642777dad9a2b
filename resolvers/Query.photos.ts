import type { Context, DynamoDBQueryRequest } from '@aws-appsync/utils';
import type { QueryPhotosArgs } from '../generated/graphql.ts';
import type { PhotoRecord } from '../model/domain.ts';
import { PHOTOS_BY_STATUS } from '../model/tables.ts';
import { callerOwnerId } from './lib/owner.ts';
import { pageOf, queryOwnerItems, type Page } from './lib/pages.ts';

export function request(ctx: Context<QueryPhotosArgs>): DynamoDBQueryRequest {
  return queryOwnerItems({
    ownerId: callerOwnerId(ctx),
    index: PHOTOS_BY_STATUS,
    sortKey: { name: 'statusCreatedAt', prefix: `${ctx.args.status}#` },
    descending: true,
    page: ctx.args,
  });
}

export function response(ctx: Context<QueryPhotosArgs>): Page<PhotoRecord> {
  return pageOf<PhotoRecord>(ctx);
}
