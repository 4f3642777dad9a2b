import type { DynamoDBQueryRequest } from '@aws-appsync/utils';
import type { PersonAppearancesArgs } from '../generated/graphql.ts';
import type { AppearanceRecord, PersonRecord } from '../model/domain.ts';
import { queryPersonAppearances } from './lib/appearances.ts';
import type { FieldContext } from './lib/context.ts';
import { callerOwnerId } from './lib/owner.ts';
import { pageOf, type Page } from './lib/pages.ts';

type PersonContext = FieldContext<PersonAppearancesArgs, PersonRecord>;

export function request(ctx: PersonContext): DynamoDBQueryRequest {
  return queryPersonAppearances(callerOwnerId(ctx), ctx.source.personId, ctx.args);
}

export function response(ctx: PersonContext): Page<AppearanceRecord> {
  return pageOf<AppearanceRecord>(ctx);
}
