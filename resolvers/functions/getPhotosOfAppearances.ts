import { runtime, type DynamoDBBatchGetItemRequest } from '@aws-appsync/utils';
import type { AppearanceRecord, PhotoRecord } from '../../model/domain.ts';
import { photosTable } from '../../model/tables.ts';
import { batchGetItems, batchItems, distinct } from '../lib/batches.ts';
import type { FieldContext } from '../lib/context.ts';
import { callerOwnerId } from '../lib/owner.ts';
import type { Page } from '../lib/pages.ts';

type PageContext = FieldContext<unknown, unknown, { nextToken: string | null }>;

export function request(ctx: PageContext): DynamoDBBatchGetItemRequest {
  const appearances = ctx.prev.result as Page<AppearanceRecord>;
  ctx.stash.nextToken = appearances.nextToken;
  const photoIds = distinct(appearances.items.map((appearance) => appearance.photoId));
  if (photoIds.length === 0) runtime.earlyReturn({ items: [], nextToken: appearances.nextToken });

  const ownerId = callerOwnerId(ctx);
  return batchGetItems(
    ctx,
    photosTable,
    photoIds.map((photoId) => ({ ownerId, photoId })),
  );
}

export function response(ctx: PageContext): Page<PhotoRecord> {
  return { items: batchItems<PhotoRecord>(ctx, photosTable), nextToken: ctx.stash.nextToken };
}
