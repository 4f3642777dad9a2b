import type { DynamoDBQueryRequest } from '@aws-appsync/utils';
import type { AppearanceRecord, PhotoRecord } from '../model/domain.ts';
import { queryPhotoAppearances } from './lib/appearances.ts';
import type { FieldContext } from './lib/context.ts';
import { callerOwnerId } from './lib/owner.ts';
import { pageOf } from './lib/pages.ts';

type PhotoContext = FieldContext<Record<string, never>, PhotoRecord>;

export function request(ctx: PhotoContext): DynamoDBQueryRequest {
  return queryPhotoAppearances(callerOwnerId(ctx), ctx.source.photoId);
}

export function response(ctx: PhotoContext): AppearanceRecord[] {
  return pageOf<AppearanceRecord>(ctx).items;
}
