import { util, type Context, type DynamoDBQueryRequest } from '@aws-appsync/utils';
import { fail, raiseDataSourceError } from './errors.ts';

export const DEFAULT_PAGE_SIZE = 20;
/** Also the most keys one `BatchGetItem` takes: a page's items are fetched in one request. */
export const MAX_PAGE_SIZE = 100;

export interface Page<T> {
  items: T[];
  nextToken: string | null;
}

export interface PageArguments {
  limit?: number | null;
  nextToken?: string | null;
}

export function pageLimit(limit: number | null | undefined): number {
  if (limit === null || limit === undefined) return DEFAULT_PAGE_SIZE;
  if (limit < 1 || limit > MAX_PAGE_SIZE) {
    fail('BAD_REQUEST', `limit must be between 1 and ${MAX_PAGE_SIZE}, not ${limit}`);
  }
  return limit;
}

export interface OwnerQuery {
  ownerId: string;
  index?: string;
  /** Items whose sort key starts with `prefix`; all of the owner's items when absent. */
  sortKey?: { name: string; prefix: string };
  descending?: boolean;
  page?: PageArguments;
}

/** A query of one owner's items, optionally of one sort-key prefix, one page at a time. */
export function queryOwnerItems(query: OwnerQuery): DynamoDBQueryRequest {
  const values: Record<string, string> = { ':ownerId': query.ownerId };
  let expression = 'ownerId = :ownerId';
  if (query.sortKey) {
    expression = `${expression} AND begins_with(#sortKey, :prefix)`;
    values[':prefix'] = query.sortKey.prefix;
  }
  return {
    operation: 'Query',
    index: query.index,
    query: {
      expression,
      expressionNames: query.sortKey ? { '#sortKey': query.sortKey.name } : undefined,
      expressionValues: util.dynamodb.toMapValues(values),
    },
    scanIndexForward: !query.descending,
    limit: query.page ? pageLimit(query.page.limit) : undefined,
    nextToken: query.page?.nextToken ?? undefined,
  };
}

/** The page a `Query` returned. */
export function pageOf<T>(ctx: Context): Page<T> {
  raiseDataSourceError(ctx);
  return { items: ctx.result.items as T[], nextToken: ctx.result.nextToken ?? null };
}
