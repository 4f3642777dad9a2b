import type { Context, DynamoDBQueryRequest } from '@aws-appsync/utils';
import type { QueryPeopleArgs } from '../generated/graphql.ts';
import type { PersonRecord } from '../model/domain.ts';
import { PEOPLE_BY_PHOTO_COUNT } from '../model/tables.ts';
import { callerOwnerId } from './lib/owner.ts';
import { pageOf, queryOwnerItems, type Page } from './lib/pages.ts';

export function request(ctx: Context<QueryPeopleArgs>): DynamoDBQueryRequest {
  return queryOwnerItems({
    ownerId: callerOwnerId(ctx),
    index: PEOPLE_BY_PHOTO_COUNT,
    descending: true,
    page: ctx.args,
  });
}

export function response(ctx: Context<QueryPeopleArgs>): Page<PersonRecord> {
  return pageOf<PersonRecord>(ctx);
}
