import { util, type Context, type DynamoDBPutItemRequest } from '@aws-appsync/utils';
import { RECLUSTER_DUE_LEASE } from '../model/tables.ts';
import { raiseDataSourceError } from './lib/errors.ts';
import { callerOwnerId } from './lib/owner.ts';

// Older than any quiet period, so the next scheduled run takes the owner. A note the ingestion
// left is replaced by an earlier one, never postponed.
const LONG_AGO = '1970-01-01T00:00:00.000Z';

export function request(ctx: Context): DynamoDBPutItemRequest {
  return {
    operation: 'PutItem',
    key: util.dynamodb.toMapValues({ ownerId: callerOwnerId(ctx), leaseName: RECLUSTER_DUE_LEASE }),
    attributeValues: util.dynamodb.toMapValues({
      dueSince: LONG_AGO,
      requestedAt: util.time.nowISO8601(),
    }),
  };
}

export function response(ctx: Context): boolean {
  raiseDataSourceError(ctx);
  return true;
}
