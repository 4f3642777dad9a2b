import { util, type Context, type DynamoDBBatchGetItemRequest } from '@aws-appsync/utils';
import type { TableDefinition } from '../../model/tables.ts';
import { raiseDataSourceError } from './errors.ts';

/** Each value once, in first-seen order. */
export function distinct(values: string[]): string[] {
  return values.filter((value, index) => values.indexOf(value) === index);
}

/**
 * One `BatchGetItem` of a table's items (at most 100 keys). Batch operations name their table:
 * its deployed name reaches resolvers as an AppSync environment variable.
 */
export function batchGetItems(
  ctx: Context,
  table: TableDefinition,
  keys: Record<string, string>[],
): DynamoDBBatchGetItemRequest {
  return {
    operation: 'BatchGetItem',
    tables: {
      [ctx.env[table.envName] ?? table.envName]: {
        keys: keys.map((key) => util.dynamodb.toMapValues(key)),
      },
    },
  };
}

/** The items a `BatchGetItem` found, in the order of its keys; missing ones are left out. */
export function batchItems<T>(ctx: Context, table: TableDefinition): T[] {
  raiseDataSourceError(ctx);
  const found = (ctx.result.data[ctx.env[table.envName] ?? table.envName] ?? []) as (T | null)[];
  return found.filter((item) => item !== null) as T[];
}
