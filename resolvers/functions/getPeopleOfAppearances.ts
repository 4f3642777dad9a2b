import { runtime, type DynamoDBBatchGetItemRequest } from '@aws-appsync/utils';
import type { AppearanceRecord, PersonRecord } from '../../model/domain.ts';
import { peopleTable } from '../../model/tables.ts';
import { batchGetItems, batchItems, distinct } from '../lib/batches.ts';
import type { FieldContext } from '../lib/context.ts';
import { callerOwnerId } from '../lib/owner.ts';

type PhotoContext = FieldContext<unknown, unknown>;

export function request(ctx: PhotoContext): DynamoDBBatchGetItemRequest {
  const appearances = ctx.prev.result as AppearanceRecord[];
  const personIds = distinct(
    appearances
      .map((appearance) => appearance.personId ?? '')
      .filter((personId) => personId !== ''),
  );
  if (personIds.length === 0) runtime.earlyReturn([]);

  const ownerId = callerOwnerId(ctx);
  return batchGetItems(
    ctx,
    peopleTable,
    personIds.map((personId) => ({ ownerId, personId })),
  );
}

export function response(ctx: PhotoContext): PersonRecord[] {
  return batchItems<PersonRecord>(ctx, peopleTable);
}
